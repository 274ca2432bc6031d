package lint_test

import "testing"

func TestCacheBustArg(t *testing.T) {
	checkRule(t, "CacheBustArg", []lintCase{
		{name: "declared and echoed", dockerfile: "FROM busybox\nARG CACHEBUST=1\nRUN echo $CACHEBUST && apt-get update\n", want: []string{"CacheBustArg line 2"}},
		{name: "declared only", dockerfile: "FROM busybox\nARG CACHE_BUST\nRUN apt-get update\n", want: []string{"CacheBustArg line 2"}},
		{name: "other spellings", dockerfile: "FROM busybox\nARG cachebuster\nARG NOCACHE\nARG CACHE_DATE\nRUN true\n", want: []string{"CacheBustArg line 2", "CacheBustArg line 3", "CacheBustArg line 4"}},
		{name: "a real use in a LABEL", dockerfile: "FROM busybox\nARG CACHE_DATE\nLABEL built=$CACHE_DATE\nRUN true\n"},
		{name: "a real use in COPY", dockerfile: "FROM busybox\nARG CACHEBUST\nCOPY ${CACHEBUST}.txt /x\n"},
		{name: "other names are not cache busters", dockerfile: "FROM busybox\nARG VERSION\nARG CACHE_DIR=/c\nRUN echo $VERSION $CACHE_DIR\n"},
		{name: "only stages the check covers", dockerfile: "FROM busybox AS a\nARG CACHEBUST\nRUN true\nFROM busybox\nARG CACHEBUST\nRUN true\n", want: []string{"CacheBustArg line 2", "CacheBustArg line 5"}},
		{name: "skipped with check=skip", dockerfile: "# check=skip=CacheBustArg\nFROM busybox\nARG CACHEBUST\nRUN true\n"},
	})
}
