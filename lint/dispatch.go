package lint

import (
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/dfgitutil"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/util/system"
	"github.com/moby/patternmatcher"
	"github.com/myorg/multistage/internal/events"
	"github.com/myorg/multistage/internal/portspec"
	"github.com/myorg/multistage/stages"
)

// InstructionRules returns the rules upstream's converter runs while it
// dispatches instructions, as an observer of our converter's dispatch: they
// read the words, environment and ARG values the conversion itself uses.
func InstructionRules(df *stages.Dockerfile, opt Options) *events.Observer {
	c := newChecker(df, nil, opt)
	ignore := c.ignoreMatcher()
	type once struct {
		loc []parser.Range
		set bool
	}
	var cmdOnce, entrypointOnce, healthOnce once
	used := func(cmd instructions.Command, o *once, lint *linter.Linter) {
		if o.set {
			// The earlier instruction is the one that is ignored.
			lint.Run(&linter.RuleMultipleInstructionsDisallowed, o.loc, linter.RuleMultipleInstructionsDisallowed.Format(cmd.Name()))
		}
		o.loc, o.set = cmd.Location(), true
	}
	return &events.Observer{
		Stage: func(s *events.Stage) {
			cmdOnce, entrypointOnce, healthOnce = once{}, once{}, once{}
		},
		Unmatched: func(s *events.Stage, cmd instructions.Command, names []string) {
			if !s.EnvKnown {
				return // the base image's environment is unknown
			}
			lint := c.lint.WithMergedConfigFromComments(cmd.Comments())
			index := c.envIndex(s)
			for _, name := range names {
				lint.Run(&linter.RuleUndefinedVar, cmd.Location(), linter.RuleUndefinedVar.Format(name, index.Search(name)))
			}
		},
		Arg: func(s *events.Stage, cmd *instructions.ArgCommand, kv instructions.KeyValuePairOptional, _ bool) {
			c.secretKey(c.lint.WithMergedConfigFromComments(cmd.Comments()), "ARG", kv.Key, cmd.Location())
		},
		Command: func(s *events.Stage, cmd instructions.Command) {
			lint := c.lint.WithMergedConfigFromComments(cmd.Comments())
			switch cmd := cmd.(type) {
			case *instructions.EnvCommand:
				for _, kv := range cmd.Env {
					if kv.NoDelim {
						lint.Run(&linter.RuleLegacyKeyValueFormat, cmd.Location(), linter.RuleLegacyKeyValueFormat.Format(cmd.Name()))
					}
					c.secretKey(lint, "ENV", kv.Key, cmd.Location())
				}
			case *instructions.LabelCommand:
				for _, kv := range cmd.Labels {
					if kv.NoDelim {
						lint.Run(&linter.RuleLegacyKeyValueFormat, cmd.Location(), linter.RuleLegacyKeyValueFormat.Format(cmd.Name()))
					}
				}
			case *instructions.CmdCommand:
				used(cmd, &cmdOnce, lint)
				jsonArgs(s, cmd, cmd.PrependShell, lint)
			case *instructions.EntrypointCommand:
				used(cmd, &entrypointOnce, lint)
				jsonArgs(s, cmd, cmd.PrependShell, lint)
			case *instructions.HealthCheckCommand:
				used(cmd, &healthOnce, lint)
			case *instructions.WorkdirCommand:
				// Only the first WORKDIR of the build matters: fixing it
				// fixes every relative one after it.
				if !s.WorkdirSet && !system.IsAbs(cmd.Path, s.OS) {
					lint.Run(&linter.RuleWorkdirRelativePath, cmd.Location(), linter.RuleWorkdirRelativePath.Format(cmd.Path))
				}
			case *instructions.ExposeCommand:
				exposeRules(s, cmd, lint, c)
			case *instructions.CopyCommand:
				if cmd.From == "" {
					copyIgnored(ignore, "Copy", cmd.SourcePaths, cmd.Location(), lint)
				}
			case *instructions.AddCommand:
				copyIgnored(ignore, "Add", cmd.SourcePaths, cmd.Location(), lint)
			}
		},
	}
}

