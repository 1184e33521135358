#!/usr/bin/env bash
# The Dockerfile's install steps outside a container (CI has no container engine):
# build the wheels, install them into a fresh venv without an index, lay out /app
# as the image does, then run `monitor run --once`, start the daemon, ask
# `monitor health`, and stop it with SIGTERM. Nothing here reaches the internet
# but pip's package index.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'kill "${daemon:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT

echo "package-check: building wheels (as the Dockerfile's build stage)"
python3 -m pip wheel -q --no-cache-dir --wheel-dir "$work/wheels" "$root" 2>&1 | grep -v "^WARNING: Location" || true
echo "package-check: installing into a fresh venv without an index"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-cache-dir --no-index --find-links "$work/wheels" meeting-monitor==0.1.0 2>&1 | grep -v "^WARNING: Location" || true

mkdir -p "$work/app/config" "$work/app/fixtures" "$work/data"
cp -r "$root/fixtures/sites" "$work/app/fixtures/sites"
# The shipped file polls the real sites; the check keeps to its offline archive source.
cat > "$work/app/config/monitor.toml" <<'TOML'
[[sources]]
name = "fixtures"
kind = "archive"
path = "fixtures/sites"
exclude = ["*.origin.txt", "*/variant_*"]
interval = "1h"
TOML
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export MONITOR_CONFIG="$work/app/config/monitor.toml" MONITOR_DB="$work/data/monitor.db"
export MONITOR_LISTEN="127.0.0.1:$port"
cd "$work/app"

echo "package-check: monitor run --once"
"$work/venv/bin/monitor" run --once
"$work/venv/bin/monitor" items --meetings --limit 3
# The generic parser's stack (trafilatura, justext, lxml_html_clean) imports only
# when a page needs it: read one such page in the clean install.
echo "package-check: the generic parser"
"$work/venv/bin/monitor" parse "$root/fixtures/sites/generic/variant_govcn_article.html"

echo "package-check: the daemon, then monitor health"
"$work/venv/bin/monitor" run &
daemon=$!
for _ in $(seq 1 100); do
    if "$work/venv/bin/monitor" health >/dev/null 2>&1; then break; fi
    sleep 0.2
done
"$work/venv/bin/monitor" health
kill -TERM "$daemon"
wait "$daemon"
echo "package-check: ok (daemon exited 0 on SIGTERM)"
