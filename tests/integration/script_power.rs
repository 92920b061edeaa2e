//! Script power against the simulator: pagination (`get_all`, `pages`, `items`), `zoom.path`'s
//! encoding of meeting UUIDs, the `date` module's report windows, `--dry-run`, `zoomsh check`,
//! and every ```rhai example in docs/scripting.md.

use crate::harness::{Sim, Zoomsh};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The simulator's request log (`/_sim/log`), oldest first.
fn sim_log(sim: &Sim) -> Vec<Value> {
    let url = format!("{}/_sim/log", sim.url());
    let body: Value = sim.runtime.block_on(async {
        reqwest::get(url)
            .await
            .expect("log answers")
            .json()
            .await
            .expect("log is JSON")
    });
    body["requests"].as_array().cloned().unwrap_or_default()
}

/// API requests (not token requests) in the log, as `METHOD path?query`.
fn api_requests(sim: &Sim) -> Vec<String> {
    sim_log(sim)
        .iter()
        .filter(|e| e["path"].as_str().is_some_and(|p| p.starts_with("/v2/")))
        .map(|e| {
            let q = e["query"].as_str().unwrap_or("");
            format!(
                "{} {}{}{}",
                e["method"].as_str().unwrap_or(""),
                e["path"].as_str().unwrap_or(""),
                if q.is_empty() { "" } else { "?" },
                q
            )
        })
        .collect()
}

fn users_requests(sim: &Sim) -> u64 {
    sim.stats().by_operation.get("users").copied().unwrap_or(0)
}

