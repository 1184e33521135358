# syntax=docker/dockerfile:1
# meeting-monitor: `docker build -t meeting-monitor .`, then see compose.yaml.
# CI cannot run a container engine; scripts/package-check.sh does the same install
# steps outside one (wheel → fresh venv → monitor run --once, monitor health).

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY monitor ./monitor
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MONITOR_CONFIG=/app/config/monitor.toml \
    MONITOR_DB=/data/monitor.db \
    MONITOR_LISTEN=0.0.0.0:8080
RUN groupadd --system --gid 10001 monitor \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /data monitor \
    && mkdir -p /data /app \
    && chown monitor:monitor /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels meeting-monitor==0.1.0 \
    && rm -rf /wheels
WORKDIR /app
# The shipped configuration and the fixtures its offline archive source reads;
# mount your own file over /app/config/monitor.toml (or set MONITOR_CONFIG).
COPY config/monitor.toml ./config/monitor.toml
COPY fixtures/sites ./fixtures/sites
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["monitor", "health"]
ENTRYPOINT ["monitor"]
CMD ["run"]
