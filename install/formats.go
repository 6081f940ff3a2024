package install

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"goflit/wheel"
	"io"
	"strconv"
	"strings"
)

// WheelName is a parsed wheel file name:
// {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl
type WheelName struct {
	Distribution string // as in the file name (escaped, e.g. "demo_pkg")
	Version      string
	Build        string // optional build tag
	Python       string
	ABI          string
	Platform     string
}

// ParseWheelName parses the base name of a wheel file.
func ParseWheelName(name string) (WheelName, error) {
	stem, ok := strings.CutSuffix(name, ".whl")
	if !ok {
		return WheelName{}, fmt.Errorf("%s: not a wheel file name (it must end in .whl)", name)
	}
	parts := strings.Split(stem, "-")
	if len(parts) != 5 && len(parts) != 6 {
		return WheelName{}, fmt.Errorf("%s: wheel file names have 5 or 6 dash-separated parts ({distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl), this one has %d", name, len(parts))
	}
	for _, p := range parts {
		if p == "" {
			return WheelName{}, fmt.Errorf("%s: wheel file name has an empty part", name)
		}
	}
	w := WheelName{Distribution: parts[0], Version: parts[1]}
	if len(parts) == 6 {
		w.Build = parts[2]
		if w.Build[0] < '0' || w.Build[0] > '9' {
			return WheelName{}, fmt.Errorf("%s: the build tag %q must start with a digit", name, w.Build)
		}
	}
	n := len(parts)
	w.Python, w.ABI, w.Platform = parts[n-3], parts[n-2], parts[n-1]
	return w, nil
}

// normName is the PEP 503 normalised form of a project name: runs of
// [-_.] become "-", lowercased.
func normName(s string) string {
	var b strings.Builder
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep {
			b.WriteByte('-')
			sep = false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	if sep {
		b.WriteByte('-')
	}
	return b.String()
}

// WheelInfo is the content of a .dist-info/WHEEL file.
type WheelInfo struct {
	Major, Minor  int
	RootIsPurelib bool
	Tags          []string
}

// ParseWheelInfo parses a WHEEL file (RFC 822 style headers).
func ParseWheelInfo(data []byte) (WheelInfo, error) {
	var w WheelInfo
	version, purelib := "", ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "wheel-version":
			version = v
		case "root-is-purelib":
			purelib = v
		case "tag":
			w.Tags = append(w.Tags, v)
		}
	}
	if err := sc.Err(); err != nil {
		return w, fmt.Errorf("WHEEL: %v", err)
	}
	if version == "" {
		return w, errors.New("WHEEL has no Wheel-Version field")
	}
	maj, min, ok := strings.Cut(version, ".")
	var err1, err2 error
	w.Major, err1 = strconv.Atoi(maj)
	if ok {
		w.Minor, err2 = strconv.Atoi(min)
	}
	if err1 != nil || err2 != nil || w.Major < 0 || w.Minor < 0 {
		return w, fmt.Errorf("WHEEL has an invalid Wheel-Version %q (expected MAJOR.MINOR, e.g. 1.0)", version)
	}
	switch strings.ToLower(purelib) {
	case "true":
		w.RootIsPurelib = true
	case "false":
	case "":
		return w, errors.New("WHEEL has no Root-Is-Purelib field")
	default:
		return w, fmt.Errorf("WHEEL has an invalid Root-Is-Purelib %q (expected true or false)", purelib)
	}
	return w, nil
}

// RecordRow is one row of a RECORD file.
// RecordRow is one RECORD line; the same type the wheel writer uses.
type RecordRow = wheel.Record

// ParseRecord parses a RECORD file (CSV: path,hash,size).
func ParseRecord(data []byte) ([]RecordRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows []RecordRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("RECORD: %v", err)
		}
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if len(rec) != 3 {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("RECORD:%d: expected 3 fields (path,hash,size), found %d", line, len(rec))
		}
		rows = append(rows, RecordRow{Path: rec[0], Hash: rec[1], Size: rec[2]})
	}
	return rows, nil
}

// WriteRecord renders rows as RECORD: CSV with minimal quoting and CRLF
// line ends (what Python's csv module writes), in the order given.
func WriteRecord(rows []RecordRow) []byte { return wheel.RecordFile(rows, true) }

// hashDigest formats a sha256 sum as a RECORD hash.
func hashDigest(sum []byte) string {
	return "sha256=" + base64.RawURLEncoding.EncodeToString(sum)
}

// HashBytes is the RECORD hash of data.
func HashBytes(data []byte) string {
	s := sha256.Sum256(data)
	return hashDigest(s[:])
}

// EntryPoints maps group -> name -> value ("module:attr [extras]") in the
// order of the file.
type EntryPoints struct {
	Groups []EntryGroup
}

// EntryGroup is one [section] of entry_points.txt.
type EntryGroup struct {
	Name    string
	Entries []Entry
}

// Entry is one "name = value" line.
type Entry struct{ Name, Value string }

// Group returns the entries of the named group (nil if absent).
func (e EntryPoints) Group(name string) []Entry {
	for _, g := range e.Groups {
		if g.Name == name {
			return g.Entries
		}
	}
	return nil
}

// ParseEntryPoints parses entry_points.txt (an INI file: [group] then
// name = value lines; "#" and ";" start comments).
func ParseEntryPoints(data []byte) (EntryPoints, error) {
	var ep EntryPoints
	var cur *EntryGroup
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimRight(line, "\r"))
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if !strings.HasSuffix(line, "]") {
				return ep, fmt.Errorf("entry_points.txt:%d: unterminated section header %q", i+1, line)
			}
			ep.Groups = append(ep.Groups, EntryGroup{Name: strings.TrimSpace(line[1 : len(line)-1])})
			cur = &ep.Groups[len(ep.Groups)-1]
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return ep, fmt.Errorf("entry_points.txt:%d: expected name = module:attr, got %q", i+1, line)
		}
		if cur == nil {
			return ep, fmt.Errorf("entry_points.txt:%d: entry %q before any [group] header", i+1, strings.TrimSpace(k))
		}
		cur.Entries = append(cur.Entries, Entry{Name: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
	}
	return ep, nil
}

// ScriptTarget splits an entry point value "module:attr.sub [extra]" into
// module and attribute path.
func ScriptTarget(value string) (module, attr string, err error) {
	v := value
	if i := strings.IndexByte(v, '['); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	module, attr, ok := strings.Cut(v, ":")
	module, attr = strings.TrimSpace(module), strings.TrimSpace(attr)
	if !ok || attr == "" {
		return "", "", fmt.Errorf("entry point %q has no callable (expected module:function)", value)
	}
	if !isDotted(module) || !isDotted(attr) {
		return "", "", fmt.Errorf("entry point %q is not of the form module:function with Python identifiers", value)
	}
	return module, attr, nil
}

func isDotted(s string) bool {
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		for i, r := range part {
			switch {
			case r == '_' || r >= 0x80:
			case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			case '0' <= r && r <= '9' && i > 0:
			default:
				return false
			}
		}
	}
	return true
}

// jsonString quotes s as a JSON string.
func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}
