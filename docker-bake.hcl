# docker buildx bake: build the frontend image, and use it straight away.
#
#   docker buildx bake frontend            # the image, tagged myorg/multistage:1
#   docker buildx bake hello               # examples/hello through that frontend,
#                                          # built in the same run (no push needed)
#
# GOPROXY is handed to the RUN steps that download modules (hack/env.sh sets
# it to a loopback server over the host's module cache).

variable "VERSION" {
  default = "dev"
}

variable "GOPROXY" {
  default = ""
}

variable "FRONTEND_IMAGE" {
  default = "myorg/multistage:1"
}

group "default" {
  targets = ["frontend"]
}

target "frontend" {
  context    = "."
  dockerfile = "Dockerfile"
  target     = "release"
  args = {
    VERSION = VERSION
    GOPROXY = GOPROXY
    GOSUMDB = GOPROXY != "" ? "off" : ""
  }
  tags = [FRONTEND_IMAGE]
}

# The documentation's hello-world, built through the frontend target above:
# the named context "fe" is the frontend image, BUILDKIT_SYNTAX selects it.
target "hello" {
  context  = "examples/hello"
  contexts = { fe = "target:frontend" }
  args     = { BUILDKIT_SYNTAX = "fe" }
}
