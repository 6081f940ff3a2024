package pyproject

import (
	"fmt"
	"strings"
)

// suggest returns a "did you mean ...?" hint naming the candidate nearest
// to key by edit distance, or "" when none is close enough. format renders
// the candidate (e.g. `"%s"` or `[tool.flit.%s]`).
func suggest(key string, candidates []string, format string) string {
	best, bestD := "", -1
	lk := strings.ToLower(key)
	for _, c := range candidates {
		d := editDistance(lk, strings.ToLower(c))
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

// editDistance is the Damerau-Levenshtein distance (with adjacent
// transpositions) between a and b, by bytes.
func editDistance(a, b string) int {
	n, m := len(a), len(b)
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		for j := 1; j <= m; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[m]
}
