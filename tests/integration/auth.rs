//! Tokens as a user sees them: minted once, refreshed before expiry, re-minted on a 401,
//! credential errors that name the bad setting, secrets never shown.

use crate::harness::{FixedTokenServer, Sim, Zoomsh};
use std::sync::Arc;
use zoomsh::sim;
use zoomsh::zoom::{ClientOptions, Request, ZoomClient};

fn client_for(sim: &Sim) -> Arc<ZoomClient> {
    Arc::new(ZoomClient::new(&sim.settings(), &ClientOptions::default()).unwrap())
}

#[test]
fn twenty_concurrent_calls_on_a_cold_cache_mint_one_token() {
    // CASES.md B04
    let sim = Sim::start();
    let client = client_for(&sim);
    let results = sim.runtime.block_on(async {
        let calls = (0..20).map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.call(&Request::new("GET", "/users/me")).await })
        });
        futures_join(calls).await
    });
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    assert_eq!(sim.stats().tokens_minted, 1);
    assert_eq!(client.tokens_minted(), 1);
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[test]
fn a_two_second_token_is_refreshed_before_a_later_call() {
    // CASES.md B05
    let sim = Sim::with(&["--token-ttl", "2"]);
    let run = sim.zoomsh().script(
        r#"
            print(zoom.get("/users/me").email);
            sleep(1.5);
            print(zoom.get("/users/me").email);
            "#,
    );
    run.success();
    assert_eq!(run.lines().len(), 2, "{run:?}");
    assert_eq!(sim.stats().tokens_minted, 2);
}

#[test]
fn a_401_mints_once_and_retries_once() {
    // CASES.md B04: a token revoked behind zoomsh's back
    let sim = Sim::start();
    let client = client_for(&sim);
    sim.runtime.block_on(async {
        client
            .call(&Request::new("GET", "/users/me"))
            .await
            .unwrap();
        sim.sim.revoke_all_tokens();
        client
            .call(&Request::new("GET", "/users/me"))
            .await
            .unwrap();
    });
    assert_eq!(sim.stats().tokens_minted, 2);
}

