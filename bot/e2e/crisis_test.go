package e2e

import (
	"strings"
	"testing"

	"github.com/heidekreis/sozialraumbot/bot/fakeapi"
)

// Exact crisis answers as Telegram receives them: help numbers first, no
// question before them, no "not found", in German and in Ukrainian.
const (
	crisisDE = "<b>Das klingt sehr ernst. Sie sind nicht allein – hier gibt es sofort Hilfe:</b>\n" +
		"🚨 In akuter Gefahr: Polizei <b>110</b>, Notarzt und Rettungsdienst <b>112</b>\n" +
		"🛡 Hilfetelefon Gewalt gegen Frauen, rund um die Uhr, kostenlos, anonym, in vielen Sprachen: <b>116 016</b>\n" +
		"🛡 Hilfetelefon Gewalt an Männern, kostenlos (Mo–Do 8–20, Fr 8–15 Uhr): <b>0800 123 99 00</b>\n" +
		"📞 TelefonSeelsorge, rund um die Uhr, kostenlos, anonym: <b>0800 111 0 111</b> oder <b>0800 111 0 222</b>\n" +
		"\n" +
		"Wenn Sie mögen, schreiben Sie mir Ihren Wohnort: Dann nenne ich Ihnen auch den Träger der Sozialraumarbeit bei Ihnen vor Ort."
	crisisUK = "<b>Це звучить дуже серйозно. Ви не самі – допомогу можна отримати просто зараз:</b>\n" +
		"🚨 У разі гострої небезпеки: поліція <b>110</b>, швидка допомога <b>112</b>\n" +
		"🛡 Гаряча лінія «Насильство щодо жінок», цілодобово, безкоштовно, анонімно, також українською: <b>116 016</b>\n" +
		"🛡 Гаряча лінія «Насильство щодо чоловіків», безкоштовно (пн–чт 8–20, пт 8–15): <b>0800 123 99 00</b>\n" +
		"🧒 Захист дітей: Jugendamt des Landkreises Heidekreis (служба у справах дітей), Vogteistraße 19, 29683 Bad Fallingbostel. Якщо дитина в небезпеці зараз, телефонуйте в поліцію: <b>110</b>\n" +
		"🧒 Гаряча лінія «Сексуальне насильство», безкоштовно, анонімно (пн, ср, пт 9–14, вт, чт 15–20): <b>0800 22 55 530</b>\n" +
		"🧒 Телефон довіри для дітей і молоді (Nummer gegen Kummer), безкоштовно (пн–сб 14–20): <b>116 111</b>\n" +
		"📞 Телефон довіри TelefonSeelsorge, цілодобово, безкоштовно, анонімно (німецькою): <b>0800 111 0 111</b> або <b>0800 111 0 222</b>\n" +
		"\n" +
		"Ваш надавач допомоги у <b>Sozialraumbezirk Stadt Walsrode</b>: <b>Stephansstift Evangelische Jugendhilfe-Heidekreis</b>, ☎ (05161) 487272, 0171-5649867"
)

func TestCrisisEndToEnd(t *testing.T) {
	w := start(t, config{})
	w.since()

	t.Run("german", func(t *testing.T) {
		expect(t, w.step(fakeapi.TextUpdate(chat, "de", "Mein Mann schlägt mich")), text(chat, crisisDE, ""))
	})
	t.Run("ukrainian, place known", func(t *testing.T) {
		const uk = chat + 1
		expect(t, w.step(fakeapi.TextUpdate(uk, "uk", "Walsrode")), want{method: "sendMessage"})
		expect(t, w.step(fakeapi.TextUpdate(uk, "uk", "мою дитину вдома б'ють")), text(uk, crisisUK, ""))
	})
	t.Run("nothing of the message in the log", func(t *testing.T) {
		for _, word := range []string{"schlägt", "дитину"} {
			if strings.Contains(w.logs.String(), word) {
				t.Errorf("log contains %q", word)
			}
		}
	})
}
