//! Every example in `examples/` run against the simulator, checking what it printed, wrote or
//! posted against what the simulator's API says when asked directly.

use crate::harness::Sim;
use jiff::ToSpan;
use serde_json::Value;
use std::collections::BTreeMap;

fn example(name: &str) -> String {
    format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

fn seconds(zoom_time: &str) -> i64 {
    zoom_time
        .parse::<jiff::Timestamp>()
        .expect("a Zoom timestamp")
        .as_second()
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The account's active users, asked for directly.
pub fn active_users(sim: &Sim) -> Vec<Value> {
    let page = sim.api_get("/users?status=active&page_size=300");
    assert_eq!(page["next_page_token"], "", "one page holds them all");
    page["users"].as_array().unwrap().clone()
}

/// Rows of a CSV file as maps, with the header row.
fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_path(path).expect("the CSV file was written");
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// Work out an expectation around a run: when the two readings differ (a meeting started in
/// between), the run must match one of them.
fn around<T: PartialEq + std::fmt::Debug>(expect: impl Fn() -> T, run: impl FnOnce() -> T) {
    let before = expect();
    let got = run();
    let after = expect();
    assert!(
        got == before || got == after,
        "got {got:#?}\nexpected {before:#?}\nor {after:#?}"
    );
}

#[test]
fn whoami_prints_the_apps_user() {
    let sim = Sim::start();
    let me = sim.api_get("/users/me");
    let run = sim.zoomsh().args(["run", &example("whoami.rhai")]).run();
    run.success();
    assert_eq!(
        run.stdout,
        format!(
            "{} <{}> (account {})\n",
            me["display_name"].as_str().unwrap(),
            me["email"].as_str().unwrap(),
            zoomsh::sim::DEMO_ACCOUNT_ID
        )
    );
    assert_eq!(
        run.stdout,
        "Ada Example <ada.example@example.com> (account ACC1demo)\n"
    );
}

#[test]
fn upcoming_meetings_csv_has_every_employees_upcoming_meetings() {
    // Reading the expectation twice around the run makes two unpaced walks over every user from
    // the test itself, beside zoomsh's paced one: no limits here, so the check is about output.
    let sim = Sim::with(&["--plan", "unlimited"]);
    let users = active_users(&sim);
    let expect = || {
        let mut rows = Vec::new();
        for u in &users {
            let id = u["id"].as_str().unwrap();
            let page = sim.api_get(&format!("/users/{id}/meetings?type=upcoming&page_size=300"));
            for m in page["meetings"].as_array().unwrap() {
                rows.push((
                    m["id"].to_string(),
                    u["email"].as_str().unwrap().to_string(),
                    text(&m["start_time"]),
                    m["topic"].as_str().unwrap().to_string(),
                    m["join_url"].as_str().unwrap().to_string(),
                ));
            }
        }
        rows.sort();
        rows
    };
    around(expect, || {
        let z = sim.zoomsh();
        let _keep = z.dir.clone(); // the working directory outlives the run
        let out = z.path().join("reports/upcoming.csv");
        let run = z
            .args([
                "run",
                &example("upcoming_meetings_csv.rhai"),
                "--arg",
                "out=reports/upcoming.csv",
            ])
            .run();
        run.success();
        let (header, rows) = read_csv(&out);
        assert_eq!(
            header,
            [
                "host",
                "start_time",
                "timezone",
                "duration",
                "topic",
                "meeting_id",
                "join_url"
            ]
        );
        assert_eq!(
            run.stdout,
            format!(
                "{} upcoming meetings written to reports/upcoming.csv\n",
                rows.len()
            )
        );
        // Soonest first; meetings without a start time last.
        let starts: Vec<&str> = rows.iter().map(|r| r["start_time"].as_str()).collect();
        let mut sorted = starts.clone();
        sorted.sort_by_key(|s| if s.is_empty() { "9999" } else { s });
        assert_eq!(starts, sorted);
        let mut got: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r["meeting_id"].clone(),
                    r["host"].clone(),
                    r["start_time"].clone(),
                    r["topic"].clone(),
                    r["join_url"].clone(),
                )
            })
            .collect();
        got.sort();
        assert!(!got.is_empty());
        got
    });
}

