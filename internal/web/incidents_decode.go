package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"sitrep"
)

// maxBodyBytes caps a request body of the records API: an incident update
// with a long Markdown write-up is a few kilobytes, so 64 KB is generous
// and keeps a hostile client from making the server buffer megabytes.
const maxBodyBytes = 64 << 10

// errTooLarge is answered with 413 rather than 400.
var errTooLarge = sitrep.Errorf(sitrep.EINVALID, "request body is larger than %d KB", maxBodyBytes>>10)

// decodeBody reads r's body into dst, a pointer to a struct of json-tagged
// fields. It is strict so that a typo is an error rather than a silently
// ignored field: unknown fields, trailing data and wrong types are rejected
// with the field or the line and column to blame.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errTooLarge
		}
		return sitrep.Errorf(sitrep.EINVALID, "could not read the request body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return sitrep.Errorf(sitrep.EINVALID, "request body is empty; expected a JSON object with the fields %s", fieldList(dst))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(body, err, dst)
	}
	end := int(dec.InputOffset())
	if _, err := dec.Token(); err != io.EOF {
		rest := body[end:]
		line, col := lineCol(body, end+len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
		return sitrep.Errorf(sitrep.EINVALID, "unexpected data after the JSON object at line %d, column %d; send one object", line, col)
	}
	return nil
}

// jsonError turns a decoding error into a message that points at the
// problem in the caller's own terms.
func jsonError(body []byte, err error, dst any) error {
	if e, ok := errors.AsType[*json.SyntaxError](err); ok {
		// Offset counts the offending byte itself.
		line, col := lineCol(body, int(e.Offset)-1)
		return sitrep.Errorf(sitrep.EINVALID, "invalid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(e.Error(), "json: "))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := lineCol(body, len(body))
		return sitrep.Errorf(sitrep.EINVALID, "invalid JSON: the body ends early at line %d, column %d; a closing brace, bracket or quote is missing", line, col)
	}
	if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		field := e.Field
		if field == "" {
			return sitrep.Errorf(sitrep.EINVALID, "expected a JSON object with the fields %s, got a JSON %s", fieldList(dst), e.Value)
		}
		return sitrep.FieldErrorf(sitrep.EINVALID, field, "expected %s, got a JSON %s", kindName(e.Type), e.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return sitrep.FieldErrorf(sitrep.EINVALID, name, "unknown field; valid fields: %s", fieldList(dst))
	}
	return sitrep.Errorf(sitrep.EINVALID, "invalid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// lineCol converts a byte offset to a 1-based line and column.
func lineCol(body []byte, off int) (line, col int) {
	off = min(max(off, 0), len(body))
	before := body[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + off - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// kindName says in JSON terms what a Go type accepts.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// fieldList names the JSON fields dst accepts, nested ones in brackets, for
// messages that tell the caller what would be valid.
func fieldList(dst any) string {
	return fieldsOf(reflect.TypeOf(dst))
}

func fieldsOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return ""
	}
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if inner := fieldsOf(f.Type); inner != "" {
			name += " [" + inner + "]"
		}
		names = append(names, name)
	}
	return strings.Join(names, ", ")
}

// parseTime reads an optional RFC 3339 time; "" is the zero time.
func parseRFC3339(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, sitrep.FieldErrorf(sitrep.EINVALID, field, "expected an RFC 3339 time such as 2026-11-21T18:00:00Z or 2026-11-21T19:00:00+01:00, got %q", s)
	}
	return t.UTC(), nil
}

// required rejects a blank value.
func required(field, value, example string) error {
	if strings.TrimSpace(value) == "" {
		return sitrep.FieldErrorf(sitrep.EINVALID, field, "is required, e.g. %s", example)
	}
	return nil
}

// componentStatuses reads {ID: STATUS} into affected components.
func componentStatuses(field string, in map[string]string) (map[string]sitrep.ComponentStatus, error) {
	if in == nil {
		return nil, nil
	}
	out := make(map[string]sitrep.ComponentStatus, len(in))
	for id, s := range in {
		if strings.TrimSpace(id) == "" {
			return nil, sitrep.FieldErrorf(sitrep.EINVALID, field, "a component ID is empty")
		}
		st, err := sitrep.ParseComponentStatus(field+"."+id, s)
		if err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, nil
}

// writeJSON answers with v encoded as JSON. The records API is written to
// by people, a few requests a minute, so encoding/json is fast enough here,
// unlike on the monitor list.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("encode answer: %w", err))
		return
	}
	s.writeBody(w, r, status, contentTypeJSON, append(body, '\n'))
}

// fail answers a records API error; an oversized body gets 413, which no
// domain code maps to.
func (a *recordsAPI) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errTooLarge) {
		writeErrorJSON(w, http.StatusRequestEntityTooLarge, sitrep.EINVALID, errTooLarge.Message, "")
		return
	}
	a.s.writeError(w, r, err)
}

// readInput decodes a request body into B and builds the service's input
// from it (with the principal as author). On a problem it answers the
// request itself and reports false.
func readInput[B, In any](a *recordsAPI, w http.ResponseWriter, r *http.Request, p *sitrep.Principal, build func(*B, *sitrep.Principal) (In, error)) (in In, ok bool) {
	var b B
	if err := decodeBody(w, r, &b); err != nil {
		a.fail(w, r, err)
		return in, false
	}
	v, err := build(&b, p)
	if err != nil {
		a.fail(w, r, err)
		return in, false
	}
	return v, true
}
