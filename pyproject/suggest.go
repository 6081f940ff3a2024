package pyproject

import (
	"fmt"
	"strings"

	"goflit/internal/textdist"
)

// suggest returns a "did you mean ...?" hint naming the candidate nearest
// to key by edit distance, or "" when none is close enough. format renders
// the candidate (e.g. `"%s"` or `[tool.flit.%s]`).
func suggest(key string, candidates []string, format string) string {
	best, bestD := "", -1
	lk := strings.ToLower(key)
	for _, c := range candidates {
		d := textdist.OSA(lk, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 {
		return ""
	}
	// Accept small typos: up to a third of the longer word, at least one.
	limit := max(len(key), len(best)) / 3
	if limit < 1 {
		limit = 1
	}
	if bestD > limit {
		return ""
	}
	return "did you mean " + fmt.Sprintf(format, best) + "?"
}
