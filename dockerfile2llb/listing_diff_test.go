package dockerfile2llb_test

// A normaliser that turns an LLB definition into a stable, human-readable
// listing for differential tests. Ops are numbered in a canonical order
// (depth-first post-order from the output, inputs visited in order) and
// referenced by that number, never by digest, so two converters that build
// the same graph produce the same text even if one of them differs in an
// unrelated op. Every field of every op is printed (a generic protoreflect
// walker with a few special cases), so nothing is silently ignored.

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// llbListing is the normalised form of one marshalled state.
type llbListing struct {
	// Ops lists every op reachable from the output with all its fields and
	// its metadata (progress name, descriptions, ignore-cache...).
	Ops string
	// Locations lists each op's source-map ranges ("#3 Dockerfile:4-6").
	// Kept apart so it can be compared (and reported) separately.
	Locations string
	// Digest is the digest of the output op: equal inputs must give equal
	// digests (TestDeterministic).
	Digest digest.Digest
	// Def is the raw definition, for determinism checks.
	Def *pb.Definition
}

// sessionAttrs are source attributes whose values are per-session; only
// their presence is compared.
var sessionAttrs = map[string]bool{
	pb.AttrLocalSessionID: true,
	pb.AttrLocalUniqueID:  true,
}

// marshalListing marshals st the way upstream's builder does (no extra
// constraints: the converter must set its own marshal defaults) and lists it.
func marshalListing(ctx context.Context, st llb.State) (*llbListing, error) {
	def, err := st.Marshal(ctx)
	if err != nil {
		return nil, err
	}
	return listDefinition(def.ToPB())
}

type opEntry struct {
	dgst  digest.Digest
	op    *pb.Op
	index int
}

func listDefinition(def *pb.Definition) (*llbListing, error) {
	if len(def.Def) == 0 {
		// A scratch state marshals to nothing.
		return &llbListing{Ops: "output: scratch\n", Def: def}, nil
	}
	ops := map[digest.Digest]*opEntry{}
	var last *opEntry
	for _, dt := range def.Def {
		var op pb.Op
		if err := op.UnmarshalVT(dt); err != nil {
			return nil, fmt.Errorf("failed to parse op: %w", err)
		}
		e := &opEntry{dgst: digest.FromBytes(dt), op: &op, index: -1}
		ops[e.dgst] = e
		last = e
	}
	if last.op.Op != nil || len(last.op.Inputs) != 1 {
		return nil, fmt.Errorf("last op is not an output terminal")
	}

	// Canonical order: post-order DFS from the terminal's input.
	var order []*opEntry
	var visit func(d digest.Digest) error
	visit = func(d digest.Digest) error {
		e, ok := ops[d]
		if !ok {
			return fmt.Errorf("missing op %s", d)
		}
		if e.index >= 0 {
			return nil
		}
		e.index = -2 // in progress
		for _, in := range e.op.Inputs {
			if ops[digest.Digest(in.Digest)] != nil && ops[digest.Digest(in.Digest)].index == -2 {
				return fmt.Errorf("cycle at %s", in.Digest)
			}
			if err := visit(digest.Digest(in.Digest)); err != nil {
				return err
			}
		}
		e.index = len(order)
		order = append(order, e)
		return nil
	}
	out := last.op.Inputs[0]
	if err := visit(digest.Digest(out.Digest)); err != nil {
		return nil, err
	}

	ref := func(in *pb.Input) string {
		e := ops[digest.Digest(in.Digest)]
		if in.Index != 0 {
			return fmt.Sprintf("#%d:%d", e.index, in.Index)
		}
		return fmt.Sprintf("#%d", e.index)
	}

	// Progress-group ids are random per conversion: number them in
	// canonical op order instead.
	groups := map[string]string{}
	metaOf := func(e *opEntry) *pb.OpMetadata {
		m := def.Metadata[string(e.dgst)]
		if m == nil || m.ProgressGroup == nil {
			return m
		}
		m = m.CloneVT()
		id, ok := groups[m.ProgressGroup.Id]
		if !ok {
			id = fmt.Sprintf("group%d", len(groups)+1)
			groups[m.ProgressGroup.Id] = id
		}
		m.ProgressGroup.Id = id
		return m
	}

	var b, locs strings.Builder
	fmt.Fprintf(&b, "output: %s\n", ref(out))
	for _, e := range order {
		writeOp(&b, e, metaOf(e), ref)
		if def.Source != nil {
			// Remote sources (ADD <url>, ADD <git>) carry the ADD line in ours
			// so download and checksum errors name it; upstream leaves them
			// without one (a deliberate deviation listed in the README).
			if l := def.Source.Locations[string(e.dgst)]; l != nil && !isRemoteSource(e.op) {
				fmt.Fprintf(&locs, "#%d %s %s\n", e.index, kindOf(e.op), formatLocations(def.Source, l))
			}
		}
	}
	return &llbListing{
		Ops:       shortenDigests(b.String()),
		Locations: locs.String(),
		Digest:    digest.Digest(out.Digest),
		Def:       def,
	}, nil
}

