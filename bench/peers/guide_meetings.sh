#!/usr/bin/env bash
# Job 3 the way Zoom's guide does it: one curl per meeting id, in a shell loop.
set -euo pipefail
token=$(curl -sf -u "$ZOOM_CLIENT_ID:$ZOOM_CLIENT_SECRET" \
    -d "grant_type=account_credentials&account_id=$ZOOM_ACCOUNT_ID" \
    "$ZOOMSH_OAUTH_URL/oauth/token" | jq -r .access_token)
n=0
for id in $(jq -r '.[]' "$1"); do
    curl -sf -H "Authorization: Bearer $token" "$ZOOMSH_API_URL/v2/meetings/$id" >/dev/null
    n=$((n + 1))
done
echo "$n"
