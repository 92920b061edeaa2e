//! The admin's command line: one-shot calls, output formats, jq, profiles, auth, discovery,
//! completions. Each test runs the real binary against a simulator and compares what a user
//! would see.

use crate::harness::{Sim, Zoomsh};
use zoomsh::sim;

/// A user whose name and department hold commas, created through `post -f`.
fn add_user_with_commas(sim: &Sim) {
    sim.zoomsh()
        .args([
            "post",
            "/users",
            "-f",
            "action=custCreate",
            "-f",
            "user_info.email=comma.person@example.com",
            "-f",
            "user_info.type:=1",
            "-f",
            "user_info.first_name=Ada, Jr.",
            "-f",
            "user_info.last_name=Quote \"Q\" Person",
            "-f",
            "user_info.dept=R&D, Europe",
        ])
        .run()
        .success();
}

#[test]
fn get_prints_compact_json_when_piped() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .args(["get", "/users/me", "--jq", "{email, type, account_id}"])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        "{\"email\":\"ada.example@example.com\",\"type\":2,\"account_id\":\"ACC1demo\"}\n"
    );
    // A string result prints as it is.
    let run = sim
        .zoomsh()
        .args(["get", "/v2/users/me", "--jq", ".email"])
        .run();
    assert_eq!(run.stdout, "ada.example@example.com\n");
}

#[test]
fn csv_of_users_has_a_header_row_and_quotes_commas() {
    let sim = Sim::start();
    add_user_with_commas(&sim);
    let run = sim
        .zoomsh()
        .args(["get", "/users", "-q", "page_size=300", "--output", "csv"])
        .run();
    run.success();
    let lines = run.lines();
    assert!(
        lines[0].starts_with("id,first_name,last_name,display_name,email,type,"),
        "{run:?}"
    );
    let row = lines
        .iter()
        .find(|l| l.contains("comma.person@example.com"))
        .unwrap();
    assert!(
        row.contains(",\"Ada, Jr.\",\"Quote \"\"Q\"\" Person\","),
        "{row}"
    );
    // The same list narrowed with jq, compared whole.
    let run = sim
        .zoomsh()
        .args([
            "get",
            "/users",
            "-q",
            "page_size=300",
            "--jq",
            "[.users[] | select(.email | startswith(\"comma\")) | {email, first_name, last_name, dept, type}]",
            "-o",
            "csv",
        ])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        "email,first_name,last_name,dept,type\n\
         comma.person@example.com,\"Ada, Jr.\",\"Quote \"\"Q\"\" Person\",\"R&D, Europe\",1\n"
    );
}

#[test]
fn table_and_jsonl_show_a_list_pages_array() {
    let sim = Sim::start();
    let jq = "{users: [.users[] | {email, type, dept}], next_page_token}";
    let run = sim
        .zoomsh()
        .args([
            "get",
            "/users",
            "-q",
            "page_size=3",
            "--jq",
            jq,
            "-o",
            "table",
        ])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        "email                           type  dept\n\
         ada.example@example.com         2     Finance\n\
         taylor.placeholder@example.com  2     Finance\n\
         kim.specimen@example.com        2     Engineering\n"
    );
    let run = sim
        .zoomsh()
        .args([
            "get",
            "/users",
            "-q",
            "page_size=2",
            "--jq",
            jq,
            "-o",
            "jsonl",
        ])
        .run();
    assert_eq!(
        run.stdout,
        "{\"email\":\"ada.example@example.com\",\"type\":2,\"dept\":\"Finance\"}\n\
         {\"email\":\"taylor.placeholder@example.com\",\"type\":2,\"dept\":\"Finance\"}\n"
    );
}

