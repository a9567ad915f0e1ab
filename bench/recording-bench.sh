#!/usr/bin/env bash
# Recording benchmark (issue 8 Performance): builds the Recording module in release, links
# bench/recording/main.swift against it (the switchboard-bench target does not link Recording)
# and runs it: an hour of 1 Hz samples of 100 services written, then seeks into the file.
# Usage: bench/recording-bench.sh [SECONDS] [SERVICES] [KEYFRAME_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --target Recording > /dev/null
REL=.build/release
flags=(-O -I "$REL/Modules" -Xcc -I.build/checkouts/swift-atomics/Sources/_AtomicsShims/include)
for m in "$REL"/*.build/module.modulemap; do flags+=(-Xcc "-fmodule-map-file=$m"); done
objs=()
for t in Recording Telemetry CompressNIO CCompressZlib NIOCore NIOConcurrencyHelpers _NIODataStructures _NIOBase64 \
         CNIOAtomics Atomics _AtomicsShims DequeModule InternalCollectionsUtilities CNIOLinux; do
  while IFS= read -r -d '' o; do objs+=("$o"); done < <(find "$REL/$t.build" -name '*.o' -print0 2>/dev/null)
done
swiftc "${flags[@]}" bench/recording/main.swift "${objs[@]}" -lz -o "$REL/recording-bench" 2>&1 | grep -v warning || true
"$REL/recording-bench" "${1:-3600}" "${2:-100}" "${3:-120}"
