package handlers

import (
	"context"
	"math"
	"strconv"

	"github.com/heidekreis/sozialraumbot/handlers/i18n"
)

// handleLocation maps a shared location to the nearest place of the county, or
// says that it lies outside.
func (h *Handler) handleLocation(ctx context.Context, t *turn) error {
	lang := h.lang(t)
	loc := t.u.Location
	if math.IsNaN(loc.Lat) || math.IsNaN(loc.Lon) || math.Abs(loc.Lat) > 90 || math.Abs(loc.Lon) > 180 {
		return h.askPlace(ctx, t, "ask_place")
	}
	near := h.cfg.Directory.Nearest(loc.Lat, loc.Lon)
	if near.Inside && near.Place != nil {
		if d, ok := h.cfg.Directory.District(near.Place.District); ok {
			prefix := h.text(lang, "location_inside", map[string]any{
				"Place": i18n.Embed(lang, esc(near.Place.Name)),
				"Km":    i18n.Embed(lang, formatKm(lang, near.DistanceKm)),
			})
			return h.answerDistrict(ctx, t, d, near.Place, prefix)
		}
	}
	if near.Outside == nil && nearCounty(loc.Lat, loc.Lon) {
		// Near or in the county, yet no place: the directory lacks coordinates there.
		return h.askPlace(ctx, t, "location_unknown")
	}
	text := h.text(lang, "location_outside", nil)
	if near.Outside != nil {
		text = h.text(lang, "location_outside_near", map[string]any{
			"Place":  i18n.Embed(lang, esc(near.Outside.Name)),
			"County": i18n.Embed(lang, esc(near.Outside.County)),
		})
	}
	text += "\n" + h.text(lang, "location_outside_hint", nil)
	return h.send(ctx, t, Message{Text: text})
}

// formatKm formats a distance with one decimal, with a decimal comma in German and Turkish.
func formatKm(lang string, km float64) string {
	s := strconv.FormatFloat(math.Round(km*10)/10, 'f', 1, 64)
	switch lang {
	case "de", "tr", "uk":
		b := []byte(s)
		for i := range b {
			if b[i] == '.' {
				b[i] = ','
			}
		}
		s = string(b)
	}
	return s
}

// nearCounty reports whether a position lies in a box around the Heidekreis
// (52.55-53.30 N, 9.25-10.30 E); farther away a position is outside for sure.
func nearCounty(lat, lon float64) bool {
	return lat >= 52.55 && lat <= 53.30 && lon >= 9.25 && lon <= 10.30
}
