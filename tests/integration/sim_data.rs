//! The simulated account over raw HTTP: users, meetings, past meetings (incl. UUIDs that need
//! double encoding), reports, recordings and groups.

use crate::sim_support::{Api, encode};
use serde_json::{Value, json};

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

#[tokio::test]
async fn users_me_by_id_and_by_email() {
    let api = Api::start(&[]).await;
    let me = api.get_ok("/users/me").await;
    assert_eq!(me["role_name"], "Owner");
    assert_eq!(me["account_id"], zoomsh::sim::DEMO_ACCOUNT_ID);
    let id = me["id"].as_str().unwrap();
    let email = me["email"].as_str().unwrap();
    assert_eq!(api.get_ok(&format!("/users/{id}")).await["id"], id);
    assert_eq!(
        api.get_ok(&format!("/users/{}", encode(email))).await["id"],
        id
    );
    assert_eq!(
        api.get_ok(&format!("/users/{}", encode(&email.to_uppercase())))
            .await["id"],
        id
    );
    let r = api.get("/users/nobody%40example.com").await;
    assert_eq!(
        (r.status, r.json()),
        (
            404,
            json!({"code":1001,"message":"User does not exist: nobody@example.com."})
        )
    );
}

#[tokio::test]
async fn same_seed_gives_same_account() {
    let a = Api::start(&["--seed", "5"]).await;
    let b = Api::start(&["--seed", "5"]).await;
    let c = Api::start(&["--seed", "6"]).await;
    let url = "/users?page_size=300";
    let (la, lb, lc) = (
        a.get_ok(url).await,
        b.get_ok(url).await,
        c.get_ok(url).await,
    );
    assert_eq!(la["users"], lb["users"]);
    assert_ne!(la["users"], lc["users"]);
}

