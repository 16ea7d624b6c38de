# authkit-emulator: a scratch image holding only the static binary (the
# default fixtures are embedded in it).
#
# Two ways to get the binary, one final layout:
#
#   docker build -t authkit-emulator .
#       compiles it in the `build` stage (pulls golang:1.26);
#
#   CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$V" -o dist/authkit-emulator .
#   DOCKER_BUILDKIT=1 docker build --build-arg BINARY_FROM=prebuilt -t authkit-emulator .
#       copies dist/authkit-emulator (the `prebuilt` stage): no image is
#       pulled at all, because BuildKit skips the unused `build` stage. This is
#       how CI builds it (scripts/docker-smoke.sh) on a machine without a
#       registry.
#
# No "# syntax=" line on purpose: it would pull a frontend image.

ARG BINARY_FROM=build

# ---- build: compile a static binary from source -------------------------
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /authkit-emulator .

# ---- prebuilt: a static binary compiled outside (dist/authkit-emulator) ---
# The legacy builder (DOCKER_BUILDKIT=0) runs every stage, even unused ones:
# the [r] glob lets this one pass on a clean clone without dist/, and go.mod
# is there only so the COPY never has zero sources. With BINARY_FROM=prebuilt
# and no binary, the final COPY fails with "/authkit-emulator: not found".
FROM scratch AS prebuilt
COPY go.mod dist/authkit-emulato[r] /

# ---- binary: whichever of the two BINARY_FROM names ----------------------
FROM ${BINARY_FROM} AS binary

# ---- final image ---------------------------------------------------------
FROM scratch
COPY --from=binary /authkit-emulator /authkit-emulator
# An empty /fixtures means "the embedded default world"; mount a fixture
# file or directory of *.yaml here (read-only is fine). WORKDIR creates the
# directory without a shell.
WORKDIR /fixtures
WORKDIR /
ENV AUTHKIT_EMULATOR_ADDR=0.0.0.0:8484 \
    AUTHKIT_EMULATOR_FIXTURES=/fixtures \
    AUTHKIT_EMULATOR_LOG_FORMAT=json \
    AUTHKIT_EMULATOR_IMAGE=1
EXPOSE 8484
USER 65532:65532
# The binary probes its own /_emulator/health: no shell or curl needed. The
# short interval makes the container healthy about half a second after
# start (Docker runs the first probe one interval after start).
HEALTHCHECK --interval=500ms --timeout=2s --start-period=10s --retries=3 \
    CMD ["/authkit-emulator", "healthcheck"]
ENTRYPOINT ["/authkit-emulator"]
CMD ["serve"]
