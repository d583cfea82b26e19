package probe

import (
	"encoding/json"
	"fmt"

	"sitrep"
)

// judgeJSON decodes the body and returns the first failed condition's
// reason, or "".
func judgeJSON(conds []sitrep.JSONCondition, body []byte, truncated bool, limit int64) string {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		if truncated {
			return fmt.Sprintf("body is not valid JSON: it was cut at %s (raise the body size limit)", sizeText(limit))
		}
		return fmt.Sprintf("body is not valid JSON: %s", err)
	}
	for _, c := range conds {
		if err := c.Eval(doc); err != nil {
			return err.Error()
		}
	}
	return ""
}
