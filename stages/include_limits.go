package stages

// The include limits belong to the family in limits.go: each bounds what
// one build can make the frontend read and parse, each is reported as a
// LimitError at the INCLUDE line (or file reference) that passed it, and
// no real build comes near them. Every included file also passes the
// limits of a Dockerfile (CheckSize, CheckUTF8, MaxInstructionBytes) on
// its own.
const (
	// MaxIncludeDepth is how deeply INCLUDEs and file references may
	// nest; the main Dockerfile is level 0.
	MaxIncludeDepth = 16
	// MaxIncludeUnits is how many inclusions one build may have: every
	// INCLUDE a file makes counts, as often as the file is included
	// itself (each one is parsed on its own), and so does every file a
	// FROM ./f#s names. A tree whose files each include the next twice
	// stops here, after ten levels, not after 2^16 parses.
	MaxIncludeUnits = 1000
	// MaxIncludeFiles is how many distinct files one build may read
	// besides the Dockerfile.
	MaxIncludeFiles = 500
	// MaxIncludeFileBytes is the size of the largest included file.
	MaxIncludeFileBytes = 1 << 20
	// MaxIncludeBytes is how many bytes all inclusions of one build may
	// parse, a file counted once per inclusion: it bounds the parse work
	// and the line space (whose lines must fit a protobuf int32).
	MaxIncludeBytes = 16 << 20
)

// Limits bound the cost of reading a build's files; a zero field takes
// its default.
type Limits struct {
	Depth     int   // nesting levels: MaxIncludeDepth
	Units     int   // inclusions: MaxIncludeUnits
	Files     int   // distinct files: MaxIncludeFiles
	FileSize  int64 // bytes per file: MaxIncludeFileBytes
	TotalSize int64 // bytes of all inclusions: MaxIncludeBytes
}

// DefaultLimits are the limits a build runs with.
var DefaultLimits = Limits{
	Depth:     MaxIncludeDepth,
	Units:     MaxIncludeUnits,
	Files:     MaxIncludeFiles,
	FileSize:  MaxIncludeFileBytes,
	TotalSize: MaxIncludeBytes,
}

// orDefault fills the zero fields of l from DefaultLimits.
func (l *Limits) orDefault() Limits {
	out := DefaultLimits
	if l == nil {
		return out
	}
	if l.Depth > 0 {
		out.Depth = l.Depth
	}
	if l.Units > 0 {
		out.Units = l.Units
	}
	if l.Files > 0 {
		out.Files = l.Files
	}
	if l.FileSize > 0 {
		out.FileSize = l.FileSize
	}
	if l.TotalSize > 0 {
		out.TotalSize = l.TotalSize
	}
	return out
}