#[test]
fn a_meeting_round_trip_with_fields_data_and_include() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .args([
            "post",
            "/users/me/meetings",
            "-f",
            "topic=Standup, daily",
            "-f",
            "type:=2",
            "-f",
            "settings.join_before_host:=true",
            "--jq",
            ".id",
        ])
        .run();
    run.success();
    let id = run.stdout.trim().to_string();
    assert!(
        id.len() >= 10 && id.chars().all(|c| c.is_ascii_digit()),
        "{run:?}"
    );
    let path = format!("/meetings/{id}");

    let z = sim.zoomsh();
    let body = z.file("rename.json", r#"{"topic": "Renamed"}"#);
    z.args(["patch", &path, "-d", &format!("@{}", body.display())])
        .run()
        .success();
    let run = sim
        .zoomsh()
        .args(["get", &path, "--jq", "[.topic, .settings.join_before_host]"])
        .run();
    assert_eq!(run.stdout, "[\"Renamed\",true]\n");

    let run = sim.zoomsh().args(["delete", &path, "--include"]).run();
    run.success();
    assert!(run.stdout.starts_with("HTTP 204 No Content\n"), "{run:?}");
    assert!(run.stdout.ends_with("\n\n"), "{run:?}");

    // Gone: exit 4, Zoom's message on stderr, the error body after the headers with --include.
    let run = sim.zoomsh().args(["get", &path, "-i"]).run();
    run.code(4);
    assert!(run.stdout.starts_with("HTTP 404 Not Found\n"), "{run:?}");
    assert!(run.stdout.contains("\nx-zm-trackingid: "), "{run:?}");
    assert!(
        run.stdout.ends_with(&format!(
            "\n\n{{\"code\":3001,\"message\":\"Meeting {id} is not found or has expired.\"}}\n"
        )),
        "{run:?}"
    );
    assert!(
        run.stderr.starts_with(&format!(
            "error: GET /v2/meetings/{id}: HTTP 404, code 3001: Meeting {id} is not found or has expired."
        )),
        "{run:?}"
    );
}

#[test]
fn curl_prints_the_request_without_the_token_and_sends_nothing() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .args([
            "post",
            "/users/me/meetings",
            "-q",
            "note=a b",
            "-f",
            "topic=Bob's sync",
            "--curl",
        ])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        format!(
            "# the token: export ZOOM_TOKEN=\"$(zoomsh token)\"\n\
             curl -X POST '{}/v2/users/me/meetings?note=a+b' \\\n  \
             -H 'Accept: application/json' \\\n  \
             -H \"Authorization: Bearer $ZOOM_TOKEN\" \\\n  \
             -H 'Content-Type: application/json' \\\n  \
             --data '{{\"topic\":\"Bob'\\''s sync\"}}'\n",
            sim.url()
        )
    );
    assert_eq!(sim.stats().token_requests, 0);
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn bad_input_fails_before_anything_is_sent() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .args(["get", "/users", "--jq", ".users | length("])
        .run();
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: --jq \".users | length(\" is not a valid jq filter: expected closing parenthesis \
         at column 17; see https://jqlang.org/manual/\n"
    );
    let run = sim
        .zoomsh()
        .args(["post", "/users/me/meetings", "-d", "{topic: x}"])
        .run();
    run.code(2);
    assert!(
        run.stderr.starts_with(
            "error: the body in -d is not JSON (key must be a string at line 1 column 2)"
        ),
        "{run:?}"
    );
    let run = sim
        .zoomsh()
        .args(["get", "/users", "-f", "status=active"])
        .run();
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: -f sets fields of the request body, and GET sends no body; use -q KEY=VALUE for \
         query parameters\n"
    );
    assert_eq!(sim.stats().token_requests, 0);
}

#[test]
fn eval_and_run_print_their_value_in_the_chosen_format() {
    // Piped: compact JSON (Rhai keeps a map's keys sorted).
    let run = Zoomsh::new()
        .args([
            "eval",
            r#"[#{ id: 85746065432, topic: "a, b" }, #{ id: 2, extra: [1] }]"#,
        ])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        "[{\"id\":85746065432,\"topic\":\"a, b\"},{\"extra\":[1],\"id\":2}]\n"
    );
    let run = Zoomsh::new()
        .args([
            "eval",
            r#"[#{ id: 85746065432, topic: "a, b" }, #{ id: 2, extra: [1] }]"#,
            "-o",
            "csv",
        ])
        .run();
    assert_eq!(
        run.stdout,
        "id,topic,extra\n85746065432,\"a, b\",\n2,,[1]\n"
    );

    let sim = Sim::start();
    let z = sim.zoomsh();
    let script = z.file(
        "emails.rhai",
        "let page = zoom.get(\"/users\", #{ page_size: 2 });\npage.users.map(|u| #{ email: u.email })\n",
    );
    // Without --output the value is not printed: a script prints what it means to.
    let quiet = sim.zoomsh().args(["run", script.to_str().unwrap()]).run();
    quiet.success();
    assert_eq!(quiet.stdout, "");
    let run = z
        .args(["run", script.to_str().unwrap(), "--output", "table"])
        .run();
    run.success();
    assert_eq!(
        run.stdout,
        "email\nada.example@example.com\ntaylor.placeholder@example.com\n"
    );
}

