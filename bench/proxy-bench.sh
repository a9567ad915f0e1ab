#!/usr/bin/env bash
# Switchboard beside HAProxy and nginx in one run of the shared anchor script: the L4 service
# proxy (tcp/stream mode) by default, the ingress controller (http mode) with `l7` first.
# Needs: haproxy nginx libnginx-mod-stream wrk socat curl (apt-get install ...).
#   bench/proxy-bench.sh [l7] [--reps N] [--duration S] [--out DIR]   (extra flags go to the script)
set -euo pipefail
cd "$(dirname "$0")/.."
anchors="${SWITCHBOARD_SHARED:-../shared}/bench/proxy-anchors.sh"
[ -x "$anchors" ] || { echo "proxy-anchors.sh not found at $anchors (set SWITCHBOARD_SHARED)" >&2; exit 1; }
swift build -c release --product switchboard >&2
sb="$PWD/.build/release/switchboard up --headless --event-loops 1 --no-dns-forward"
if [ "${1:-}" = l7 ]; then
  shift
  exec "$anchors" --targets "direct haproxy-l7 nginx-l7" \
    --candidate-cmd "$sb $PWD/bench/proxy-l7.yaml" --candidate-l7 127.200.0.1:80 "$@"
fi
exec "$anchors" --targets "direct haproxy-l4 nginx-l4" \
  --candidate-cmd "$sb $PWD/bench/proxy-l4.yaml" --candidate-l4 127.96.0.60:18086 "$@"
