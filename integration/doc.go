// Package integration holds the end-to-end tests of multistage: real builds
// on a real buildkitd, with a local registry and docker buildx.
//
// The tests live in _test.go files. They need a running environment, which
// hack/env.sh starts (hack/test.sh does it for you):
//
//	BUILDKIT_HOST              address of the buildkitd (unix:// or tcp://)
//	MULTISTAGE_REGISTRY        localhost:PORT, the registry buildkitd mirrors docker.io to
//	MULTISTAGE_BUILDX_BUILDER  a docker buildx builder on the same daemon (optional:
//	                           without it the buildx subset is skipped)
//	MULTISTAGE_FRONTEND_IMAGE  the frontend image, default myorg/multistage:1
//
// Without BUILDKIT_HOST every test skips, so `go test ./...` stays fast.
//
// Each scenario runs in these modes:
//
//	inprocess  client.Build with gateway.Build from this working tree
//	gateway    frontend gateway.v0 with source= the frontend image
//	syntax     builtin dockerfile.v0 with "# syntax=<frontend image>" on line 1
//	buildx     docker buildx build with the syntax line (a subset of scenarios)
//	upstream   BuildKit's builtin Dockerfile frontend, no syntax line: a control
//	           that the scenario's expectations are right where we match upstream
package integration
