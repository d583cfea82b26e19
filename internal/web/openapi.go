package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// alertListJSON and onCallListJSON are the list answers of the alerts API.
type alertListJSON struct {
	Alerts     []alertJSON `json:"alerts"`
	NextCursor *string     `json:"next_cursor"`
}

type onCallListJSON struct {
	At     time.Time    `json:"at"`
	OnCall []onCallJSON `json:"oncall"`
}

// buildOpenAPI renders the OpenAPI 3.1 document from apiRoutes. It is built
// from the Go types the handlers encode and decode, once at start, so the
// schemas cannot drift from the code and there is no build step.
func buildOpenAPI(version string) ([]byte, error) {
	g := &schemaGen{components: map[string]any{}}
	g.components["Error"] = errorSchema()
	paths := map[string]map[string]any{}
	for _, rt := range apiRoutes() {
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = g.operation(rt)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "sitrep API",
			"version": version,
			"description": "Errors are {\"error\":{\"code\",\"message\",\"field\"}}. Lists page with limit and an opaque cursor: " +
				"pass back next_cursor until it is null. Creates accept Idempotency-Key: the same key, caller and body within 24 h " +
				"replay the first answer with Idempotent-Replayed: true; the same key with another body is refused with 422; " +
				"a duplicate sent while the first is still running gets 409 and may be retried.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer",
					"description": "an API token (sitrep token create --role ROLE) or the interim admin token"},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func (g *schemaGen) operation(rt apiRoute) map[string]any {
	op := map[string]any{
		"summary":     rt.Summary,
		"operationId": operationID(rt),
		"tags":        []string{rt.Tag},
	}
	var params []any
	for _, name := range pathParams(rt.Path) {
		params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range rt.Query {
		s := map[string]any{"type": "string"}
		if q.Format != "" {
			s["format"] = q.Format
		}
		if q.Enum != nil {
			s["enum"] = q.Enum
		}
		params = append(params, map[string]any{"name": q.Name, "in": "query", "description": q.Description, "schema": s})
	}
	if rt.Paged {
		params = append(params,
			map[string]any{"name": "limit", "in": "query", "description": "page size",
				"schema": map[string]any{"type": "integer", "minimum": 1}},
			map[string]any{"name": "cursor", "in": "query", "description": "the next_cursor of the previous page; opaque",
				"schema": map[string]any{"type": "string"}})
	}
	if rt.Create {
		params = append(params, map[string]any{"name": idempotencyParam, "in": "header",
			"description": "a unique value (e.g. a UUID) per create; retries with the same key are answered once",
			"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": maxIdempotencyKey}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.Body != nil {
		// Which body fields are required depends on the values (a status
		// change needs a message, say); the handlers' errors say so.
		g.request = true
		body := g.schema(reflect.TypeOf(rt.Body))
		g.request = false
		op["requestBody"] = map[string]any{"required": true,
			"content": map[string]any{contentTypeJSON: map[string]any{"schema": body}}}
	}
	resp := map[string]any{}
	ok := map[string]any{"description": http.StatusText(rt.Status)}
	if rt.Resp != nil {
		s, isMap := rt.Resp.(map[string]any)
		if !isMap {
			s = g.schema(reflect.TypeOf(rt.Resp))
		}
		ct := contentTypeJSON
		if rt.ContentType != "" {
			ct = rt.ContentType
		}
		ok["content"] = map[string]any{ct: map[string]any{"schema": s}}
	}
	if rt.Create {
		ok["headers"] = map[string]any{"Idempotent-Replayed": map[string]any{
			"description": "true when this is the stored answer of an earlier request with the same Idempotency-Key",
			"schema":      map[string]any{"type": "string", "enum": []string{"true"}}}}
	}
	resp[strconv.Itoa(rt.Status)] = ok
	for _, st := range rt.Also {
		resp[strconv.Itoa(st)] = ok
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc,
			"content": map[string]any{contentTypeJSON: map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	if len(rt.Query) > 0 || rt.Paged || rt.Body != nil || strings.Contains(rt.Path, "{") {
		resp["400"] = errResp("invalid input; the error names the field")
	}
	if strings.Contains(rt.Path, "{") {
		resp["404"] = errResp("not found")
	}
	if rt.Create {
		resp["409"] = errResp("a request with the same Idempotency-Key is still running; retry")
		resp["422"] = errResp("the Idempotency-Key was used for a different request")
	}
	if rt.Action != "" {
		op["security"] = []any{map[string]any{"bearer": []string{}}}
		resp["401"] = errResp("missing, unknown or expired token")
		resp["403"] = errResp("the token's role may not do this")
	} else {
		op["security"] = []any{}
	}
	resp["default"] = errResp("error")
	op["responses"] = resp
	return op
}

func pathParams(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(seg, "{"), "}"))
		}
	}
	return out
}

// operationID is e.g. postIncidentsIdUpdates.
func operationID(rt apiRoute) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, seg := range strings.Split(strings.TrimPrefix(rt.Path, "/api/v1/"), "/") {
		seg = strings.Trim(seg, "{}")
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '.' || r == '_' }) {
			b.WriteString(capitalize(part))
		}
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// schemaGen turns Go types into JSON Schema (2020-12, as OpenAPI 3.1
// uses), naming each struct type once in components.
type schemaGen struct {
	components map[string]any
	request    bool // request bodies: unknown fields are refused, none is marked required
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Pointer:
		s := g.schema(t.Elem())
		if ref, ok := s["$ref"]; ok {
			return map[string]any{"oneOf": []any{map[string]any{"$ref": ref}, map[string]any{"type": "null"}}}
		}
		if typ, ok := s["type"].(string); ok {
			s["type"] = []string{typ, "null"}
		}
		return s
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		name := schemaName(t)
		if _, ok := g.components[name]; !ok {
			g.components[name] = map[string]any{} // placeholder against recursion
			g.components[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic(fmt.Sprintf("openapi: no schema for Go type %s", t)) // a programming error caught by the tests
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if !f.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		props[name] = g.schema(f.Type)
		if !strings.Contains(opts, "omitempty") {
			required = append(required, name)
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if g.request {
		s["additionalProperties"] = false
	} else if required != nil {
		s["required"] = required
	}
	return s
}

// schemaName is the Go type's name without the JSON/Body suffix: Incident,
// IncidentOpen.
func schemaName(t reflect.Type) string {
	n := t.Name()
	for _, suffix := range []string{"JSON", "Body", "Request"} {
		n = strings.TrimSuffix(n, suffix)
	}
	return capitalize(n)
}

func errorSchema() map[string]any {
	return map[string]any{"type": "object", "required": []string{"error"},
		"properties": map[string]any{"error": map[string]any{"type": "object", "required": []string{"code", "message"},
			"properties": map[string]any{
				"code":    map[string]any{"type": "string", "description": "machine-readable, e.g. invalid, not_found"},
				"message": map[string]any{"type": "string", "description": "for people; names the field and what would be valid"},
				"field":   map[string]any{"type": "string", "description": "the field, parameter or header at fault"},
			}}}}
}

func monitorSchema() map[string]any {
	str := map[string]any{"type": "string"}
	return map[string]any{"type": "object", "required": []string{"id", "name", "type", "state"},
		"properties": map[string]any{
			"id": str, "name": str, "type": str, "target": str, "state": str,
			"interval_seconds": map[string]any{"type": "number"},
			"since":            map[string]any{"type": "string", "format": "date-time"},
			"last_result":      resultSchema(),
		}}
}

func resultSchema() map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{
		"time":       map[string]any{"type": "string", "format": "date-time"},
		"location":   map[string]any{"type": "string"},
		"status":     map[string]any{"type": "string"},
		"latency_ms": map[string]any{"type": "number"},
		"phases": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "number"},
			"description": "dns_ms, connect_ms, tls_ms, first_byte_ms"},
		"error": map[string]any{"type": "string"},
	}}
}

