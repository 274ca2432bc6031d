package main

import "testing"

func TestGreeting(t *testing.T) {
	for mode, want := range map[string]string{
		"debug":      "hello from the debug image",
		"production": "hello from the production image",
		"":           "hello from the unknown image",
	} {
		if got := greeting(mode); got != want {
			t.Errorf("greeting(%q) = %q, want %q", mode, got, want)
		}
	}
}
