# Penghubung gateway: `penghubung serve` as a non-root user.
# Build: docker build -t penghubung .
# Run:   docker run -p 8000:8000 -e DATABASE_URL=postgres://user:pw@db:5432/penghubung penghubung
#        (without DATABASE_URL the gateway keeps an SQLite file in the /data volume)
# Worker: docker run -e DATABASE_URL=... -e PENGHUBUNG_SOURCES=/data/sources.toml \
#           -e PENGHUBUNG_WORKER_METRICS=0.0.0.0:9108 -p 9108:9108 penghubung penghubung worker
# Pin the base by digest in your registry mirror; the tag is named here because this
# repository is built without network access to look the digest up.
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY connectors ./connectors
COPY schema ./schema
COPY auth ./auth
RUN python -m venv /opt/penghubung && /opt/penghubung/bin/pip install .

FROM python:3.11-slim-bookworm
RUN useradd --system --uid 10001 --home-dir /data --create-home penghubung
COPY --from=build /opt/penghubung /opt/penghubung
ENV PATH=/opt/penghubung/bin:$PATH PYTHONUNBUFFERED=1
USER penghubung
WORKDIR /data
VOLUME ["/data"]
# 8000: the gateway (and its /metrics); 9108: a worker's /metrics, when PENGHUBUNG_WORKER_METRICS says so
EXPOSE 8000 9108
HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]
# --migrate suits one instance; with several replicas run `penghubung migrate` once as a job.
CMD ["penghubung", "serve", "--host", "0.0.0.0", "--port", "8000", "--migrate"]
