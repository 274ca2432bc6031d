// Package portspec splits EXPOSE port specifications, for the converter and
// the lint rules alike, the way upstream's frontend splits them.
package portspec

import "strings"

// Split splits [ip:][hostPort:]containerPort[/proto] on its colons: the
// last is the container port, the one before it the host port, the rest
// the IP (an IPv6 address keeps its brackets and inner colons).
func Split(spec string) (ip, hostPort, container string) {
	parts := strings.Split(spec, ":")
	switch n := len(parts); n {
	case 1:
		return "", "", parts[0]
	case 2:
		return "", parts[0], parts[1]
	default:
		return strings.Join(parts[:n-2], ":"), parts[n-2], parts[n-1]
	}
}
