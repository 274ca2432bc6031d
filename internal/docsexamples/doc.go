// Package docsexamples reads the examples out of the documentation
// (README.md and docs/**/*.md) so that tests can run them, and checks the
// pages' links and CI workflow files.
//
// The convention the pages follow:
//
//   - An example is one or more fenced blocks followed by exactly one
//     ```console block. An unmarked ```dockerfile block is the context's
//     Dockerfile; a block of any language with `<!-- file: PATH -->` on the
//     line just before its fence is written to PATH (relative to the
//     context, never outside it). A console block with no file blocks of
//     its own runs on the files of the example before it on the page.
//   - In the console block, `$ ` starts a command (a trailing `\` continues
//     it on the next line); every other non-empty line is output the command
//     must print, trimmed, as a substring of its stdout and stderr. A line
//     that is exactly `...` elides. A shown line starting with `ERROR:` means
//     the command must fail.
//   - `<!-- docs-test: not-run REASON -->` just before a fence keeps that
//     block (a console block: its whole example) from running; such blocks
//     are counted.
//   - `<!-- docs-image: PATH -->` just before an example's console block
//     names a picture rendered from the DOT its `--call=graph` command
//     prints (hack/docs-images.sh); PATH is relative to the page.
//
// An unmarked ```dockerfile block with no console block after it (before
// the next one), and a file block left without one, are errors: every
// example either runs or says why not.
package docsexamples
