//! One-shot API calls: `zoomsh get|post|patch|put|delete PATH`.
//!
//! Turns `-q KEY=VALUE`, `-d JSON|@FILE` and `-f KEY=VALUE` into a [`Request`], sends it through
//! the same client scripts use (tokens, retries and error shapes included), and prints the body
//! through the [`Printer`]. `--include` puts the status line and headers first, `--curl` prints
//! the equivalent curl command instead of sending, and `--paginate` walks every page of a list
//! and prints them as one.

use crate::commands::curl;
use crate::commands::progress::PageProgress;
use crate::error::Error;
use crate::output::{Printer, write_stdout};
use crate::session::Session;
use crate::zoom::{PageOptions, PageWalker, Request, Response, ZoomError};
use serde_json::{Map, Value};
use std::io::Read;

/// Paging fields of a list page that say nothing true about a list gathered from every page.
const PAGING_FIELDS: [&str; 4] = ["next_page_token", "page_size", "page_count", "page_number"];

/// What the command line asked for, parsed.
#[derive(Debug, Clone, Default)]
pub struct CallSpec {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// `-d`: JSON text, `@FILE`, or `@-` for stdin.
    pub data: Option<String>,
    /// `-f KEY=VALUE` (a string) or `-f KEY:=JSON` (any JSON value); dots in KEY nest objects.
    pub fields: Vec<(String, String)>,
    pub paginate: bool,
    pub include: bool,
    pub curl: bool,
}

/// Run one call and print what it returned.
pub fn run(session: &Session, spec: &CallSpec, printer: &Printer) -> Result<(), Error> {
    let request = build_request(spec)?;
    if spec.curl {
        let url = session.client().preview_url(&request)?;
        return write_stdout(&curl::command(
            &request.method,
            url.as_str(),
            request.body.as_ref(),
        ));
    }
    if spec.paginate {
        if request.method != "GET" {
            return Err(Error::Usage(format!(
                "--paginate walks the pages of a list, which only GET reads; drop it from {} {}",
                request.method, spec.path
            )));
        }
        if spec.include {
            return Err(Error::Usage(
                "--include shows the headers of one response, and --paginate makes many; drop one of them"
                    .into(),
            ));
        }
        let all = paginate(session, &request)?;
        return printer.print(&all);
    }
    let response = session
        .runtime()
        .block_on(session.client().send(&request))?;
    if spec.include {
        write_stdout(&head(&response))?;
    }
    if response.is_success() {
        printer.print(&response.body)
    } else {
        if spec.include {
            write_stdout(&raw_body(&response.body))?;
        }
        Err(ZoomError::Api(Box::new(response.api_error(&request.method))).into())
    }
}

/// Walk every page and return the first page with its list holding every page's items (and the
/// paging fields, which no longer apply, removed): `.users | length` is the total.
fn paginate(session: &Session, request: &Request) -> Result<Value, Error> {
    let mut walker = PageWalker::new(
        session.client().clone(),
        &request.path,
        request.query.clone(),
        PageOptions::default(),
    );
    let mut progress = PageProgress::new(&format!("GET {}", request.path));
    let mut merged: Option<(Map<String, Value>, String)> = None;
    let mut items: Vec<Value> = Vec::new();
    session.runtime().block_on(async {
        while let Some(page) = walker.next_page().await {
            let page = page?;
            let more = !page.next_page_token().is_empty();
            let field = page.field.clone();
            let Value::Object(mut body) = page.body else {
                unreachable!("the walker only yields object pages")
            };
            // Taken in place, so the first page's fields keep their order.
            if let Some(Value::Array(list)) = body.get_mut(&field) {
                items.append(list);
            }
            if merged.is_none() {
                merged = Some((body, field));
            }
            progress.update(walker.items_returned(), walker.total_records(), more);
        }
        Ok::<(), ZoomError>(())
    })?;
    progress.finish();
    let Some((mut body, field)) = merged else {
        return Ok(Value::Array(Vec::new()));
    };
    body.retain(|k, _| !PAGING_FIELDS.contains(&k.as_str()));
    if let Some(list) = body.get_mut(&field) {
        *list = Value::Array(items);
    }
    Ok(Value::Object(body))
}

/// The status line and headers, as `curl -i` shows them, with a blank line after.
fn head(response: &Response) -> String {
    let reason = reqwest::StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut text = format!("HTTP {} {reason}\n", response.status);
    for (name, value) in &response.headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text
}

/// An error body as it came: JSON compact, text as it is.
fn raw_body(body: &Value) -> String {
    match body {
        Value::Null => String::new(),
        Value::String(s) => format!("{s}\n"),
        other => format!("{other}\n"),
    }
}

