package main

import (
	"context"
	"time"

	"github.com/heidekreis/sozialraumbot/config"
	"github.com/heidekreis/sozialraumbot/handlers"
)

// callbackConfig wires callback requests: the desk and metrics of the app, the
// routes of cfg (reloaded with the staff list), the other settings as at start.
func (a *app) callbackConfig(cfg config.Config) handlers.CallbackConfig {
	routes := make(map[string]handlers.CallbackRoute, len(cfg.Callbacks.Routes))
	for _, r := range cfg.Callbacks.Routes {
		routes[r.District] = handlers.CallbackRoute{ChatID: r.ChatID}
	}
	cb := a.cfg.Callbacks
	return handlers.CallbackConfig{
		Desk:          a.desk,
		Routes:        routes,
		RemindAfter:   cb.RemindAfter,
		EscalateAfter: cb.EscalateAfter,
		Hours:         cb.Hours(),
		Keep:          time.Duration(cb.KeepDays) * 24 * time.Hour,
		MaxAge:        cb.MaxAge,
		DailyCap:      cb.DailyCap,
		Observe:       a.callbacks.Request,
		TakenAfter:    a.callbacks.Taken,
	}
}

// callbacksDue runs the callback requests' due steps with the conversation in
// use, sending and editing team messages directly through the bot's Sender.
func (a *app) callbacksDue(ctx context.Context) error {
	return a.live.cur.Load().handler.CallbacksDue(ctx, a.bot.Sender())
}
