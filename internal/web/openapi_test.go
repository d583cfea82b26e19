package web

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"sitrep"
	"sitrep/internal/accounts"
)

// fullEnv is a server with every optional API wired: the fakes for the
// records, alerts and outbox, the real subscribe service, a real SQLite
// store for subscribers and idempotency keys, and real internal/accounts
// over that store as the authenticator, with an API token of each role.
type fullEnv struct {
	*subEnv
	records *fakeRecords
	auth    *accounts.Service
	tokens  map[sitrep.Role]string
}

func newFullEnv(t *testing.T) *fullEnv {
	t.Helper()
	se := newSubEnv(t)
	auth, err := accounts.New(accounts.Options{Store: se.store, DisableAdminToken: true})
	if err != nil {
		t.Fatal(err)
	}
	fe := &fullEnv{subEnv: se, records: newFakeRecords(), auth: auth, tokens: map[sitrep.Role]string{}}
	setup := &sitrep.Principal{Name: "setup", Role: sitrep.RoleAdmin}
	for _, role := range []sitrep.Role{sitrep.RoleAdmin, sitrep.RoleResponder, sitrep.RoleViewer} {
		tok, _, err := auth.CreateToken(t.Context(), setup, "test "+string(role), role, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		fe.tokens[role] = tok
	}
	se.srv = se.newServer(fe.options)
	return fe
}

func (fe *fullEnv) options(o *Options) {
	o.Pages, o.Subscribers = fe.pages, fe.svc
	o.Incidents, o.Maintenances = fe.records, fe.records
	o.Alerts = newFakeAlerts()
	o.Deliveries = &fakeOutbox{}
	o.Idempotency = fe.store
	o.Auth = fe.auth
	o.Accounts = fe.auth
	o.SubscriberAdmin = fe.store
}

// TestOpenAPIMatchesRoutes fails when the server registers an /api/v1 route
// the document does not describe, or the document describes one the server
// does not have.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	fe := newFullEnv(t)
	registered := fe.srv.routes.apiPatterns()
	slices.Sort(registered)

	rec := fe.do("GET", "/api/v1/openapi.json", "", "")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET openapi.json = %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Info    struct{ Title, Version string }       `json:"info"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	var described []string
	for path, ops := range doc.Paths {
		for method := range ops {
			described = append(described, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(described)
	for _, p := range registered {
		if !slices.Contains(described, p) {
			t.Errorf("route %s is registered but not in the OpenAPI document (add it to apiRoutes)", p)
		}
	}
	for _, p := range described {
		if !slices.Contains(registered, p) {
			t.Errorf("the OpenAPI document describes %s, which the server does not register", p)
		}
	}
	if len(registered) != len(apiRoutes()) {
		t.Errorf("%d routes registered, %d in apiRoutes", len(registered), len(apiRoutes()))
	}
}

// TestOpenAPIShape checks the document is OpenAPI 3.1 shaped: version,
// info, every operation with responses, every $ref resolving, path
// parameters declared, bearer security defined.
func TestOpenAPIShape(t *testing.T) {
	b, err := buildOpenAPI("test")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == "" || info["version"] != "test" {
		t.Errorf("info = %v", info)
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	if _, ok := schemas["Error"]; !ok {
		t.Error("no Error schema")
	}
	sec, _ := comps["securitySchemes"].(map[string]any)
	if bearer, _ := sec["bearer"].(map[string]any); bearer["scheme"] != "bearer" || bearer["type"] != "http" {
		t.Errorf("bearer scheme = %v", sec["bearer"])
	}
	// Every $ref must resolve.
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				name, found := strings.CutPrefix(ref, "#/components/schemas/")
				if _, exists := schemas[name]; !found || !exists {
					t.Errorf("$ref %q does not resolve", ref)
				}
			}
			for _, e := range v {
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(doc)
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method, o := range item.(map[string]any) {
			t.Run(method+" "+path, func(t *testing.T) {
				op := o.(map[string]any)
				resp, _ := op["responses"].(map[string]any)
				if len(resp) == 0 {
					t.Fatal("no responses")
				}
				for code, r := range resp {
					if r.(map[string]any)["description"] == "" {
						t.Errorf("response %s has no description", code)
					}
				}
				if op["operationId"] == "" || op["summary"] == "" {
					t.Error("operationId or summary missing")
				}
				declared := map[string]bool{}
				params, _ := op["parameters"].([]any)
				for _, p := range params {
					p := p.(map[string]any)
					if p["in"] == "path" {
						declared[p["name"].(string)] = true
					}
				}
				for _, name := range pathParams(path) {
					if !declared[name] {
						t.Errorf("path parameter %s is not declared", name)
					}
				}
				if method != "get" && method != "post" && method != "put" && method != "delete" && method != "patch" {
					t.Errorf("unexpected method %s", method)
				}
			})
		}
	}
}
