package dockerfile2llb

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/myorg/multistage/internal/portspec"
	"github.com/myorg/multistage/stages"
	"github.com/pkg/errors"
)

// applyExpose records ports as "port/proto". Host IPs and host ports are
// accepted for compatibility and dropped: an image cannot publish them.
func (c *converter) applyExpose(s *stageState, cmd *instructions.ExposeCommand) (string, error) {
	env := s.env
	var ports []string
	for _, raw := range cmd.Ports {
		words, err := c.lex.ProcessWords(raw, env)
		if err != nil {
			return "", err
		}
		for _, w := range words {
			ps, err := parseExposedPort(w)
			if err != nil {
				return "", err
			}
			if err := c.countExposed(len(ps)); err != nil {
				return "", err
			}
			ports = append(ports, ps...)
		}
	}
	s.ownConfigMaps()
	if s.image.Config.ExposedPorts == nil {
		s.image.Config.ExposedPorts = map[string]struct{}{}
	}
	for _, p := range ports {
		s.image.Config.ExposedPorts[p] = struct{}{}
	}
	return fmt.Sprintf("EXPOSE %v", ports), nil
}

// countExposed adds n ports to what the conversion's EXPOSE lines listed:
// a range costs one history entry and one config key per port, so a few
// bytes of "0-65535" repeated would otherwise cost gigabytes.
func (c *converter) countExposed(n int) error {
	c.portsExposed += n
	if c.portsExposed > stages.MaxExposedPorts {
		return &stages.LimitError{What: "the ports the EXPOSE lines list", Got: c.portsExposed, Max: stages.MaxExposedPorts, Unit: "ports"}
	}
	return nil
}

// parseExposedPort reads [ip:][hostPort:]containerPort[-end][/proto].
// Errors start with upstream's words.
func parseExposedPort(spec string) ([]string, error) {
	rest, rawProto, _ := strings.Cut(spec, "/")
	if rest == "" {
		return nil, errors.Errorf("invalid port: %q: no port specified", spec)
	}
	proto := strings.ToLower(rawProto)
	switch proto {
	case "":
		proto = "tcp"
	case "tcp", "udp", "sctp":
	default:
		return nil, errors.Errorf("invalid port: %q: invalid proto: %s; the protocol is tcp, udp or sctp", spec, rawProto)
	}
	ip, hostPort, container := portspec.Split(rest)
	if ip != "" && net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(ip, "["), "]")) == nil {
		return nil, errors.Errorf("invalid IP address: %s; in port %q", strings.Trim(ip, "[]"), spec)
	}
	start, end, err := parsePortRange(container)
	if err != nil {
		return nil, errors.Errorf("invalid containerPort: %s; in port %q: %q is %v", container, spec, container, err)
	}
	if hostPort != "" {
		hs, he, err := parsePortRange(hostPort)
		if err != nil {
			return nil, errors.Errorf("invalid hostPort: %s; in port %q: %q is %v", hostPort, spec, hostPort, err)
		}
		if he-hs != end-start && end != start {
			return nil, errors.Errorf("invalid ranges specified for container and host Ports: %s and %s; the ranges differ in size", container, hostPort)
		}
	}
	out := make([]string, 0, end-start+1)
	for p := start; p <= end; p++ {
		out = append(out, strconv.Itoa(p)+"/"+proto)
	}
	return out, nil
}

func parsePortRange(s string) (int, int, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	start, err := strconv.ParseUint(lo, 10, 16)
	if err != nil || lo == "" {
		return 0, 0, errors.New("not a port number")
	}
	end := start
	if isRange {
		if end, err = strconv.ParseUint(hi, 10, 16); err != nil || end < start {
			return 0, 0, errors.New("not a valid port range")
		}
	}
	return int(start), int(end), nil
}