func monitorListSchema() map[string]any {
	return map[string]any{"type": "object", "required": []string{"monitors"},
		"properties": map[string]any{"monitors": map[string]any{"type": "array", "items": monitorSchema()}}}
}

func resultSetSchema() map[string]any {
	return map[string]any{"type": "object", "properties": map[string]any{
		"monitor_id": map[string]any{"type": "string"},
		"from":       map[string]any{"type": "string", "format": "date-time"},
		"to":         map[string]any{"type": "string", "format": "date-time"},
		"raw":        map[string]any{"type": "array", "items": resultSchema()},
	}}
}

func subscribeAnswerSchema() map[string]any {
	str := map[string]any{"type": "string"}
	return map[string]any{"type": "object", "required": []string{"status"},
		"properties": map[string]any{
			"status":  map[string]any{"type": "string", "enum": []string{"pending", "active"}},
			"message": str, "id": str, "manage_url": str, "unsubscribe_url": str,
			"secret": map[string]any{"type": "string", "description": "webhook signing secret, shown this once"},
		}}
}

// openAPIHandler serves the document built at start.
func (s *Server) openAPIHandler() http.HandlerFunc {
	doc, err := buildOpenAPI(s.version)
	return func(w http.ResponseWriter, r *http.Request) {
		if err != nil {
			s.writeError(w, r, fmt.Errorf("build the OpenAPI document: %w", err))
			return
		}
		w.Header().Set("Content-Type", contentTypeJSON)
		w.Header().Set("Cache-Control", "no-cache")
		w.Write(doc) //nolint:errcheck // the client went away
	}
}
