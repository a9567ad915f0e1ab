#!/usr/bin/env bash
# Switchboard's L4 proxy beside HAProxy and nginx (tcp/stream mode), in one run of the shared
# anchor script. Needs: haproxy nginx libnginx-mod-stream wrk socat curl (apt-get install ...).
#   bench/proxy-bench.sh [--reps N] [--duration S] [--out DIR]   (extra flags go to the script)
set -euo pipefail
cd "$(dirname "$0")/.."
anchors="${SWITCHBOARD_SHARED:-../shared}/bench/proxy-anchors.sh"
[ -x "$anchors" ] || { echo "proxy-anchors.sh not found at $anchors (set SWITCHBOARD_SHARED)" >&2; exit 1; }
swift build -c release --product switchboard >&2
exec "$anchors" --targets "direct haproxy-l4 nginx-l4" \
  --candidate-cmd "$PWD/.build/release/switchboard up --headless --event-loops 1 $PWD/bench/proxy-l4.yaml" \
  --candidate-l4 127.96.0.60:18086 "$@"
