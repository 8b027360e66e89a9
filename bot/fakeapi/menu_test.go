package fakeapi_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// The fake keeps command lists per scope and language and the descriptions per
// language, as Telegram does, and rejects what Telegram rejects.
func TestMenuState(t *testing.T) {
	api := fakeapi.Start(t)
	b := newClient(t, api)
	ctx := context.Background()
	cmds := []models.BotCommand{{Command: "hilfe", Description: "So helfe ich Ihnen"}}
	if _, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, Scope: &models.BotCommandScopeAllPrivateChats{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "help", Description: "How"}},
		Scope: &models.BotCommandScopeChat{ChatID: 4242}, LanguageCode: "en"}); err != nil {
		t.Fatal(err)
	}
	got, err := b.GetMyCommands(ctx, &tgbot.GetMyCommandsParams{Scope: &models.BotCommandScopeAllPrivateChats{}})
	if err != nil || len(got) != 1 || got[0] != cmds[0] {
		t.Errorf("getMyCommands = %+v, %v", got, err)
	}
	// Another language or scope has its own list.
	if got, _ := b.GetMyCommands(ctx, &tgbot.GetMyCommandsParams{Scope: &models.BotCommandScopeAllPrivateChats{}, LanguageCode: "en"}); len(got) != 0 {
		t.Errorf("en list = %+v, want none", got)
	}
	if got := strings.Join(api.CommandScopes(), " "); got != "all_private_chats| chat:4242|en" {
		t.Errorf("scopes = %q", got)
	}
	if _, err := b.DeleteMyCommands(ctx, &tgbot.DeleteMyCommandsParams{Scope: &models.BotCommandScopeChat{ChatID: 4242}, LanguageCode: "en"}); err != nil {
		t.Fatal(err)
	}
	if api.Commands("chat:4242", "en") != nil {
		t.Error("deleteMyCommands kept the list")
	}
	if _, err := b.SetMyDescription(ctx, &tgbot.SetMyDescriptionParams{Description: "Hallo", LanguageCode: "uk"}); err != nil {
		t.Fatal(err)
	}
	if d, err := b.GetMyDescription(ctx, &tgbot.GetMyDescriptionParams{LanguageCode: "uk"}); err != nil || d.Description != "Hallo" {
		t.Errorf("getMyDescription = %+v, %v", d, err)
	}
	if d, _ := b.GetMyDescription(ctx, &tgbot.GetMyDescriptionParams{}); d.Description != "" {
		t.Errorf("default description = %q, want none", d.Description)
	}
	if _, err := b.SetMyShortDescription(ctx, &tgbot.SetMyShortDescriptionParams{ShortDescription: "Kurz"}); err != nil {
		t.Fatal(err)
	}
	if d, _ := b.GetMyShortDescription(ctx, &tgbot.GetMyShortDescriptionParams{}); d.ShortDescription != "Kurz" || api.ShortDescription("") != "Kurz" {
		t.Errorf("short description = %q", d.ShortDescription)
	}

	bad := []struct {
		name string
		call func() error
	}{
		{"upper-case command", func() error {
			_, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Hilfe", Description: "x"}}})
			return err
		}},
		{"umlaut command", func() error {
			_, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "löschen", Description: "x"}}})
			return err
		}},
		{"empty description", func() error {
			_, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "x", Description: ""}}})
			return err
		}},
		{"bad language", func() error {
			_, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, LanguageCode: "deu"})
			return err
		}},
		{"description too long", func() error {
			_, err := b.SetMyDescription(ctx, &tgbot.SetMyDescriptionParams{Description: strings.Repeat("ä", 513)})
			return err
		}},
		{"short description too long", func() error {
			_, err := b.SetMyShortDescription(ctx, &tgbot.SetMyShortDescriptionParams{ShortDescription: strings.Repeat("x", 121)})
			return err
		}},
		{"chat scope without chat", func() error {
			_, err := b.GetMyCommands(ctx, &tgbot.GetMyCommandsParams{Scope: &models.BotCommandScopeChat{}})
			return err
		}},
	}
	for _, tt := range bad {
		if err := tt.call(); !errors.Is(err, tgbot.ErrorBadRequest) {
			t.Errorf("%s: %v, want 400 Bad Request", tt.name, err)
		}
	}
}
