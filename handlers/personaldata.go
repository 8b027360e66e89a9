package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// dataHolder is one place that keeps data about chats: the Store (state and
// subscriptions) and the Broadcaster (deliveries of announcements).
type dataHolder struct {
	name   string
	export func(ctx context.Context, chatID int64) (PersonalData, error)
	forget func(ctx context.Context, chatID int64) error
}

// holders is the one list of data holders: /meinedaten shows what each of them
// exports and /loeschen erases each of them, so nothing can be erased without
// being shown, nor shown without being erased.
func (h *Handler) holders() []dataHolder {
	hs := []dataHolder{{name: "store", export: h.cfg.Store.Export, forget: h.cfg.Store.DeleteAll}}
	if b := h.cfg.Broadcaster; b != nil {
		hs = append(hs, dataHolder{
			name: "broadcasts",
			export: func(ctx context.Context, chatID int64) (PersonalData, error) {
				items, err := b.ChatData(ctx, chatID)
				pd := PersonalData{Items: items}
				for _, it := range items {
					for _, w := range it.Where {
						if !slices.Contains(pd.Where, w) {
							pd.Where = append(pd.Where, w)
						}
					}
				}
				return pd, err
			},
			forget: b.ForgetChat,
		})
	}
	if desk := h.cfg.Callbacks.Desk; desk != nil {
		hs = append(hs, dataHolder{
			name: "callback requests",
			export: func(ctx context.Context, chatID int64) (PersonalData, error) {
				items, err := desk.ChatData(ctx, chatID)
				pd := PersonalData{Items: items}
				for _, it := range items {
					pd.Where = append(pd.Where, it.Where...)
				}
				return pd, err
			},
			forget: func(ctx context.Context, chatID int64) error {
				gone, err := desk.ForgetChat(ctx, chatID)
				for _, r := range gone {
					h.callbackEvent(r.District, CallbackErased)
				}
				return err
			},
		})
	}
	return hs
}

// PersonalData gathers everything stored about the chat from every data holder:
// what /meinedaten shows and /loeschen erases (DSGVO Art. 15 and 17).
func (h *Handler) PersonalData(ctx context.Context, chatID int64) (PersonalData, error) {
	var all PersonalData
	for _, dh := range h.holders() {
		pd, err := dh.export(ctx, chatID)
		if err != nil {
			return all, fmt.Errorf("personal data in %s: %w", dh.name, err)
		}
		if pd.State != nil {
			all.State = pd.State
		}
		all.Subscriptions = append(all.Subscriptions, pd.Subscriptions...)
		all.Items = append(all.Items, pd.Items...)
		all.Where = append(all.Where, pd.Where...)
	}
	slices.Sort(all.Subscriptions)
	all.Subscriptions = slices.Compact(all.Subscriptions)
	return all, nil
}

// forgetChat erases the chat in every data holder. It tries all of them and
// reports whether the store's part (the dialogue state) is gone, and any error.
func (h *Handler) forgetChat(ctx context.Context, chatID int64) (stateGone bool, err error) {
	var errs []error
	for i, dh := range h.holders() {
		if ferr := dh.forget(ctx, chatID); ferr != nil {
			errs = append(errs, fmt.Errorf("forgetting the chat in %s: %w", dh.name, ferr))
			continue
		}
		if i == 0 {
			stateGone = true
		}
	}
	return stateGone, errors.Join(errs...)
}
