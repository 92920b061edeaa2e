//! The client against a misbehaving Zoom: 429s with and without headers, daily limits, 5xx and
//! dropped connections, the shared disk token cache, client-side rate limits, `get_many`,
//! redirects, plain http, traces and Ctrl-C. Every test talks to a simulator (or a stand-in
//! server) on loopback.

use crate::harness::{Run, Sim, Zoomsh};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use zoomsh::script::{HostOptions, Output};
use zoomsh::session::Session;
use zoomsh::sim;
use zoomsh::zoom::{ClientOptions, Plan};

/// The `-v` lines that announce a retry.
fn retry_lines(run: &Run) -> usize {
    run.stderr.matches("retrying after").count()
}

#[test]
fn a_burst_of_429s_without_headers_ends_in_success() {
    // CASES.md B08: headerless 429s, then a 200.
    let sim = Sim::with(&["--faults", "429burst=3"]);
    let run = sim.zoomsh().args(["-v", "--retry-wait", "0.05"]).script(
        r#"
            print(zoom.get("/users/me").email);
            let light = zoom.rate_limits().categories.Light;
            print(`throttled ${light.throttled}, slowed ${light.slowed}`);
            "#,
    );
    run.success();
    assert_eq!(
        run.lines(),
        ["ada.example@example.com", "throttled 3, slowed true"],
        "{run:?}"
    );
    assert_eq!(retry_lines(&run), 3, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("retrying after HTTP 429, per-second limit"),
        "{}",
        run.stderr
    );
    let stats = sim.stats();
    assert_eq!((stats.requests, stats.too_many_requests), (4, 3));
}

