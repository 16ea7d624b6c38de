package inspector

import (
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/store"
	"github.com/authkit-emulator/authkit-emulator/emulator/internal/wire"
)

// The environment's allow-lists the API manages: the redirect URIs
// /user_management/authorize accepts and the origins allowed to call the
// API from a browser.

func redirectURIsPanel() Panel {
	return Panel{
		ID: "redirect_uris", Title: "Redirect URIs", Columns: []string{"id", "uri", "default", "created"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.RedirectURIs(), func(r *store.RedirectURI) {
				if q.Match(r.ID, r.URI) {
					out = append(out, Row{ID: r.ID, Cells: []string{r.ID, r.URI, yesNo(r.Default), wire.Time(r.CreatedAt)}})
				}
			})
			return out
		},
		Detail: func(v View, id string) any {
			if r := v.Tx.RedirectURI(id); r != nil {
				return r.Object()
			}
			return nil
		},
	}
}

func corsOriginsPanel() Panel {
	return Panel{
		ID: "cors_origins", Title: "CORS origins", Columns: []string{"id", "origin", "created"},
		Rows: func(v View, q Query) []Row {
			var out []Row
			newestFirst(v.Tx.CORSOrigins(), func(o *store.CORSOrigin) {
				if q.Match(o.ID, o.Origin) {
					out = append(out, Row{ID: o.ID, Cells: []string{o.ID, o.Origin, wire.Time(o.CreatedAt)}})
				}
			})
			return out
		},
		Detail: func(v View, id string) any {
			for _, o := range v.Tx.CORSOrigins() {
				if o.ID == id {
					return o.Object()
				}
			}
			return nil
		},
	}
}
