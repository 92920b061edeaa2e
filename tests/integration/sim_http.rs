//! The simulator over raw HTTP: the token endpoint, Bearer checks, Zoom's error shapes,
//! content-type rules, tracking ids and the `/_sim` inspection endpoints.

use crate::sim_support::{Api, args, basic, demo_basic, into_resp, mint};
use serde_json::{Value, json};
use std::time::Duration;
use zoomsh::sim::{self, DEMO_ACCOUNT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Simulator};

async fn token_call(
    base: &str,
    auth: &str,
    content_type: Option<&str>,
    query: &str,
    body: &str,
) -> (u16, Value) {
    let mut rb = reqwest::Client::new()
        .post(format!("{base}/oauth/token{query}"))
        .header("Authorization", auth)
        .body(body.to_string());
    if let Some(ct) = content_type {
        rb = rb.header("Content-Type", ct);
    }
    let r = into_resp(rb.send().await.unwrap()).await;
    (r.status, r.json())
}

const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

#[tokio::test]
async fn token_success_has_zoom_fields_and_api_url() {
    let sim = Simulator::start(&args(&[])).await.unwrap();
    let http = reqwest::Client::new();
    let r = mint(&http, &sim.base_url()).await;
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["api_url"], sim.base_url());
    assert!(body["access_token"].as_str().unwrap().len() > 40);
    assert!(body["scope"].as_str().unwrap().contains("user:read:admin"));
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "access_token",
            "token_type",
            "expires_in",
            "scope",
            "api_url"
        ]
    );
    assert_eq!(sim.stats().tokens_minted, 1);
}

