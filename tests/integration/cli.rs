//! The command line itself: the README's commands, eval output, examples, exit codes.

use crate::harness::{Sim, Zoomsh};

#[test]
fn eval_prints_maps_as_json_and_strings_raw() {
    // Piped, JSON is compact (one value per line); on a terminal it is pretty.
    let run = Zoomsh::new()
        .args(["eval", r#"#{ id: 85746065432, name: "Ada" }"#])
        .run();
    run.success();
    assert_eq!(run.stdout, "{\"id\":85746065432,\"name\":\"Ada\"}\n");
    let run = Zoomsh::new().args(["eval", r#""plain""#]).run();
    assert_eq!(run.stdout, "plain\n");
}

#[test]
fn the_main_job_runs_against_the_built_in_simulator() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/whoami.rhai");
    let run = Zoomsh::new().args(["--sim", "run", example]).run();
    run.success();
    let line = run.stdout.trim_end();
    assert!(
        line.contains(" <") && line.contains("@") && line.contains("(account "),
        "{run:?}"
    );
}

#[test]
fn example_list_users_prints_every_active_user() {
    let sim = Sim::start();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/list_users.rhai");
    let run = sim.zoomsh().args(["run", example]).run();
    run.success();
    let lines = run.lines();
    let summary = lines.last().unwrap();
    let n: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert_eq!(summary, &format!("{n} active users"));
    assert_eq!(lines.len(), n + 1);
    assert!(n > 0);
}

#[test]
fn example_create_meeting_round_trips() {
    let sim = Sim::start();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/create_meeting.rhai");
    let run = sim
        .zoomsh()
        .args(["run", example, "--arg", "topic=Design review"])
        .run();
    run.success();
    let lines = run.lines();
    assert!(
        lines[0].starts_with("created meeting ") && lines[0].contains(": Design review, join at "),
        "{lines:?}"
    );
    assert_eq!(lines[1], "read back: Design review at 2030-01-15T09:00:00Z");
    assert_eq!(lines[2], "renamed: Design review (moved)");
    assert!(
        lines[3].starts_with("deleted: HTTP 404, code 3001: Meeting "),
        "{lines:?}"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let run = Zoomsh::new()
        .env("ZOOMSH_OAUTH_URL", "http://zoom.example.com")
        .args(["token"])
        .run();
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: ZOOMSH_OAUTH_URL uses plain http to a non-loopback host"),
        "{run:?}"
    );
}

#[test]
fn a_missing_script_file_is_named() {
    let run = Zoomsh::new().args(["run", "nope.rhai"]).run();
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: cannot read script nope.rhai: "),
        "{run:?}"
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("loop.rhai");
    std::fs::write(&script, "for i in 0..1000000 { print(i); }").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoomsh"))
        .args(["run"])
        .arg(&script)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_closed_stderr_does_not_crash() {
    // Found trying zoomsh as a new user: traces into `2>&1 | head` panicked with exit 101.
    let bin = env!("CARGO_BIN_EXE_zoomsh");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{bin}' --sim -v get /users --paginate 2>&1 | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
        ))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
}

#[test]
fn a_bad_simulator_setting_is_one_line_and_exit_2() {
    // Found trying zoomsh as a new user: the bad value was ignored with a four-line warning.
    let run = Zoomsh::new()
        .env("ZOOMSH_SIM_LATENCY", "abc")
        .args(["--sim", "get", "/users/me"])
        .run();
    run.code(2);
    assert_eq!(
        run.stderr,
        "error: ZOOMSH_SIM_LATENCY is not a valid simulator setting (invalid value 'abc' for \
         '--latency <MS>': invalid digit found in string); fix or unset it\n"
    );
}

#[test]
fn the_repl_imports_from_lib_folders_and_keeps_them() {
    // An import on its own line stays for the lines after it.
    let z = Zoomsh::new();
    z.file("mods/greet.rhai", "fn hello(name) { `hello ${name}` }");
    let dir = z.path().join("mods");
    let run = z
        .arg("--lib")
        .arg(&dir)
        .args(["repl"])
        .run_with_stdin("import \"greet\" as g;\ng::hello(\"ada\")\n");
    run.success();
    assert!(run.stdout.contains("hello ada"), "{run:?}");
}

#[test]
fn a_get_body_and_an_unknown_method_are_named() {
    // Both found trying zoomsh as a new user; each used to pass without a word.
    let run = Zoomsh::new()
        .args(["--sim", "get", "/users/me", "-d", "{}"])
        .run();
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: -d sends a request body, and GET sends none"),
        "{run:?}"
    );
    let run = Zoomsh::new()
        .args([
            "--sim",
            "eval",
            r#"zoom.request("BREW", "/users/me", #{}).status"#,
        ])
        .run();
    run.code(2);
    assert!(
        run.stderr
            .starts_with("error: \"BREW\" is not a method of the Zoom API"),
        "{run:?}"
    );
}
