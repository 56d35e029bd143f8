# syntax=docker/dockerfile:1
# wva in one image; every mode runs from the same entrypoint:
#   docker build -t wva:dev .              (kind/up.sh builds it and loads it into Kind)
#   docker run --rm wva:dev plan --file examples/plan/seed_40rpm.yaml
#   docker run --rm -p 8000:8000 wva:dev emulator --host 0.0.0.0
# manifests/controller.yaml runs it as `controller …`, manifests/samples/emulator-*.yaml as
# `emulator …`.
#
# All dependencies are fetched at build time into DENO_DIR. At run time nothing is downloaded
# (--cached-only) or written (--frozen: the lockfile is never updated), so the image runs as any
# non-root user with a read-only root filesystem and without network access to a registry.
ARG DENO_VERSION=2.9.6
FROM denoland/deno:${DENO_VERSION}

ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1
WORKDIR /app

# npm dependencies of the import map first: this layer is reused while only the code changes.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY main.ts ./
COPY src/ src/
COPY emulator/ emulator/
COPY examples/ examples/
RUN deno cache --frozen main.ts \
 && chmod -R a+rX /deno-dir /app

# 65532 is the user manifests/controller.yaml asks for (runAsNonRoot); any other works too.
USER 65532:65532
# emulator API + /metrics; controller /metrics; controller /healthz, /readyz
EXPOSE 8000 8080 8081
ENTRYPOINT ["deno", "run", "-A", "--cached-only", "--frozen", "main.ts"]
CMD ["--help"]
