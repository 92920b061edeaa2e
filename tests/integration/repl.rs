//! The REPL as a user meets it: the real binary in a pseudo-terminal (so the line editor, raw
//! mode and Ctrl-C behave as they do for a person), and with piped input.
//!
//! Every expected text below is something the input does not contain, so a match means the
//! REPL produced it (the editor redraws the typed line, prompt included, as keys arrive).

use crate::harness::{Sim, Zoomsh};
use rexpect::session::{Options, PtySession};
use std::sync::Arc;
use std::time::Duration;

const TAB: &str = "\t";
const UP: &str = "\x1b[A";

/// A REPL in a pseudo-terminal. The child is killed when this is dropped.
struct Repl {
    pty: PtySession,
    _dir: Arc<tempfile::TempDir>,
}

impl Repl {
    fn start(zoomsh: Zoomsh) -> Repl {
        Repl::start_with(zoomsh, &[])
    }

    fn start_with(zoomsh: Zoomsh, flags: &[&str]) -> Repl {
        let (cmd, dir) = zoomsh
            .env("TERM", "xterm")
            .args(["repl"])
            .args(flags)
            .into_command();
        let options = Options::new()
            .timeout_ms(Some(20_000))
            .strip_ansi_escape_codes(true);
        let pty = rexpect::session::spawn_with_options(cmd, options).expect("zoomsh starts");
        let mut repl = Repl { pty, _dir: dir };
        repl.expect(":help for help, Ctrl-D to leave.");
        repl.expect("zoomsh> ");
        repl
    }

    fn send(&mut self, keys: &str) {
        self.pty.send(keys).unwrap();
        self.pty.flush().unwrap();
    }

    fn line(&mut self, text: &str) {
        self.send(&format!("{text}\r"));
    }

    /// Wait for `text`; returns what came before it.
    #[track_caller]
    fn expect(&mut self, text: &str) -> String {
        match self.pty.exp_string(text) {
            Ok(before) => before,
            Err(e) => panic!("waiting for {text:?}: {e}"),
        }
    }

    /// Ctrl-C at the prompt, then wait for the fresh prompt: keys sent sooner could be read
    /// together with the Ctrl-C, and the line editor drops what it has read when interrupted.
    /// The caller has waited for the editor's last redraw, so the next prompt is the new one.
    fn ctrl_c_at_prompt(&mut self) {
        self.send("\x03");
        self.expect("zoomsh> ");
    }

    /// Wait for the process to end; its exit code.
    fn exit_code(&mut self) -> i32 {
        self.pty.exp_eof().unwrap();
        match self.pty.process_mut().wait().unwrap() {
            rexpect::process::WaitStatus::Exited(_, code) => code,
            other => panic!("zoomsh did not exit normally: {other:?}"),
        }
    }
}

#[test]
fn tab_after_zoom_dot_lists_and_completes_the_methods() {
    let sim = Sim::start();
    let mut repl = Repl::start(sim.zoomsh());
    repl.send(&format!("zoom.{TAB}{TAB}"));
    let listing = repl.expect("request(method, path, #{query, body}?)");
    for method in [
        "delete(path, query?)",
        "get(path, query?)",
        "post(path, body?)",
    ] {
        assert!(listing.contains(method), "{method} in {listing:?}");
    }
    // The editor redraws the line under the listing. Ctrl-C clears it; then `zoom.re<Tab>`
    // must become `zoom.request(`.
    repl.expect("zoomsh> zoom.");
    repl.ctrl_c_at_prompt();
    repl.send(&format!("zoom.re{TAB}"));
    repl.line("\"GET\", \"/users/me\").status");
    repl.expect("200");
}

#[test]
fn tab_inside_a_path_offers_the_catalog_operations() {
    let sim = Sim::start();
    let mut repl = Repl::start(sim.zoomsh());
    repl.send(&format!("zoom.get(\"/users/{TAB}{TAB}"));
    let listing = repl.expect("/users/{userId}/webinars");
    for path in [
        "/users/email",
        "/users/summary",
        "/users/{userId}",
        "/users/{userId}/meetings",
    ] {
        assert!(listing.contains(path), "{path} in {listing:?}");
    }
    repl.expect("zoomsh> zoom.get(\"/users/");
    repl.ctrl_c_at_prompt();
    // `/users/me/mee<Tab>` completes to `/users/me/meeting` (meetings, meeting_templates); a
    // path without the completion would be a 404.
    repl.send(&format!("zoom.get(\"/users/me/mee{TAB}"));
    repl.line("s\").meetings.len() > 0");
    let before = repl.expect("true");
    assert!(!before.contains("error"), "{before:?}");
}

#[test]
fn a_multi_line_fn_continues_until_its_brace_closes() {
    let sim = Sim::start();
    let mut repl = Repl::start(sim.zoomsh());
    repl.line("fn triple(x) {");
    repl.line("  x * 3");
    repl.line("}");
    repl.line("triple(14)");
    let before = repl.expect("42");
    assert!(!before.contains("error"), "{before:?}");
    // On a terminal the editor keeps the whole fn in one buffer, editable as a whole, rather
    // than reading it line by line with a continuation prompt as it does for piped input.
    assert!(!before.contains("...>"), "{before:?}");
    // A trailing backslash continues too.
    repl.line("1000 + \\");
    repl.line("337");
    repl.expect("1337");
}

