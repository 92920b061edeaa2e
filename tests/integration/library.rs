//! Shared script libraries and host helpers: the module search path, errors inside modules,
//! `zoomsh lib`, the file, table, webhook and environment helpers, `--args-json`, `--sandbox`,
//! and every function of the built-in library against the simulator.

use crate::harness::{Sim, Zoomsh};
use serde_json::{Value, json};

const TOOLS: &str = r#"//! Team tools.

/// The email of the user the app acts as.
fn my_email() {
    zoom.get("/users/me").email
}

/// Where this copy of the module lives.
fn origin() { "ORIGIN" }
"#;

fn tools(origin: &str) -> String {
    TOOLS.replace("ORIGIN", origin)
}

#[test]
fn a_module_that_calls_zoom_works_when_imported_from_another_directory() {
    let sim = Sim::start();
    let z = sim.zoomsh();
    z.file("team/lib/tools.rhai", &tools("team lib"));
    let script = z.file(
        "jobs/nightly/report.rhai",
        r#"
        import "tools" as tools;
        fn twice() { tools::my_email() + " " + tools::my_email() }
        print(tools::my_email());
        print(twice());
        "#,
    );
    let run = z.args(["--lib", "team/lib", "run"]).arg(&script).run();
    run.success();
    assert_eq!(
        run.stdout,
        "ada.example@example.com\nada.example@example.com ada.example@example.com\n"
    );
}

#[test]
fn the_search_path_is_script_dir_then_lib_then_zoomsh_path_then_user_lib() {
    let sim = Sim::start();
    let probe = r#"import "tools" as tools; print(tools::origin());"#;
    let case = |places: &[&str]| {
        let z = sim.zoomsh();
        let all = [
            ("app/tools.rhai", "script dir"),
            ("flag/tools.rhai", "--lib"),
            ("envpath/tools.rhai", "ZOOMSH_PATH"),
            ("config/zoomsh/lib/tools.rhai", "user lib"),
        ];
        for (file, origin) in all {
            if places.contains(&origin) {
                z.file(file, &tools(origin));
            }
        }
        let script = z.file("app/probe.rhai", probe);
        let dir = z.path().to_path_buf();
        let env_path = format!(
            "{}:{}",
            dir.join("missing").display(),
            dir.join("envpath").display()
        );
        let run = z
            .env("ZOOMSH_PATH", &env_path)
            .args(["--lib", "flag", "run"])
            .arg(&script)
            .run();
        run.success();
        run.stdout.trim_end().to_string()
    };
    assert_eq!(
        case(&["script dir", "--lib", "ZOOMSH_PATH", "user lib"]),
        "script dir"
    );
    assert_eq!(case(&["--lib", "ZOOMSH_PATH", "user lib"]), "--lib");
    assert_eq!(case(&["ZOOMSH_PATH", "user lib"]), "ZOOMSH_PATH");
    assert_eq!(case(&["user lib"]), "user lib");
}

#[test]
fn a_module_imports_its_neighbours_relative_to_itself() {
    let sim = Sim::start();
    let z = sim.zoomsh();
    z.file(
        "lib/outer.rhai",
        r#"import "inner" as inner; fn doubled() { inner::value() * 2 }"#,
    );
    z.file("lib/inner.rhai", "fn value() { 21 }");
    let script = z.file(
        "elsewhere/main.rhai",
        r#"import "outer" as o; print(o::doubled());"#,
    );
    let run = z.args(["--lib", "lib", "run"]).arg(&script).run();
    run.success();
    assert_eq!(run.stdout, "42\n");
}

#[test]
fn a_syntax_error_in_a_module_names_the_module_file_and_line() {
    let sim = Sim::start();
    let z = sim.zoomsh();
    z.file("lib/broken.rhai", "fn fine() { 1 }\n\nfn bad( { 2 }\n");
    let script = z.file("main.rhai", "import \"broken\" as b;\nprint(b::fine());\n");
    let run = z.args(["--lib", "lib", "run"]).arg(&script).run();
    run.code(1);
    assert_eq!(
        run.stderr,
        "error: syntax error: Expecting ')' to close the parameters list of function 'bad'\n  \
         --> lib/broken.rhai:3:9\n   |\n 3 | fn bad( { 2 }\n   |         ^\n"
    );
}