func isRemoteSource(op *pb.Op) bool {
	src := op.GetSource()
	if src == nil {
		return false
	}
	id := src.GetIdentifier()
	return strings.HasPrefix(id, "http://") || strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "git://")
}

func kindOf(op *pb.Op) string {
	switch op.Op.(type) {
	case *pb.Op_Exec:
		return "exec"
	case *pb.Op_Source:
		return "source"
	case *pb.Op_File:
		return "file"
	case *pb.Op_Build:
		return "build"
	case *pb.Op_Merge:
		return "merge"
	case *pb.Op_Diff:
		return "diff"
	case nil:
		return "terminal"
	default:
		return fmt.Sprintf("%T", op.Op)
	}
}

func formatLocations(src *pb.Source, l *pb.Locations) string {
	var parts []string
	for _, loc := range l.Locations {
		name := strconv.Itoa(int(loc.SourceIndex))
		if int(loc.SourceIndex) < len(src.Infos) && src.Infos[loc.SourceIndex] != nil {
			name = src.Infos[loc.SourceIndex].Filename
		}
		var rs []string
		for _, r := range loc.Ranges {
			rs = append(rs, fmt.Sprintf("%d:%d-%d:%d", r.GetStart().GetLine(), r.GetStart().GetCharacter(), r.GetEnd().GetLine(), r.GetEnd().GetCharacter()))
		}
		parts = append(parts, name+"["+strings.Join(rs, ",")+"]")
	}
	return strings.Join(parts, " ")
}

var longDigest = regexp.MustCompile(`sha256:([0-9a-f]{12})[0-9a-f]{52}`)

// shortenDigests keeps image digests (they come from the shared fake
// resolver and are part of the identifier) but makes lines readable.
func shortenDigests(s string) string {
	return longDigest.ReplaceAllString(s, "sha256:$1…")
}

