//! What the user typed, before it runs: is it a `:command` or code, is it finished, and where
//! do strings start (for completion).
//!
//! Pure functions over text; nothing here touches the terminal or the script engine. The
//! scanner knows just enough Rhai lexing to tell an open bracket from one inside a string or a
//! comment: `"..."` with escapes and `\`-newline continuation, `'c'`, `` `...${expr}...` ``,
//! `#"raw"#`, `//` and nested `/* */` comments, and `#{` map literals.

/// A string literal the text ends inside of (the cursor is in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenString {
    /// Byte offset of the first character after the opening quote.
    pub content_start: usize,
}

/// What a scan of some text found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Brackets (and backtick strings, and their `${`) still open at the end.
    pub open: usize,
    /// A closing bracket that matches nothing: the input is wrong, not unfinished, so it runs
    /// and the parser reports it.
    pub mismatched: bool,
    /// The text ends inside a `/* */` comment or a raw string.
    pub open_block: bool,
    /// The text ends with a `\` outside any string (an explicit continuation).
    pub trailing_backslash: bool,
    /// The text ends inside a `"` string whose line ends in `\` (Rhai's string continuation).
    pub string_continues: bool,
    /// The string literal the text ends inside of, if any.
    pub open_string: Option<OpenString>,
    /// Byte offsets of `\` characters that end a line outside strings; they are removed before
    /// the code runs.
    pub continuations: Vec<usize>,
}

