package sitrep

// JSONCondition is one JSON-path condition on an HTTP response body, such as
// {"$.db": "up"} or {"$.queue.depth": "< 100"}. Path and Op/Value are parsed
// by ParseJSONCondition (condition_parse.go).
type JSONCondition struct {
	// Source is the condition as written, for messages.
	Source string
	Path   JSONPath
	Op     CondOp
	// Value is the operand: a string, float64, bool, nil, or a compiled
	// *regexp.Regexp for OpMatch.
	Value any
}

// CondOp is a comparison operator.
type CondOp string

const (
	OpEq     CondOp = "=="
	OpNe     CondOp = "!="
	OpLt     CondOp = "<"
	OpLe     CondOp = "<="
	OpGt     CondOp = ">"
	OpGe     CondOp = ">="
	OpMatch  CondOp = "~"
	OpExists CondOp = "exists"
)

// JSONPath is a parsed path: a sequence of object keys and array indexes
// (Index >= 0), or every element (Wildcard), from the document root.
type JSONPath []PathStep

// PathStep is one step of a JSONPath.
type PathStep struct {
	Key      string
	Index    int // -1 when Key is used
	Wildcard bool
}
