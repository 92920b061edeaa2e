//! Secrets stay secret and the token goes only where it may: no output at any verbosity, no
//! error and no simulator log entry holds the secret or a token; an `api_url` off Zoom's hosts
//! is ignored.

use crate::harness::{FixedTokenServer, Sim, Zoomsh};
use zoomsh::sim;

/// Every output of a run, and the simulator's request log, are free of the secret and tokens.
fn assert_clean(sim: &Sim, texts: &[&str]) {
    let tokens = sim.sim.issued_tokens();
    assert!(
        !tokens.is_empty(),
        "the run minted no token, so the check proves nothing"
    );
    let log = sim.inspect("/_sim/log").to_string();
    for text in texts.iter().copied().chain([log.as_str()]) {
        assert!(
            !text.contains(sim::DEMO_CLIENT_SECRET),
            "secret leaked: {text}"
        );
        for t in &tokens {
            assert!(!text.contains(t.as_str()), "token leaked: {text}");
        }
    }
}

#[test]
fn no_verbosity_shows_the_secret_or_a_token() {
    let script = r#"
        print(zoom.get("/users/me").email);
        try { zoom.get("/users/nobody@example.com"); } catch (e) { print(e); debug(e); }
        let r = zoom.request("GET", "/meetings/1", #{});
        print(r.headers);
        zoom.get("/meetings/1");
    "#;
    for verbosity in [None, Some("-v"), Some("-vv")] {
        let sim = Sim::start();
        let mut z = sim.zoomsh();
        if let Some(flag) = verbosity {
            z = z.arg(flag);
        }
        let run = z.script(script);
        run.code(4);
        assert_clean(&sim, &[&run.stdout, &run.stderr]);
    }
}

#[test]
fn token_and_auth_errors_never_show_the_secret() {
    let sim = Sim::start();
    // A good mint first, so there is a token to look for.
    sim.zoomsh()
        .args(["eval", "zoom.get(\"/users/me\").id"])
        .run()
        .success();
    for (var, value) in [("ZOOM_CLIENT_ID", "nope"), ("ZOOM_ACCOUNT_ID", "nope")] {
        let run = sim
            .zoomsh()
            .env(var, value)
            .args(["-vv", "auth", "status"])
            .run();
        run.code(3);
        assert_clean(&sim, &[&run.stdout, &run.stderr]);
    }
    let run = sim.zoomsh().args(["-vv", "config", "show"]).run();
    assert_clean(&sim, &[&run.stdout, &run.stderr]);
}

#[test]
fn an_api_url_off_zoom_hosts_is_ignored() {
    let server = FixedTokenServer::start(
        200,
        "application/json",
        r#"{"access_token":"tok","token_type":"bearer","expires_in":3599,"scope":"user:read:admin","api_url":"https://api.zoom.us.evil.example"}"#,
    );
    let run = Zoomsh::new()
        .env("ZOOMSH_OAUTH_URL", &server.url)
        .env("ZOOM_ACCOUNT_ID", "ACC1")
        .env("ZOOM_CLIENT_ID", "CID1")
        .env("ZOOM_CLIENT_SECRET", "SEC1")
        .args(["--no-token-cache", "auth", "status"])
        .run();
    run.success();
    assert!(
        run.stdout.contains("api host:    https://api.zoom.us\n"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("evil"), "{run:?}");
}

#[test]
fn a_regional_api_url_is_used_with_its_slash_dropped() {
    let server = FixedTokenServer::start(
        200,
        "application/json",
        r#"{"access_token":"tok","token_type":"bearer","expires_in":3599,"scope":"user:read:admin","api_url":"https://eu01api.zoom.us/"}"#,
    );
    let run = Zoomsh::new()
        .env("ZOOMSH_OAUTH_URL", &server.url)
        .env("ZOOM_ACCOUNT_ID", "ACC1")
        .env("ZOOM_CLIENT_ID", "CID1")
        .env("ZOOM_CLIENT_SECRET", "SEC1")
        .args(["--no-token-cache", "auth", "status"])
        .run();
    run.success();
    assert!(
        run.stdout
            .contains("api host:    https://eu01api.zoom.us\n"),
        "{run:?}"
    );
}
