package docsexamples

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ActionInputs are the `with:` keys each docker action version takes, by
// `owner/name@version` (docs/testdata/action-inputs.json).
type ActionInputs map[string][]string

// LoadActionInputs reads an action-inputs JSON file.
func LoadActionInputs(file string) (ActionInputs, error) {
	dt, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var in ActionInputs
	if err := json.Unmarshal(dt, &in); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return in, nil
}

// WorkflowReport is what checking a page's YAML blocks found.
type WorkflowReport struct {
	Blocks int     // ```yaml blocks parsed
	Steps  int     // `uses: docker/...` steps checked
	Errs   []error // page:line and what is wrong
}

// CheckWorkflows parses every ```yaml block of a page as YAML and checks
// each `uses: docker/<action>@<version>` step: the version is one inputs
// knows, and every `with:` key is an input it takes.
func CheckWorkflows(doc, src string, inputs ActionInputs) WorkflowReport {
	var r WorkflowReport
	blocks, errs, _ := scanBlocks(doc, src)
	r.Errs = errs
	for _, b := range blocks {
		if b.lang != "yaml" && b.lang != "yml" {
			continue
		}
		r.Blocks++
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(b.text), &root); err != nil {
			r.Errs = append(r.Errs, &Error{doc, b.line + yamlErrLine(err), "YAML does not parse: " + err.Error()})
			continue
		}
		c := stepChecker{doc: doc, base: b.line, inputs: inputs, report: &r}
		c.walk(&root)
	}
	return r
}

var yamlLine = regexp.MustCompile(`line (\d+):`)

// yamlErrLine is the block line a YAML error names, or 0 (the fence).
func yamlErrLine(err error) int {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// stepChecker walks one YAML document for docker action steps.
type stepChecker struct {
	doc    string
	base   int // the fence's line: YAML line n is page line base+n
	inputs ActionInputs
	report *WorkflowReport
}

func (c stepChecker) walk(n *yaml.Node) {
	if n.Kind == yaml.MappingNode {
		c.checkStep(n)
	}
	for _, child := range n.Content {
		c.walk(child)
	}
}

// checkStep checks a mapping that has `uses: docker/...`.
func (c stepChecker) checkStep(m *yaml.Node) {
	uses, with := mapValue(m, "uses"), mapValue(m, "with")
	if uses == nil || uses.Kind != yaml.ScalarNode || !strings.HasPrefix(uses.Value, "docker/") {
		return
	}
	c.report.Steps++
	known, ok := c.inputs[uses.Value]
	if !ok {
		c.fail(uses.Line, "%s is not in docs/testdata/action-inputs.json (it lists %s): use a listed version, or add this one with its inputs", uses.Value, strings.Join(slices.Sorted(maps.Keys(c.inputs)), ", "))
		return
	}
	if with == nil || with.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(with.Content); i += 2 {
		key := with.Content[i]
		if !slices.Contains(known, key.Value) {
			c.fail(key.Line, "%s has no input %q (its inputs: %s)", uses.Value, key.Value, strings.Join(known, ", "))
		}
	}
}

func (c stepChecker) fail(line int, format string, args ...any) {
	c.report.Errs = append(c.report.Errs, &Error{c.doc, c.base + line, fmt.Sprintf(format, args...)})
}

// mapValue is the value of key in mapping m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
