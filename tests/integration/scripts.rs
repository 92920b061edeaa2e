//! Scripts against the simulator: values in and out of Zoom, thrown errors, modules, reports.

use crate::harness::{Sim, Zoomsh};

#[test]
fn an_eleven_digit_id_survives_post_script_get() {
    let sim = Sim::start();
    let run = sim.zoomsh().script(
        r#"
        let m = zoom.post("/users/me/meetings", #{ topic: "Standup", type: 2, duration: 15 });
        print(type_of(m.id));
        print(m.id);
        let again = zoom.get(`/meetings/${m.id}`);
        print(again.id == m.id);
        print(again.topic);
        "#,
    );
    run.success();
    let lines = run.lines();
    assert_eq!(lines[0], "i64");
    assert_eq!(lines[1].len(), 11, "{lines:?}");
    assert_eq!(lines[2..], ["true", "Standup"]);
}

#[test]
fn no_content_is_unit() {
    // CASES.md B11
    let sim = Sim::start();
    let run = sim.zoomsh().script(
        r#"
        let m = zoom.post("/users/me/meetings", #{ topic: "x", type: 2 });
        print(type_of(zoom.patch(`/meetings/${m.id}`, #{ topic: "y" })));
        print(zoom.get(`/meetings/${m.id}`).topic);
        print(type_of(zoom.delete(`/meetings/${m.id}`)));
        "#,
    );
    run.success();
    assert_eq!(run.lines(), ["()", "y", "()"]);
}

#[test]
fn a_404_throws_a_map_the_script_catches() {
    let sim = Sim::start();
    let run = sim.zoomsh().script(
        r#"
        try {
            zoom.get("/meetings/12345678901");
        } catch (e) {
            print(`${e.status} ${e.code} ${e.message}`);
            print(`${e.method} ${e.path} ${e.kind}`);
            print(e.tracking_id != ());
        }
        "#,
    );
    run.success();
    assert_eq!(
        run.lines(),
        [
            "404 3001 Meeting 12345678901 is not found or has expired.",
            "GET /v2/meetings/12345678901 http",
            "true"
        ]
    );
}

#[test]
fn an_uncaught_404_exits_4_with_location() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .script("let x = 1;\nlet u = zoom.get(\"/users/nobody@example.com\");\n");
    run.code(4);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines[0].starts_with(
            "error: GET /v2/users/nobody@example.com: HTTP 404, code 1001: User does not exist"
        ),
        "{run:?}"
    );
    assert!(lines[1].ends_with("script.rhai:2:14"), "{run:?}");
    assert_eq!(
        lines[3],
        " 2 | let u = zoom.get(\"/users/nobody@example.com\");"
    );
}

#[test]
fn raw_request_never_throws() {
    let sim = Sim::start();
    let run = sim.zoomsh().script(
        r#"
        let r = zoom.request("GET", "/meetings/12345678901", #{});
        print(r.status);
        print(r.body.code);
        print(r.headers["content-type"].starts_with("application/json"));
        let ok = zoom.request("GET", "/users", #{ query: #{ page_size: 2 } });
        print(ok.body.users.len());
        "#,
    );
    run.success();
    assert_eq!(run.lines(), ["404", "3001", "true", "2"]);
}

#[test]
fn every_path_form_reaches_the_same_user() {
    let sim = Sim::start();
    let url = sim.url();
    let run = sim.zoomsh().script(&format!(
        r#"
        let a = zoom.get("/users/me").id;
        let b = zoom.get("/v2/users/me").id;
        let c = zoom.get("{url}/v2/users/me").id;
        print(a == b && b == c);
        "#
    ));
    run.success();
    assert_eq!(run.lines(), ["true"]);
}

#[test]
fn zoom_works_inside_functions_of_an_imported_module() {
    let sim = Sim::start();
    let z = sim.zoomsh();
    z.file(
        "lib/people.rhai",
        r#"
        fn me_email() { zoom.get("/users/me").email }
        fn count(n) { zoom.get("/users", #{ page_size: n }).users.len() }
        "#,
    );
    let run = z.script(
        r#"
        import "lib/people" as people;
        fn local() { zoom.get("/users/me").email }
        print(people::me_email() == local());
        print(people::count(3));
        "#,
    );
    run.success();
    assert_eq!(run.lines(), ["true", "3"]);
}

#[test]
fn a_script_error_shows_file_line_column_and_caret() {
    let z = Zoomsh::new();
    let run = z.script("let a = 1;\nlet b = a +* 2;\n");
    run.code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(lines[0].starts_with("error: syntax error: "), "{run:?}");
    assert!(lines[1].contains("script.rhai:2:"), "{run:?}");
    assert_eq!(lines[3], " 2 | let b = a +* 2;");
    assert!(lines[4].trim_end().ends_with('^'), "{run:?}");
}

#[test]
fn a_runtime_error_shows_its_location_and_exits_1() {
    let z = Zoomsh::new();
    let run = z.script("let a = [1, 2];\nprint(a[5]);\n");
    run.code(1);
    assert!(run.stderr.contains("script.rhai:2:"), "{run:?}");
    assert!(run.stderr.contains(" 2 | print(a[5]);"), "{run:?}");
}

#[test]
fn script_args_arrive_as_strings() {
    let run = Zoomsh::new().args(["eval", "1"]).run();
    run.success();
    let z = Zoomsh::new();
    let path = z.file("a.rhai", "print(`${args.from} ${args.n}`);");
    let run = z
        .args([
            "run".as_ref(),
            path.as_os_str(),
            "--arg".as_ref(),
            "from=2026-01-01".as_ref(),
            "--arg".as_ref(),
            "n=3".as_ref(),
        ])
        .run();
    run.success();
    assert_eq!(run.lines(), ["2026-01-01 3"]);
}