#[test]
fn a_zoom_error_inside_a_module_function_points_into_the_module() {
    let sim = Sim::start();
    let z = sim.zoomsh();
    z.file(
        "lib/lookup.rhai",
        "/// Look a user up.\nfn user(email) {\n    zoom.get(`/users/${email}`)\n}\n",
    );
    let script = z.file(
        "main.rhai",
        "import \"lookup\" as l;\nl::user(\"nobody@example.com\");\n",
    );
    let run = z.args(["--lib", "lib", "run"]).arg(&script).run();
    run.code(4);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with("error: GET /v2/users/nobody@example.com: HTTP 404, code 1001: "),
        "{run:?}"
    );
    assert_eq!(lines[1], "  --> lib/lookup.rhai:3:10");
    assert_eq!(lines[3], " 3 |     zoom.get(`/users/${email}`)");
    assert_eq!(lines[4], "   |          ^");
}

#[test]
fn a_runtime_error_in_a_modules_top_level_points_into_the_module() {
    let z = Zoomsh::new();
    z.file("lib/boom.rhai", "let x = 1;\nlet y = x.nope;\n");
    let script = z.file("main.rhai", "import \"boom\" as b;\n");
    let run = z.args(["--lib", "lib", "run"]).arg(&script).run();
    run.code(1);
    assert!(run.stderr.contains("\n  --> lib/boom.rhai:2:"), "{run:?}");
    assert!(run.stderr.contains(" 2 | let y = x.nope;"), "{run:?}");
}

#[test]
fn a_missing_module_says_where_it_looked() {
    let z = Zoomsh::new();
    let script = z.file("jobs/main.rhai", "import \"nowhere\" as n;\n");
    let jobs = z.path().join("jobs");
    let user_lib = z.path().join("config/zoomsh/lib");
    let run = z.args(["--lib", "team", "run"]).arg(&script).run();
    run.code(1);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        format!(
            "error: module \"nowhere\" not found; looked in {} (the script's folder), team \
             (--lib), {} (user lib), the built-in library; `zoomsh lib` lists the modules there are",
            jobs.display(),
            user_lib.display()
        )
    );
}

#[test]
fn zoomsh_lib_lists_each_module_and_where_it_comes_from() {
    let z = Zoomsh::new();
    z.file(
        "team/users.rhai",
        "//! Our users.\n\n/// Ours.\nfn all() { [] }\n",
    );
    z.file("team/tools.rhai", &tools("team"));
    z.file("config/zoomsh/lib/tools.rhai", &tools("user"));
    let config_lib = z.path().join("config/zoomsh/lib");
    let run = z.args(["lib", "--lib", "team"]).run();
    run.success();
    let lines = run.lines();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["module", "from", "location"]
    );
    let rows: Vec<Vec<&str>> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let tools_user = format!("{}/tools.rhai", config_lib.display());
    assert_eq!(rows[0], ["tools", "--lib", "team/tools.rhai"]);
    assert_eq!(rows[1], ["users", "--lib", "team/users.rhai"]);
    assert_eq!(
        rows[2],
        [
            "tools",
            "user",
            "lib",
            &tools_user,
            "shadowed",
            "by",
            "team/tools.rhai"
        ]
    );
    let built_in: Vec<&Vec<&str>> = rows.iter().filter(|r| r[1] == "built").collect();
    assert!(
        built_in.iter().any(
            |r| r[..4] == ["users", "built", "in", "<built-in>/users.rhai"]
                && r[4..] == ["shadowed", "by", "team/users.rhai"]
        ),
        "{rows:?}"
    );
}

#[test]
fn zoomsh_lib_doc_shows_signatures_and_doc_comments() {
    let z = Zoomsh::new();
    z.file("team/tools.rhai", &tools("team"));
    let run = z.args(["lib", "--doc", "tools", "--lib", "team"]).run();
    run.success();
    assert_eq!(
        run.stdout,
        "tools (team/tools.rhai)\n  Team tools.\n\n  tools::my_email()\n      The email of the \
         user the app acts as.\n\n  tools::origin()\n      Where this copy of the module lives.\n"
    );
    let run = Zoomsh::new().args(["lib", "--doc", "nope"]).run();
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: no module named \"nope\" on the module path; `zoomsh lib` lists the modules there are\n"
    );
}

