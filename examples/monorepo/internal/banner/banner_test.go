package banner

import "testing"

func TestLine(t *testing.T) {
	for service, want := range map[string]string{"api": "api: ready", "web": "web: ready"} {
		if got := Line(service); got != want {
			t.Errorf("Line(%q) = %q, want %q", service, got, want)
		}
	}
}
