package portspec

import "testing"

// TestSplit pins the split upstream's EXPOSE makes, which lint rules and
// the converter now share (they used to differ on IPv6 brackets).
func TestSplit(t *testing.T) {
	for _, tc := range []struct{ spec, ip, host, container string }{
		{"80", "", "", "80"},
		{"80/udp", "", "", "80/udp"},
		{"8080:80", "", "8080", "80"},
		{"127.0.0.1:8080:80/tcp", "127.0.0.1", "8080", "80/tcp"},
		{"[::1]:8080:80", "[::1]", "8080", "80"},
		{"[::1]:80", "[:", "1]", "80"},
	} {
		ip, host, container := Split(tc.spec)
		if ip != tc.ip || host != tc.host || container != tc.container {
			t.Errorf("Split(%q) = %q, %q, %q; want %q, %q, %q", tc.spec, ip, host, container, tc.ip, tc.host, tc.container)
		}
	}
}
