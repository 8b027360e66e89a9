package main

import (
	"slices"

	"github.com/heidekreis/sozialraumbot/bot"
	"github.com/heidekreis/sozialraumbot/handlers"
	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// menuSpec is what Telegram should show of the bot with this data set: the
// menus of the offered languages (LANGUAGES), the staff members' own menus,
// and the removal of supported languages that are not offered. ok is false
// when the catalogue breaks a Telegram limit (then nothing is registered).
func (a *app) menuSpec(d *dataSet) (spec bot.MenuSpec, ok bool) {
	menus, err := handlers.Menus(a.cfg.Languages)
	if err != nil {
		a.log.Error("the menu texts break Telegram's limits; the command menu is not registered", "err", err)
		return spec, false
	}
	spec = bot.MenuSpec{Menus: menus, Staff: d.staffIDs()}
	for _, lang := range i18n.Supported() {
		if !slices.ContainsFunc(menus, func(m handlers.Menu) bool { return m.Lang == lang }) {
			spec.Remove = append(spec.Remove, lang)
		}
	}
	return spec, true
}

// setMenu hands the menu of a data set to the background sync.
func (a *app) setMenu(d *dataSet) {
	if a.menu == nil {
		return
	}
	if spec, ok := a.menuSpec(d); ok {
		a.menu.Set(spec)
	}
}