#[test]
fn args_come_from_json_and_flags_and_flags_win() {
    let z = Zoomsh::new();
    z.file(
        "args.json",
        r#"{"days": 90, "dry": true, "emails": ["a@x.com"], "from": "json"}"#,
    );
    let run = z
        .args(["run", "script.rhai", "--args-json", "args.json", "--arg", "from=flag"])
        .script_file(
            "print(`${type_of(args.days)} ${args.days + 1} ${args.dry} ${args.emails[0]} ${args.from}`);",
        );
    run.success();
    assert_eq!(run.stdout, "i64 91 true a@x.com flag\n");

    let z = Zoomsh::new();
    z.file("list.json", "[1, 2]");
    let run = z
        .args(["run", "script.rhai", "--args-json", "list.json"])
        .script_file("print(1);");
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: --args-json list.json must hold a JSON object, like {\"from\": \"2026-01-01\"}\n"
    );
}

#[test]
fn env_reads_variables_but_never_the_client_secret() {
    let sim = Sim::start();
    let run = sim.zoomsh().env("TEAM_CHANNEL", "#zoom-admins").script(
        r#"
            print(env("TEAM_CHANNEL"));
            print(type_of(env("NOT_SET_ANYWHERE")));
            try { env("ZOOM_CLIENT_SECRET"); } catch (e) { print(e); }
            "#,
    );
    run.success();
    assert_eq!(
        run.lines(),
        [
            "#zoom-admins",
            "()",
            "env: ZOOM_CLIENT_SECRET is not readable from scripts; zoomsh uses it for you"
        ]
    );
    assert!(!run.stdout.contains(zoomsh::sim::DEMO_CLIENT_SECRET));
}

