//! The simulator's refusals over raw HTTP: scopes (4711), rate limits (429 with Zoom's headers),
//! the per-host meeting limit, and injected faults.

use crate::sim_support::{Api, args, demo_basic, into_resp};
use serde_json::json;
use zoomsh::sim::{DEMO_ACCOUNT_ID, Simulator};

#[tokio::test]
async fn missing_scope_is_400_code_4711_listing_the_scope() {
    // CASES B06.
    let api = Api::start(&["--scopes", "meeting:read:admin,meeting:write:admin"]).await;
    let minted_scope = crate::sim_support::mint(&api.http, &api.sim.base_url())
        .await
        .json()["scope"]
        .clone();
    assert_eq!(minted_scope, "meeting:read:admin meeting:write:admin");
    let r = api.get("/users").await;
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            json!({"code":4711,"message":"Invalid access token, does not contain scopes:[user:read:list_users:admin]."})
        )
    );
    let r = api.get("/report/daily").await;
    assert_eq!(
        r.json()["message"],
        "Invalid access token, does not contain scopes:[report:read:admin]."
    );
    // Granted classic scopes are enough for these.
    assert_eq!(api.get("/users/me/meetings").await.status, 200);
}

#[tokio::test]
async fn per_second_limit_answers_429_with_zoom_headers() {
    // Free plan: Medium is 2 requests a second.
    let api = Api::start(&["--plan", "free"]).await;
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..5 {
        let r = api.get("/users").await;
        statuses.push(r.status);
        if r.status == 429 && limited.is_none() {
            limited = Some(r);
        }
    }
    let r = limited.unwrap_or_else(|| panic!("no 429 in {statuses:?}"));
    assert_eq!(
        r.json(),
        json!({"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."})
    );
    assert_eq!(r.header("x-ratelimit-category"), Some("Medium"));
    assert_eq!(r.header("x-ratelimit-type"), Some("QPS"));
    assert_eq!(r.header("x-ratelimit-limit"), Some("2"));
    assert!(r.header("x-zm-trackingid").is_some());
    // Allowed requests carry the daily quota on the free plan.
    let ok = api.sim.stats();
    assert!(ok.too_many_requests >= 1);
    assert_eq!(
        ok.too_many_requests as usize,
        statuses.iter().filter(|s| **s == 429).count()
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = api.get("/users/me").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-ratelimit-category"), Some("Light"));
    assert_eq!(r.header("x-ratelimit-limit"), Some("6000"));
    assert!(r.header("x-ratelimit-remaining").is_some());
}

#[tokio::test]
async fn categories_are_counted_separately() {
    let api = Api::start(&["--plan", "free"]).await;
    // Heavy allows 1/s on free, Light 4/s: a heavy refusal does not block light calls.
    let statuses: Vec<u16> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(api.get("/report/daily").await.status);
        }
        v
    };
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(api.get("/users/me").await.status, 200);
}

#[tokio::test]
async fn unlimited_plan_never_limits() {
    let api = Api::start(&["--plan", "unlimited"]).await;
    for _ in 0..150 {
        assert_eq!(api.get("/users").await.status, 200);
    }
    assert_eq!(api.sim.stats().too_many_requests, 0);
}

#[tokio::test]
async fn host_may_create_or_update_100_meetings_a_day() {
    let api = Api::start(&[]).await;
    let mut created = 0;
    while created < 100 {
        let r = api
            .post("/users/me/meetings", &json!({"topic": "bulk"}))
            .await;
        match r.status {
            201 => created += 1,
            // The per-second limit (Medium, 60/s) may interrupt a fast loop.
            429 if r.header("x-ratelimit-type") == Some("QPS") => {
                tokio::time::sleep(std::time::Duration::from_millis(1000)).await
            }
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let r = api
        .post("/users/me/meetings", &json!({"topic": "one too many"}))
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.json()["message"],
        "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."
    );
    // Another host is not affected.
    let users = api.get_ok("/users?page_size=300").await;
    let other = users["users"][1]["id"].as_str().unwrap().to_string();
    assert_eq!(
        api.post(&format!("/users/{other}/meetings"), &json!({}))
            .await
            .status,
        201
    );
}

#[tokio::test]
async fn burst_of_headerless_429s_then_success() {
    // CASES B08.
    let api = Api::start(&["--faults", "429burst=2"]).await;
    for _ in 0..2 {
        let r = api.get("/users").await;
        assert_eq!(r.status, 429);
        assert_eq!(
            r.json()["message"],
            "You have reached the maximum per-second rate limit for this API. Try again later."
        );
        assert!(r.header("x-ratelimit-type").is_none() && r.header("retry-after").is_none());
    }
    assert_eq!(api.get("/users").await.status, 200);
    let s = api.sim.stats();
    assert_eq!((s.faults_injected, s.too_many_requests), (2, 2));
}

#[tokio::test]
async fn non_json_error_bodies() {
    // CASES B12.
    let html = Api::start(&["--faults", "html=1,on=api"]).await;
    let r = html.get("/users/me").await;
    assert_eq!(
        (r.status, r.header("content-type"), r.text.as_str()),
        (400, Some("text/html"), "<html>Bad Request</html>")
    );
    let xml = Api::start(&["--faults", "xml=1,on=api"]).await;
    let r = xml.get("/users/me").await;
    assert_eq!(r.status, 400);
    assert!(r.text.contains("<code>300</code>"), "{}", r.text);

    let empty = Simulator::start(&args(&["--faults", "empty=1,on=oauth"]))
        .await
        .unwrap();
    let r = reqwest::Client::new()
        .post(format!("{}/oauth/token", empty.base_url()))
        .header("Authorization", demo_basic())
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", DEMO_ACCOUNT_ID),
        ])
        .send()
        .await
        .unwrap();
    let r = into_resp(r).await;
    assert_eq!((r.status, r.text.as_str()), (502, ""));
}

#[tokio::test]
async fn server_errors_and_resets() {
    let api = Api::start(&["--faults", "5xx=1,on=api"]).await;
    let r = api.get("/users/me").await;
    assert!([500, 502, 503, 504].contains(&r.status), "{}", r.status);
    assert_eq!(r.json()["code"].as_u64(), Some(r.status as u64));

    let api = Api::start(&["--faults", "reset=1,on=api"]).await;
    let result = async {
        let r = api
            .http
            .get(api.url("/users/me"))
            .bearer_auth(&api.token)
            .send()
            .await?;
        r.text().await
    }
    .await;
    assert!(result.is_err(), "the connection should drop: {result:?}");
}

#[tokio::test]
async fn fault_ratios_are_deterministic_under_the_seed() {
    let run = |seed: &'static str| async move {
        let api = Api::start(&[
            "--faults",
            "5xx=0.3,on=api",
            "--seed",
            seed,
            "--plan",
            "unlimited",
        ])
        .await;
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(api.get("/users/me").await.status);
        }
        statuses
    };
    let a = run("3").await;
    assert_eq!(a, run("3").await);
    assert_ne!(a, run("4").await);
    let failures = a.iter().filter(|s| **s >= 500).count();
    assert!((4..=24).contains(&failures), "{failures} of 40");
}

#[tokio::test]
async fn latency_delays_responses() {
    let api = Api::start(&["--latency", "150"]).await;
    let t = std::time::Instant::now();
    api.get("/users/me").await;
    assert!(t.elapsed() >= std::time::Duration::from_millis(150));
}
