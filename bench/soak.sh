#!/usr/bin/env bash
# The fault soak: 300 meeting creates and a listing against a simulator that fails on purpose
# (5% 5xx, bursts of 429s without headers, 2% connection resets, 10-second tokens).
# Prints the figures: requests, retries, failures the script saw, meetings listed, duplicates.
#
#   bench/soak.sh                     # builds the release binary first
#   ZOOMSH_BIN=target/release/zoomsh FAULTS=5xx=0.1 bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${ZOOMSH_BIN:-}
if [[ -z "$BIN" ]]; then
    cargo build --release --quiet
    BIN=target/release/zoomsh
fi
FAULTS=${FAULTS:-5xx=0.05,429burst=3,429=0.02,reset=0.02}

work=$(mktemp -d)
cleanup() { [[ -n "${sim_pid:-}" ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$BIN" sim --plan business --token-ttl 10 --faults "$FAULTS" --seed 7 >"$work/env" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
    grep -q ZOOM_CLIENT_SECRET "$work/env" 2>/dev/null && break
    sleep 0.1
done
set -a
# shellcheck disable=SC1091
source "$work/env"
set +a
export ZOOMSH_CACHE_DIR="$work/cache"

status=0
"$BIN" -v run bench/jobs/soak.rhai --arg "run=$$" >"$work/out" 2>"$work/err" || status=$?
stats=$(curl -sf "$ZOOMSH_API_URL/_sim/stats")

echo "exit status:          $status"
echo "panics:               $(grep -c 'panicked' "$work/err" || true)"
head -1 "$work/out" | sed 's/^/script:               /'
echo "retries logged:       $(grep -ci 'retry' "$work/err" || true)"
echo "simulator requests:   $(jq .requests <<<"$stats")"
echo "tokens minted:        $(jq .tokens_minted <<<"$stats")"
echo "faults injected:      $(jq -c .faults_injected <<<"$stats")"
echo "429s sent:            $(jq .too_many_requests <<<"$stats")"
echo "failures the script saw, by cause:"
grep '^failure: ' "$work/out" \
    | grep -oE 'token endpoint answered HTTP [0-9]+|HTTP [0-9]{3}(, code [0-9]+)?|connection closed[^;]*|timed out|could not connect' \
    | sort | uniq -c | sort -rn | sed 's/^/  /' || true
echo "duplicates:           $(grep -c '^duplicate: ' "$work/out" || true)"