#[test]
fn endpoints_searches_the_catalog() {
    let run = Zoomsh::new().args(["endpoints", "list users"]).run();
    run.success();
    assert_eq!(
        run.stdout,
        "METHOD  PATH    SUMMARY     RATE LIMIT  SCOPES\n\
         GET     /users  List users  Medium      user:read:admin\n"
    );
    let run = Zoomsh::new()
        .args(["endpoints", "meetings", "delete", "--json"])
        .run();
    run.success();
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.iter().all(|e| e["method"] == "DELETE"), "{list:?}");
    let one = list
        .iter()
        .find(|e| e["path"] == "/meetings/{meetingId}")
        .unwrap();
    assert_eq!(one["summary"], "Delete a meeting");
    assert_eq!(one["rate_limit"], "Light");
    assert_eq!(
        one["scopes"],
        serde_json::json!(["meeting:write:admin", "meeting:write"])
    );

    let run = Zoomsh::new().args(["endpoints", "nothing-like-this"]).run();
    run.success();
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "no endpoint matches \"nothing-like-this\"; try fewer or shorter words (`zoomsh endpoints` lists all 303)\n"
    );
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _zoomsh"),
        ("zsh", "#compdef zoomsh"),
        (
            "fish",
            "complete -c zoomsh -n \"__fish_zoomsh_needs_command\" -f -a \"get\"",
        ),
    ] {
        let run = Zoomsh::new().args(["completions", shell]).run();
        run.success();
        assert!(
            run.stdout.contains(marker),
            "{shell}: {}",
            &run.stdout[..200]
        );
    }
}

#[test]
fn auth_status_shows_everything_but_the_token() {
    let sim = Sim::with(&["--scopes", "user:read:admin meeting:read:admin"]);
    let run = sim.zoomsh().args(["auth", "status"]).run();
    run.success();
    let lines = run.lines();
    assert_eq!(lines[0], "account:     ACC1demo");
    assert_eq!(lines[1], format!("client id:   {}", sim::DEMO_CLIENT_ID));
    assert_eq!(lines[2], format!("oauth host:  {}", sim.url()));
    assert_eq!(lines[3], format!("api host:    {}", sim.url()));
    assert_eq!(
        lines[4],
        "plan:        pro (sizes the client-side rate limits)"
    );
    // expires:     2026-12-03T09:50:17Z (in 59m 59s)
    let expires = lines[5].strip_prefix("expires:     ").unwrap();
    let (when, left) = expires.split_once(' ').unwrap();
    assert!(when.parse::<jiff::Timestamp>().is_ok(), "{run:?}");
    assert!(
        left.starts_with("(in 59m ") && left.ends_with("s)"),
        "{run:?}"
    );
    let cache = lines[6].strip_prefix("token cache: ").unwrap();
    // In the user's cache dir ($XDG_CACHE_HOME, a temporary directory here, gone after the run).
    assert!(
        cache.contains("/cache/zoomsh/tokens/") && cache.ends_with(".json"),
        "{run:?}"
    );
    assert_eq!(lines[7], "scopes:      2");
    assert_eq!(lines[8], "  meeting:read:admin user:read:admin");
    assert_eq!(lines.len(), 9);
    for token in sim.sim.issued_tokens() {
        assert!(!run.stdout.contains(&token) && !run.stderr.contains(&token));
    }
    assert!(!run.stdout.contains(sim::DEMO_CLIENT_SECRET));
}

#[test]
fn json_is_pretty_on_a_terminal() {
    // `script` gives zoomsh a pseudo-terminal for stdout (util-linux, on every Debian system).
    let bin = env!("CARGO_BIN_EXE_zoomsh");
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("'{bin}' eval '#{{ id: 85746065432, name: \"Ada\" }}'"),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\r\n  \"id\": 85746065432,\r\n  \"name\": \"Ada\"\r\n}\r\n"
    );
}

#[test]
fn paginate_gathers_every_page_before_jq_runs() {
    let sim = Sim::with(&["--users", "70"]);
    let total = sim
        .zoomsh()
        .args([
            "get",
            "/users",
            "-q",
            "page_size=1",
            "--jq",
            ".total_records",
        ])
        .run();
    let total: usize = total.stdout.trim().parse().unwrap();
    assert!(total > 60, "the demo account has {total} active users");
    let before = sim.stats().by_operation.get("users").copied().unwrap_or(0);

    let run = sim
        .zoomsh()
        .args([
            "get",
            "/users",
            "-q",
            "page_size=30",
            "--paginate",
            "--jq",
            ".users | length",
        ])
        .run();
    run.success();
    assert_eq!(run.stdout, format!("{total}\n"));
    // Three pages of 30, and no progress bar: stderr is not a terminal.
    assert_eq!(sim.stats().by_operation["users"] - before, 3);
    assert_eq!(run.stderr, "");

    // The gathered list keeps the page's other fields, without the paging ones.
    let run = sim
        .zoomsh()
        .args([
            "get",
            "/users",
            "-q",
            "page_size=30",
            "--paginate",
            "--jq",
            "del(.users)",
        ])
        .run();
    assert_eq!(run.stdout, format!("{{\"total_records\":{total}}}\n"));
}

