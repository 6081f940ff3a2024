package validate

import (
	"errors"
	"regexp"
	"strings"
	"sync"

	"goflit/internal/pystr"
	"goflit/names"
	"goflit/pep508"
)

// The patterns of flit's validate.py (built on first use, never at start-up).
var (
	// versionSpecRe is one clause of a version specifier.
	versionSpecRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^(~=|===?|!=|<=?|>=?)\s*[A-Z0-9\-_.*+!]+$`)
	})
	// requirementRe splits a requirement into name, [extras], version
	// (parenthesised, operator or @ url) and ;marker.
	requirementRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])` +
			`\s*(?P<extras>\[.*\])?` +
			`\s*(?P<version>[(=~<>!@][^;]*)?` +
			`\s*(?P<envmark>;.*)?$`)
	})
	markerOpRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(~=|===?|!=|<=?|>=?|\s+in\s+|\s+not in\s+)`)
	})
	markerBoolRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\s+(?:and|or)\s+`)
	})
)

// markerVars are the environment marker variables flit accepts.
var markerVars = map[string]bool{
	"python_version": true, "python_full_version": true, "os_name": true, "sys_platform": true,
	"platform_release": true, "platform_system": true, "platform_version": true, "platform_machine": true,
	"platform_python_implementation": true, "implementation_name": true,
	"implementation_version": true, "extra": true,
}

// validVersionSpecifier checks every comma-separated clause.
func validVersionSpecifier(s string) bool {
	for _, clause := range strings.Split(s, ",") {
		if !versionSpecRe().MatchString(strings.TrimSpace(clause)) {
			return false
		}
	}
	return true
}

// CheckRequirement returns the problems with one requirement string (a
// Requires-Dist value), with flit's messages.
//
// The requirement is parsed with package pep508 (packaging's grammar); one
// that parses is accepted, so flit's false alarms (parentheses in markers,
// spaces before the marker, dotted marker variables) do not occur. One that
// does not parse is described with flit's checks (could not parse, invalid
// extras, invalid version specifier, marker problems); when those find
// nothing specific, packaging's reason is given.
func CheckRequirement(req string) []string {
	_, err := pep508.ParseRequirement(req)
	if err == nil {
		return nil
	}
	if probs := flitRequirementProblems(req); len(probs) > 0 {
		return probs
	}
	reason := err.Error()
	var pe *pep508.ParseError
	if errors.As(err, &pe) {
		reason = pe.Msg
	}
	return []string{"Could not parse requirement: " + pystr.Repr(req) + " (" + reason + ")"}
}

// flitRequirementProblems is flit's own requirement check (flit/validate.py),
// with two false alarms fixed: spaces between a parenthesised version and
// the marker ("x (>=1) ; ...") and parentheses around marker clauses after
// a space ("; (os_name == 'nt')") are accepted.
func flitRequirementProblems(req string) []string {
	m := requirementRe().FindStringSubmatch(req)
	if m == nil {
		return []string{"Could not parse requirement: " + pystr.Repr(req)}
	}
	re := requirementRe()
	extras := m[re.SubexpIndex("extras")]
	version := m[re.SubexpIndex("version")]
	envmark := m[re.SubexpIndex("envmark")]
	var probs []string
	if extras != "" {
		for _, e := range strings.Split(extras[1:len(extras)-1], ",") {
			if !names.ValidProjectName(strings.TrimSpace(e)) {
				probs = append(probs, "Invalid extras in requirement: "+pystr.Repr(req))
				break
			}
		}
	}
	if version != "" {
		v := strings.TrimRight(version, " \t")
		if strings.HasPrefix(v, "(") && strings.HasSuffix(v, ")") {
			v = v[1 : len(v)-1]
		}
		if !strings.HasPrefix(v, "@") && !validVersionSpecifier(v) {
			probs = append(probs, "Invalid version specifier "+pystr.Repr(v)+" in requirement "+pystr.Repr(req))
		}
	}
	if envmark != "" {
		probs = append(probs, CheckMarker(envmark[1:])...)
	}
	return probs
}

// CheckMarker returns flit's problems with an environment marker: each
// and/or clause must be "lhs op rhs" with known variables or quoted strings.
func CheckMarker(em string) []string {
	var probs []string
	for _, c := range markerBoolRe().Split(em, -1) {
		body := strings.Trim(strings.TrimSpace(c), "()")
		ops := markerOpRe().FindAllStringIndex(body, -1)
		if len(ops) != 1 {
			probs = append(probs, "Invalid expression in environment marker: "+pystr.Repr(c))
			continue
		}
		for _, v := range []string{body[:ops[0][0]], body[ops[0][1]:]} {
			v = strings.TrimSpace(v)
			if strings.HasPrefix(v, `"`) || strings.HasPrefix(v, "'") {
				if len(v) < 2 || v[len(v)-1] != v[0] {
					probs = append(probs, "Invalid string in environment marker: "+v)
				}
			} else if !markerVars[v] {
				probs = append(probs, "Invalid variable name in environment marker: "+pystr.Repr(v))
			}
		}
	}
	return probs
}