#[tokio::test]
async fn users_pages_follow_next_page_token() {
    // CASES B10: 70 users, 30 a page -> 30, 30, 10; legacy page_number is ignored.
    let api = Api::start(&["--users", "90"]).await;
    let total = api.get_ok("/users?page_size=300").await["total_records"]
        .as_u64()
        .unwrap() as usize;
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut calls = 0;
    loop {
        let r = api
            .get_ok(&format!("/users?page_number=1&next_page_token={token}"))
            .await;
        calls += 1;
        if calls == 1 {
            assert_eq!(
                r["page_count"].as_u64().unwrap() as usize,
                total.div_ceil(30)
            );
        } else {
            assert!(r.get("page_count").is_none(), "later pages omit page_count");
        }
        assert_eq!(r["page_size"], 30);
        seen.extend(
            r["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].clone()),
        );
        token = r["next_page_token"].as_str().unwrap().to_string();
        if token.is_empty() {
            break;
        }
    }
    assert_eq!(seen.len(), total);
    assert_eq!(calls, total.div_ceil(30));
    let unique: std::collections::HashSet<_> = seen.iter().map(|v| v.to_string()).collect();
    assert_eq!(unique.len(), total);
    assert!(total > 60, "most of 90 users are active");
}

#[tokio::test]
async fn page_tokens_are_bound_to_query_and_expire() {
    let api = Api::start(&["--page-token-ttl", "1"]).await;
    let first = api.get_ok("/users?page_size=5").await;
    let token = first["next_page_token"].as_str().unwrap();
    assert!(!token.is_empty());
    let bad = json!({"code":300,"message":"The next page token is invalid or expired."});
    let r = api
        .get(&format!("/users?page_size=6&next_page_token={token}"))
        .await;
    assert_eq!(
        (r.status, r.json()),
        (400, bad.clone()),
        "different page_size"
    );
    let r = api
        .get(&format!(
            "/users?page_size=5&status=inactive&next_page_token={token}"
        ))
        .await;
    assert_eq!((r.status, r.json()), (400, bad.clone()), "different filter");
    let r = api.get("/users?page_size=5&next_page_token=made-up").await;
    assert_eq!((r.status, r.json()), (400, bad.clone()));
    assert_eq!(
        api.get(&format!("/users?page_size=5&next_page_token={token}"))
            .await
            .status,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = api
        .get(&format!("/users?page_size=5&next_page_token={token}"))
        .await;
    assert_eq!((r.status, r.json()), (400, bad), "expired");
    // page_size is capped at the catalog maximum.
    assert_eq!(api.get_ok("/users?page_size=5000").await["page_size"], 300);
}

#[tokio::test]
async fn user_lifecycle() {
    let api = Api::start(&[]).await;
    let body = json!({"action": "custCreate", "user_info": {"email": "new.person@example.com", "type": 1, "first_name": "New", "last_name": "Person"}});
    let r = api.post("/users", &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = api.post("/users", &body).await;
    assert_eq!(
        (r.status, r.json()),
        (
            409,
            json!({"code":1005,"message":"Email \"new.person@example.com\" has already been used."})
        )
    );

    let r = api
        .patch(
            &format!("/users/{id}"),
            &json!({"first_name": "Renamed", "job_title": "Tester", "unknown_key": 1}),
        )
        .await;
    assert_eq!(
        (r.status, r.text.as_str(), r.header("content-type")),
        (204, "", None)
    );
    let u = api.get_ok(&format!("/users/{id}")).await;
    assert_eq!(
        (
            u["first_name"].as_str(),
            u["job_title"].as_str(),
            u["display_name"].as_str()
        ),
        (Some("Renamed"), Some("Tester"), Some("Renamed Person"))
    );
    let r = api
        .patch(
            &format!("/users/{id}"),
            &json!({"timezone": "Mars/Olympus"}),
        )
        .await;
    assert_eq!(r.json()["errors"][0]["field"], "timezone");

    let r = api
        .send(
            "PUT",
            &format!("/users/{id}/status"),
            Some(&json!({"action": "deactivate"})),
        )
        .await;
    assert_eq!(r.status, 204);
    let inactive = api.get_ok("/users?status=inactive&page_size=300").await;
    assert!(
        inactive["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == id.as_str())
    );
    let active = api.get_ok("/users?page_size=300").await;
    assert!(
        !active["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == id.as_str())
    );

    assert_eq!(api.delete(&format!("/users/{id}")).await.status, 204);
    assert_eq!(api.get(&format!("/users/{id}")).await.status, 404);
    assert_eq!(
        api.delete("/users/me").await.status,
        400,
        "the owner cannot be deleted"
    );
}

#[tokio::test]
async fn meeting_lifecycle() {
    // CASES B11: PATCH and DELETE answer 204 with no body and no content type.
    let api = Api::start(&[]).await;
    let r = api.post("/users/me/meetings", &json!({"topic": "Standup", "type": 2, "duration": 15, "start_time": "2030-01-15T09:00:00Z"})).await;
    assert_eq!(r.status, 201);
    let m = r.json();
    let id = m["id"].as_i64().unwrap();
    assert!(
        (10_000_000_000..100_000_000_000).contains(&id),
        "11-digit id: {id}"
    );
    assert_eq!(m["topic"], "Standup");
    assert_eq!(m["start_time"], "2030-01-15T09:00:00Z");
    assert_eq!(m["host_email"], api.get_ok("/users/me").await["email"]);

    let got = api.get_ok(&format!("/meetings/{id}")).await;
    assert_eq!(
        (got["id"].as_i64(), got["status"].as_str()),
        (Some(id), Some("waiting"))
    );

    let r = api
        .patch(&format!("/meetings/{id}"), &json!({"topic": "Renamed"}))
        .await;
    assert_eq!(
        (r.status, r.text.as_str(), r.header("content-type")),
        (204, "", None)
    );
    assert_eq!(
        api.get_ok(&format!("/meetings/{id}")).await["topic"],
        "Renamed"
    );

    let r = api.delete(&format!("/meetings/{id}")).await;
    assert_eq!(
        (r.status, r.text.as_str(), r.header("content-type")),
        (204, "", None)
    );
    let r = api.get(&format!("/meetings/{id}")).await;
    assert_eq!(
        (r.status, r.json()),
        (
            404,
            json!({"code":3001,"message":format!("Meeting {id} is not found or has expired.")})
        )
    );
    let r = api
        .patch(&format!("/meetings/{id}"), &json!({"topic": "x"}))
        .await;
    assert_eq!(r.status, 404);

    // Recover from the trash.
    let r = api
        .send(
            "PUT",
            &format!("/meetings/{id}/status"),
            Some(&json!({"action": "recover"})),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(api.get(&format!("/meetings/{id}")).await.status, 200);

    let r = api.get("/users/nobody%40example.com/meetings").await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (404, Some(1001)));
    let r = api.get("/meetings/12345").await;
    assert_eq!(r.json()["code"], 3001);
}

#[tokio::test]
async fn start_time_and_timezone_rules() {
    let api = Api::start(&[]).await;
    let api = &api;
    let create = |body: Value| async move { api.post("/users/me/meetings", &body).await };
    // Without Z: wall clock in `timezone` (New York is UTC-4 in May).
    let m = create(json!({"start_time": "2030-05-20T15:00:00", "timezone": "America/New_York"}))
        .await
        .json();
    assert_eq!(
        (m["start_time"].as_str(), m["timezone"].as_str()),
        (Some("2030-05-20T19:00:00Z"), Some("America/New_York"))
    );
    // With Z: UTC, the time zone only labels it.
    let m = create(json!({"start_time": "2030-05-20T15:00:00Z", "timezone": "Asia/Tokyo"}))
        .await
        .json();
    assert_eq!(m["start_time"], "2030-05-20T15:00:00Z");
    // Without Z and without timezone: the host's time zone.
    let me = api.get_ok("/users/me").await;
    let host_tz = jiff::tz::TimeZone::get(me["timezone"].as_str().unwrap()).unwrap();
    let expected = "2030-05-20T15:00:00"
        .parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned_datetime(host_tz)
        .unwrap()
        .timestamp();
    let m = create(json!({"start_time": "2030-05-20T15:00:00"}))
        .await
        .json();
    assert_eq!(
        m["start_time"],
        expected.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    );
    // Bad values are validation errors naming the field.
    let r = create(json!({"start_time": "tomorrow"})).await;
    assert_eq!(
        (
            r.status,
            r.json()["code"].as_i64(),
            r.json()["errors"][0]["field"].as_str()
        ),
        (400, Some(300), Some("start_time"))
    );
    let r = create(json!({"type": 5})).await;
    assert_eq!(r.json()["errors"][0]["field"], "type");
    let r = create(json!({"password": "far-too-long-password"})).await;
    assert_eq!(r.json()["errors"][0]["field"], "password");
    // A recurring meeting lists its occurrences.
    let m = create(json!({"type": 8, "start_time": "2030-01-07T10:00:00Z", "recurrence": {"type": 1, "repeat_interval": 1, "end_times": 3}})).await.json();
    let occ: Vec<&str> = m["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["start_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        occ,
        [
            "2030-01-07T10:00:00Z",
            "2030-01-08T10:00:00Z",
            "2030-01-09T10:00:00Z"
        ]
    );
    assert_eq!(m["occurrences"][0]["occurrence_id"], "1894010400000");
}

#[tokio::test]
async fn meeting_list_type_filter() {
    let api = Api::start(&[]).await;
    let now = jiff::Timestamp::now();
    api.post(
        "/users/me/meetings",
        &json!({"topic": "Future", "start_time": "2031-01-01T10:00:00Z"}),
    )
    .await;
    let ids = |v: &Value| -> Vec<i64> {
        v["meetings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect()
    };
    let live = api.get_ok("/users/me/meetings?type=live").await;
    assert_eq!(
        live["meetings"].as_array().unwrap().len(),
        1,
        "the demo owner has one live meeting"
    );
    let upcoming = api
        .get_ok("/users/me/meetings?type=upcoming&page_size=300")
        .await;
    for m in upcoming["meetings"].as_array().unwrap() {
        if let Some(s) = m["start_time"].as_str() {
            assert!(
                s.parse::<jiff::Timestamp>().unwrap() >= now,
                "upcoming starts later: {s}"
            );
        }
    }
    let scheduled = api.get_ok("/users/me/meetings?page_size=300").await;
    assert!(ids(&scheduled).len() >= ids(&upcoming).len());
    let r = api.get("/users/me/meetings?type=everything").await;
    assert_eq!(r.status, 400);
}

/// Find a past instance whose UUID satisfies `pred` by walking users' previous meetings.
async fn find_instance(api: &Api, pred: impl Fn(&str) -> bool) -> (i64, String) {
    let users = api.get_ok("/users?page_size=300").await;
    for u in users["users"].as_array().unwrap() {
        let list = api
            .get_ok(&format!(
                "/users/{}/meetings?type=previous_meetings&page_size=300",
                u["id"].as_str().unwrap()
            ))
            .await;
        for m in list["meetings"].as_array().unwrap() {
            let id = m["id"].as_i64().unwrap();
            let inst = api.get_ok(&format!("/past_meetings/{id}/instances")).await;
            for i in inst["meetings"].as_array().unwrap() {
                let uuid = i["uuid"].as_str().unwrap();
                if pred(uuid) {
                    return (id, uuid.to_string());
                }
            }
        }
    }
    panic!("no past instance matches");
}

#[tokio::test]
async fn past_meetings_by_id_and_uuid_with_zoom_encoding() {
    let api = Api::start(&["--plan", "unlimited"]).await;
    let (id, uuid) = find_instance(&api, |u| u.starts_with('/')).await;
    // Double-encoded: found.
    let double = encode(&encode(&uuid));
    let got = api.get_ok(&format!("/past_meetings/{double}")).await;
    assert_eq!(
        (got["uuid"].as_str(), got["id"].as_i64()),
        (Some(uuid.as_str()), Some(id))
    );
    // Single-encoded: Zoom answers 404 (BEHAVIOR §5).
    let r = api.get(&format!("/past_meetings/{}", encode(&uuid))).await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (404, Some(3001)));

    let (_, slashes) = find_instance(&api, |u| u.contains("//") && !u.starts_with('/')).await;
    assert_eq!(
        api.get(&format!("/past_meetings/{}", encode(&slashes)))
            .await
            .status,
        404
    );
    assert_eq!(
        api.get_ok(&format!("/past_meetings/{}", encode(&encode(&slashes))))
            .await["uuid"],
        slashes.as_str()
    );

    let (id, plain) = find_instance(&api, |u| !u.contains('/')).await;
    assert_eq!(
        api.get_ok(&format!("/past_meetings/{}", encode(&plain)))
            .await["uuid"],
        plain.as_str()
    );
    // A numeric id means the latest instance.
    let instances = api.get_ok(&format!("/past_meetings/{id}/instances")).await;
    let latest = instances["meetings"].as_array().unwrap().last().unwrap()["uuid"].clone();
    assert_eq!(
        api.get_ok(&format!("/past_meetings/{id}")).await["uuid"],
        latest
    );

    let parts = api
        .get_ok(&format!("/past_meetings/{}/participants", encode(&plain)))
        .await;
    let n = parts["participants"].as_array().unwrap().len();
    assert!(n >= 1);
    assert_eq!(parts["total_records"], n);
    assert_eq!(
        api.get("/past_meetings/99999999999").await.json()["code"],
        3001
    );
}

#[tokio::test]
async fn reports_respect_the_one_month_range() {
    let api = Api::start(&["--plan", "unlimited"]).await;
    let to = today();
    let from = to.checked_sub(jiff::ToSpan::days(29)).unwrap();
    let mut total = 0;
    let users = api.get_ok("/users?page_size=300").await;
    for u in users["users"].as_array().unwrap() {
        let r = api
            .get_ok(&format!(
                "/report/users/{}/meetings?from={from}&to={to}&page_size=300",
                u["id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(
            (r["from"].as_str(), r["to"].as_str()),
            (
                Some(from.to_string().as_str()),
                Some(to.to_string().as_str())
            )
        );
        for m in r["meetings"].as_array().unwrap() {
            assert!(
                m["participants_count"].as_u64().unwrap() >= 2,
                "one-person meetings are left out"
            );
            let id = m["uuid"].as_str().unwrap();
            let p = api
                .get_ok(&format!(
                    "/report/meetings/{}/participants",
                    encode(&encode(id))
                ))
                .await;
            assert_eq!(p["total_records"], m["participants_count"]);
        }
        total += r["total_records"].as_u64().unwrap();
    }
    assert!(
        total > 0,
        "the demo account has past meetings in the last 30 days"
    );

    let too_long = to.checked_sub(jiff::ToSpan::days(40)).unwrap();
    let r = api
        .get(&format!(
            "/report/users/me/meetings?from={too_long}&to={to}"
        ))
        .await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (400, Some(300)));
    let r = api.get(&format!("/report/users/me/meetings?to={to}")).await;
    assert_eq!(r.json()["errors"][0]["field"], "from");

    let daily = api.get_ok("/report/daily").await;
    let dates = daily["dates"].as_array().unwrap();
    assert_eq!(dates.len() as i8, today().day());
    assert!(dates.iter().all(|d| d["meetings"].is_u64()));
}

#[tokio::test]
async fn recordings_over_a_range() {
    let api = Api::start(&["--plan", "unlimited"]).await;
    let to = today();
    let from = to.checked_sub(jiff::ToSpan::days(30)).unwrap();
    let users = api.get_ok("/users?page_size=300").await;
    let mut found = None;
    for u in users["users"].as_array().unwrap() {
        let r = api
            .get_ok(&format!(
                "/users/{}/recordings?from={from}&to={to}",
                u["id"].as_str().unwrap()
            ))
            .await;
        if let Some(m) = r["meetings"].as_array().unwrap().first() {
            found = Some(m.clone());
            break;
        }
    }
    let m = found.expect("some user has a recording");
    assert!(
        m["recording_files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["file_type"] == "MP4")
    );
    let again = api
        .get_ok(&format!(
            "/meetings/{}/recordings",
            encode(&encode(m["uuid"].as_str().unwrap()))
        ))
        .await;
    assert_eq!(again["uuid"], m["uuid"]);
    // Default range is today only; more than a month is refused.
    let r = api.get_ok("/users/me/recordings").await;
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some(to.to_string().as_str()), Some(to.to_string().as_str()))
    );
    let long = to.checked_sub(jiff::ToSpan::days(45)).unwrap();
    assert_eq!(
        api.get(&format!("/users/me/recordings?from={long}&to={to}"))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn groups_and_members() {
    let api = Api::start(&[]).await;
    let groups = api.get_ok("/groups").await;
    assert_eq!(groups["total_records"], 5);
    let g = api.post("/groups", &json!({"name": "Rehearsal"})).await;
    assert_eq!(g.status, 201);
    let gid = g.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        api.post("/groups", &json!({"name": "Rehearsal"}))
            .await
            .status,
        409
    );
    let me = api.get_ok("/users/me").await;
    let r = api
        .post(
            &format!("/groups/{gid}/members"),
            &json!({"members": [{"email": me["email"]}]}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["ids"], me["id"]);
    let members = api.get_ok(&format!("/groups/{gid}/members")).await;
    assert_eq!(members["members"][0]["id"], me["id"]);
    assert!(
        api.get_ok("/users/me").await["group_ids"]
            .as_array()
            .unwrap()
            .contains(&json!(gid))
    );
    assert_eq!(
        api.delete(&format!(
            "/groups/{gid}/members/{}",
            me["id"].as_str().unwrap()
        ))
        .await
        .status,
        204
    );
    assert_eq!(
        api.patch(&format!("/groups/{gid}"), &json!({"name": "Renamed"}))
            .await
            .status,
        204
    );
    assert_eq!(
        api.get_ok(&format!("/groups/{gid}")).await["name"],
        "Renamed"
    );
    assert_eq!(api.delete(&format!("/groups/{gid}")).await.status, 204);
    let r = api.get(&format!("/groups/{gid}")).await;
    assert_eq!((r.status, r.json()["code"].as_i64()), (404, Some(4130)));
}