#[test]
fn rate_limits_that_outlast_the_retries_are_reported() {
    let sim = Sim::with(&["--faults", "429burst=10"]);
    let run = sim
        .zoomsh()
        .args(["--retries", "2", "--retry-wait", "0.05"])
        .args(["eval", r#"zoom.get("/users/me")"#])
        .run();
    run.code(4);
    assert!(
        run.stderr.starts_with(
            "error: GET /v2/users/me: HTTP 429, code 429: You have reached the maximum per-second \
             rate limit for this API. Try again later. — Zoom's rate limit held through every \
             retry; try again later, or raise --retries"
        ),
        "{run:?}"
    );
    assert_eq!(sim.stats().requests, 3);
}

#[test]
fn a_daily_429_fails_at_once_with_the_reset_instant_in_utc_whatever_the_time_zone() {
    let sim = Sim::with(&["--faults", "429daily=2"]);
    let midnight = {
        let now = jiff::Timestamp::now().as_second();
        jiff::Timestamp::from_second(now - now.rem_euclid(86_400) + 86_400).unwrap()
    };
    let expected = format!(
        "error: GET /v2/users/me: HTTP 429, code 429: You have reached the maximum daily rate limit \
         for this API. Refer to the response header for details on when you can make another \
         request. — the daily limit resets at {} (UTC); run again after that",
        midnight.strftime("%Y-%m-%dT%H:%M:%SZ")
    );
    let mut firsts = Vec::new();
    for tz in ["Asia/Kolkata", "America/Los_Angeles"] {
        let started = Instant::now();
        let run = sim
            .zoomsh()
            .env("TZ", tz)
            .args(["eval", r#"zoom.get("/users/me")"#])
            .run();
        run.code(4);
        let first = run.stderr.lines().next().unwrap().to_string();
        // The tracking id differs per request; everything before it is the same.
        let (message, _tracking) = first.split_once(" (tracking id").unwrap();
        assert_eq!(message, expected, "{tz}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{tz}: not at once"
        );
        firsts.push(message.to_string());
    }
    assert_eq!(firsts[0], firsts[1]);
    // One request each: a daily limit is not retried.
    assert_eq!(sim.stats().requests, 2);
}

#[test]
fn a_caught_daily_limit_says_when_it_resets() {
    let sim = Sim::with(&["--faults", "429daily=1"]);
    let run = sim.zoomsh().script(
        r#"
        try { zoom.get("/users/me"); } catch (e) { print(`${e.status} ${is_error(e)} ${e.resets_at.len()}`); }
        print(zoom.get("/users/me").email);
        "#,
    );
    run.success();
    assert_eq!(run.lines(), ["429 true 20", "ada.example@example.com"]);
}

#[test]
fn a_post_answered_by_a_5xx_is_sent_once() {
    let sim = Sim::with(&["--faults", "5xx=1,on=api"]);
    let run = sim
        .zoomsh()
        .args(["-v", "--retry-wait", "0.05"])
        .args([
            "eval",
            r#"zoom.post("/users/me/meetings", #{ topic: "Once", type: 2 })"#,
        ])
        .run();
    run.code(5);
    assert!(
        run.stderr
            .contains("error: POST /v2/users/me/meetings: HTTP 5"),
        "{run:?}"
    );
    assert_eq!(retry_lines(&run), 0, "{}", run.stderr);
    assert_eq!(sim.stats().requests, 1);
    // The same fault on a GET is retried: the first try and two retries.
    sim.zoomsh()
        .args(["--retries", "2", "--retry-wait", "0.05"])
        .args(["eval", r#"zoom.get("/users/me")"#])
        .run()
        .code(5);
    assert_eq!(sim.stats().requests, 4);
}

#[test]
fn idempotent_calls_ride_out_5xx_and_dropped_connections() {
    // Deterministic under the simulator's seed: the same requests get the same faults.
    let sim = Sim::with(&["--faults", "5xx=0.2,reset=0.2,empty=0.1,on=api"]);
    let run = sim
        .zoomsh()
        .args(["-v", "--retry-wait", "0.02", "--retries", "6"])
        .script(
            r#"
            let m = zoom.get("/users/me/meetings").meetings[0];
            for i in 0..10 {
                zoom.patch(`/meetings/${m.id}`, #{ topic: `Round ${i}` });
                if zoom.get(`/meetings/${m.id}`).topic != `Round ${i}` { throw "lost update"; }
            }
            print("done");
            "#,
        );
    run.success();
    assert_eq!(run.lines(), ["done"]);
    let stats = sim.stats();
    assert!(stats.faults_injected > 0, "{stats:?}");
    assert!(
        retry_lines(&run) as u64 >= stats.faults_injected,
        "{}",
        run.stderr
    );
}

#[test]
fn a_post_that_never_connected_is_sent_again() {
    // Nothing listens on the API port, so the request provably never reached a server.
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .env("ZOOMSH_API_URL", "http://127.0.0.1:9")
        .args(["-v", "--retries", "2", "--retry-wait", "0.02"])
        .args([
            "eval",
            r#"zoom.post("/users/me/meetings", #{ topic: "x" })"#,
        ])
        .run();
    run.code(5);
    assert_eq!(retry_lines(&run), 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: POST http://127.0.0.1:9/v2/users/me/meetings: could not connect"),
        "{run:?}"
    );
}

/// `zoomsh` with a token cache directory of our choosing.
fn cached(sim: &Sim, cache: &Path) -> Zoomsh {
    sim.zoomsh()
        .env("ZOOMSH_CACHE_DIR", cache.to_str().unwrap())
}

#[test]
fn four_processes_started_together_mint_one_token() {
    // The token endpoint answers after 300 ms, so all four are waiting on the same mint.
    let sim = Sim::with(&["--latency", "300"]);
    let cache = tempfile::tempdir().unwrap();
    let together = |extra: &[&str]| -> Vec<Run> {
        let children: Vec<_> = (0..4)
            .map(|_| {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_zoomsh"));
                cmd.env_clear()
                    .env("PATH", std::env::var("PATH").unwrap_or_default())
                    .env("HOME", cache.path())
                    .env("ZOOMSH_CACHE_DIR", cache.path())
                    .env("ZOOMSH_OAUTH_URL", sim.url())
                    .env("ZOOMSH_API_URL", sim.url())
                    .env("ZOOM_ACCOUNT_ID", sim::DEMO_ACCOUNT_ID)
                    .env("ZOOM_CLIENT_ID", sim::DEMO_CLIENT_ID)
                    .env("ZOOM_CLIENT_SECRET", sim::DEMO_CLIENT_SECRET)
                    .current_dir(cache.path())
                    .args(extra)
                    .args(["eval", r#"zoom.get("/users/me").email"#])
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                cmd.spawn().unwrap()
            })
            .collect();
        children
            .into_iter()
            .map(|c| Run::from(c.wait_with_output().unwrap()))
            .collect()
    };
    for run in together(&[]) {
        run.success();
        assert_eq!(run.stdout, "ada.example@example.com\n");
    }
    assert_eq!(sim.stats().tokens_minted, 1);
    assert_eq!(sim.stats().token_requests, 1);
    // Without the cache each process mints its own.
    for run in together(&["--no-token-cache"]) {
        run.success();
    }
    assert_eq!(sim.stats().tokens_minted, 5);
}

#[test]
fn the_cache_file_is_private_and_holds_no_secret() {
    let sim = Sim::start();
    let cache = tempfile::tempdir().unwrap();
    cached(&sim, cache.path())
        .args(["eval", r#"zoom.get("/users/me").id"#])
        .run()
        .success();
    let dir = cache.path().join("tokens");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&files[0]), 0o600);
    assert_eq!(mode(&dir), 0o700);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(!text.contains(sim::DEMO_CLIENT_SECRET));
    assert!(text.contains(&sim.sim.issued_tokens()[0]));
    // A second process uses it.
    cached(&sim, cache.path())
        .args(["eval", r#"zoom.get("/users/me").id"#])
        .run()
        .success();
    assert_eq!(sim.stats().tokens_minted, 1);
}

#[test]
fn a_cached_token_near_expiry_is_not_used() {
    // A 2-second token is replaced 1 second before it expires.
    let sim = Sim::with(&["--token-ttl", "2"]);
    let cache = tempfile::tempdir().unwrap();
    let call = || {
        cached(&sim, cache.path())
            .args(["eval", r#"zoom.get("/users/me").id"#])
            .run()
            .success();
    };
    call();
    std::thread::sleep(Duration::from_millis(1200));
    call();
    assert_eq!(sim.stats().tokens_minted, 2);
}

#[test]
fn a_cached_token_the_api_refuses_is_replaced() {
    let sim = Sim::start();
    let cache = tempfile::tempdir().unwrap();
    let call = || {
        cached(&sim, cache.path())
            .args(["eval", r#"zoom.get("/users/me").id"#])
            .run()
            .success();
    };
    call();
    sim.sim.revoke_all_tokens();
    call();
    call();
    // One mint, one re-mint after the 401, and the third run uses the re-minted token.
    assert_eq!(sim.stats().tokens_minted, 2);
}

#[test]
fn minus_vv_traces_headers_but_never_the_secret_or_a_token() {
    let sim = Sim::with(&["--faults", "429burst=1"]);
    let cache = tempfile::tempdir().unwrap();
    let run = cached(&sim, cache.path())
        .args(["-vv", "--retry-wait", "0.05"])
        .script(
            r#"
            print(zoom.get("/users/me").email);
            print(zoom.get_many(["/users/me", "/users/me"]).len());
            "#,
        );
    run.success();
    let tokens = sim.sim.issued_tokens();
    assert_eq!(tokens.len(), 1);
    for output in [&run.stdout, &run.stderr] {
        assert!(
            !output.contains(sim::DEMO_CLIENT_SECRET),
            "secret leaked: {output}"
        );
        assert!(!output.contains(&tokens[0]), "token leaked: {output}");
    }
    for expected in [
        "authorization: Bearer (redacted)",
        "x-zm-trackingid",
        "retrying after HTTP 429",
        "status=200",
        "elapsed_ms=",
    ] {
        assert!(
            run.stderr.contains(expected),
            "no {expected:?} in\n{}",
            run.stderr
        );
    }
}

#[test]
fn get_many_keeps_order_and_every_result() {
    let sim = Sim::start();
    let run = sim.zoomsh().script(
        r#"
        let ids = zoom.get("/users/me/meetings").meetings.map(|m| m.id);
        let paths = [`/meetings/${ids[0]}`, "/meetings/12345678901", `/meetings/${ids[1]}`];
        let results = zoom.get_many(paths);
        for r in results {
            if is_error(r) { print(`error ${r.status} ${r.code}`); } else { print(`ok ${r.id == ids[0] || r.id == ids[1]}`); }
        }
        print(results[0].id == ids[0] && results[2].id == ids[1]);
        let pages = zoom.get_many([#{ path: "/users", query: #{ page_size: 1 } }, "/users"], #{ status: "active" });
        print(`${pages[0].users.len()} ${pages[0].page_size} ${pages[1].page_size}`);
        print(is_error(#{ kind: "http" }));
        "#,
    );
    run.success();
    assert_eq!(
        run.lines(),
        [
            "ok true",
            "error 404 3001",
            "ok true",
            "true",
            "1 1 30",
            "false"
        ],
        "{run:?}"
    );
}

#[test]
fn get_many_stays_under_the_plan_limit() {
    // Free plan, Light: 4 a second. Twelve calls at once never draw a 429.
    let sim = Sim::with(&["--plan", "free"]);
    let started = Instant::now();
    let run = sim.zoomsh().args(["--plan", "free"]).script(
        r#"
        let paths = [];
        for i in 0..12 { paths.push("/users/me"); }
        let r = zoom.get_many(paths);
        print(r.filter(|x| !is_error(x)).len());
        let light = zoom.rate_limits().categories.Light;
        print(`${zoom.rate_limits().plan} ${light.limit}/${light.per} ${light.requests} ${light.waits > 0}`);
        "#,
    );
    run.success();
    assert_eq!(run.lines(), ["12", "free 4/second 12 true"], "{run:?}");
    assert_eq!(sim.stats().too_many_requests, 0);
    // 12 requests at 3.8 a second: the last goes out after about 2.9 s.
    assert!(started.elapsed() > Duration::from_millis(2500));
}

#[test]
fn a_bad_get_many_element_is_named() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .args(["eval", r#"zoom.get_many(["/users/me", 42])"#])
        .run();
    run.code(1);
    assert!(
        run.stderr
            .contains("zoom.get_many: element 1 is a i64; give a path string or #{path, query}"),
        "{run:?}"
    );
}

/// A stand-in API host: tokens, a redirect off-site, a redirect on-site, and an endpoint that
/// reports whether the Bearer token arrived.
struct RedirectServer {
    stand_in: crate::harness::StandIn,
}

impl RedirectServer {
    fn start() -> RedirectServer {
        use axum::http::{HeaderMap, StatusCode, header};
        use axum::routing::{get, post};
        let app = axum::Router::new()
            .route(
                "/oauth/token",
                post(|| async {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        r#"{"access_token":"stand-in-token-0123456789abcdef","token_type":"bearer","expires_in":3599,"scope":"x"}"#,
                    )
                }),
            )
            .route(
                "/v2/users/away",
                get(|| async {
                    (
                        StatusCode::FOUND,
                        [(header::LOCATION, "https://files.example.net/v2/users/me")],
                    )
                }),
            )
            .route(
                "/v2/users/moved",
                get(|| async { (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, "/v2/users/here")]) }),
            )
            .route(
                "/v2/users/here",
                get(|headers: HeaderMap| async move {
                    let bearer = headers
                        .get(header::AUTHORIZATION)
                        .is_some_and(|v| v == "Bearer stand-in-token-0123456789abcdef");
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        format!(r#"{{"bearer":{bearer}}}"#),
                    )
                }),
            );
        RedirectServer {
            stand_in: crate::harness::StandIn::serve(app),
        }
    }

    fn zoomsh(&self) -> Zoomsh {
        self.stand_in.zoomsh()
    }
}

#[test]
fn redirects_to_other_hosts_are_refused_and_named() {
    let server = RedirectServer::start();
    let run = server
        .zoomsh()
        .args(["eval", r#"zoom.get("/users/away")"#])
        .run();
    run.code(2);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "error: GET /v2/users/away: HTTP 302 redirects to https://files.example.net, which is not a \
         Zoom host; zoomsh does not send the token there"
    );
    // A redirect on the API host is followed, with the token.
    let run = server
        .zoomsh()
        .args(["eval", r#"zoom.get("/users/moved").bearer"#])
        .run();
    run.success();
    assert_eq!(run.stdout, "true\n");
}

#[test]
fn credentials_never_go_over_plain_http_to_other_hosts() {
    for (var, value) in [
        ("ZOOMSH_OAUTH_URL", "http://zoom.example.com"),
        ("ZOOMSH_API_URL", "http://api.example.com"),
    ] {
        let sim = Sim::start();
        let run = sim
            .zoomsh()
            .env(var, value)
            .args(["eval", r#"zoom.get("/users/me")"#])
            .run();
        run.code(2);
        assert_eq!(
            run.stderr.lines().next().unwrap(),
            format!(
                "error: {var} uses plain http to a non-loopback host ({value}); credentials and \
                 tokens are only sent over https: use https://"
            )
        );
        assert_eq!(sim.stats().token_requests, 0);
    }
}

#[test]
fn the_token_responses_api_url_is_used_when_none_is_given() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .env_remove("ZOOMSH_API_URL")
        .args(["-v", "eval", r#"zoom.get("/users/me").email"#])
        .run();
    run.success();
    assert!(
        run.stderr
            .contains(&format!("url={}/v2/users/me", sim.url())),
        "{}",
        run.stderr
    );
}

/// Run `script` in a script host on its own thread, press "Ctrl-C" (cancel) after `after`, and
/// return how long the script ran and how it ended.
fn interrupted(
    sim: &Sim,
    options: ClientOptions,
    script: &str,
    after: Duration,
) -> (Duration, String) {
    let settings = sim.settings();
    let script = script.to_string();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let session = Session::new(&settings, &options).unwrap();
        let mut host = session.host(HostOptions {
            output: Output::Buffer(Default::default()),
            ..HostOptions::default()
        });
        tx.send(session.cancel().clone()).unwrap();
        let started = Instant::now();
        let outcome = host.run_source(&script, "t.rhai");
        (
            started.elapsed(),
            outcome.err().map(|e| e.to_string()).unwrap_or_default(),
        )
    });
    let cancel = rx.recv().unwrap();
    std::thread::sleep(after);
    cancel.cancel();
    worker.join().unwrap()
}

#[test]
fn ctrl_c_interrupts_a_retry_sleep_promptly() {
    let sim = Sim::with(&["--faults", "5xx=1,on=api"]);
    let mut options = ClientOptions::default();
    options.retry.base_wait = Duration::from_secs(20);
    options.retry.max_total_wait = Duration::from_secs(600);
    let (took, outcome) = interrupted(
        &sim,
        options,
        r#"zoom.get("/users/me")"#,
        Duration::from_millis(500),
    );
    assert!(outcome.contains("interrupted"), "{outcome}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(sim.stats().requests, 1);
}

#[test]
fn ctrl_c_interrupts_a_rate_limit_wait_promptly() {
    // Free plan, Resource-intensive: 5 at once, then one every ~12.6 s.
    let sim = Sim::with(&["--plan", "free"]);
    let options = ClientOptions {
        plan: Plan::Free,
        ..ClientOptions::default()
    };
    let (took, outcome) = interrupted(
        &sim,
        options,
        r#"for i in 0..10 { zoom.request("GET", "/metrics/meetings", #{ query: #{ from: "2026-01-01", to: "2026-01-31" } }); }"#,
        Duration::from_millis(1500),
    );
    assert!(outcome.contains("interrupted"), "{outcome}");
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(sim.stats().requests, 5);
}
