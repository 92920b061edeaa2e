#!/usr/bin/env bash
# Throughput of `zoomsh sim` on loopback with rate limits off (--plan unlimited), next to plain
# curl baselines measured in the same run. A benchmark, not a test: it prints figures.
#
#   bench/sim_throughput.sh            # builds the release binary first
#   ZOOMSH_BIN=target/release/zoomsh N=2000 bench/sim_throughput.sh
#
# Rows:
#   curl loop       one `curl` process per request (what a shell script does); mostly process start-up
#   curl keep-alive one `curl` process, N requests over one reused connection (sequential)
#   curl parallel   one `curl --parallel` process, N requests over up to P connections
# Each row is GET /v2/users/me (Light) with a valid Bearer token; every answer must be 200.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-1000}
LOOP_N=${LOOP_N:-300}
P=${P:-16}
BIN=${ZOOMSH_BIN:-}
if [[ -z "$BIN" ]]; then
    cargo build --release --quiet
    BIN=target/release/zoomsh
fi

work=$(mktemp -d)
cleanup() { [[ -n "${sim_pid:-}" ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$BIN" sim --plan unlimited >"$work/env" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
    grep -q ZOOM_CLIENT_SECRET "$work/env" 2>/dev/null && break
    sleep 0.1
done
# shellcheck disable=SC1091
source "$work/env"
token=$(curl -sf -u "$ZOOM_CLIENT_ID:$ZOOM_CLIENT_SECRET" \
    -d "grant_type=account_credentials&account_id=$ZOOM_ACCOUNT_ID" \
    "$ZOOMSH_OAUTH_URL/oauth/token" | jq -r .access_token)
url="$ZOOMSH_API_URL/v2/users/me"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%8.0f req/s  (%d requests in %.2f s)\n", n / (b - a), n, b - a }'; }

# A curl config with N identical requests, each written to /dev/null and reporting its status.
{
    echo "header = \"Authorization: Bearer $token\""
    for _ in $(seq "$N"); do
        echo "url = \"$url\""
        echo "output = \"/dev/null\""
    done
} >"$work/curl.cfg"

printf '%-16s' "curl loop"
t0=$(now)
for _ in $(seq "$LOOP_N"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url")
    [[ "$code" == 200 ]] || { echo "unexpected HTTP $code"; exit 1; }
done
t1=$(now)
rate "$LOOP_N" "$t0" "$t1"

printf '%-16s' "curl keep-alive"
t0=$(now)
curl -s -w '%{http_code}\n' -K "$work/curl.cfg" >"$work/codes"
t1=$(now)
[[ $(grep -c '^200$' "$work/codes") == "$N" ]] || { echo "not every answer was 200"; sort "$work/codes" | uniq -c; exit 1; }
rate "$N" "$t0" "$t1"

printf '%-16s' "curl parallel"
t0=$(now)
curl -s --no-progress-meter --parallel --parallel-max "$P" -w '%{http_code}\n' -K "$work/curl.cfg" >"$work/codes"
t1=$(now)
[[ $(grep -c '^200$' "$work/codes") == "$N" ]] || { echo "not every answer was 200"; sort "$work/codes" | uniq -c; exit 1; }
rate "$N" "$t0" "$t1"

served=$(curl -s "$ZOOMSH_API_URL/_sim/stats" | jq .requests)
echo "simulator counted $served API requests (expected $((LOOP_N + 2 * N)))"