#[test]
fn yesterday_to_slack_posts_the_summary_to_the_webhook() {
    // The test's own report calls are not paced and, beside the script's, pass Zoom's 40 a
    // second for Heavy endpoints; an unlimited plan keeps the check about output.
    let sim = Sim::with(&["--plan", "unlimited"]);
    let day = today().yesterday().unwrap().to_string();
    let (mut count, mut minutes, mut people) = (0, 0, 0);
    let mut longest: Vec<(i64, String)> = Vec::new();
    for u in active_users(&sim) {
        let id = u["id"].as_str().unwrap();
        let page = sim.api_get(&format!(
            "/report/users/{id}/meetings?from={day}&to={day}&page_size=300"
        ));
        for m in page["meetings"].as_array().unwrap() {
            count += 1;
            minutes += m["duration"].as_i64().unwrap();
            people += m["participants_count"].as_i64().unwrap();
            longest.push((
                m["duration"].as_i64().unwrap(),
                m["topic"].as_str().unwrap().to_string(),
            ));
        }
    }
    let summary = format!("{count} meetings on {day}: {minutes} minutes, {people} participants");

    let hook = format!("{}/_sim/webhooks/slack", sim.url());
    let run = sim
        .zoomsh()
        .args([
            "run",
            &example("yesterday_to_slack.rhai"),
            "--arg",
            &format!("webhook={hook}"),
        ])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        format!("{summary}\nposted to Slack: HTTP 200 ok\n")
    );

    let sink = sim.inspect("/webhooks/slack");
    assert_eq!(sink["count"], 1);
    let message = &sink["requests"][0]["body"];
    assert_eq!(message["text"], summary.as_str());
    let blocks = message["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(
        blocks[0]["text"]["text"],
        format!("Zoom meetings on {day}").as_str()
    );
    let fields: Vec<&str> = blocks[1]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            format!("*Meetings*\n{count}"),
            format!("*Minutes*\n{minutes}"),
            format!("*Participants*\n{people}")
        ]
    );
    if count > 0 {
        longest.sort_by_key(|e| std::cmp::Reverse(e.0));
        let list = blocks[3]["text"]["text"].as_str().unwrap();
        assert!(list.starts_with("*Longest meetings*\n• *"), "{list}");
        assert_eq!(list.lines().count(), 1 + longest.len().min(5));
        assert!(list.contains(&format!("*{}*", longest[0].1)), "{list}");
    }

    // With --sim and no webhook, the in-process simulator's sink stands in for Slack.
    let run = crate::harness::Zoomsh::new()
        .env("ZOOMSH_SIM_PLAN", "unlimited")
        .args(["--sim", "run", &example("yesterday_to_slack.rhai")])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        format!("{summary}\nposted to Slack: HTTP 200 ok\n")
    );
}

#[test]
fn meetings_from_csv_dry_run_changes_nothing_then_the_real_run_creates_them() {
    let sim = Sim::start();
    let csv = format!("csv={}", example("meeting_requests.csv"));
    let script = example("meetings_from_csv.rhai");

    let run = sim
        .zoomsh()
        .args(["--dry-run", "run", &script, "--arg", &csv])
        .run();
    run.success();
    assert_eq!(
        run.lines(),
        [
            "line 2: would create meeting 90000000001: Quarterly planning, 2030-01-15T09:00:00 Europe/Berlin",
            "line 3: would create meeting 90000000002: Customer review, 2030-01-16T14:30:00 America/New_York",
            "line 4: would create meeting 90000000003: Standup, 2030-01-17T08:00:00Z UTC",
            "line 5: Offsite prep: date::to_zoom_local: \"Mars/Olympus_Mons\" is not a time zone; give an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\"",
            "3 meetings would be created, 1 failed",
        ]
    );
    assert!(
        run.stderr
            .ends_with("dry-run: would POST 3; nothing was changed\n"),
        "{run:?}"
    );
    let log = sim.inspect("/log");
    let writes: Vec<&Value> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] != "GET" && r["path"] != "/oauth/token")
        .collect();
    assert!(writes.is_empty(), "a dry run sent {writes:?}");

    let run = sim.zoomsh().args(["run", &script, "--arg", &csv]).run();
    run.success();
    let lines = run.lines();
    assert_eq!(lines[4], "3 meetings created, 1 failed");
    let expected = [
        (
            2,
            "Quarterly planning",
            "2030-01-15T08:00:00Z",
            "Europe/Berlin",
            60,
            "Goals for Q1",
        ),
        (
            3,
            "Customer review",
            "2030-01-16T19:30:00Z",
            "America/New_York",
            45,
            "",
        ),
    ];
    for (line, (n, topic, start, zone, duration, agenda)) in lines.iter().zip(expected) {
        let prefix = format!("line {n}: created meeting ");
        let id = line
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split(':').next())
            .unwrap_or_else(|| panic!("{line}"));
        assert_eq!(*line, format!("{prefix}{id}: {topic}, {start} {zone}"));
        let m = sim.api_get(&format!("/meetings/{id}"));
        assert_eq!(
            (
                m["topic"].as_str().unwrap(),
                m["start_time"].as_str().unwrap(),
                m["timezone"].as_str().unwrap(),
                m["duration"].as_i64().unwrap(),
                m["agenda"].as_str().unwrap()
            ),
            (topic, start, zone, duration, agenda)
        );
        assert_eq!(m["host_email"], "ada.example@example.com");
    }
    // No time zone in the row: the host's own is used.
    let owner_zone = sim.api_get("/users/me")["timezone"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        lines[2].starts_with("line 4: created meeting "),
        "{lines:?}"
    );
    assert!(
        lines[2].ends_with(&format!(": Standup, 2030-01-17T08:00:00Z {owner_zone}")),
        "{lines:?}"
    );
}