#[test]
fn a_second_401_is_reported_not_looped() {
    // Tokens that are expired on arrival: every retry would fail the same way.
    let sim = Sim::with(&["--token-ttl", "0"]);
    let run = sim
        .zoomsh()
        .args(["eval", r#"zoom.get("/users/me")"#])
        .run();
    run.code(4);
    assert!(run.stderr.contains("HTTP 401, code 124"), "{run:?}");
    assert_eq!(sim.stats().tokens_minted, 2);
}

#[test]
fn wrong_secret_names_client_settings_and_exits_3() {
    // CASES.md B01
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .env("ZOOM_CLIENT_SECRET", "wrong-secret")
        .args(["eval", r#"zoom.get("/users/me")"#])
        .run();
    run.code(3);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "error: token request rejected (HTTP 400, invalid_client): Invalid client_id or client_secret — \
         check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (copy them again from the app's page; no spaces)"
    );
    assert!(!run.stderr.contains("wrong-secret"));
}

#[test]
fn padded_values_are_trimmed_before_use() {
    // CASES.md B01/B02: a trailing newline from `$(cat file)` is not part of the value
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .env("ZOOM_CLIENT_ID", &format!("{}\n", sim::DEMO_CLIENT_ID))
        .env("ZOOM_ACCOUNT_ID", &format!("  {} ", sim::DEMO_ACCOUNT_ID))
        .args(["eval", r#"zoom.get("/users/me").id"#])
        .run();
    run.success();
}

#[test]
fn wrong_account_names_account_id_and_exits_3() {
    // CASES.md B02
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .env("ZOOM_ACCOUNT_ID", "ACCX")
        .args(["eval", r#"zoom.get("/users/me")"#])
        .run();
    run.code(3);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "error: token request rejected (HTTP 400, invalid_request): Bad Request — check ZOOM_ACCOUNT_ID \
         (and that the Server-to-Server OAuth app is activated)"
    );
}

#[test]
fn unsupported_grant_type_asks_about_the_app_type() {
    // CASES.md B03
    let server = FixedTokenServer::start(
        400,
        "application/json",
        r#"{"reason":"unsupported grant type","error":"unsupported_grant_type"}"#,
    );
    let run = Zoomsh::new()
        .env("ZOOMSH_OAUTH_URL", &server.url)
        .env("ZOOM_ACCOUNT_ID", "ACC1")
        .env("ZOOM_CLIENT_ID", "CID1")
        .env("ZOOM_CLIENT_SECRET", "SEC1")
        .args(["token"])
        .run();
    run.code(3);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "error: token request rejected (HTTP 400, unsupported_grant_type): unsupported grant type — the \
         server rejected grant type account_credentials: is this a Server-to-Server OAuth app, and is \
         ZOOMSH_OAUTH_URL right?"
    );
}

#[test]
fn token_endpoint_outage_is_a_network_failure_with_the_body() {
    // CASES.md B12 (b): 502 with an empty body from /oauth/token
    let server = FixedTokenServer::start(502, "text/html", "");
    let run = Zoomsh::new()
        .env("ZOOMSH_OAUTH_URL", &server.url)
        .env("ZOOM_ACCOUNT_ID", "ACC1")
        .env("ZOOM_CLIENT_ID", "CID1")
        .env("ZOOM_CLIENT_SECRET", "SEC1")
        .args(["token"])
        .run();
    run.code(5);
    assert!(
        run.stderr
            .contains("the token endpoint answered HTTP 502 (empty body)"),
        "{run:?}"
    );
}

#[test]
fn missing_credentials_name_the_variable_and_exit_2() {
    let run = Zoomsh::new()
        .env("ZOOM_ACCOUNT_ID", "ACC1")
        .env("ZOOM_CLIENT_ID", "CID1")
        .args(["token"])
        .run();
    run.code(2);
    assert!(
        run.stderr.starts_with(
            "error: ZOOM_CLIENT_SECRET is not set: export it or put ZOOM_CLIENT_SECRET=... in .env"
        ),
        "{run:?}"
    );
}

#[test]
fn credentials_are_read_from_dot_env() {
    let sim = Sim::start();
    let z = Zoomsh::new();
    z.file(
        ".env",
        &format!(
            "ZOOMSH_OAUTH_URL={url}\nZOOMSH_API_URL={url}\nZOOM_ACCOUNT_ID={}\nZOOM_CLIENT_ID={}\nZOOM_CLIENT_SECRET=\"{}\"\n",
            sim::DEMO_ACCOUNT_ID,
            sim::DEMO_CLIENT_ID,
            sim::DEMO_CLIENT_SECRET,
            url = sim.url()
        ),
    );
    z.args(["eval", r#"zoom.get("/users/me").id != """#])
        .run()
        .success();
    assert_eq!(sim.stats().tokens_minted, 1);
}

#[test]
fn token_command_prints_a_bare_token() {
    let sim = Sim::start();
    let run = sim.zoomsh().args(["token"]).run();
    run.success();
    let token = run.stdout.trim_end_matches('\n');
    assert!(
        !token.is_empty() && !token.contains(char::is_whitespace),
        "{run:?}"
    );
    assert!(sim.sim.issued_tokens().contains(&token.to_string()));
}

#[test]
fn secret_and_token_never_appear_in_output() {
    let sim = Sim::start();
    let run = sim.zoomsh().args(["-vv"]).script(
        r#"
            let me = zoom.get("/users/me");
            print(me.email);
            try { zoom.get("/users/nobody@example.com"); } catch (e) { print(e); }
            zoom.get("/meetings/1");
            "#,
    );
    run.code(4);
    let tokens = sim.sim.issued_tokens();
    assert_eq!(tokens.len(), 1);
    for output in [&run.stdout, &run.stderr] {
        assert!(
            !output.contains(sim::DEMO_CLIENT_SECRET),
            "secret leaked: {output}"
        );
        assert!(!output.contains(&tokens[0]), "token leaked: {output}");
    }
    // -vv did trace the calls.
    assert!(run.stderr.contains("/v2/users/me"), "{}", run.stderr);
}

#[test]
fn a_token_endpoint_hiccup_is_retried() {
    // Two 503s, then a token: minting is safe to repeat, unlike a POST to the API.
    use axum::http::StatusCode;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = axum::Router::new().route(
        "/oauth/token",
        axum::routing::post(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n < 2 {
                    (StatusCode::SERVICE_UNAVAILABLE, String::new())
                } else {
                    (
                        StatusCode::OK,
                        r#"{"access_token":"tok-after-retries","token_type":"bearer","expires_in":3599,"scope":""}"#
                            .to_string(),
                    )
                }
            }
        }),
    );
    let server = crate::harness::StandIn::serve(app);
    let run = Zoomsh::new()
        .env("ZOOMSH_OAUTH_URL", &server.url)
        .env("ZOOM_ACCOUNT_ID", "ACC1")
        .env("ZOOM_CLIENT_ID", "CID1")
        .env("ZOOM_CLIENT_SECRET", "SEC1")
        .args(["--no-token-cache", "token"])
        .run();
    run.success();
    assert_eq!(run.stdout, "tok-after-retries\n");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}
