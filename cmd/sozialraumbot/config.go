package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/directory"
)

// runConfig prints the effective configuration with secrets masked, after
// checking it fully: every setting, and the staff's districts against the
// directory that serve would load.
func runConfig(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("config", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: sozialraumbot config [flags]")
		fmt.Fprintln(fs.Output(), "\nPrints the effective configuration (defaults < file < environment < flags), secrets masked.")
		fmt.Fprintln(fs.Output(), "Exits 1 when a setting is invalid.\n\nFlags:")
		fs.PrintDefaults()
	}
	flags := config.AddFlags(fs)
	if help, err := parseFlags(fs, args, 0); help || err != nil {
		return err
	}
	cfg, err := config.LoadFlags(e.getenv, flags)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	dir, err := configDirectory(cfg)
	if err != nil {
		return fmt.Errorf("DIRECTORY_FILE: %w", err)
	}
	var ids []string
	for _, d := range dir.Districts() {
		ids = append(ids, d.ID)
	}
	if err := cfg.CheckDistricts(ids); err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	fmt.Fprint(e.stdout, cfg.Masked())
	if err := cfg.CheckServe(); err != nil {
		fmt.Fprintf(e.stdout, "\nserve would refuse to start:\n%v\n", err)
	}
	return nil
}

// configDirectory loads the directory the configuration names, or the embedded one.
func configDirectory(cfg config.Config) (*directory.Directory, error) {
	if cfg.DirectoryFile != "" {
		return directory.LoadFile(cfg.DirectoryFile)
	}
	return directory.Default()
}
