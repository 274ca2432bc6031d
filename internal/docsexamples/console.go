package docsexamples

import (
	"strings"
)

// Command is one `$ ` command of a console block and what it must print.
type Command struct {
	Line int    // the `$ ` line
	Text string // without the prompt; continuation lines kept, for sh
	// Expect are the shown output lines, trimmed, each a substring the
	// command's output must contain ("..." lines left out).
	Expect []string
	// WantFail: a shown line starts with ERROR:, so the command must fail.
	WantFail bool
}

// parseConsole reads the commands of a console block and the output shown
// under each.
func parseConsole(doc string, b block) ([]Command, []error) {
	lines := strings.Split(strings.TrimSuffix(b.text, "\n"), "\n")
	var cmds []Command
	var errs []error
	for i := 0; i < len(lines); i++ {
		n := b.line + 1 + i
		if text, ok := strings.CutPrefix(lines[i], "$ "); ok {
			for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
				i++
				text += "\n" + lines[i]
			}
			if strings.TrimSpace(text) == "" {
				errs = append(errs, &Error{doc, n, "empty command after `$ `"})
			}
			cmds = append(cmds, Command{Line: n, Text: text})
			continue
		}
		out := strings.TrimSpace(lines[i])
		if out == "" || out == "..." {
			continue
		}
		if len(cmds) == 0 {
			errs = append(errs, &Error{doc, n, "output before any command: a console block starts with a `$ ` line"})
			continue
		}
		c := &cmds[len(cmds)-1]
		c.Expect = append(c.Expect, out)
		c.WantFail = c.WantFail || strings.HasPrefix(out, "ERROR:")
	}
	if len(cmds) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{doc, b.line, "```console block without a `$ ` command"})
	}
	return cmds, errs
}
