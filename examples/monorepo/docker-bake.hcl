# docker buildx bake: both services of the monorepo, each a target of the one
# Dockerfile. Bake builds them together, so the stages they share (the
# toolchain, the source, the test stage) are solved once.
#
#   docker buildx bake            # api and web
#   docker buildx bake web        # one of them

group "default" {
  targets = ["api", "web"]
}

target "_service" {
  context    = "."
  dockerfile = "Dockerfile"
}

target "api" {
  inherits = ["_service"]
  target   = "api"
  tags     = ["example/monorepo-api"]
}

target "web" {
  inherits = ["_service"]
  target   = "web"
  tags     = ["example/monorepo-web"]
}
