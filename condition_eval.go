package sitrep

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Eval checks the condition against a decoded JSON document (json.Unmarshal
// into an any, with or without UseNumber). It returns nil when the condition
// holds, else an error whose text is a short reason fit for a result, such as
// `$.db is "down", expected "up"`.
//
// With a wildcard step the condition must hold for every element, and an
// empty array or object fails: "every service is up" on a list that came back
// empty is far more often a broken endpoint than good news.
func (c JSONCondition) Eval(doc any) error {
	return c.eval(doc, 0, make(JSONPath, 0, len(c.Path)))
}

// eval walks step i of the path; at is the concrete path walked so far, with
// wildcards replaced by the element being checked, so messages point at the
// element that failed.
func (c JSONCondition) eval(v any, i int, at JSONPath) error {
	if i == len(c.Path) {
		return c.check(v, at)
	}
	step := c.Path[i]
	switch {
	case step.Wildcard:
		switch x := v.(type) {
		case []any:
			if len(x) == 0 {
				return fmt.Errorf("%s: empty array, expected elements to check", JSONPath(append(at, step)))
			}
			for j, e := range x {
				if err := c.eval(e, i+1, append(at, PathStep{Index: j})); err != nil {
					return err
				}
			}
			return nil
		case map[string]any:
			if len(x) == 0 {
				return fmt.Errorf("%s: empty object, expected members to check", JSONPath(append(at, step)))
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if err := c.eval(x[k], i+1, append(at, PathStep{Key: k, Index: -1})); err != nil {
					return err
				}
			}
			return nil
		}
		return fmt.Errorf("%s: %s is %s, not an array or object", JSONPath(append(at, step)), JSONPath(at), jsonFormat(v))
	case step.isIndex():
		x, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: %s is %s, not an array", JSONPath(append(at, step)), JSONPath(at), jsonFormat(v))
		}
		if step.Index >= len(x) {
			return fmt.Errorf("%s: no such index, the array has %d elements", JSONPath(append(at, step)), len(x))
		}
		return c.eval(x[step.Index], i+1, append(at, step))
	default:
		x, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %s is %s, not an object", JSONPath(append(at, step)), JSONPath(at), jsonFormat(v))
		}
		e, ok := x[step.Key]
		if !ok {
			return fmt.Errorf("%s: no such key", JSONPath(append(at, step)))
		}
		return c.eval(e, i+1, append(at, step))
	}
}

func (s PathStep) isIndex() bool { return !s.Wildcard && s.Index >= 0 && s.Key == "" }

func (c JSONCondition) check(v any, at JSONPath) error {
	switch c.Op {
	case OpExists:
		return nil
	case OpEq:
		if jsonEqual(v, c.Value) {
			return nil
		}
		return fmt.Errorf("%s is %s, expected %s", at, jsonFormat(v), jsonFormat(c.Value))
	case OpNe:
		if !jsonEqual(v, c.Value) {
			return nil
		}
		return fmt.Errorf("%s is %s, expected anything but %s", at, jsonFormat(v), jsonFormat(c.Value))
	case OpLt, OpLe, OpGt, OpGe:
		want, _ := c.Value.(float64)
		got, ok := jsonToNumber(v)
		if !ok {
			return fmt.Errorf("%s is %s, expected a number %s %s", at, jsonFormat(v), c.Op, jsonFormat(want))
		}
		if condCompare(got, c.Op, want) {
			return nil
		}
		return fmt.Errorf("%s is %s, expected %s %s", at, jsonFormat(got), c.Op, jsonFormat(want))
	case OpMatch:
		re, _ := c.Value.(*regexp.Regexp)
		if re == nil {
			return fmt.Errorf("%s: condition has no regular expression", at)
		}
		var text string
		switch x := v.(type) {
		case string:
			text = x
		case map[string]any, []any:
			return fmt.Errorf("%s is %s, expected a string matching %s", at, jsonFormat(v), re)
		default:
			// Numbers and booleans are matched as they appear in JSON.
			text = jsonFormat(x)
		}
		if re.MatchString(text) {
			return nil
		}
		return fmt.Errorf("%s is %s, expected it to match %s", at, jsonFormat(v), re)
	}
	return errors.New(at.String() + ": unknown operator " + strconv.Quote(string(c.Op)))
}

func condCompare(got float64, op CondOp, want float64) bool {
	switch op {
	case OpLt:
		return got < want
	case OpLe:
		return got <= want
	case OpGt:
		return got > want
	case OpGe:
		return got >= want
	}
	return false
}

// jsonEqual is typed equality: the number 2 does not equal the string "2".
func jsonEqual(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case bool:
		g, ok := got.(bool)
		return ok && g == w
	case string:
		g, ok := got.(string)
		return ok && g == w
	case float64:
		g, ok := jsonToNumber(got)
		return ok && g == w
	}
	return false
}

func jsonToNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// condMaxShown bounds how much of a long string a message repeats.
const condMaxShown = 64

// jsonFormat shows a value the way it appears in JSON, shortening what would
// make a result's error text unreadable.
func jsonFormat(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if math.Abs(x) < 1e21 {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case json.Number:
		return x.String()
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		if utf8.RuneCountInString(x) > condMaxShown {
			x = string([]rune(x)[:condMaxShown]) + "…"
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(x) // a string always encodes
		return strings.TrimSuffix(b.String(), "\n")
	case map[string]any:
		return "an object"
	case []any:
		return fmt.Sprintf("an array of %d", len(x))
	}
	return fmt.Sprintf("%v", v)
}
