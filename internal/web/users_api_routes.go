package web

import (
	"net/http"
	"slices"

	"sitrep"
)

// adminAPI serves users, tokens, the audit log and the subscriber admin
// under /api/v1. Unlike the records API, whose rule is "read or write",
// each route names the sitrep.Action the caller's role must allow, so
// admin-only reads (the audit log) stay admin-only.
type adminAPI struct {
	s        *Server
	accounts sitrep.AccountService
	subs     sitrep.SubscriberStore
	auth     sitrep.Authenticator
	cop      *http.CrossOriginProtection
}

type adminRoute struct {
	method, path string
	action       sitrep.Action
	h            recordHandler
}

// registerAdmin adds the routes of the services that are set.
func (s *Server) registerAdmin(mux *routeMux, opts Options) {
	if opts.Accounts == nil && opts.SubscriberAdmin == nil {
		return
	}
	a := &adminAPI{s: s, accounts: opts.Accounts, subs: opts.SubscriberAdmin, auth: opts.Auth,
		cop: http.NewCrossOriginProtection()}
	if a.auth == nil && opts.Accounts != nil {
		a.auth = opts.Accounts
	}
	a.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorJSON(w, http.StatusForbidden, sitrep.EFORBIDDEN,
			"cross-origin request refused: writes are accepted from this site or from API clients only", "")
	}))
	var routes []adminRoute
	if a.accounts != nil {
		routes = append(routes,
			adminRoute{"GET", "/api/v1/users", sitrep.ActionUsers, a.listUsers},
			adminRoute{"POST", "/api/v1/users", sitrep.ActionUsers, a.createUser},
			adminRoute{"PATCH", "/api/v1/users/{id}", sitrep.ActionUsers, a.updateUser},
			adminRoute{"POST", "/api/v1/users/{id}/disable", sitrep.ActionUsers, a.disableUser},
			adminRoute{"GET", "/api/v1/tokens", sitrep.ActionTokens, a.listTokens},
			adminRoute{"POST", "/api/v1/tokens", sitrep.ActionTokens, a.createToken},
			adminRoute{"DELETE", "/api/v1/tokens/{id}", sitrep.ActionTokens, a.revokeToken},
			adminRoute{"GET", "/api/v1/audit", sitrep.ActionAudit, a.auditLog},
			adminRoute{"GET", "/api/v1/audit.csv", sitrep.ActionAudit, a.auditCSV})
	}
	allowed := map[string][]string{}
	if a.subs != nil {
		routes = append(routes,
			adminRoute{"GET", "/api/v1/subscribers", sitrep.ActionSubscribers, a.listSubscribers},
			adminRoute{"GET", "/api/v1/subscribers.csv", sitrep.ActionSubscribers, a.subscribersCSV},
			adminRoute{"DELETE", "/api/v1/subscribers/{id}", sitrep.ActionSubscribers, a.deleteSubscriber})
		if opts.Subscribers != nil {
			// The public sign-up shares the path.
			allowed["/api/v1/subscribers"] = []string{http.MethodPost}
		}
	}
	var paths []string
	for _, rt := range routes {
		a.handle(mux, rt)
		if !slices.Contains(paths, rt.path) {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	for _, p := range paths {
		mux.Handle(p, methodNotAllowed(allowed[p]))
	}
}

func (a *adminAPI) handle(mux *routeMux, rt adminRoute) {
	write := rt.method != http.MethodGet
	var next http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.authorize(r, rt.action)
		if err != nil {
			if sitrep.ErrorCode(err) == sitrep.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="sitrep"`)
			}
			a.s.writeError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		rt.h(w, r, p)
	})
	if write {
		next = a.cop.Handler(next)
	}
	mux.Handle(rt.method+" "+rt.path, next)
}

// authorize resolves the caller and checks its role against the action.
func (a *adminAPI) authorize(r *http.Request, action sitrep.Action) (*sitrep.Principal, error) {
	token, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "missing bearer token; %s", tokenHelp)
	}
	if a.auth == nil {
		return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "this server has no API authentication configured")
	}
	p, err := a.auth.Authenticate(r.Context(), token)
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.EUNAUTHORIZED {
			return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "invalid or expired token; %s", tokenHelp)
		}
		return nil, err
	}
	if p == nil || !sitrep.Allowed(p.Role, action) {
		name, role := "", sitrep.Role("")
		if p != nil {
			name, role = p.Name, p.Role
		}
		return nil, sitrep.Errorf(sitrep.EFORBIDDEN, "%s (role %s) may not manage %s", name, role, action)
	}
	return p, nil
}

// fail answers an error; an oversized body gets 413.
func (a *adminAPI) fail(w http.ResponseWriter, r *http.Request, err error) {
	(&recordsAPI{s: a.s}).fail(w, r, err)
}
