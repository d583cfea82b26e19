package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"sitrep"
)

// recordsAPI serves the operational records (incidents, maintenance) under
// /api/v1. Every route, reads included, needs a bearer token: internal
// updates and response metrics are for staff only.
type recordsAPI struct {
	s            *Server
	incidents    sitrep.IncidentService
	maintenances sitrep.MaintenanceService
	auth         sitrep.Authenticator
	cop          *http.CrossOriginProtection
}

// registerRecords adds the routes of the services that are set.
func (s *Server) registerRecords(mux *routeMux, opts Options) {
	if opts.Incidents == nil && opts.Maintenances == nil {
		return
	}
	a := &recordsAPI{s: s, incidents: opts.Incidents, maintenances: opts.Maintenances, auth: opts.Auth,
		cop: http.NewCrossOriginProtection()}
	// A browser on another site must not be able to make a signed-in
	// browser write; API clients send no Origin or Sec-Fetch-Site and pass.
	a.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeErrorJSON(w, http.StatusForbidden, sitrep.EFORBIDDEN,
			"cross-origin request refused: writes are accepted from this site or from API clients only", "")
	}))
	var routes []recordRoute
	if a.incidents != nil {
		routes = append(routes,
			recordRoute{"GET", "/api/v1/incidents", a.listIncidents},
			recordRoute{"POST", "/api/v1/incidents", a.openIncident},
			recordRoute{"GET", "/api/v1/incidents/{id}", a.getIncident},
			recordRoute{"POST", "/api/v1/incidents/{id}/updates", a.updateIncident},
			recordRoute{"POST", "/api/v1/incidents/{id}/resolve", a.resolveIncident},
			recordRoute{"PUT", "/api/v1/incidents/{id}/postmortem", a.setPostmortem})
	}
	if a.maintenances != nil {
		routes = append(routes,
			recordRoute{"GET", "/api/v1/maintenances", a.listMaintenances},
			recordRoute{"POST", "/api/v1/maintenances", a.scheduleMaintenance},
			recordRoute{"GET", "/api/v1/maintenances/{id}", a.getMaintenance},
			recordRoute{"PATCH", "/api/v1/maintenances/{id}", a.editMaintenance},
			recordRoute{"POST", "/api/v1/maintenances/{id}/updates", a.updateMaintenance})
	}
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range routes {
		a.handle(mux, rt.method+" "+rt.path, rt.method != http.MethodGet, rt.h)
		if allowed[rt.path] == nil {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	// Any other method on these paths gets 405 with the methods that work;
	// the API's catch-all would only know about GET.
	for _, p := range paths {
		mux.Handle(p, methodNotAllowed(allowed[p]))
	}
}

type recordRoute struct {
	method, path string
	h            recordHandler
}

func methodNotAllowed(methods []string) http.Handler {
	allow := strings.Join(methods, ", ")
	if slices.Contains(methods, http.MethodGet) {
		allow = strings.Join(append(slices.Clone(methods), http.MethodHead), ", ")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeErrorJSON(w, http.StatusMethodNotAllowed, "method_not_allowed",
			fmt.Sprintf("%s %s is not supported; use %s", r.Method, r.URL.Path, strings.Join(methods, " or ")), "")
	})
}

// recordHandler is an API handler that knows who is calling.
type recordHandler func(w http.ResponseWriter, r *http.Request, p *sitrep.Principal)

func (a *recordsAPI) handle(mux *routeMux, pattern string, write bool, h recordHandler) {
	var next http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.authorize(r, write)
		if err != nil {
			if sitrep.ErrorCode(err) == sitrep.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="sitrep"`)
			}
			a.s.writeError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, p)
	})
	if write {
		next = a.cop.Handler(next)
	}
	mux.Handle(pattern, next)
}

// tokenHelp says how to get a token; it ends every 401 so that a user who
// meets one knows what to do next.
const tokenHelp = "send Authorization: Bearer TOKEN with the admin token printed at first start (or set with SITREP_ADMIN_TOKEN on the server)"

// authorize resolves the caller and checks that it may read or write.
func (a *recordsAPI) authorize(r *http.Request, write bool) (*sitrep.Principal, error) {
	token, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "missing bearer token; %s", tokenHelp)
	}
	if a.auth == nil {
		// Fail closed: a server wired without an authenticator lets nobody in.
		return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "this server has no API authentication configured")
	}
	p, err := a.auth.Authenticate(r.Context(), token)
	if err != nil {
		if sitrep.ErrorCode(err) == sitrep.EUNAUTHORIZED {
			return nil, sitrep.Errorf(sitrep.EUNAUTHORIZED, "invalid or expired token; %s", tokenHelp)
		}
		return nil, err
	}
	if !p.Can(write) {
		what := "read"
		if write {
			what = "change"
		}
		return nil, sitrep.Errorf(sitrep.EFORBIDDEN, "%s (role %s) may not %s incidents or maintenance", p.Name, p.Role, what)
	}
	return p, nil
}

// bearerToken extracts the token of an "Authorization: Bearer TOKEN" header;
// the scheme is case-insensitive (RFC 9110).
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
