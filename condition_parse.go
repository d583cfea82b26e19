package sitrep

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

const condHelp = `write a value for equality ("up", 42, true, null) or a string with an operator: ` +
	`"== x", "!= x", "< 5", "<= 5", "> 5", ">= 5", "~ regexp" or "exists"`

// ParseJSONCondition parses one entry of an HTTP monitor's expect.json. A
// non-string value is compared for typed equality; a string is compared for
// equality unless it starts with an operator, so that `"< 100"` reads as
// people mean it. A string that really starts with an operator character can
// be written with an explicit "== ".
func ParseJSONCondition(path string, value any) (JSONCondition, error) {
	p, err := ParseJSONPath(path)
	if err != nil {
		return JSONCondition{}, err
	}
	c := JSONCondition{Path: p}
	switch v := value.(type) {
	case nil, bool:
		c.Op, c.Value = OpEq, v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return JSONCondition{}, condErrorf(p, "%v can never equal a JSON number; %s", v, condHelp)
		}
		c.Op, c.Value = OpEq, v
	case float32:
		return ParseJSONCondition(path, float64(v))
	case int:
		c.Op, c.Value = OpEq, float64(v)
	case int64:
		c.Op, c.Value = OpEq, float64(v)
	case uint64:
		c.Op, c.Value = OpEq, float64(v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return JSONCondition{}, condErrorf(p, "%s is not a number; %s", v, condHelp)
		}
		c.Op, c.Value = OpEq, f
	case string:
		if err := parseCondString(&c, v); err != nil {
			return JSONCondition{}, err
		}
	default:
		return JSONCondition{}, condErrorf(p, "expected a string, number, true, false or null, got %s; %s", condDescribeValue(value), condHelp)
	}
	c.Source = c.describe()
	return c, nil
}

func parseCondString(c *JSONCondition, s string) error {
	t := strings.TrimSpace(s)
	if t == string(OpExists) {
		c.Op = OpExists
		return nil
	}
	// Longest first, so that "<=" is not read as "<" followed by "=5".
	for _, op := range []CondOp{OpEq, OpNe, OpLe, OpGe, OpLt, OpGt, OpMatch} {
		if !strings.HasPrefix(t, string(op)) {
			continue
		}
		operand := strings.TrimSpace(t[len(op):])
		c.Op = op
		switch op {
		case OpEq, OpNe:
			c.Value = condLiteral(operand)
		case OpLt, OpLe, OpGt, OpGe:
			f, err := strconv.ParseFloat(operand, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				if operand == "" {
					return condErrorf(c.Path, "%q has no number after %s; write e.g. \"%s 100\"", s, op, op)
				}
				return condErrorf(c.Path, "%q compares with %q, which is not a number; %s needs a number, e.g. \"%s 100\" (for the text itself write \"== %s\")", s, operand, op, op, t)
			}
			c.Value = f
		case OpMatch:
			if operand == "" {
				return condErrorf(c.Path, "%q has no regular expression after ~; write e.g. \"~ ^ok\"", s)
			}
			re, err := regexp.Compile(operand)
			if err != nil {
				return condErrorf(c.Path, "%q: bad regular expression: %v", s, condRegexpProblem(err))
			}
			c.Value = re
		}
		return nil
	}
	c.Op, c.Value = OpEq, s
	return nil
}

// condLiteral reads the operand of == and != as JSON when it is a JSON scalar
// (42, true, null, "quoted"), else as a bare string: "== up" means "up".
func condLiteral(s string) any {
	if s == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err == nil {
		switch v.(type) {
		case string, float64, bool, nil:
			return v
		}
	}
	return s
}

// condRegexpProblem strips the Go prefix "error parsing regexp: " that repeats
// what the message already says.
func condRegexpProblem(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

func condErrorf(p JSONPath, format string, args ...any) error {
	return Errorf(EINVALID, "json condition on %s: %s", p, fmt.Sprintf(format, args...))
}

func condDescribeValue(v any) string {
	switch v.(type) {
	case map[string]any, map[any]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

// describe renders the condition in one canonical form, e.g. `$.db == "up"`.
func (c JSONCondition) describe() string {
	if c.Op == OpExists {
		return c.Path.String() + " exists"
	}
	return c.Path.String() + " " + string(c.Op) + " " + condFormatOperand(c.Value)
}

func condFormatOperand(v any) string {
	if re, ok := v.(*regexp.Regexp); ok {
		return re.String()
	}
	return jsonFormat(v)
}
