#!/usr/bin/env bash
# Recording benchmark (issue 8 Performance): builds the Recording module in release, links
# bench/recording/main.swift against it and runs it: an hour of 1 Hz samples of 100 services.
# Usage: bench/recording-bench.sh [SECONDS] [SERVICES]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --target Recording > /dev/null
REL=.build/release
swiftc -O -I "$REL/Modules" -I "$REL" bench/recording/main.swift \
  "$REL"/Recording.build/*.o "$REL"/Telemetry.build/*.o -o "$REL/recording-bench" 2>&1 | grep -v warning || true
"$REL/recording-bench" "${1:-3600}" "${2:-100}"