/// The request the flags describe.
pub fn build_request(spec: &CallSpec) -> Result<Request, Error> {
    let mut request = Request::new(&spec.method, &spec.path);
    request.query = spec.query.clone();
    if spec.data.is_some() && request.method == "GET" {
        return Err(Error::Usage(
            "-d sends a request body, and GET sends none; use -q KEY=VALUE for query parameters"
                .into(),
        ));
    }
    let mut body = match &spec.data {
        Some(data) => Some(read_data(data)?),
        None => None,
    };
    if !spec.fields.is_empty() {
        if request.method == "GET" {
            return Err(Error::Usage(
                "-f sets fields of the request body, and GET sends no body; use -q KEY=VALUE for query parameters"
                    .into(),
            ));
        }
        let mut object = match body.take() {
            None => Map::new(),
            Some(Value::Object(map)) => map,
            Some(_) => {
                return Err(Error::Usage(
                    "-f adds fields to a JSON object, but -d is not an object; put the fields in -d instead"
                        .into(),
                ));
            }
        };
        for (key, value) in &spec.fields {
            set_field(&mut object, key, value)?;
        }
        body = Some(Value::Object(object));
    }
    request.body = body;
    Ok(request)
}

/// `-d`: JSON text, `@FILE` or `@-` (stdin).
fn read_data(data: &str) -> Result<Value, Error> {
    let (text, source) = match data.strip_prefix('@') {
        Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::Io(format!("cannot read the -d body from stdin: {e}")))?;
            (text, "stdin".to_string())
        }
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                Error::Io(format!(
                    "cannot read the -d body from {file}: {e}; check the path after @"
                ))
            })?;
            (text, file.to_string())
        }
        None => (data.to_string(), "-d".to_string()),
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "the body in {source} is not JSON ({e}); pass JSON such as '{{\"topic\":\"Standup\"}}', @FILE, or use -f KEY=VALUE"
        ))
    })
}

/// `-f a.b=text` sets `{"a":{"b":"text"}}`; `-f a:=2` sets `{"a":2}` (the value is JSON).
fn set_field(object: &mut Map<String, Value>, key: &str, value: &str) -> Result<(), Error> {
    let (key, value) = match key.strip_suffix(':') {
        Some(key) => {
            let parsed = serde_json::from_str(value).map_err(|e| {
                Error::Usage(format!(
                    "-f {key}:={value} is not JSON after := ({e}); quote text as -f {key}=text"
                ))
            })?;
            (key, parsed)
        }
        None => (key, Value::String(value.to_string())),
    };
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(Error::Usage(format!(
            "-f {key}: a field name is empty; write -f name=value or -f settings.host_video:=true"
        )));
    }
    let mut target = object;
    for part in &parts[..parts.len() - 1] {
        let slot = target
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        target = match slot {
            Value::Object(map) => map,
            _ => {
                return Err(Error::Usage(format!(
                    "-f {key}: {part} is already set to a value that is not an object"
                )));
            }
        };
    }
    target.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(method: &str) -> CallSpec {
        CallSpec {
            method: method.into(),
            path: "/users/me/meetings".into(),
            ..CallSpec::default()
        }
    }

    #[test]
    fn fields_build_a_typed_nested_body() {
        let mut s = spec("POST");
        s.data = Some(r#"{"topic":"x","settings":{"mute_upon_entry":true}}"#.into());
        s.fields = vec![
            ("topic".into(), "Standup, daily".into()),
            ("type:".into(), "2".into()),
            ("settings.host_video:".into(), "false".into()),
            ("password".into(), "123456".into()),
        ];
        assert_eq!(
            build_request(&s).unwrap().body.unwrap(),
            json!({"topic": "Standup, daily", "settings": {"mute_upon_entry": true, "host_video": false},
                   "type": 2, "password": "123456"})
        );
    }

    #[test]
    fn fields_on_get_point_to_query_parameters() {
        let mut s = spec("GET");
        s.fields = vec![("status".into(), "active".into())];
        let e = build_request(&s).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("use -q KEY=VALUE for query parameters"),
            "{e}"
        );
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn bad_json_is_a_usage_error() {
        let mut s = spec("POST");
        s.data = Some("{topic: x}".into());
        let e = build_request(&s).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("the body in -d is not JSON (key must be a string"),
            "{e}"
        );
        let mut s = spec("POST");
        s.fields = vec![("type:".into(), "two".into())];
        assert!(
            build_request(&s)
                .unwrap_err()
                .to_string()
                .starts_with("-f type:=two is not JSON after :=")
        );
    }
}
