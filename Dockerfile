# syntax=docker/dockerfile:1
# umbral's image: a build stage compiles the TypeScript; the runtime stage holds the production
# dependencies, the compiled server, its protocol definitions and the bundled example models.
# test/deploy-image.test.ts replays these steps outside a container: keep paths literal (no ${VAR}
# in COPY or WORKDIR) and let RUN reach absolute paths only through ENV.

FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
# onnxruntime-node's install script would download GPU libraries; the CPU runtime is in the package.
ENV ONNXRUNTIME_NODE_INSTALL=skip
# Dependencies first: this layer is rebuilt only when the lockfile changes, not on every source edit.
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: the package's own `prepare` (tsc) needs the sources, copied only below, and no
# dependency needs its install script (protobufjs's only warns, onnxruntime-node's is skipped above).
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
RUN node_modules/.bin/tsc -p tsconfig.build.json

FROM node:24.21.0-bookworm-slim AS runtime
ARG REVISION=""
ARG CREATED=""
LABEL org.opencontainers.image.title="umbral" \
      org.opencontainers.image.description="Serve machine-learning models in production: ONNX in-process, KServe v2 protocol, with the production layer built in." \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/node:24.21.0-bookworm-slim" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
# Production dependencies only; --ignore-scripts for the same reasons as above (and tsc is not here).
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
COPY bin/ bin/
COPY proto/ proto/
COPY models/ models/
COPY --from=build /app/dist/src/ dist/src/

# Everything the server writes goes to two volumes, so the root filesystem can be read-only:
# the data directory (embedded database, artifacts, prediction-log spill, notifications key) and the
# temp directory (uploads in progress). With DATABASE_URL set, artifacts still live in the data
# directory unless UMBRAL_ARTIFACTS_DIR names a volume the replicas share.
ENV UMBRAL_ENV=production \
    UMBRAL_DATA_DIR=/var/lib/umbral \
    UMBRAL_MODELS_DIR=/app/models \
    TMPDIR=/tmp
RUN mkdir -p "$UMBRAL_DATA_DIR" && chown 1000:1000 "$UMBRAL_DATA_DIR"
VOLUME ["/var/lib/umbral", "/tmp"]

# The base image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# HTTP (UMBRAL_PORT) and gRPC (UMBRAL_GRPC_PORT).
EXPOSE 8080 8081
# Liveness, not readiness: a model that fails to load makes /health/ready answer 503, and restarting
# the container would not mend it. node itself asks, since the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.UMBRAL_PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and stops gracefully on SIGTERM itself; jobs that start commands want an init to reap
# orphans (`docker run --init`, compose `init: true`).
ENTRYPOINT ["node", "bin/umbral.js"]
CMD ["serve"]