impl Scan {
    /// Should Enter continue the input on another line rather than run it?
    pub fn is_incomplete(&self) -> bool {
        if self.mismatched {
            return false;
        }
        self.open > 0 || self.open_block || self.trailing_backslash || self.string_continues
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Bracket(char),
    /// Inside a backtick string.
    Backtick {
        content_start: usize,
    },
    /// Inside `${ ... }` of a backtick string.
    Interpolation,
}

/// Scan `text` (a whole, possibly multi-line input) from the start to its end.
pub fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let at = |j: usize| bytes.get(j).copied();
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(Frame::Backtick { .. }) = stack.last() {
            match c {
                b'`' => {
                    stack.pop();
                }
                b'$' if at(i + 1) == Some(b'{') => {
                    stack.push(Frame::Interpolation);
                    i += 1;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'/' if at(i + 1) == Some(b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if at(i + 1) == Some(b'*') => {
                // Rhai's block comments nest.
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i] == b'/' && at(i + 1) == Some(b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && at(i + 1) == Some(b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                if depth > 0 {
                    out.open_block = true;
                }
                continue;
            }
            b'"' => {
                let content_start = i + 1;
                i += 1;
                let mut closed = false;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            closed = true;
                            i += 1;
                            break;
                        }
                        b'\n' if bytes[i - 1] != b'\\' => break,
                        _ => i += 1,
                    }
                }
                if !closed && i >= bytes.len() {
                    out.open_string = Some(OpenString { content_start });
                    out.string_continues = text.ends_with('\\') || text.ends_with("\\\n");
                }
                continue;
            }
            b'\'' => {
                // A character literal: 'a', '\n', '\''.
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            b'#' if matches!(at(i + 1), Some(b'"' | b'#')) => {
                // A raw string: #"..."#, ##"..."##, ...
                let hashes = bytes[i..].iter().take_while(|&&b| b == b'#').count();
                if at(i + hashes) == Some(b'"') {
                    let content_start = i + hashes + 1;
                    let closing: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    match find(&bytes[content_start..], &closing) {
                        Some(end) => i = content_start + end + closing.len(),
                        None => {
                            out.open_block = true;
                            out.open_string = Some(OpenString { content_start });
                            i = bytes.len();
                        }
                    }
                    continue;
                }
                i += hashes;
                continue;
            }
            b'`' => stack.push(Frame::Backtick {
                content_start: i + 1,
            }),
            b'(' | b'[' | b'{' => stack.push(Frame::Bracket(c as char)),
            b')' | b']' | b'}' => {
                let want = match c {
                    b')' => '(',
                    b']' => '[',
                    _ => '{',
                };
                match stack.last() {
                    Some(Frame::Interpolation) if c == b'}' => {
                        stack.pop();
                    }
                    Some(Frame::Bracket(open)) if *open == want => {
                        stack.pop();
                    }
                    _ => out.mismatched = true,
                }
            }
            b'\\' => {
                let rest = &text[i + 1..];
                let spaces = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
                match at(i + 1 + spaces) {
                    None => out.trailing_backslash = true,
                    Some(b'\n') => out.continuations.push(i),
                    _ => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.open = stack.len();
    if let Some(Frame::Backtick { content_start }) = stack.last() {
        out.open_string = Some(OpenString {
            content_start: *content_start,
        });
    }
    if out.trailing_backslash {
        out.continuations.push(text.trim_end().len() - 1);
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Should Enter continue this input on another line?
pub fn is_incomplete(text: &str) -> bool {
    scan(text).is_incomplete()
}

/// The code to run: the input without the `\` that continued its lines.
pub fn code_to_run(text: &str) -> String {
    let scan = scan(text);
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &at in &scan.continuations {
        out.push_str(&text[last..at]);
        last = at + 1;
    }
    out.push_str(&text[last..]);
    out
}

/// A REPL command, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `:help` or `:help TOPIC`.
    Help(Option<String>),
    Load(String),
    Vars,
    Fns,
    Endpoints(Vec<String>),
    /// `:auth`, or `:auth scopes` to list every scope.
    Auth {
        all_scopes: bool,
    },
    /// `:dry-run on|off`, or `:dry-run` alone for the current state.
    DryRun(Option<bool>),
    /// Print the last value in full.
    All,
    Quit,
}

/// One REPL command's name, arguments and purpose (for `:help`, completion and hints).
pub struct CommandInfo {
    pub name: &'static str,
    pub args: &'static str,
    pub about: &'static str,
}

pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: ":help",
        args: "[zoom]",
        about: "this help; `:help zoom` lists the script API",
    },
    CommandInfo {
        name: ":load",
        args: "FILE",
        about: "run a script file here; its variables and functions stay",
    },
    CommandInfo {
        name: ":vars",
        args: "",
        about: "the variables in scope",
    },
    CommandInfo {
        name: ":fns",
        args: "",
        about: "the functions defined so far",
    },
    CommandInfo {
        name: ":endpoints",
        args: "[WORDS]",
        about: "search the Zoom API catalog: method, path, summary, scopes, rate limit",
    },
    CommandInfo {
        name: ":auth",
        args: "[scopes]",
        about: "the account, API host, scopes and token expiry (never the token)",
    },
    CommandInfo {
        name: ":dry-run",
        args: "[on|off]",
        about: "send reads but only show writes (POST, PATCH, PUT, DELETE)",
    },
    CommandInfo {
        name: ":all",
        args: "",
        about: "print the last value in full (long arrays are cut short)",
    },
    CommandInfo {
        name: ":quit",
        args: "",
        about: "leave (Ctrl-D does too)",
    },
];

/// Is this input a `:command` rather than code?
pub fn is_command(text: &str) -> bool {
    text.trim_start().starts_with(':')
}

/// Parse a `:command` line. The error is the one-line message to show.
pub fn parse_command(text: &str) -> Result<Command, String> {
    let text = text.trim();
    let (name, rest) = match text.split_once(char::is_whitespace) {
        Some((n, r)) => (n, r.trim()),
        None => (text, ""),
    };
    let no_args = |command: Command| {
        if rest.is_empty() {
            Ok(command)
        } else {
            Err(format!("{name} takes no arguments; type {name} alone"))
        }
    };
    match name {
        ":help" | ":h" | ":?" => Ok(Command::Help(
            Some(rest.to_string()).filter(|r| !r.is_empty()),
        )),
        ":load" | ":l" => {
            let file = rest.trim_matches(|c| c == '"' || c == '\'');
            if file.is_empty() {
                Err(":load needs a file: :load FILE".into())
            } else {
                Ok(Command::Load(file.to_string()))
            }
        }
        ":vars" => no_args(Command::Vars),
        ":fns" => no_args(Command::Fns),
        ":endpoints" | ":ep" => Ok(Command::Endpoints(
            rest.split_whitespace().map(str::to_string).collect(),
        )),
        ":auth" => match rest {
            "" => Ok(Command::Auth { all_scopes: false }),
            "scopes" => Ok(Command::Auth { all_scopes: true }),
            _ => Err(format!(":auth takes nothing or `scopes`, not {rest:?}")),
        },
        ":dry-run" => match rest {
            "" => Ok(Command::DryRun(None)),
            "on" => Ok(Command::DryRun(Some(true))),
            "off" => Ok(Command::DryRun(Some(false))),
            _ => Err(format!(
                ":dry-run takes on or off, not {:?}: :dry-run on",
                rest
            )),
        },
        ":all" => no_args(Command::All),
        ":quit" | ":q" | ":exit" => no_args(Command::Quit),
        _ => Err(format!("unknown command {name}; :help lists the commands")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_input_is_complete() {
        for text in [
            "1 + 1",
            "let me = zoom.get(\"/users/me\");",
            "fn double(x) { x * 2 }",
            "#{ a: [1, 2], b: #{ c: 3 } }",
            "\"a ( string\"",
            "'('",
            "`a ${ #{x: 1}.x } b`",
            "x // a comment (",
            "/* a ( comment */ 1",
            "#\"raw { string\"#",
        ] {
            assert!(!is_incomplete(text), "{text:?} should be complete");
        }
    }

    #[test]
    fn open_brackets_strings_and_comments_continue() {
        for text in [
            "fn double(x) {",
            "fn double(x) {\n  x * 2",
            "let a = [1,\n 2,",
            "zoom.get(\"/users\",",
            "#{",
            "`two\nlines",
            "`a ${ f(",
            "/* still /* nested */ open",
            "#\"raw",
            "\"a string\\",
            "1 +\\",
            "1 + \\  ",
        ] {
            assert!(is_incomplete(text), "{text:?} should continue");
        }
    }

    #[test]
    fn a_stray_closing_bracket_runs_so_the_parser_can_say_so() {
        assert!(!is_incomplete("1 + 2)"));
        assert!(!is_incomplete("fn f() { ] "));
    }

    #[test]
    fn continuation_backslashes_are_removed_before_running() {
        assert_eq!(code_to_run("1 +\\\n 2"), "1 +\n 2");
        assert_eq!(
            code_to_run("let a = 1; \\\nlet b = 2;"),
            "let a = 1; \nlet b = 2;"
        );
        // A backslash inside a string is the string's business.
        assert_eq!(code_to_run("\"a\\\nb\""), "\"a\\\nb\"");
        assert_eq!(code_to_run("\"\\\\\""), "\"\\\\\"");
    }

    #[test]
    fn the_open_string_is_found_for_completion() {
        let text = "zoom.get(\"/users/";
        assert_eq!(
            scan(text).open_string,
            Some(OpenString { content_start: 10 })
        );
        assert_eq!(scan("zoom.get(\"/users\")").open_string, None);
        assert_eq!(
            scan("zoom.get(`/users/${id}/mee").open_string,
            Some(OpenString { content_start: 10 })
        );
    }

    #[test]
    fn commands_parse() {
        assert_eq!(parse_command(":help"), Ok(Command::Help(None)));
        assert_eq!(
            parse_command(" :help zoom "),
            Ok(Command::Help(Some("zoom".into())))
        );
        assert_eq!(
            parse_command(":load 'my file.rhai'"),
            Ok(Command::Load("my file.rhai".into()))
        );
        assert_eq!(
            parse_command(":endpoints list  meetings"),
            Ok(Command::Endpoints(vec!["list".into(), "meetings".into()]))
        );
        assert_eq!(parse_command(":endpoints"), Ok(Command::Endpoints(vec![])));
        assert_eq!(
            parse_command(":dry-run on"),
            Ok(Command::DryRun(Some(true)))
        );
        assert_eq!(
            parse_command(":dry-run off"),
            Ok(Command::DryRun(Some(false)))
        );
        assert_eq!(parse_command(":dry-run"), Ok(Command::DryRun(None)));
        assert_eq!(parse_command(":q"), Ok(Command::Quit));
        assert_eq!(
            parse_command(":auth scopes"),
            Ok(Command::Auth { all_scopes: true })
        );
        assert!(is_command("  :vars"));
        assert!(!is_command("x :vars"));
    }

    #[test]
    fn bad_commands_say_what_to_do() {
        assert_eq!(
            parse_command(":frobnicate"),
            Err("unknown command :frobnicate; :help lists the commands".into())
        );
        assert_eq!(
            parse_command(":load"),
            Err(":load needs a file: :load FILE".into())
        );
        assert_eq!(
            parse_command(":dry-run maybe"),
            Err(":dry-run takes on or off, not \"maybe\": :dry-run on".into())
        );
        assert_eq!(
            parse_command(":vars x"),
            Err(":vars takes no arguments; type :vars alone".into())
        );
    }
}