#[test]
fn inactive_users_lists_who_has_not_signed_in_for_90_days() {
    let sim = Sim::start();
    let users = active_users(&sim);
    let expect = || {
        let now = jiff::Timestamp::now().as_second();
        let mut idle: Vec<(String, String)> = users
            .iter()
            .filter_map(|u| {
                let email = u["email"].as_str().unwrap().to_string();
                match u.get("last_login_time").and_then(Value::as_str) {
                    None => Some((email, "never".to_string())),
                    Some(t) => {
                        let days = (now - seconds(t)) / 86_400;
                        (days >= 90).then(|| (email, days.to_string()))
                    }
                }
            })
            .collect();
        idle.sort();
        idle
    };
    around(expect, || {
        let z = sim.zoomsh();
        let _keep = z.dir.clone(); // the working directory outlives the run
        let out = z.path().join("idle.csv");
        let run = z
            .args([
                "run",
                &example("inactive_users.rhai"),
                "--arg",
                "out=idle.csv",
            ])
            .run();
        run.success();
        let (header, rows) = read_csv(&out);
        assert_eq!(header, ["email", "name", "dept", "last_login", "days"]);
        let lines = run.lines();
        assert_eq!(
            lines.last().unwrap(),
            &format!(
                "{} active users have not signed in for 90 days or more",
                rows.len()
            )
        );
        // The table shows the same rows as the CSV, longest idle first.
        assert_eq!(lines[0].split_whitespace().collect::<Vec<_>>(), header);
        assert_eq!(lines.len(), rows.len() + 2);
        for (line, row) in lines[1..].iter().zip(&rows) {
            assert!(line.starts_with(&format!("{}  ", row["email"])), "{line}");
            assert!(line.ends_with(&row["days"]), "{line}");
        }
        let days: Vec<i64> = rows.iter().filter_map(|r| r["days"].parse().ok()).collect();
        assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
        let mut got: Vec<(String, String)> = rows
            .iter()
            .map(|r| (r["email"].clone(), r["days"].clone()))
            .collect();
        got.sort();
        assert!(!got.is_empty());
        got
    });
}

#[test]
fn recordings_last_month_lists_sizes_and_totals() {
    let sim = Sim::start();
    let first = today().first_of_month().checked_sub(1.month()).unwrap();
    let last = first.last_of_month();
    let mut expected: Vec<(String, String, i64)> = Vec::new();
    for u in active_users(&sim) {
        let id = u["id"].as_str().unwrap();
        let page = sim.api_get(&format!(
            "/users/{id}/recordings?from={first}&to={last}&page_size=300"
        ));
        for r in page["meetings"].as_array().unwrap() {
            expected.push((
                r["start_time"].as_str().unwrap().to_string(),
                u["email"].as_str().unwrap().to_string(),
                r["total_size"].as_i64().unwrap(),
            ));
        }
    }
    expected.sort();
    let mb = |bytes: i64| {
        let tenths = (bytes + 50_000) / 100_000;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    };
    let total: i64 = expected.iter().map(|e| e.2).sum();

    let run = sim
        .zoomsh()
        .args(["run", &example("recordings_last_month.rhai")])
        .run();
    run.success();
    let lines = run.lines();
    assert_eq!(lines[0], format!("recordings from {first} to {last}"));
    assert_eq!(
        lines.last().unwrap(),
        &format!("{} recordings, {} in total", expected.len(), mb(total))
    );
    if expected.is_empty() {
        assert_eq!(lines[1], "(no rows)");
        return;
    }
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["start_time", "host", "topic", "files", "size"]
    );
    for (line, (start, host, size)) in lines[2..].iter().zip(&expected) {
        assert!(line.starts_with(&format!("{start}  {host} ")), "{line}");
        assert!(line.ends_with(&format!("  {}", mb(*size))), "{line}");
    }
    // The per-host table after a blank line: one row per host, sizes summed.
    let mut per_host: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, host, size) in &expected {
        *per_host.entry(host).or_default() += size;
    }
    let blank = 2 + expected.len();
    assert_eq!(lines[blank], "");
    assert_eq!(
        lines[blank + 1].split_whitespace().collect::<Vec<_>>(),
        ["host", "size"]
    );
    let host_lines: Vec<Vec<&str>> = lines[blank + 2..lines.len() - 1]
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let want: Vec<Vec<String>> = per_host
        .iter()
        .map(|(h, s)| {
            let mut v = vec![h.to_string()];
            v.extend(mb(*s).split(' ').map(String::from));
            v
        })
        .collect();
    assert_eq!(host_lines, want);
}

#[allow(dead_code)]
#[path = "../../examples/embed.rs"]
mod embed;

#[test]
fn embed_runs_a_script_in_its_own_host_and_reads_its_output_and_value() {
    // The example starts its own simulator with the default settings; this one has the same
    // seed, so the same account.
    let sim = Sim::start();
    let mut by_dept: BTreeMap<String, i64> = BTreeMap::new();
    for u in active_users(&sim) {
        *by_dept
            .entry(u["dept"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let outcome = embed::run().expect("the embedded script runs");
    let printed: String = by_dept.iter().map(|(d, n)| format!("{d}: {n}\n")).collect();
    assert_eq!(outcome.printed, printed);
    assert_eq!(outcome.value, serde_json::to_value(&by_dept).unwrap());
}