#[test]
fn pasted_blocks_run_as_typed() {
    let sim = Sim::start();
    let mut repl = Repl::start(sim.zoomsh());
    // Without bracketed paste every newline is an Enter, all arriving at once.
    repl.send("fn add(a, b) {\r    a + b\r}\rlet total = add(40, 3);\rtotal\r");
    repl.expect("43");
    // With bracketed paste the block lands in the editor whole and one Enter runs it.
    repl.send("\x1b[200~let x = 500;\rlet y = 55;\rx + y\x1b[201~");
    repl.send("\r");
    let before = repl.expect("555");
    assert!(!before.contains("error"), "{before:?}");
}

#[test]
fn ctrl_c_stops_a_slow_call_and_keeps_the_session() {
    // Every answer, the token's included, takes 3 s.
    let sim = Sim::with(&["--latency", "3000"]);
    let mut repl = Repl::start(sim.zoomsh());
    repl.line("let kept = 4000 + 321;");
    repl.line("zoom.get(\"/users/me\")");
    // Let the call start (the editor hands the terminal back before it runs).
    std::thread::sleep(Duration::from_millis(1000));
    repl.send("\x03");
    let before = repl.expect("interrupted");
    assert!(
        !before.contains("\"email\""),
        "the call finished: {before:?}"
    );
    repl.expect("zoomsh> ");
    repl.line("kept");
    repl.expect("4321");
    // The client still works after the interrupted call.
    repl.line("zoom.get(\"/users/me\").account_id");
    repl.expect("ACC1demo");
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line_and_never_exits() {
    let sim = Sim::start();
    let mut repl = Repl::start(sim.zoomsh());
    repl.send("this is not rhai");
    repl.expect("this is not rhai");
    repl.ctrl_c_at_prompt();
    repl.ctrl_c_at_prompt();
    repl.line("40 + 2");
    let before = repl.expect("42");
    assert!(!before.contains("error"), "{before:?}");
    repl.send("\x04");
    assert_eq!(repl.exit_code(), 0);
}

#[test]
fn history_survives_a_restart() {
    let sim = Sim::start();
    let data = tempfile::tempdir().unwrap();
    let data_home = data.path().to_str().unwrap();

    let mut first = Repl::start(sim.zoomsh().env("XDG_DATA_HOME", data_home));
    first.line("6 * 7");
    first.expect("42");
    first.line(":quit");
    assert_eq!(first.exit_code(), 0);
    let file = std::fs::read_to_string(data.path().join("zoomsh/history.txt")).unwrap();
    assert!(file.lines().any(|l| l == "6 * 7"), "{file:?}");

    let mut second = Repl::start(sim.zoomsh().env("XDG_DATA_HOME", data_home));
    // Up goes past `:quit` to the expression.
    second.send(&format!("{UP}{UP}\r"));
    second.expect("42");
}

#[test]
fn delete_asks_first_and_no_means_not_sent() {
    let sim = Sim::start();
    let mut repl = Repl::start(sim.zoomsh());
    repl.line("let m = zoom.post(\"/users/me/meetings\", #{ topic: \"Temp\", type: 2 });");
    repl.line("zoom.delete(`/meetings/${m.id}`)");
    repl.expect("? [y/N] ");
    repl.line("n");
    repl.expect("was not sent: you answered no");
    repl.line("zoom.request(\"GET\", `/meetings/${m.id}`).status + 1");
    repl.expect("201");
    repl.line("zoom.delete(`/meetings/${m.id}`)");
    repl.expect("? [y/N] ");
    repl.line("y");
    repl.expect("zoomsh> ");
    repl.line("zoom.request(\"GET\", `/meetings/${m.id}`).status + 1");
    repl.expect("405");
}

#[test]
fn yes_sends_deletes_without_asking() {
    let sim = Sim::start();
    let mut repl = Repl::start_with(sim.zoomsh(), &["--yes"]);
    repl.line("let m = zoom.post(\"/users/me/meetings\", #{ topic: \"Temp\", type: 2 });");
    repl.line(
        "zoom.delete(`/meetings/${m.id}`); zoom.request(\"GET\", `/meetings/${m.id}`).status + 1",
    );
    let before = repl.expect("405");
    assert!(!before.contains("[y/N]"), "{before:?}");
}

#[test]
fn piped_input_runs_line_by_line_with_continuations() {
    let sim = Sim::start();
    let run = sim.zoomsh().args(["repl"]).run_with_stdin(
        "fn double(x) {\n  x * 2\n}\ndouble(21)\n#{ a: [1,\n 2] }\n:vars\nnope(\n)\n:quit\nnever()\n",
    );
    run.success();
    assert_eq!(
        run.stdout,
        "42\n{\n  \"a\": [\n    1,\n    2\n  ]\n}\nno variables yet; `let x = ...` makes one\n"
    );
    assert!(
        run.stderr.contains("error: function not found: nope ()"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_a_terminal_a_delete_needs_yes() {
    let sim = Sim::start();
    let run = sim
        .zoomsh()
        .args(["repl"])
        .run_with_stdin("zoom.delete(\"/meetings/1\")\n");
    run.success();
    assert!(
        run.stderr.contains(
            "error: DELETE /meetings/1 was not sent: there is no terminal to confirm it on; start \
             zoomsh with --yes"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn dry_run_changes_the_prompt_and_deletes_need_no_answer() {
    let sim = Sim::start();
    let mut repl = Repl::start(sim.zoomsh());
    repl.line(":dry-run on");
    repl.expect("zoomsh (dry-run)> ");
    repl.line("zoom.delete(\"/meetings/85746065432\")");
    let before = repl.expect("dry-run: DELETE");
    assert!(!before.contains("[y/N]"), "{before:?}");
    repl.line(":dry-run off");
    repl.expect("(while on: would DELETE 1; nothing was changed)");
}
