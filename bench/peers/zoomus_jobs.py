"""The benchmark jobs written as zoomus (PyPI) users normally write them."""

import json
import os
import sys

from zoomus import ZoomClient

client = ZoomClient(
    os.environ["ZOOM_CLIENT_ID"],
    os.environ["ZOOM_CLIENT_SECRET"],
    os.environ["ZOOM_ACCOUNT_ID"],
    base_uri=os.environ["ZOOMSH_API_URL"] + "/v2",
    oauth_uri=os.environ["ZOOMSH_OAUTH_URL"] + "/oauth/token",
)
job = sys.argv[1]
if job == "users_me":
    print(client.user.me().json()["id"])
elif job == "all_users":
    users, token = [], ""
    while True:
        page = client.user.list(page_size=300, next_page_token=token).json()
        users += page["users"]
        token = page.get("next_page_token", "")
        if not token:
            break
    print(len(users))
elif job == "meetings":
    n = 0
    for mid in json.load(open(sys.argv[2])):
        r = client.meeting.get(id=mid)
        r.raise_for_status()
        n += 1
    print(n)
else:
    sys.exit(f"unknown job {job}")
