# docker buildx bake: build, check and ship the frontend image.
#
#   docker buildx bake                   # frontend: the image, for the builder's platform
#   docker buildx bake frontend-cross    # the image for every platform we ship
#   docker buildx bake binaries          # ./bin/frontend (per platform with --set *.platform=...)
#   docker buildx bake test lint         # unit tests; go vet + staticcheck
#   docker buildx bake validate          # --check of every example, through the fresh frontend
#   docker buildx bake examples          # every example built through the fresh frontend
#   docker buildx bake hello             # examples/hello alone
#
# validate, examples and hello use the frontend target itself as their
# frontend, in the same run and without a registry: the named context "fe" is
# the frontend image, and the build arg BUILDKIT_SYNTAX selects it (it wins
# over the "# syntax=myorg/multistage:1" line each example starts with).
#
# A release (.github/workflows/release.yml):
#
#   VERSION=1.2.3 docker buildx bake frontend-cross --push --sbom=true --provenance=mode=max
#
# pushes myorg/multistage:1, :1.2 and :1.2.3.

# IMAGE is the repository the frontend image is tagged in.
variable "IMAGE" {
  default = "myorg/multistage"
}

# VERSION is stamped into the binary (frontend -version) and picks the tags:
# a release version X.Y.Z (or vX.Y.Z) tags X, X.Y and X.Y.Z; a pre-release
# (X.Y.Z-rc.1) only itself; anything else (a development build) tags 1, the
# tag users name in "# syntax=", so a local build can stand in for it.
variable "VERSION" {
  default = "dev"
}

# GOPROXY is handed to the RUN steps that download modules (hack/env.sh sets
# it to a loopback server over the host's module cache). Empty: Go's default.
variable "GOPROXY" {
  default = ""
}

# EXAMPLES are the directories under examples/ that validate and examples
# build (the integration suite checks that none is missing).
variable "EXAMPLES" {
  default = ["hello", "debug-production", "external-image", "cross-compile", "monorepo"]
}

function "tags" {
  params = [image, version]
  result = (
    length(regexall("^v?[0-9]+\\.[0-9]+\\.[0-9]+$", version)) > 0 ? [
      for i in [1, 2, 3] : "${image}:${join(".", slice(split(".", trimprefix(version, "v")), 0, i))}"
    ] :
    length(regexall("^v?[0-9]+\\.[0-9]+\\.[0-9]+-", version)) > 0 ? ["${image}:${trimprefix(version, "v")}"] :
    ["${image}:1"]
  )
}

group "default" {
  targets = ["frontend"]
}

# _common: the Dockerfile at the root, with the build args every stage takes.
target "_common" {
  context    = "."
  dockerfile = "Dockerfile"
  args = {
    VERSION = trimprefix(VERSION, "v")
    GOPROXY = GOPROXY
    GOSUMDB = GOPROXY != "" ? "off" : ""
  }
}

# frontend is the image BuildKit runs, for the builder's platform.
target "frontend" {
  inherits = ["_common"]
  target   = "release"
  tags     = tags(IMAGE, VERSION)
  labels = {
    "org.opencontainers.image.title"   = "multistage"
    "org.opencontainers.image.version" = trimprefix(VERSION, "v")
  }
}

# frontend-cross is the published image: one per platform, cross-compiled on
# the builder's platform (no emulation: the image is FROM scratch).
target "frontend-cross" {
  inherits = ["frontend"]
  platforms = [
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "linux/riscv64",
  ]
}

# binaries is the bare binary in ./bin.
target "binaries" {
  inherits = ["_common"]
  target   = "binaries"
  output   = ["type=local,dest=bin"]
}

# test runs the unit tests; lint runs go vet and staticcheck. They produce no
# output: success is the result.
target "test" {
  inherits = ["_common"]
  target   = "test"
  output   = ["type=cacheonly"]
}

target "lint" {
  inherits = ["_common"]
  target   = "lint"
  output   = ["type=cacheonly"]
}

# _through_frontend builds a Dockerfile with the frontend built above
# instead of the one its syntax line names.
target "_through_frontend" {
  contexts = { fe = "target:frontend" }
  args     = { BUILDKIT_SYNTAX = "fe" }
}

# validate runs --check on every example.
target "validate" {
  inherits = ["_through_frontend"]
  name     = "validate-${ex}"
  matrix   = { ex = EXAMPLES }
  context  = "examples/${ex}"
  call     = "check"
}

# examples builds every example's default target.
target "examples" {
  inherits = ["_through_frontend"]
  name     = "examples-${ex}"
  matrix   = { ex = EXAMPLES }
  context  = "examples/${ex}"
  output   = ["type=cacheonly"]
}

# hello is the documentation's hello-world, as the README shows it.
target "hello" {
  inherits = ["_through_frontend"]
  context  = "examples/hello"
}