func jsonArgs(s *events.Stage, cmd instructions.Command, shellForm bool, lint *linter.Linter) {
	if shellForm && !s.HasShell {
		lint.Run(&linter.RuleJSONArgsRecommended, cmd.Location(), linter.RuleJSONArgsRecommended.Format(cmd.Name()))
	}
}

var (
	secretDeny  = regexp.MustCompile(`(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)`)
	secretAllow = regexp.MustCompile(`(?i)(?:_|^)(?:public|file|version)(?:_|$)`)
)

// secretKey reports an ARG or ENV whose name looks like a secret's. The
// two regexps run once per name: every stage repeats the global ARGs it
// uses, and stages repeat each other's.
func (c *checker) secretKey(lint *linter.Linter, instruction, key string, loc []parser.Range) {
	secret, seen := c.secretNames[key]
	if !seen {
		secret = secretDeny.MatchString(key) && !secretAllow.MatchString(key)
		if c.secretNames == nil {
			c.secretNames = map[string]bool{}
		}
		c.secretNames[key] = secret
	}
	if secret {
		lint.Run(&linter.RuleSecretsUsedInArgOrEnv, loc, linter.RuleSecretsUsedInArgOrEnv.Format(instruction, key))
	}
}

// exposeRules checks each port of an EXPOSE after expansion.
func exposeRules(s *events.Stage, cmd *instructions.ExposeCommand, lint *linter.Linter, c *checker) {
	lex := c.lexer()
	for _, word := range cmd.Ports {
		ports, err := lex.ProcessWords(word, s.Env)
		if err != nil {
			return
		}
		for _, raw := range ports {
			ip, hostPort, container := portspec.Split(raw)
			_, proto, _ := strings.Cut(container, "/")
			if proto != strings.ToLower(proto) {
				lint.Run(&linter.RuleExposeProtoCasing, cmd.Location(), linter.RuleExposeProtoCasing.Format(raw))
			}
			if ip != "" || hostPort != "" {
				lint.Run(&linter.RuleExposeInvalidFormat, cmd.Location(), linter.RuleExposeInvalidFormat.Format(raw))
			}
		}
	}
}

func (c *checker) ignoreMatcher() *patternmatcher.PatternMatcher {
	if len(c.opt.DockerIgnore) == 0 {
		return nil
	}
	m, err := patternmatcher.New(c.opt.DockerIgnore)
	if err != nil || m.Exclusions() {
		// With "!" exceptions a directory may be ignored while a file in
		// it is not: too hard to decide statically.
		return nil
	}
	return m
}

// copyIgnored reports context sources that .dockerignore excludes.
func copyIgnored(m *patternmatcher.PatternMatcher, verb string, srcs []string, loc []parser.Range, lint *linter.Linter) {
	if m == nil {
		return
	}
	for _, src := range srcs {
		if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
			continue
		}
		if ref, isGit, err := dfgitutil.ParseGitRef(src); isGit || (err == nil && ref != nil && !ref.IndistinguishableFromLocal) {
			continue
		}
		p := filepath.ToSlash(filepath.Clean(src))
		if (p == "." || p == "/") && !rootIgnored(m) {
			continue
		}
		if ok, err := m.MatchesOrParentMatches(p); err == nil && ok {
			lint.Run(&linter.RuleCopyIgnoredFile, loc, linter.RuleCopyIgnoredFile.Format(verb, p))
		}
	}
}

func rootIgnored(m *patternmatcher.PatternMatcher) bool {
	for _, p := range m.Patterns() {
		if p.Exclusion() {
			continue
		}
		switch p.String() {
		case "*", "**", "**/*":
			return true
		}
	}
	return false
}

// envIndex is the suggestion index over a stage's environment, built again
// only when the stage or its number of names changed: a stage's names only
// grow, in order, so that count says which set it is. Searching a fresh
// list for every undefined variable made 10,000 ENV keys followed by
// 10,000 undefined uses cost 10,000 full scans.
func (c *checker) envIndex(s *events.Stage) *stages.NameIndex {
	keys := s.Env.Keys()
	if c.env.index == nil || c.env.stage != s || c.env.names != len(keys) {
		c.env.stage, c.env.names, c.env.index = s, len(keys), stages.NewNameIndex(keys)
	}
	return c.env.index
}
