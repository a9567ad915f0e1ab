#!/usr/bin/env bash
# Regenerates demo-data/recordings/*.swrec: the demo recorded by the program itself
# (`switchboard up --headless --record`) while load generators call kubia, with a scripted
# change made through the real kubectl against the embedded API server:
#   pod-failure.swrec     a kubia pod is deleted at ~8 s; ClientIP affinity moves its clients
#   selector-edit.swrec   `kubectl patch svc kubia` points the Service at kubia-v2 at ~8 s
# Usage: bench/record-demo.sh [SECONDS]   (default 20; run from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TOTAL=${1:-20}
BIN=${SWITCHBOARD_BINARY:-.build/debug/switchboard}
[ -x "$BIN" ] || swift build --product switchboard
# Address block 127.252-254 (the recording tests' block), API server on 127.252.200.254:6443.
FLAGS=(--service-cidr 127.252.0.0/18 --pod-cidr 127.252.64.0/18 --node-cidr 127.252.200.0/24
       --load-balancer-pool 127.252.250.0/24 --cluster-dns 127.252.0.10 --no-dns-forward
       --api-server 127.252.200.254:6443 --interval 1)
KUBECTL=(kubectl --server http://127.252.200.254:6443)

record() {  # name, "extra manifests", change command…
  local name=$1 extra=$2; shift 2
  local out=demo-data/recordings/$name.swrec
  # shellcheck disable=SC2086
  "$BIN" up demo-data/ $extra --headless --record "$out" "${FLAGS[@]}" > /tmp/record-$name.log 2>&1 &
  local pid=$!
  trap "kill -INT $pid 2>/dev/null || true" EXIT
  for _ in $(seq 1 50); do "${KUBECTL[@]}" get svc kubia > /dev/null 2>&1 && break; sleep 0.2; done
  sleep 8
  "$@"
  sleep $((SECONDS_TOTAL - 8))
  kill -INT $pid
  wait $pid || true
  trap - EXIT
  "$BIN" replay --once --view events "$out" | tail -n 3
  ls -l "$out"
}

delete_a_kubia_pod() {
  local pod
  pod=$("${KUBECTL[@]}" get pods -l app=kubia -o jsonpath='{.items[0].metadata.name}')
  "${KUBECTL[@]}" delete pod "$pod" --wait=false
}

point_kubia_at_v2() {
  "${KUBECTL[@]}" patch svc kubia -p '{"spec":{"selector":{"app":"kubia-v2"}}}'
}

record pod-failure demo-data/recordings/scenario-loadgen.yaml delete_a_kubia_pod
record selector-edit "demo-data/recordings/scenario-loadgen.yaml demo-data/recordings/scenario-kubia-v2.yaml" point_kubia_at_v2