#[test]
fn log_goes_to_stderr_and_print_table_to_stdout() {
    let run = Zoomsh::new().script(
        r#"
        log("checking 2 users");
        print_table([
            #{ email: "ada.example@example.com", type: 2, dept: "Engineering" },
            #{ email: "sam@example.com", type: 1 },
        ], ["email", "type", "dept"]);
        print_table([#{ b: 1, a: "x" }]);
        print_table([]);
        "#,
    );
    run.success();
    assert_eq!(run.stderr, "checking 2 users\n");
    assert_eq!(
        run.stdout,
        "email                    type  dept\n\
         ada.example@example.com  2     Engineering\n\
         sam@example.com          1\n\
         a  b\n\
         x  1\n\
         (no rows)\n"
    );
}

#[test]
fn csv_and_json_files_round_trip_and_are_written_atomically() {
    let z = Zoomsh::new();
    z.file(
        "requests.csv",
        "topic,start,duration\n\"Sync, weekly\",2030-01-15T09:00:00,30\nDemo,2030-01-16T10:00:00,45\n",
    );
    let _keep = z.dir.clone(); // the working directory outlives the run
    let dir = z.path().to_path_buf();
    let run = z.script(
        r#"
        let rows = read_csv("requests.csv");
        print(rows.len());
        print(rows[0].topic);
        for i in 0..rows.len() { rows[i].duration = parse_int(rows[i].duration) * 2; rows[i].ok = true; }
        print(write_csv("out/doubled.csv", rows, ["topic", "duration", "ok"]));
        write_json("out/rows.json", rows);
        let back = read_json("out/rows.json");
        print(back[1].duration);
        "#,
    );
    assert_eq!(run.stderr, "");
    run.success();
    assert_eq!(run.lines(), ["2", "Sync, weekly", "2", "90"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("out/doubled.csv")).unwrap(),
        "topic,duration,ok\n\"Sync, weekly\",60,true\nDemo,90,true\n"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/rows.json")).unwrap()).unwrap();
    assert_eq!(json[0]["duration"], 60);
    // Only the two outputs: no temporary file was left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["doubled.csv", "rows.json"]);
}

#[test]
fn a_missing_input_file_is_named_with_its_line_in_the_script() {
    let run = Zoomsh::new().script("let rows = read_csv(\"nope.csv\");\n");
    run.code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "error: read_csv: cannot read nope.csv: no such file or directory; check the path"
    );
    assert!(lines[1].ends_with("script.rhai:1:12"), "{run:?}");
}

#[test]
fn http_post_delivers_json_and_text_to_the_webhook_sink() {
    let sim = Sim::start();
    let hook = format!("{}/_sim/webhooks/ops", sim.url());
    let run = sim.zoomsh().args(["run", "script.rhai", "--arg", &format!("hook={hook}")]).script_file(
        r#"
        let r = http.post(args.hook, #{ text: "3 meetings yesterday", blocks: [#{ type: "divider" }] });
        print(`${r.status} ${r.body}`);
        http.post(args.hook, "plain text");
        "#,
    );
    run.success();
    assert_eq!(run.stdout, "200 ok\n");
    let sink = sim.inspect("/webhooks/ops");
    assert_eq!(sink["count"], 2);
    assert_eq!(
        sink["requests"][0]["body"],
        json!({ "text": "3 meetings yesterday", "blocks": [{ "type": "divider" }] })
    );
    assert_eq!(sink["requests"][0]["content_type"], "application/json");
    assert_eq!(sink["requests"][1]["body"], "plain text");
}

#[test]
fn http_post_refuses_plain_http_and_reports_failures_without_the_url_path() {
    let sim = Sim::start();
    let run = sim.zoomsh().script(
        r#"
        try {
            http.post("http://hooks.example.com/services/T0/B0/SECRET", #{ text: "x" });
        } catch (e) {
            print(`${e.kind}: ${e.summary}`);
        }
        "#,
    );
    run.success();
    assert_eq!(
        run.stdout,
        "refused: http.post: http://hooks.example.com/… is not an https URL; webhooks are posted \
         over https only (plain http only to localhost)\n"
    );
    // An answer other than 2xx is thrown; uncaught, it ends the run with the HTTP exit code.
    let bad = format!("{}/no/such/hook/SECRET", sim.url());
    let run = sim
        .zoomsh()
        .args(["run", "script.rhai", "--arg", &format!("hook={bad}")])
        .script_file("http.post(args.hook, #{ text: \"x\" });");
    run.code(4);
    assert!(
        run.stderr
            .starts_with(&format!("error: http.post: POST {}/…: HTTP 404", sim.url())),
        "{run:?}"
    );
    assert!(!run.stderr.contains("SECRET"), "{run:?}");
}

#[test]
fn sandbox_turns_off_file_network_and_environment_helpers() {
    let sim = Sim::start();
    for call in [
        r#"read_csv("x.csv")"#,
        r#"write_json("x.json", 1)"#,
        r#"http.post("https://hooks.slack.com/x", #{})"#,
        r#"env("HOME")"#,
    ] {
        let run = sim
            .zoomsh()
            .args(["run", "--sandbox", "script.rhai"])
            .script_file(&format!("print(zoom.get(\"/users/me\").email);\n{call};\n"));
        run.code(1);
        assert_eq!(run.stdout, "ada.example@example.com\n", "zoom stays on");
        let helper = call.split('(').next().unwrap();
        let first = run.stderr.lines().next().unwrap();
        assert_eq!(
            first,
            format!(
                "error: {helper} is turned off by --sandbox (no file, network or environment \
                 access); run it without --sandbox only if you trust it"
            )
        );
    }
}

#[test]
fn sandbox_limits_end_runaway_scripts_with_a_clear_error() {
    let cases = [
        (
            "let n = 0;\nloop { n += 1; }\n",
            "the script ran more than 10000000 operations",
        ),
        (
            "fn deeper(n) { deeper(n + 1) }\ndeeper(0);\n",
            "function calls nested more than 32 deep",
        ),
        (
            "let s = \"xx\";\nloop { s += s; }\n",
            "a string grew past 1000000 bytes",
        ),
        (
            "let a = [];\nloop { a.push(0); }\n",
            "an array grew past 100000 items",
        ),
    ];
    for (script, limit) in cases {
        let run = Zoomsh::new()
            .args(["run", "--sandbox", "script.rhai"])
            .script_file(script);
        run.code(1);
        let first = run.stderr.lines().next().unwrap();
        assert!(
            first.starts_with(&format!(
                "error: sandbox limit: {limit}, the --sandbox limit"
            )),
            "{first}"
        );
        assert!(
            first.ends_with("; run it without --sandbox only if you trust it"),
            "{first}"
        );
        assert!(
            run.stderr.contains("script.rhai:"),
            "the location is shown: {run:?}"
        );
    }
    // Without --sandbox the same deep-but-finite work runs.
    let run = Zoomsh::new().script("let a = []; for i in 0..200000 { a.push(i); } print(a.len());");
    run.success();
    assert_eq!(run.stdout, "200000\n");
}

#[test]
fn sandbox_imports_stay_beside_the_script() {
    let z = Zoomsh::new();
    z.file("shared/secret.rhai", "fn x() { 1 }");
    z.file("jobs/near.rhai", "fn x() { 2 }");
    let script = z.file(
        "jobs/main.rhai",
        "import \"near\" as n;\nprint(n::x());\nimport \"../shared/secret\" as s;\n",
    );
    let run = z.args(["run", "--sandbox"]).arg(&script).run();
    run.code(1);
    assert_eq!(run.stdout, "2\n");
    assert!(
        run.stderr.starts_with(
            "error: import \"../shared/secret\": --sandbox allows only modules beside the script, \
             on the module path and in the built-in library; no absolute paths or `..`"
        ),
        "{run:?}"
    );
}

// ---- The built-in library, function by function, against the simulator's own answers ----

/// Run `script` (which writes `out.json`) and return what it wrote.
fn run_for_json(sim: &Sim, script: &str) -> Value {
    let z = sim.zoomsh();
    let _keep = z.dir.clone(); // the working directory outlives the run
    let out = z.path().join("out.json");
    let run = z.script(script);
    run.success();
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

fn emails(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn users_with(sim: &Sim, status: &str) -> Vec<Value> {
    sim.api_get(&format!("/users?status={status}&page_size=300"))["users"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn users_module_all_active_by_email_inactive_and_by_department() {
    let sim = Sim::with(&["--plan", "unlimited"]);
    let got = run_for_json(
        &sim,
        r#"
        import "users" as users;
        write_json("out.json", #{
            all: users::all(),
            active: users::active(),
            by_email: users::by_email("ADA.Example@example.com"),
            nobody: users::by_email("nobody@example.com"),
            inactive: users::inactive_for(90),
            sales: users::by_department("  sales "),
        });
        "#,
    );
    let (active, inactive, pending) = (
        users_with(&sim, "active"),
        users_with(&sim, "inactive"),
        users_with(&sim, "pending"),
    );
    let all: Vec<Value> = [active.clone(), inactive, pending].concat();
    assert_eq!(emails(&got["all"]), emails(&Value::Array(all.clone())));
    assert_eq!(got["all"].as_array().unwrap().len(), 40);
    assert_eq!(
        emails(&got["active"]),
        emails(&Value::Array(active.clone()))
    );
    assert_eq!(got["by_email"]["email"], "ada.example@example.com");
    assert_eq!(
        got["by_email"]["role_name"], "Owner",
        "the full user, not the list entry"
    );
    assert_eq!(got["nobody"], Value::Null);

    let now = jiff::Timestamp::now().as_second();
    let idle: Vec<Value> = active
        .iter()
        .filter(|u| match u.get("last_login_time").and_then(Value::as_str) {
            None => true,
            Some(t) => (now - t.parse::<jiff::Timestamp>().unwrap().as_second()) / 86_400 >= 90,
        })
        .cloned()
        .collect();
    assert!(!idle.is_empty());
    assert_eq!(emails(&got["inactive"]), emails(&Value::Array(idle)));
    for u in got["inactive"].as_array().unwrap() {
        assert!(u["days_inactive"].as_i64().is_none_or(|d| d >= 90), "{u}");
    }

    let sales: Vec<Value> = all.into_iter().filter(|u| u["dept"] == "Sales").collect();
    assert!(!sales.is_empty());
    assert_eq!(emails(&got["sales"]), emails(&Value::Array(sales)));
}

#[test]
fn meetings_module_upcoming_and_create_with_time_zones() {
    let sim = Sim::with(&["--plan", "unlimited"]);
    let got = run_for_json(
        &sim,
        r#"
        import "meetings" as meetings;
        let wall = meetings::create(#{ topic: "Planning", start: "2030-01-15T09:00",
                                       timezone: "Europe/Berlin", duration: "45", agenda: "Q1" });
        let utc = meetings::create(#{ host: "ada.example@example.com", topic: "Standup",
                                      start: "2030-01-16T08:00:00Z", duration: 15 });
        let host_zone = meetings::create(#{ topic: "Local", start: "2030-01-17T10:00", timezone: " " });
        let problems = [];
        for bad in [#{ start: "2030-01-15T09:00" }, #{ topic: "No start" }, #{ topic: "x", start: "2030-01-15T09:00", timezone: "Nowhere/Else" }] {
            try { meetings::create(bad); } catch (e) { problems.push(e); }
        }
        write_json("out.json", #{
            wall: wall, utc: utc, host_zone: host_zone, problems: problems,
            mine: meetings::upcoming("me"),
            everyone: meetings::upcoming_for_all(),
        });
        "#,
    );
    let me = sim.api_get("/users/me");
    let read = |m: &Value| sim.api_get(&format!("/meetings/{}", m["id"]));
    let wall = read(&got["wall"]);
    assert_eq!(
        (
            &wall["topic"],
            &wall["start_time"],
            &wall["timezone"],
            &wall["duration"],
            &wall["agenda"]
        ),
        (
            &json!("Planning"),
            &json!("2030-01-15T08:00:00Z"),
            &json!("Europe/Berlin"),
            &json!(45),
            &json!("Q1")
        )
    );
    let utc = read(&got["utc"]);
    assert_eq!(
        (&utc["start_time"], &utc["duration"]),
        (&json!("2030-01-16T08:00:00Z"), &json!(15))
    );
    // No (or a blank) time zone: the wall-clock time is the host's.
    let host_zone = read(&got["host_zone"]);
    assert_eq!(host_zone["timezone"], me["timezone"]);
    let expected_utc = jiff::civil::DateTime::constant(2030, 1, 17, 10, 0, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::get(me["timezone"].as_str().unwrap()).unwrap())
        .unwrap()
        .timestamp()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    assert_eq!(host_zone["start_time"], expected_utc.as_str());
    assert_eq!(
        got["problems"],
        json!([
            "meetings::create: the request has no topic; give one like #{ topic: \"Planning\", ... }",
            "meetings::create: \"No start\" has no start; give a time like 2030-01-15T09:00",
            "date::to_zoom_local: \"Nowhere/Else\" is not a time zone; give an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\""
        ])
    );

    // upcoming("me") is the API's list, and it now has the three new meetings.
    let mine = sim.api_get("/users/me/meetings?type=upcoming&page_size=300")["meetings"].clone();
    let ids = |v: &Value| -> Vec<i64> {
        let mut ids: Vec<i64> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_i64().unwrap())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&got["mine"]), ids(&mine));
    for new in ["wall", "utc", "host_zone"] {
        assert!(ids(&got["mine"]).contains(&got[new]["id"].as_i64().unwrap()));
    }
    // upcoming_for_all(): every active user's, with the host's email, soonest first.
    let mut expected = Vec::new();
    for u in users_with(&sim, "active") {
        let list = sim.api_get(&format!(
            "/users/{}/meetings?type=upcoming&page_size=300",
            u["id"].as_str().unwrap()
        ));
        for m in list["meetings"].as_array().unwrap() {
            expected.push((
                m["id"].as_i64().unwrap(),
                u["email"].as_str().unwrap().to_string(),
            ));
        }
    }
    expected.sort();
    let everyone = got["everyone"].as_array().unwrap();
    let mut pairs: Vec<(i64, String)> = everyone
        .iter()
        .map(|m| {
            (
                m["id"].as_i64().unwrap(),
                m["host_email"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    pairs.sort();
    assert_eq!(pairs, expected);
    let starts: Vec<&str> = everyone
        .iter()
        .map(|m| m["start_time"].as_str().unwrap_or("9999"))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
}

#[test]
fn reports_module_windows_participants_and_recordings() {
    let sim = Sim::with(&["--plan", "unlimited"]);
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date();
    let from = today.checked_sub(jiff::Span::new().days(45)).unwrap();
    let middle = from.checked_add(jiff::Span::new().months(1)).unwrap();
    // What the report endpoints say for the same range, asked a month at a time by hand.
    let report = |user: &str, a: jiff::civil::Date, b: jiff::civil::Date| {
        sim.api_get(&format!(
            "/report/users/{user}/meetings?from={a}&to={b}&page_size=300"
        ))["meetings"]
            .as_array()
            .unwrap()
            .clone()
    };
    let me = sim.api_get("/users/me");
    let my_id = me["id"].as_str().unwrap();
    let expected_mine: Vec<Value> = [
        report(my_id, from, middle.yesterday().unwrap()),
        report(my_id, middle, today),
    ]
    .concat();
    // A past meeting whose UUID needs double encoding, from anyone's report.
    let mut everyone = Vec::new();
    for u in users_with(&sim, "active") {
        everyone.extend(report(
            u["id"].as_str().unwrap(),
            from,
            middle.yesterday().unwrap(),
        ));
        everyone.extend(report(u["id"].as_str().unwrap(), middle, today));
    }
    let odd = everyone
        .iter()
        .find(|m| {
            let uuid = m["uuid"].as_str().unwrap();
            uuid.starts_with('/') || uuid.contains("//")
        })
        .expect("the demo account has UUIDs that need double encoding")
        .clone();
    let uuid = odd["uuid"].as_str().unwrap();
    let encoded = crate::sim_support::encode(&crate::sim_support::encode(uuid));
    let people = sim.api_get(&format!(
        "/report/meetings/{encoded}/participants?page_size=300"
    ))["participants"]
        .clone();
    let recorder = everyone
        .iter()
        .find(|m| m["has_recording"] == true)
        .expect("some meetings were recorded")["host_id"]
        .as_str()
        .unwrap()
        .to_string();
    let recordings: Vec<Value> = [
        sim.api_get(&format!(
            "/users/{recorder}/recordings?from={from}&to={}&page_size=300",
            middle.yesterday().unwrap()
        ))["meetings"]
            .clone(),
        sim.api_get(&format!(
            "/users/{recorder}/recordings?from={middle}&to={today}&page_size=300"
        ))["meetings"]
            .clone(),
    ]
    .iter()
    .flat_map(|v| v.as_array().unwrap().clone())
    .collect();

    let script = format!(
        r#"
        import "reports" as reports;
        write_json("out.json", #{{
            mine: reports::meetings_between("me", "{from}", "{today}"),
            account: reports::account_meetings("{from}", "{today}"),
            people: reports::participants("{uuid}"),
            recordings: reports::recordings_between("{recorder}", "{from}", "{today}"),
        }});
        "#
    );
    let got = run_for_json(&sim, &script);
    let uuids = |list: &[Value]| {
        let mut v: Vec<String> = list
            .iter()
            .map(|m| m["uuid"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v
    };
    assert!(!expected_mine.is_empty());
    assert_eq!(
        uuids(got["mine"].as_array().unwrap()),
        uuids(&expected_mine)
    );
    let account = got["account"].as_array().unwrap();
    assert_eq!(uuids(account), uuids(&everyone));
    let starts: Vec<&str> = account
        .iter()
        .map(|m| m["start_time"].as_str().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "in order of start time"
    );
    assert!(!people.as_array().unwrap().is_empty());
    assert_eq!(got["people"], people);
    assert!(!recordings.is_empty());
    assert_eq!(
        uuids(got["recordings"].as_array().unwrap()),
        uuids(&recordings)
    );
    assert!(got["recordings"][0]["total_size"].as_i64().unwrap() > 0);
}

#[test]
fn notify_module_posts_slack_text_and_blocks() {
    let sim = Sim::start();
    let hook = format!("{}/_sim/webhooks/team", sim.url());
    let run = sim
        .zoomsh()
        .args(["run", "script.rhai", "--arg", &format!("hook={hook}")])
        .script_file(
            r#"
            import "notify" as notify;
            let r = notify::slack_text(args.hook, "*3* meetings have no host");
            print(`${r.status} ${r.body}`);
            let long = "x";
            for i in 0..12 { long += long; }          // 4096 characters
            let pairs = #{};
            for i in 0..12 { pairs[`k${i}`] = i; }
            notify::slack_blocks(args.hook, "fallback", [
                notify::header("Daily report"),
                notify::section(long),
                notify::fields(pairs),
                notify::divider(),
            ]);
            "#,
        );
    run.success();
    assert_eq!(run.stdout, "200 ok\n");
    let sink = sim.inspect("/webhooks/team");
    assert_eq!(sink["count"], 2);
    assert_eq!(
        sink["requests"][0]["body"],
        json!({ "text": "*3* meetings have no host" })
    );
    let blocks = &sink["requests"][1]["body"];
    assert_eq!(blocks["text"], "fallback");
    assert_eq!(
        blocks["blocks"][0],
        json!({ "type": "header", "text": { "type": "plain_text", "text": "Daily report" } })
    );
    let section = blocks["blocks"][1]["text"]["text"].as_str().unwrap();
    assert_eq!(section.chars().count(), 3000, "cut to Slack's limit");
    assert!(section.ends_with("x…"));
    let fields = blocks["blocks"][2]["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 10, "Slack shows at most 10 fields");
    assert_eq!(fields[0], json!({ "type": "mrkdwn", "text": "*k0*\n0" }));
    assert_eq!(blocks["blocks"][3], json!({ "type": "divider" }));
}

#[test]
fn every_library_function_is_documented_and_tested_here() {
    // The list the REPL's :help and `zoomsh lib --doc` show; a new function must be added to
    // a test above (and here) before it ships.
    let names: Vec<String> = zoomsh::script::library_docs()
        .into_iter()
        .map(|f| f.signature)
        .collect();
    assert_eq!(
        names,
        [
            "meetings::create(request)",
            "meetings::upcoming(user)",
            "meetings::upcoming_for_all()",
            "notify::divider()",
            "notify::fields(pairs)",
            "notify::header(text)",
            "notify::section(markdown)",
            "notify::slack_blocks(url, text, blocks)",
            "notify::slack_text(url, text)",
            "reports::account_meetings(from, to)",
            "reports::meetings_between(user, from, to)",
            "reports::participants(uuid)",
            "reports::recordings_between(user, from, to)",
            "users::active()",
            "users::all()",
            "users::by_department(dept)",
            "users::by_email(email)",
            "users::inactive_for(days)",
        ]
    );
    let run = Zoomsh::new().args(["lib", "--doc", "users"]).run();
    run.success();
    assert!(
        run.stdout
            .starts_with("users (<built-in>/users.rhai)\n  The account's users:"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("\n\n  users::by_email(email)\n      The user with this email address,"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_script_reference_shows_the_library_as_its_doc_comments_say() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scripting.md"))
        .expect("docs/scripting.md exists");
    let begin = doc
        .find("<!-- library:begin -->\n")
        .expect("the begin marker")
        + 23;
    let end = doc.find("\n<!-- library:end -->").expect("the end marker");
    let expected = zoomsh::script::library::reference_markdown();
    assert!(
        doc[begin..end] == expected,
        "docs/scripting.md's library section is out of date; put this between the markers:\n{expected}"
    );
}

#[test]
fn sleep_waits_on_the_runtime() {
    // Regression: the timer was once made outside the runtime and sleep panicked.
    let run = Zoomsh::new().script("sleep(0.05); sleep(0); print(\"slept\");");
    run.success();
    assert_eq!(run.stdout, "slept\n");
}