func writeOp(b *strings.Builder, e *opEntry, meta *pb.OpMetadata, ref func(*pb.Input) string) {
	op := e.op
	name := ""
	if meta != nil {
		name = meta.Description["llb.customname"]
	}
	fmt.Fprintf(b, "#%d %s %q\n", e.index, kindOf(op), name)
	var ins []string
	for _, in := range op.Inputs {
		ins = append(ins, ref(in))
	}
	if len(ins) > 0 {
		fmt.Fprintf(b, "    inputs: %s\n", strings.Join(ins, " "))
	}
	if op.Platform != nil {
		fmt.Fprintf(b, "    platform: %s\n", compact(op.Platform.ProtoReflect(), nil))
	}
	if op.Constraints != nil {
		if c := compact(op.Constraints.ProtoReflect(), nil); c != "{}" {
			fmt.Fprintf(b, "    constraints: %s\n", c)
		}
	}

	// inputRef renders an input index of this op: -1 is scratch.
	inputRef := func(i int64) string {
		switch {
		case i < 0:
			return "scratch"
		case int(i) < len(op.Inputs):
			return ref(op.Inputs[i])
		default:
			return fmt.Sprintf("input?%d", i)
		}
	}

	switch x := op.Op.(type) {
	case *pb.Op_Source:
		fmt.Fprintf(b, "    identifier: %s\n", x.Source.Identifier)
		for _, k := range sortedKeys(x.Source.Attrs) {
			v := x.Source.Attrs[k]
			if sessionAttrs[k] {
				v = "<session>"
			}
			fmt.Fprintf(b, "    attr %s = %q\n", k, v)
		}
		writeResidual(b, x.Source.ProtoReflect(), "identifier", "attrs")
	case *pb.Op_Exec:
		ex := x.Exec
		if m := ex.Meta; m != nil {
			fmt.Fprintf(b, "    args: %s\n", quoteList(m.Args))
			for _, kv := range m.Env {
				fmt.Fprintf(b, "    env: %q\n", kv)
			}
			fmt.Fprintf(b, "    cwd: %q user: %q\n", m.Cwd, m.User)
			writeResidual(b, m.ProtoReflect(), "args", "env", "cwd", "user")
		}
		fmt.Fprintf(b, "    network: %s security: %s\n", ex.Network, ex.Security)
		for _, mnt := range ex.Mounts {
			fmt.Fprintf(b, "    mount %s <- %s", mnt.Dest, inputRef(mnt.Input))
			if mnt.Selector != "" {
				fmt.Fprintf(b, " selector=%q", mnt.Selector)
			}
			if mnt.Output >= 0 {
				fmt.Fprintf(b, " output=%d", mnt.Output)
			} else {
				b.WriteString(" output=none")
			}
			if mnt.Readonly {
				b.WriteString(" ro")
			}
			fmt.Fprintf(b, " type=%s", mnt.MountType)
			if rest := compact(mnt.ProtoReflect(), skip("input", "selector", "dest", "output", "readonly", "mountType")); rest != "{}" {
				fmt.Fprintf(b, " %s", rest)
			}
			b.WriteString("\n")
		}
		writeResidual(b, ex.ProtoReflect(), "meta", "network", "security", "mounts")
	case *pb.Op_File:
		nin := int64(len(op.Inputs))
		actRef := func(i int64) string {
			if i >= nin {
				return fmt.Sprintf("action[%d]", i-nin)
			}
			return inputRef(i)
		}
		for i, a := range x.File.Actions {
			fmt.Fprintf(b, "    action[%d] ", i)
			var body protoreflect.Message
			switch y := a.Action.(type) {
			case *pb.FileAction_Copy:
				fmt.Fprintf(b, "copy %s:%q -> %s:%q", actRef(a.SecondaryInput), y.Copy.Src, actRef(a.Input), y.Copy.Dest)
				body = y.Copy.ProtoReflect()
				if rest := compact(body, skip("src", "dest").withInputs(actRef)); rest != "{}" {
					fmt.Fprintf(b, " %s", rest)
				}
			case *pb.FileAction_Mkfile:
				fmt.Fprintf(b, "mkfile %s:%q", actRef(a.Input), y.Mkfile.Path)
				fmt.Fprintf(b, " %s", compact(y.Mkfile.ProtoReflect(), skip("path").withInputs(actRef)))
			case *pb.FileAction_Mkdir:
				fmt.Fprintf(b, "mkdir %s:%q", actRef(a.Input), y.Mkdir.Path)
				fmt.Fprintf(b, " %s", compact(y.Mkdir.ProtoReflect(), skip("path").withInputs(actRef)))
			case *pb.FileAction_Rm:
				fmt.Fprintf(b, "rm %s:%q", actRef(a.Input), y.Rm.Path)
				fmt.Fprintf(b, " %s", compact(y.Rm.ProtoReflect(), skip("path")))
			case *pb.FileAction_Symlink:
				fmt.Fprintf(b, "symlink %s:%q -> %q", actRef(a.Input), y.Symlink.Newpath, y.Symlink.Oldpath)
				fmt.Fprintf(b, " %s", compact(y.Symlink.ProtoReflect(), skip("oldpath", "newpath").withInputs(actRef)))
			default:
				fmt.Fprintf(b, "%s", compact(a.ProtoReflect(), nil))
			}
			if _, isCopy := a.Action.(*pb.FileAction_Copy); !isCopy && a.SecondaryInput != -1 {
				fmt.Fprintf(b, " secondary=%s", actRef(a.SecondaryInput))
			}
			if a.Output >= 0 {
				fmt.Fprintf(b, " => out%d", a.Output)
			}
			b.WriteString("\n")
		}
		writeResidual(b, x.File.ProtoReflect(), "actions")
	case nil:
	default:
		// Build, merge, diff: the generic form, with inputs by reference.
		fmt.Fprintf(b, "    %s\n", compact(op.ProtoReflect(), skip("inputs", "platform", "constraints").withInputs(inputRef)))
	}

	if meta != nil {
		for _, k := range sortedKeys(meta.Description) {
			if k == "llb.customname" {
				continue
			}
			fmt.Fprintf(b, "    desc %s = %q\n", k, meta.Description[k])
		}
		// caps are derived from the op contents by the marshaller.
		writeResidual(b, meta.ProtoReflect(), "description", "caps")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func quoteList(l []string) string {
	q := make([]string, len(l))
	for i, s := range l {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// writeResidual prints the fields of m not named in handled, so a field the
// listing does not know about still shows up in the comparison.
func writeResidual(b *strings.Builder, m protoreflect.Message, handled ...string) {
	if rest := compact(m, skip(handled...)); rest != "{}" {
		fmt.Fprintf(b, "    other: %s\n", rest)
	}
}

// printOpts tunes the generic printer.
type printOpts struct {
	skip map[string]bool
	// inputs renders fields that hold an input index of the current op
	// (e.g. NamedUserOpt.input); nil prints the number.
	inputs func(int64) string
}

func skip(names ...string) *printOpts {
	o := &printOpts{skip: map[string]bool{}}
	for _, n := range names {
		o.skip[n] = true
	}
	return o
}

func (o *printOpts) withInputs(f func(int64) string) *printOpts {
	o.inputs = f
	return o
}

// inputIndexFields are (message, field) pairs holding an input index.
var inputIndexFields = map[string]bool{
	"pb.NamedUserOpt.input":   true,
	"pb.MergeInput.input":     true,
	"pb.LowerDiffInput.input": true,
	"pb.UpperDiffInput.input": true,
	"pb.BuildInput.input":     true,
	"pb.Mount.input":          true,
}

// compact renders the populated fields of m in field-number order as
// {name=value ...}; maps are sorted by key.
func compact(m protoreflect.Message, o *printOpts) string {
	fields := m.Descriptor().Fields()
	var parts []string
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		name := string(fd.Name())
		if o != nil && o.skip[name] {
			continue
		}
		if !m.Has(fd) {
			continue
		}
		v := m.Get(fd)
		var s string
		switch {
		case fd.IsList():
			l := v.List()
			items := make([]string, l.Len())
			for j := 0; j < l.Len(); j++ {
				items[j] = scalar(fd, l.Get(j), nil)
			}
			s = "[" + strings.Join(items, ", ") + "]"
		case fd.IsMap():
			var keys []string
			vals := map[string]string{}
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				ks := k.String()
				keys = append(keys, ks)
				vals[ks] = scalar(fd.MapValue(), mv, nil)
				return true
			})
			slices.Sort(keys)
			items := make([]string, len(keys))
			for j, k := range keys {
				items[j] = strconv.Quote(k) + ":" + vals[k]
			}
			s = "{" + strings.Join(items, ", ") + "}"
		default:
			var inner *printOpts
			if o != nil && o.inputs != nil {
				inner = &printOpts{inputs: o.inputs}
				if inputIndexFields[string(m.Descriptor().FullName())+"."+name] {
					s = o.inputs(v.Int())
					break
				}
			}
			s = scalar(fd, v, inner)
		}
		parts = append(parts, name+"="+s)
	}
	return "{" + strings.Join(parts, " ") + "}"
}

func scalar(fd protoreflect.FieldDescriptor, v protoreflect.Value, o *printOpts) string {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return compact(v.Message(), o)
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			return string(ev.Name())
		}
		return strconv.Itoa(int(v.Enum()))
	case protoreflect.StringKind:
		return strconv.Quote(v.String())
	case protoreflect.BytesKind:
		return strconv.Quote(string(v.Bytes()))
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		if strings.HasPrefix(string(fd.Name()), "mode") || fd.Name() == "mode" {
			if v.Int() >= 0 {
				return "0" + strconv.FormatInt(v.Int(), 8)
			}
		}
		return strconv.FormatInt(v.Int(), 10)
	default:
		return fmt.Sprint(v.Interface())
	}
}
