#!/usr/bin/env bash
# Job 2 the way Zoom's guide does it: a next_page_token loop in shell, pages joined with jq.
set -euo pipefail
token=$(curl -sf -u "$ZOOM_CLIENT_ID:$ZOOM_CLIENT_SECRET" \
    -d "grant_type=account_credentials&account_id=$ZOOM_ACCOUNT_ID" \
    "$ZOOMSH_OAUTH_URL/oauth/token" | jq -r .access_token)
out=$(mktemp)
trap 'rm -f "$out" "$out.page"' EXIT
next=""
while :; do
    curl -sf -G -H "Authorization: Bearer $token" "$ZOOMSH_API_URL/v2/users" \
        --data-urlencode "page_size=300" --data-urlencode "next_page_token=$next" >"$out.page"
    jq -c '.users[]' "$out.page" >>"$out"
    next=$(jq -r '.next_page_token // ""' "$out.page")
    [[ -z "$next" ]] && break
done
jq -s length "$out"
