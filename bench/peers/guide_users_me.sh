#!/usr/bin/env bash
# Job 1 the way Zoom's guide does it: mint a token with curl, then call the API with it.
set -euo pipefail
token=$(curl -sf -u "$ZOOM_CLIENT_ID:$ZOOM_CLIENT_SECRET" \
    -d "grant_type=account_credentials&account_id=$ZOOM_ACCOUNT_ID" \
    "$ZOOMSH_OAUTH_URL/oauth/token" | jq -r .access_token)
curl -sf -H "Authorization: Bearer $token" "$ZOOMSH_API_URL/v2/users/me" | jq -r .id
