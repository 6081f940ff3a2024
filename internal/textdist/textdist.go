// Package textdist measures how far apart two strings are, for "did you
// mean ...?" hints. Distances count bytes, which is right for the ASCII
// names they compare (keys, commands, classifiers).
package textdist

// Levenshtein is the number of single-byte insertions, deletions and
// substitutions that turn a into b. With limit > 0 the result is exact only
// below limit: once the distance is certain to be at least limit it stops
// and returns limit (or another value >= limit), which makes searching a
// long candidate list for the nearest one cheap.
func Levenshtein(a, b string, limit int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if limit > 0 && rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// OSA is the optimal string alignment distance: Levenshtein plus the swap
// of two neighbouring bytes as one edit ("jbos" is one edit from "jobs"),
// where no substring is edited twice.
func OSA(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
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
	return prev[len(b)]
}
