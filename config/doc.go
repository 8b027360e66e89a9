// Package config reads, validates and prints the settings of Sozialraumbot.
//
// Settings come from four layers, later ones winning:
//
//  1. built-in defaults (see Defaults),
//  2. an optional YAML file (path in SOZIALRAUMBOT_CONFIG or the -config flag) for
//     the structured parts: staff and their districts, operator, languages, rates,
//  3. environment variables, where every secret also has a *_FILE variant
//     (TELEGRAM_BOT_TOKEN_FILE, REDIS_PASSWORD_FILE, WEBHOOK_SECRET_FILE),
//  4. command-line flags of the subcommand (see AddFlags).
//
// Every value is checked at start; each problem is reported as a *SettingError
// that names the setting (its environment variable, or its YAML path for
// file-only settings such as staff) and says what is wrong. Secrets are of type
// Secret, which never prints its value.
package config
