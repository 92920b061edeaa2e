#!/usr/bin/env bash
# Check `zoomsh sim` against an independent client: zoomus from PyPI, installed into a venv
# under target/, talking to a simulator started here. Prints one line per check.
#
#   bench/independent_client/run.sh              # builds the release binary first
#   ZOOMSH_BIN=target/debug/zoomsh bench/independent_client/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=${ZOOMSH_BIN:-}
if [[ -z "$BIN" ]]; then
    cargo build --release --quiet
    BIN=target/release/zoomsh
fi
venv=target/zoomus-venv
if [[ ! -x "$venv/bin/python" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "zoomus==1.2.1"
fi

work=$(mktemp -d)
cleanup() { [[ -n "${sim_pid:-}" ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# Unlimited plan: the check walks many users' meetings quickly, which is not what it tests.
"$BIN" sim --plan unlimited >"$work/env" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
    grep -q ZOOM_CLIENT_SECRET "$work/env" 2>/dev/null && break
    sleep 0.1
done
set -a
# shellcheck disable=SC1091
source "$work/env"
set +a
"$venv/bin/python" bench/independent_client/check_zoomus.py
