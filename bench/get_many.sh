#!/usr/bin/env bash
# zoom.get_many against the rate limit: N GET /meetings/{id} (Light) through `zoom.get_many`
# against `zoomsh sim --latency 50 --plan business`, next to a sequential loop of the same N
# calls measured in the same run. A benchmark, not a test: it prints figures, and exits 1 when
# get_many is more than 10% slower than the limit-bound ideal (N / 80 per second) or draws a 429.
#
#   bench/get_many.sh                     # builds the release binary first
#   N=400 ZOOMSH_BIN=target/release/zoomsh bench/get_many.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-800}
BIN=${ZOOMSH_BIN:-}
if [[ -z "$BIN" ]]; then
    cargo build --release --quiet
    BIN=target/release/zoomsh
fi

work=$(mktemp -d)
cleanup() { [[ -n "${sim_pid:-}" ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$BIN" sim --latency 50 --plan business >"$work/env" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
    grep -q ZOOM_CLIENT_SECRET "$work/env" 2>/dev/null && break
    sleep 0.1
done
# shellcheck disable=SC1091
source "$work/env"

"$BIN" --plan business --no-token-cache run bench/get_many.rhai \
    --arg "n=$N" --arg "stats_url=$ZOOMSH_API_URL/_sim/stats"
