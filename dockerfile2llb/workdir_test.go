package dockerfile2llb_test

import (
	"slices"
	"strings"
	"testing"
)

// TestWorkdirLimit holds WORKDIR to a working directory of 4,096 bytes:
// from scratch's "/", each "WORKDIR a" adds 2 bytes ("/a"), so 2,048 of
// them reach the limit and one more passes it, on its own line. Where the
// path stays short, any number of WORKDIRs converts.
func TestWorkdirLimit(t *testing.T) {
	cases := []struct {
		name string
		df   string
		// workdir is the length of the final working directory, when
		// the Dockerfile converts.
		workdir int
		// want is part of the error, and line its line, when it fails.
		want string
		line int
	}{
		// 64 steps of "/" and 63 letters; 2,048 steps of "/a" would pass
		// MaxCarriedBytes first (each mkdir op holds its path).
		{name: "at the limit", df: "FROM scratch\n" + strings.Repeat("WORKDIR "+strings.Repeat("a", 63)+"\n", 64), workdir: 4096},
		{
			name: "one past the limit",
			df:   "FROM scratch\n" + strings.Repeat("WORKDIR "+strings.Repeat("a", 63)+"\n", 64) + "WORKDIR b\nRUN true\n",
			want: "the working directory reaches 4,098 bytes; multistage limits it to 4,096 bytes",
			line: 66,
		},
		{
			name: "thousands of steps carry their paths",
			df:   "FROM scratch\n" + strings.Repeat("WORKDIR a\n", 2048),
			want: "the environment and working directories the steps carry reaches",
			line: 2049,
		},
		{name: "one long relative step", df: "FROM scratch\nWORKDIR /src\nWORKDIR " + strings.Repeat("d", 4090) + "\n", workdir: 4095},
		{
			name: "one long relative step past the limit",
			df:   "FROM scratch\nWORKDIR /src\nWORKDIR " + strings.Repeat("d", 4092) + "\n",
			want: "the working directory reaches 4,097 bytes",
			line: 3,
		},
		{
			name:    "an absolute path starts again",
			df:      "FROM scratch\n" + strings.Repeat("WORKDIR "+strings.Repeat("a", 63)+"\n", 60) + "WORKDIR /b\n" + strings.Repeat("WORKDIR "+strings.Repeat("a", 63)+"\n", 60),
			workdir: 3842,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			our := runConverter(ourConverter, diffCase{Name: tc.name, Data: []byte(tc.df)})
			if tc.line == 0 {
				if our.Err != nil {
					t.Fatalf("want a conversion, got %v", our.Err)
				}
				if got := len(our.Image.Config.WorkingDir); got != tc.workdir {
					t.Errorf("working directory of %d bytes, want %d", got, tc.workdir)
				}
				return
			}
			if our.Err == nil {
				t.Fatalf("converted; want an error containing %q", tc.want)
			}
			if !strings.Contains(our.Err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", our.Err, tc.want)
			}
			if got := errorLines(our.Err); !slices.Equal(got, []int{tc.line}) {
				t.Errorf("error names lines %v, want [%d]", got, tc.line)
			}
		})
	}
}
