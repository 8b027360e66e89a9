# syntax=docker/dockerfile:1
#
# Build:  docker build --build-arg VERSION="$(git describe --tags --always --dirty)" -t sozialraumbot .
# Run:    docker run --rm -e TELEGRAM_BOT_TOKEN_FILE=/run/secrets/token -e OPERATOR="..." \
#           -e REDIS_URL=redis://redis:6379/0 -v "$PWD/secrets/telegram_bot_token:/run/secrets/token:ro" sozialraumbot
# (compose.yaml does all of this.)

ARG GO_VERSION=1.26

# --- build: a static binary; the directory data is embedded by go:embed --------
FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download -x
COPY . .
ARG VERSION=devel
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOFLAGS=-mod=readonly \
    go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION}" \
      -o /out/sozialraumbot ./cmd/sozialraumbot
# Fail the build early if the binary or its embedded data is broken.
RUN /out/sozialraumbot version && /out/sozialraumbot check-directory

# --- run: distroless static (CA certificates, tzdata, /etc/passwd), no shell ---
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sozialraumbot /usr/local/bin/sozialraumbot
# uid/gid 65532 = "nonroot" of the distroless image (numeric, for runAsNonRoot checks)
USER 65532:65532
# In a container the listeners must bind all interfaces; publish them with care.
ENV OPS_LISTEN=:9090 \
    WEBHOOK_LISTEN=:8080 \
    LOG_FORMAT=json
# 8080: webhook (BOT_MODE=webhook, behind a TLS reverse proxy); 9090: /healthz /readyz /metrics
EXPOSE 8080 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/sozialraumbot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/sozialraumbot"]
CMD ["serve"]