#[tokio::test]
async fn token_errors_use_zoom_bodies() {
    let sim = Simulator::start(&args(&[])).await.unwrap();
    let base = sim.base_url();
    let good = format!("grant_type=account_credentials&account_id={DEMO_ACCOUNT_ID}");
    let invalid_client =
        json!({"reason":"Invalid client_id or client_secret","error":"invalid_client"});
    let bad_request = json!({"reason":"Bad Request","error":"invalid_request"});
    let unsupported = json!({"reason":"unsupported grant type","error":"unsupported_grant_type"});

    // CASES B01: wrong secret, and a client id carrying a newline from an env file.
    assert_eq!(
        token_call(&base, &basic(DEMO_CLIENT_ID, "wrong"), FORM, "", &good).await,
        (400, invalid_client.clone())
    );
    let newline = basic(&format!("{DEMO_CLIENT_ID}\n"), DEMO_CLIENT_SECRET);
    assert_eq!(
        token_call(&base, &newline, FORM, "", &good).await,
        (400, invalid_client.clone())
    );
    assert_eq!(
        token_call(&base, "Bearer x", FORM, "", &good).await,
        (400, invalid_client)
    );
    // CASES B02: unknown or padded account id.
    let padded = format!("grant_type=account_credentials&account_id={DEMO_ACCOUNT_ID}%20");
    assert_eq!(
        token_call(&base, &demo_basic(), FORM, "", &padded).await,
        (400, bad_request.clone())
    );
    let other = "grant_type=account_credentials&account_id=ACCX";
    assert_eq!(
        token_call(&base, &demo_basic(), FORM, "", other).await,
        (400, bad_request)
    );
    // CASES B03: JSON body, or the wrong grant.
    let json_body =
        format!(r#"{{"grant_type":"account_credentials","account_id":"{DEMO_ACCOUNT_ID}"}}"#);
    assert_eq!(
        token_call(
            &base,
            &demo_basic(),
            Some("application/json"),
            "",
            &json_body
        )
        .await,
        (400, unsupported.clone())
    );
    let client_credentials = format!("grant_type=client_credentials&account_id={DEMO_ACCOUNT_ID}");
    assert_eq!(
        token_call(&base, &demo_basic(), FORM, "", &client_credentials).await,
        (400, unsupported)
    );

    let s = sim.stats();
    assert_eq!((s.tokens_minted, s.token_requests), (0, 7));
}

#[tokio::test]
async fn query_string_token_form_is_accepted_unless_strict() {
    let q = format!("?grant_type=account_credentials&account_id={DEMO_ACCOUNT_ID}");
    let lax = Simulator::start(&args(&[])).await.unwrap();
    assert_eq!(
        token_call(&lax.base_url(), &demo_basic(), None, &q, "")
            .await
            .0,
        200
    );
    let strict = Simulator::start(&args(&["--strict-token-form"]))
        .await
        .unwrap();
    let (status, body) = token_call(&strict.base_url(), &demo_basic(), None, &q, "").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let form = &q[1..];
    assert_eq!(
        token_call(&strict.base_url(), &demo_basic(), FORM, "", form)
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn bearer_problems_are_401_code_124() {
    let api = Api::start(&["--token-ttl", "1"]).await;
    let invalid = json!({"code":124,"message":"Invalid access token."});
    assert_eq!(api.get("/users/me").await.status, 200);

    let r = api.http.get(api.url("/users/me")).send().await.unwrap();
    let r = into_resp(r).await;
    assert_eq!(
        (r.status, r.json()),
        (401, invalid.clone()),
        "no Authorization header"
    );
    let r = into_resp(
        api.http
            .get(api.url("/users/me"))
            .bearer_auth("not-a-token")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((r.status, r.json()), (401, invalid.clone()));
    // Zoom stopped accepting ?access_token= in 2023.
    let r = into_resp(
        api.http
            .get(api.url(&format!("/users/me?access_token={}", api.token)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 401);

    // CASES B05: a token past its lifetime.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = api.get("/users/me").await;
    assert_eq!(
        (r.status, r.json()),
        (
            401,
            json!({"code":124,"message":"Access token is expired."})
        )
    );
}

#[tokio::test]
async fn revoke_all_tokens_invalidates_live_tokens() {
    let api = Api::start(&[]).await;
    api.sim.revoke_all_tokens();
    let r = api.get("/users/me").await;
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"code":124,"message":"Invalid access token."}))
    );
}

#[tokio::test]
async fn single_live_token_mode_revokes_the_previous_token() {
    // CASES B04.
    let api = Api::start(&["--single-live-token"]).await;
    let second = mint(&api.http, &api.sim.base_url()).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = api.get("/users/u1%40example.test").await;
    assert_eq!(
        (r.status, r.json()["message"].as_str()),
        (401, Some("Invalid access token."))
    );
    let r = into_resp(
        api.http
            .get(api.url("/users/me"))
            .bearer_auth(&second)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200);

    // Without the switch, both tokens stay valid (Zoom since June 2023).
    let multi = Api::start(&[]).await;
    mint(&multi.http, &multi.sim.base_url()).await;
    assert_eq!(multi.get("/users/me").await.status, 200);
}

#[tokio::test]
async fn every_api_response_carries_a_tracking_id() {
    let api = Api::start(&[]).await;
    for path in ["/users/me", "/users/nobody@example.com", "/no/such/path"] {
        let r = api.get(path).await;
        let id = r
            .header("x-zm-trackingid")
            .unwrap_or_else(|| panic!("{path}: no tracking id"));
        assert!(id.starts_with("v=2.0;"), "{id}");
    }
    let a = api.get("/users/me").await;
    let b = api.get("/users/me").await;
    assert_ne!(a.header("x-zm-trackingid"), b.header("x-zm-trackingid"));
}

#[tokio::test]
async fn unknown_paths_404_and_unmodelled_operations_501() {
    let api = Api::start(&[]).await;
    let r = api.get("/no/such/path").await;
    assert_eq!(
        (r.status, r.json()["message"].as_str()),
        (404, Some("This API endpoint is not recognized."))
    );
    // A catalog operation the simulator does not model: named, never faked.
    let r = api.get("/users/me/assistants").await;
    assert_eq!(r.status, 501);
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(message.contains("userAssistants"), "{message}");
    assert!(
        message.contains("GET /users/{userId}/assistants"),
        "{message}"
    );
    assert_eq!(api.sim.stats().unmodelled, 1);
}

#[tokio::test]
async fn bodies_must_be_json_objects_with_json_content_type() {
    // CASES B18.
    let api = Api::start(&[]).await;
    let path = api.url("/users/me/meetings");
    let send = |ct: &'static str, body: &'static str| {
        api.http
            .post(path.clone())
            .bearer_auth(&api.token)
            .header("Content-Type", ct)
            .body(body)
            .send()
    };
    let r = into_resp(send("text/plain", r#"{"topic":"x"}"#).await.unwrap()).await;
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            json!({"code":300,"message":"Unsupported Content Type"})
        )
    );
    let r = into_resp(
        send("application/x-www-form-urlencoded", "topic=x")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["message"].as_str()),
        (400, Some("Unsupported Content Type"))
    );
    let r = into_resp(send("application/json", "{topic:").await.unwrap()).await;
    assert_eq!(
        (r.status, r.json()),
        (
            400,
            json!({"code":300,"message":"Request Body should be a valid JSON object."})
        )
    );
    let r = into_resp(send("application/json", "[1,2]").await.unwrap()).await;
    assert_eq!(r.status, 400);
    let r = into_resp(
        send("application/json; charset=utf-8", r#"{"topic":"ok"}"#)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test]
async fn log_records_requests_without_secrets() {
    let api = Api::start(&[]).await;
    api.post("/users/me/meetings", &json!({"topic": "Logged"}))
        .await;
    let log = api.inspect("/log").await;
    let text = log.to_string();
    assert!(
        !text.contains(DEMO_CLIENT_SECRET),
        "secret leaked into /_sim/log"
    );
    assert!(!text.contains(&api.token), "token leaked into /_sim/log");
    let entries = log["requests"].as_array().unwrap();
    let token_req = &entries[0];
    assert_eq!(token_req["path"], "/oauth/token");
    assert_eq!(token_req["headers"]["authorization"], "Basic (redacted)");
    assert_eq!(
        token_req["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        token_req["body"],
        format!("grant_type=account_credentials&account_id={DEMO_ACCOUNT_ID}")
    );
    assert_eq!(token_req["status"], 200);
    let create = &entries[1];
    assert_eq!(
        (create["method"].as_str(), create["path"].as_str()),
        (Some("POST"), Some("/v2/users/me/meetings"))
    );
    assert_eq!(create["headers"]["authorization"], "Bearer (redacted)");
    assert_eq!(create["headers"]["content-type"], "application/json");
    assert_eq!(create["status"], 201);
}

#[tokio::test]
async fn stats_endpoint_and_reset() {
    let api = Api::start(&[]).await;
    let created = api
        .post("/users/me/meetings", &json!({"topic": "Temporary"}))
        .await
        .json();
    api.get("/users/me").await;
    let stats = api.inspect("/stats").await;
    assert_eq!(stats["tokens_minted"], 1);
    assert_eq!(stats["requests"], 2);
    assert_eq!(stats["by_category"]["Medium"], 1);
    assert_eq!(stats["by_category"]["Light"], 1);
    assert_eq!(stats, serde_json::to_value(api.sim.stats()).unwrap());

    let r = api
        .http
        .post(format!("{}/_sim/reset", api.sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(api.sim.stats().requests, 0);
    // Data is back to the seed's account; the token still works.
    let r = api.get(&format!("/meetings/{}", created["id"])).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn webhook_sink_stores_and_returns_posts() {
    let api = Api::start(&[]).await;
    let hook = format!("{}/_sim/webhooks/slack", api.sim.base_url());
    let r = api
        .http
        .post(&hook)
        .json(&json!({"text": "3 meetings yesterday"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
    api.http
        .post(&hook)
        .body("plain text")
        .send()
        .await
        .unwrap();
    let read = api.inspect("/webhooks/slack").await;
    assert_eq!(read["count"], 2);
    assert_eq!(
        read["requests"][0]["body"],
        json!({"text": "3 meetings yesterday"})
    );
    assert_eq!(read["requests"][1]["body"], "plain text");
    assert_eq!(api.inspect("/webhooks/other").await["count"], 0);
    // Webhook traffic is not API traffic.
    assert_eq!(api.sim.stats().requests, 0);
}

#[tokio::test]
async fn env_defaults_parse() {
    // from_env with no ZOOMSH_SIM_* set (the test binary does not set any) gives the defaults.
    let a = sim::SimArgs::from_env();
    assert_eq!(a.users, 40);
    assert_eq!(a.token_ttl, 3599);
}

#[tokio::test]
async fn contact_center_uses_its_own_error_envelope() {
    // CASES B17: an expired token on Contact Center is `401 {"status":false,"errorCode":401}`.
    let api = Api::start(&["--token-ttl", "0"]).await;
    let r = api.get("/contact_center/users").await;
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"status": false, "errorCode": 401}))
    );
    let live = Api::start(&[]).await;
    let r = live.get("/contact_center/users").await;
    assert_eq!(
        (
            r.status,
            r.json()["status"].as_bool(),
            r.json()["errorCode"].as_i64()
        ),
        (501, Some(false), Some(501))
    );
    // The Meetings API keeps Zoom's usual body for the same problem.
    let r = api.get("/users/me").await;
    assert_eq!(
        r.json(),
        json!({"code":124,"message":"Access token is expired."})
    );
}

#[tokio::test]
async fn zoomsh_sim_prints_export_lines_a_shell_can_eval() {
    use std::io::{BufRead, BufReader};
    /// Kills the server even when an assertion fails first.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_zoomsh"))
        .args(["sim", "--plan", "free"])
        .env_clear()
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = KillOnDrop(child);
    let mut lines = BufReader::new(stdout).lines();
    let mut vars = std::collections::HashMap::new();
    for _ in 0..5 {
        let line = lines.next().unwrap().unwrap();
        let (k, v) = line
            .strip_prefix("export ")
            .unwrap()
            .split_once('=')
            .unwrap();
        vars.insert(k.to_string(), v.to_string());
    }
    assert_eq!(vars["ZOOM_ACCOUNT_ID"], DEMO_ACCOUNT_ID);
    assert_eq!(vars["ZOOM_CLIENT_ID"], DEMO_CLIENT_ID);
    assert_eq!(vars["ZOOM_CLIENT_SECRET"], DEMO_CLIENT_SECRET);
    assert_eq!(vars["ZOOMSH_OAUTH_URL"], vars["ZOOMSH_API_URL"]);
    let base = &vars["ZOOMSH_OAUTH_URL"];
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let r = mint(&reqwest::Client::new(), base).await;
    assert_eq!(
        (r.status, r.json()["api_url"].as_str()),
        (200, Some(base.as_str()))
    );
}
