// Package banner is what both services print when they start: the code the
// monorepo's shared test stage tests once for both.
package banner

// Line is the start-up line of service.
func Line(service string) string {
	return service + ": ready"
}