#[test]
fn paginate_as_a_table_has_one_row_per_user() {
    let sim = Sim::with(&["--users", "70"]);
    let run = sim
        .zoomsh()
        .args([
            "get",
            "/users",
            "--paginate",
            "-q",
            "page_size=25",
            "--output",
            "table",
        ])
        .run();
    run.success();
    let lines = run.lines();
    assert!(
        lines[0].starts_with("id                      first_name  last_name"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("KvPg7xY9rGgJXhMZDy6xaI  Ada         Example"),
        "{}",
        lines[1]
    );
    let emails: std::collections::HashSet<&str> = lines[1..]
        .iter()
        .filter_map(|l| l.split_whitespace().find(|w| w.contains('@')))
        .collect();
    let total = sim
        .zoomsh()
        .args(["get", "/users", "--jq", ".total_records"])
        .run();
    assert_eq!(
        lines.len() - 1,
        total.stdout.trim().parse::<usize>().unwrap()
    );
    assert_eq!(emails.len(), lines.len() - 1, "every user once");
}

#[test]
fn paginate_refuses_what_it_cannot_do() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .args(["post", "/users/me/meetings", "-f", "topic=x", "--paginate"])
        .run();
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: --paginate walks the pages of a list, which only GET reads; drop it from POST \
         /users/me/meetings\n"
    );
    let run = sim
        .zoomsh()
        .args(["get", "/users", "--paginate", "--include"])
        .run();
    run.code(2);
    assert_eq!(sim.stats().requests, 0);
}

#[test]
fn paginate_shows_progress_on_a_terminal() {
    // `script` gives zoomsh a pseudo-terminal (stdout and stderr both go to it).
    let bin = env!("CARGO_BIN_EXE_zoomsh");
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("'{bin}' --sim get /users --paginate -q page_size=10 --jq '.users | length'"),
            "/dev/null",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("TERM", "xterm")
        .env("ZOOMSH_SIM_USERS", "40")
        .env("ZOOMSH_SIM_LATENCY", "150")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    let last = screen.rsplit("\u{1b}[2K").next().unwrap();
    let total: usize = last.trim().parse().unwrap_or_else(|_| panic!("{screen:?}"));
    assert!(
        screen.starts_with("GET /users ") && screen.contains(&format!("/{total} items (")),
        "{screen:?}"
    );
}

#[test]
fn auth_logout_drops_the_cached_token() {
    let sim = Sim::start();
    let cache = tempfile::tempdir().unwrap();
    let zoomsh = || {
        sim.zoomsh()
            .env("ZOOMSH_CACHE_DIR", cache.path().to_str().unwrap())
    };
    zoomsh().args(["get", "/users/me"]).run().success();
    zoomsh().args(["get", "/users/me"]).run().success();
    assert_eq!(
        sim.stats().tokens_minted,
        1,
        "the second run used the cached token"
    );

    let run = zoomsh().args(["auth", "logout"]).run();
    run.success();
    let tokens = cache.path().join("tokens");
    let file = run
        .stdout
        .strip_prefix("dropped the cached token of account ACC1demo (")
        .and_then(|rest| rest.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("{run:?}"));
    assert!(
        file.starts_with(tokens.to_str().unwrap()) && file.ends_with(".json"),
        "{run:?}"
    );
    assert!(!std::path::Path::new(file).exists());
    let run = zoomsh().args(["auth", "logout"]).run();
    assert_eq!(
        run.stdout,
        format!("no cached token for account ACC1demo ({file})\n")
    );

    zoomsh().args(["get", "/users/me"]).run().success();
    assert_eq!(sim.stats().tokens_minted, 2, "a new token after logout");
    let run = zoomsh().args(["auth", "logout", "--all"]).run();
    run.success();
    assert_eq!(
        run.stdout,
        format!("dropped 1 cached token from {}\n", tokens.display())
    );
    // With the cache off there is nothing to drop.
    let run = zoomsh().args(["--no-token-cache", "auth", "logout"]).run();
    assert_eq!(
        run.stdout,
        "the token cache is off (--no-token-cache, ZOOMSH_NO_TOKEN_CACHE or --sim): no token was stored\n"
    );
}