#[test]
fn get_all_returns_seventy_users_in_three_requests() {
    // CASES B10. With the default seed, 78 generated users are 70 active ones.
    let sim = Sim::with(&["--users", "78"]);
    let run = sim
        .zoomsh()
        .script(
            r#"
let users = zoom.get_all("/users", #{ page_size: 30 });
let ids = #{};
for u in users { ids[u.id] = true; }
print(`${users.len()} users, ${ids.len()} distinct`);
"#,
        )
        .success()
        .stdout
        .clone();
    assert_eq!(run, "70 users, 70 distinct\n");
    assert_eq!(users_requests(&sim), 3);
    // Same query on every page, plus the token of the page before.
    let requests = api_requests(&sim);
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(requests[0], "GET /v2/users?page_size=30");
    for r in &requests[1..] {
        assert!(
            r.starts_with("GET /v2/users?page_size=30&next_page_token=") && r.len() > 50,
            "{r}"
        );
    }
    assert_ne!(requests[1], requests[2]);
}

#[test]
fn get_all_asks_for_the_largest_page_the_catalog_allows() {
    let sim = Sim::with(&["--users", "78"]);
    sim.zoomsh()
        .script(r#"print(zoom.get_all("/users").len());"#)
        .success();
    assert_eq!(api_requests(&sim), vec!["GET /v2/users?page_size=300"]);
}

#[test]
fn a_walk_stopped_after_the_first_page_makes_one_request() {
    let sim = Sim::with(&["--users", "78"]);
    let run = sim.zoomsh().script(
        r#"
for page in zoom.pages("/users", #{ page_size: 10 }) {
    print(`${page.users.len()} of ${page.total_records}`);
    break;
}
"#,
    );
    assert_eq!(run.success().stdout, "10 of 70\n");
    assert_eq!(users_requests(&sim), 1);
}

#[test]
fn bounds_and_item_by_item_walks() {
    let sim = Sim::with(&["--users", "78"]);
    let run = sim.zoomsh().script(
        r#"
print(zoom.get_all("/users", #{}, #{ max_items: 5 }).len());
print(zoom.get_all("/users", #{ page_size: 10 }, #{ max_pages: 2 }).len());
let n = 0;
for u in zoom.items("/users", #{ page_size: 25 }) {
    n += 1;
    if n == 30 { break; }
}
print(n);
"#,
    );
    assert_eq!(run.success().stdout, "5\n20\n30\n");
    assert_eq!(
        api_requests(&sim)
            .iter()
            .map(|r| r.split("&next_page_token").next().unwrap().to_string())
            .collect::<Vec<_>>(),
        vec![
            // max_items 5: one page of 5 is all it takes.
            "GET /v2/users?page_size=5",
            "GET /v2/users?page_size=10",
            "GET /v2/users?page_size=10",
            // 30 items at 25 a page: two pages, not three.
            "GET /v2/users?page_size=25",
            "GET /v2/users?page_size=25",
        ]
    );
}

#[test]
fn an_expired_page_token_is_the_code_300_error_naming_the_page() {
    let sim = Sim::with(&["--users", "78", "--page-token-ttl", "1"]);
    let run = sim.zoomsh().script(
        r#"
for page in zoom.pages("/users", #{ page_size: 30 }) {
    sleep(1.5);
}
"#,
    );
    run.code(4);
    let first = run.stderr.lines().next().unwrap_or("");
    assert!(
        first.starts_with(
            "error: GET /v2/users: HTTP 400, code 300: The next page token is invalid or expired. \
             — page 2 of the walk: Zoom refused the next_page_token that page 1 gave; a token \
             works only with the same query and for 15 minutes, and this walk began 1"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--> "), "{}", run.stderr);
    assert!(
        run.stderr.contains("start the walk again"),
        "{}",
        run.stderr
    );
    assert_eq!(users_requests(&sim), 2);
}

#[test]
fn the_code_300_error_can_be_caught() {
    let sim = Sim::with(&["--users", "78", "--page-token-ttl", "1"]);
    let run = sim.zoomsh().script(
        r#"
try {
    for page in zoom.pages("/users", #{ page_size: 30 }) { sleep(1.5); }
} catch (e) {
    print(`${e.kind} ${e.status} ${e.code} ${e.message}`);
}
"#,
    );
    assert_eq!(
        run.success().stdout,
        "http 400 300 The next page token is invalid or expired.\n"
    );
}

/// A stand-in API whose list always answers with the same `next_page_token`: the loop Zoom's
/// misbehaving pagination would cause.
struct LoopingApi {
    stand_in: crate::harness::StandIn,
    hits: Arc<AtomicUsize>,
}

impl LoopingApi {
    fn start() -> LoopingApi {
        use axum::routing::{get, post};
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        let app = axum::Router::new()
            .route(
                "/oauth/token",
                post(|| async {
                    axum::Json(serde_json::json!({
                        "access_token": "looping-api-token-0123456789abcdefghijklmnop",
                        "token_type": "bearer",
                        "expires_in": 3599,
                        "scope": "user:read:admin",
                    }))
                }),
            )
            .route(
                "/v2/users",
                get(move || {
                    let n = counter.fetch_add(1, Ordering::SeqCst);
                    async move {
                        axum::Json(serde_json::json!({
                            "page_size": 1,
                            "next_page_token": "always-the-same",
                            "users": [{ "id": format!("u{n}") }],
                        }))
                    }
                }),
            );
        LoopingApi {
            stand_in: crate::harness::StandIn::serve(app),
            hits,
        }
    }

    fn zoomsh(&self) -> Zoomsh {
        self.stand_in.zoomsh()
    }
}

#[test]
fn a_repeated_page_token_is_reported_not_looped() {
    let api = LoopingApi::start();
    let run = api
        .zoomsh()
        .script("let all = zoom.get_all(\"/users\");\nprint(all.len());\n");
    run.code(5);
    assert_eq!(
        run.stderr.lines().next().unwrap_or(""),
        "error: GET /users: page 2 repeated the next_page_token of an earlier page, so the walk \
         stopped instead of looping; the items so far are complete up to page 2 — run it again \
         later, and report it to Zoom with the tracking id if it persists"
    );
    assert_eq!(api.hits.load(Ordering::SeqCst), 2);

    // A lazy walk gets both pages, then the error, which a script can catch.
    let run = api.zoomsh().script(
        r#"
let seen = [];
try {
    for u in zoom.items("/users") { seen.push(u.id); }
} catch (e) {
    print(`${seen.len()} items, then ${e.kind}`);
}
"#,
    );
    assert_eq!(run.success().stdout, "2 items, then paging\n");
}

#[test]
fn past_meeting_lookups_work_for_uuids_that_need_care() {
    // BEHAVIOR.md §5: a UUID that begins with `/` or holds `//` must be encoded twice, others
    // (with `+` and `=`) once. zoom.path knows which.
    let sim = Sim::with(&["--plan", "unlimited"]);
    let run = sim.zoomsh().script(
        r#"
let wanted = #{ leading_slash: "", double_slash: "", plus_and_equals: "" };
let left = 3;
for u in zoom.items("/users") {
    if left == 0 { break; }
    for m in zoom.items(zoom.path("/users/{}/meetings", u.id), #{ type: "previous_meetings" }) {
        if left == 0 { break; }
        for i in zoom.get_all(zoom.path("/past_meetings/{}/instances", m.id)) {
            let uuid = i.uuid;
            let kind = if uuid.starts_with("/") { "leading_slash" }
                else if uuid.contains("//") { "double_slash" }
                else if uuid.contains("+") && uuid.contains("=") && !uuid.contains("/") { "plus_and_equals" }
                else { "" };
            if kind == "" || wanted[kind] != "" { continue; }
            wanted[kind] = uuid;
            left -= 1;
            let p = zoom.get(zoom.path("/past_meetings/{}", uuid));
            let people = zoom.get_all(zoom.path("/past_meetings/{}/participants", uuid));
            print(`${kind}: same uuid ${p.uuid == uuid}, same meeting ${p.id == m.id}, participants ${people.len() > 0}`);
        }
    }
}
print(`left ${left}`);
print(wanted.leading_slash);
"#,
    );
    let out = run.success().stdout.clone();
    let mut lines: Vec<&str> = out.lines().collect();
    let leading = lines.pop().unwrap().to_string();
    assert_eq!(lines.pop(), Some("left 0"));
    lines.sort();
    assert_eq!(
        lines,
        vec![
            "double_slash: same uuid true, same meeting true, participants true",
            "leading_slash: same uuid true, same meeting true, participants true",
            "plus_and_equals: same uuid true, same meeting true, participants true",
        ]
    );
    // The leading-slash UUID went out double-encoded.
    let sent = format!(
        "GET /v2/past_meetings/%252F{}",
        leading[1..]
            .replace('/', "%252F")
            .replace('+', "%252B")
            .replace('=', "%253D")
    );
    assert!(
        api_requests(&sim).contains(&sent),
        "{sent} not in {:?}",
        api_requests(&sim)
    );
}

#[test]
fn a_year_of_reports_is_split_into_month_windows() {
    let run = Zoomsh::new().script(
        r#"
for w in date::month_windows("2025-01-15", "2026-01-14") {
    print(`${w.from} ${w.to} ${date::days_between(w.from, w.to) + 1}`);
}
print(date::month_windows("2025-03-01", "2026-03-01").len());
"#,
    );
    assert_eq!(
        run.success().stdout,
        "\
2025-01-15 2025-02-14 31
2025-02-15 2025-03-14 28
2025-03-15 2025-04-14 31
2025-04-15 2025-05-14 30
2025-05-15 2025-06-14 31
2025-06-15 2025-07-14 30
2025-07-15 2025-08-14 31
2025-08-15 2025-09-14 31
2025-09-15 2025-10-14 30
2025-10-15 2025-11-14 31
2025-11-15 2025-12-14 30
2025-12-15 2026-01-14 31
13
"
    );
}

#[test]
fn report_windows_are_accepted_by_the_report_endpoint() {
    // The simulator refuses ranges over a month, as Zoom does; five months back is within
    // Zoom's six-month limit.
    let sim = Sim::with(&["--plan", "unlimited"]);
    let run = sim.zoomsh().script(
        r#"
let to = date::today();
let from = date::add(to, "-5 months");
let windows = date::month_windows(from, to);
let meetings = [];
for w in windows { meetings += zoom.get_all("/report/users/me/meetings", w); }
print(`${windows.len()} windows`);
"#,
    );
    let out = run.success().stdout.clone();
    assert!(out == "5 windows\n" || out == "6 windows\n", "{out}");
    let reports = api_requests(&sim)
        .iter()
        .filter(|r| r.starts_with("GET /v2/report/users/me/meetings?"))
        .count();
    assert_eq!(format!("{reports} windows\n"), out);
}

#[test]
fn a_dry_run_sends_no_write_and_sums_up() {
    let sim = Sim::start();
    let before = sim.stats();
    let run = sim.zoomsh().args(["--dry-run"]).script(
        r#"
let me = zoom.get("/users/me");
let m = zoom.post("/users/me/meetings", #{ topic: "Dry run", type: 2, duration: 30 });
print(`created ${m.id} "${m.topic}" dry_run=${m.dry_run}`);
zoom.patch(`/meetings/${m.id}`, #{ topic: "Renamed" });
zoom.delete(`/meetings/${m.id}`);
zoom.post("/users", #{ action: "create", user_info: #{ email: "new@example.com", type: 1 } });
let r = zoom.request("DELETE", "/users/nobody@example.com");
print(`${r.status} ${r.body.dry_run}`);
print(me.email != "");
"#,
    );
    run.success();
    assert_eq!(
        run.stdout,
        "created 90000000001 \"Dry run\" dry_run=true\n204 true\ntrue\n"
    );
    let url = sim.url();
    assert_eq!(
        run.stderr,
        format!(
            "\
dry-run: POST {url}/v2/users/me/meetings {{\"duration\":30,\"topic\":\"Dry run\",\"type\":2}}
dry-run: PATCH {url}/v2/meetings/90000000001 {{\"topic\":\"Renamed\"}}
dry-run: DELETE {url}/v2/meetings/90000000001
dry-run: POST {url}/v2/users {{\"action\":\"create\",\"user_info\":{{\"email\":\"new@example.com\",\"type\":1}}}}
dry-run: DELETE {url}/v2/users/nobody@example.com
dry-run: would POST 2, PATCH 1, DELETE 2; nothing was changed
"
        )
    );
    // The simulator saw the read and nothing else.
    assert_eq!(api_requests(&sim), vec!["GET /v2/users/me"]);
    assert_eq!(sim.stats().requests - before.requests, 1);
}

#[test]
fn check_names_a_missing_scope_before_anything_runs() {
    let sim = Sim::with(&["--scopes", "meeting:read:admin"]);
    let z = sim.zoomsh();
    let file = z.file(
        "audit.rhai",
        r#"// Which users have meetings?
for u in zoom.items("/users") {
    let meetings = zoom.get_all(`/users/${u.id}/meetings`);
    print(`${u.email}: ${meetings.len()}`);
}
let p = "/users/me";
zoom.get(p);
"#,
    );
    let run = z.args(["check".as_ref(), file.as_os_str()]).run();
    run.code(4);
    let name = file.display();
    assert_eq!(
        run.stdout,
        format!(
            "\
{name}: 2 Zoom operations, 1 call not resolved

  GET /users  (users, Medium; line 2)  MISSING
    scopes (any one): user:read:admin, user:read:list_users:admin

  GET /users/{{userId}}/meetings  (meetings, Medium; line 3)  ok
    scopes (any one): meeting:read:admin, meeting:read, meeting:read:list_meetings, meeting:read:list_meetings:admin

not resolved (known only when the script runs; check these by hand):
  line 7: zoom.get(p) — the path is not a literal

the token lacks scopes for 1 operation:
  GET /users needs one of: user:read:list_users:admin
"
        )
    );
    assert_eq!(
        run.stderr,
        "error: the token has no scope for 1 operation the script calls (GET /users); add the \
         scopes named above to the app in the Zoom App Marketplace, then check again\n"
    );
    // Nothing ran: only the token was minted.
    assert_eq!(sim.stats().requests, 0);
    assert_eq!(sim.stats().tokens_minted, 1);
}

#[test]
fn check_passes_when_every_scope_is_there_and_lists_without_credentials() {
    let sim = Sim::start();
    let z = sim.zoomsh();
    let file = z.file("me.rhai", "print(zoom.get(\"/users/me\").email);\n");
    let run = z.args(["check".as_ref(), file.as_os_str()]).run();
    run.success();
    assert!(
        run.stdout
            .ends_with("\nthe token has a scope for every operation found\n"),
        "{}",
        run.stdout
    );

    let z = Zoomsh::new();
    let file = z.file("me.rhai", "print(zoom.get(\"/users/me\").email);\n");
    let run = z.args(["check".as_ref(), file.as_os_str()]).run();
    run.success();
    assert!(
        run.stdout.ends_with(
            "\nno credentials: scopes not compared (set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and \
             ZOOM_CLIENT_SECRET, or use --sim)\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn check_reports_syntax_errors_and_unreadable_files() {
    let z = Zoomsh::new();
    let file = z.file("bad.rhai", "let x = ;\n");
    let run = z.args(["check".as_ref(), file.as_os_str()]).run();
    run.code(1);
    assert!(
        run.stderr.starts_with("error: syntax error: "),
        "{}",
        run.stderr
    );

    let run = Zoomsh::new().args(["check", "missing.rhai"]).run();
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: cannot read script missing.rhai: "),
        "{}",
        run.stderr
    );
}

#[test]
fn zoom_path_refuses_a_wrong_number_of_values() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .script("let p = zoom.path(\"/past_meetings/{}/participants\");\n");
    run.code(1);
    assert_eq!(
        run.stderr.lines().next().unwrap_or(""),
        "error: zoom.path: the template \"/past_meetings/{}/participants\" has 1 placeholder but 0 \
         values were given; give one value per {}"
    );
}

/// Every ```rhai block of the script reference runs against the simulator, so none rots.
#[test]
fn every_example_in_the_script_reference_runs() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scripting.md"))
        .expect("docs/scripting.md exists");
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (n, line) in doc.lines().enumerate() {
        match &mut current {
            None if line.trim() == "```rhai" => current = Some((n + 2, String::new())),
            Some((start, text)) if line.trim() == "```" => {
                blocks.push((*start, std::mem::take(text)));
                current = None;
            }
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    assert!(blocks.len() >= 8, "only {} rhai blocks found", blocks.len());
    let sim = Sim::with(&["--plan", "unlimited"]);
    for (line, block) in blocks {
        let run = sim.zoomsh().script(&block);
        assert_eq!(
            run.code, 0,
            "the example at docs/scripting.md:{line} failed\n--- script\n{block}--- stderr\n{}",
            run.stderr
        );
    }
}

/// Collects what a tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_page_walker_serves_rust_callers_and_warns_on_old_walks() {
    use std::time::Duration;
    use zoomsh::zoom::{ClientOptions, PageOptions, PageWalker, ZoomClient};
    let sim = Sim::with(&["--users", "78"]);
    let settings = sim.settings();
    let client = Arc::new(ZoomClient::new(&settings, &ClientOptions::default()).unwrap());
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        runtime.block_on(async {
            let opts = PageOptions {
                // Every walk counts as old, to see the warning without waiting 14 minutes.
                warn_after: Duration::ZERO,
                ..PageOptions::default()
            };
            let query = vec![("page_size".to_string(), "30".to_string())];
            let mut walker = PageWalker::new(client, "/users", query, opts);
            let mut seen = Vec::new();
            while let Some(page) = walker.next_page().await {
                let page = page.unwrap();
                seen.push((page.number, page.field.clone(), page.items().len()));
            }
            assert_eq!(
                seen,
                vec![
                    (1, "users".to_string(), 30),
                    (2, "users".to_string(), 30),
                    (3, "users".to_string(), 10),
                ]
            );
            assert_eq!(walker.total_records(), Some(70));
            assert_eq!(walker.pages_fetched(), 3);
            assert_eq!(walker.items_returned(), 70);
            assert!(walker.next_page().await.is_none());
        })
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(log.matches(" WARN ").count(), 1, "{log}");
    assert!(
        log.contains(
            "GET /users: asking for page 2 of a walk that began 0s ago; Zoom's page tokens \
             expire after 15 minutes"
        ),
        "{log}"
    );
}
