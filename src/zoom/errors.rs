//! Reading Zoom's error bodies, whatever shape they come in.
//!
//! Zoom answers errors as `{code, message, errors}` on most of the API,
//! `{status, errorCode, errorMessage}` on some surfaces, `{reason, error}` from the token
//! endpoint, sometimes `error_message`, and occasionally XML, HTML or nothing at all
//! (BEHAVIOR.md §2, CASES.md B12, B17). This module turns any of them into one [`ErrorBody`]
//! and never fails: what it cannot read is kept as a short, single-line snippet.

use serde_json::Value;

/// The most characters of a raw body shown in an error.
const SNIPPET_CHARS: usize = 300;

/// What could be read from an error response body.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ErrorBody {
    /// Zoom's numeric code (`code` or `errorCode`).
    pub code: Option<i64>,
    /// The human text (`message`, `errorMessage`, `error_message` or `reason`).
    pub message: Option<String>,
    /// The OAuth error name (`error`), from the token endpoint.
    pub error: Option<String>,
    /// Field errors of a validation failure (`errors: [{field, message}]`).
    pub errors: Vec<Value>,
}

impl ErrorBody {
    pub fn parse(body: &[u8]) -> ErrorBody {
        if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) {
            let text = |keys: &[&str]| {
                keys.iter()
                    .find_map(|k| map.get(*k).and_then(Value::as_str))
                    .map(str::to_string)
            };
            let code = ["code", "errorCode"]
                .iter()
                .find_map(|k| match map.get(*k) {
                    Some(Value::Number(n)) => n.as_i64(),
                    Some(Value::String(s)) => s.parse().ok(),
                    _ => None,
                });
            return ErrorBody {
                code,
                message: text(&["message", "errorMessage", "error_message", "reason"]),
                error: text(&["error"]),
                errors: match map.get("errors") {
                    Some(Value::Array(a)) => a.clone(),
                    _ => Vec::new(),
                },
            };
        }
        let text = String::from_utf8_lossy(body);
        if text.trim_start().starts_with('<') {
            // `<error><code>300</code><message>...</message></error>` when Zoom picks XML.
            let code = xml_element(&text, "code").and_then(|c| c.trim().parse().ok());
            let message = xml_element(&text, "message").map(|m| m.trim().to_string());
            if code.is_some() || message.is_some() {
                return ErrorBody {
                    code,
                    message,
                    ..ErrorBody::default()
                };
            }
        }
        ErrorBody::default()
    }
}

fn xml_element<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&close)?;
    Some(&text[start..end])
}

/// A raw body as one short line: whitespace folded, cut at [`SNIPPET_CHARS`] characters.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return "empty body".to_string();
    }
    let mut out: String = folded.chars().take(SNIPPET_CHARS).collect();
    if folded.chars().count() > SNIPPET_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_common_shape_with_field_errors() {
        let b = ErrorBody::parse(
            br#"{"code":300,"message":"Validation Failed.","errors":[{"field":"user_info.email","message":"Invalid field."}]}"#,
        );
        assert_eq!(b.code, Some(300));
        assert_eq!(b.message.as_deref(), Some("Validation Failed."));
        assert_eq!(b.errors.len(), 1);
    }

    #[test]
    fn reads_the_alternate_envelope() {
        let b = ErrorBody::parse(br#"{"status":false,"errorCode":401}"#);
        assert_eq!(b.code, Some(401));
        assert_eq!(b.message, None);
    }

    #[test]
    fn reads_xml_and_tolerates_html_and_empty() {
        // CASES.md B12
        let b = ErrorBody::parse(
            b"<error><code>300</code><message>Request Body should be a valid JSON object.</message></error>",
        );
        assert_eq!(b.code, Some(300));
        assert_eq!(
            b.message.as_deref(),
            Some("Request Body should be a valid JSON object.")
        );
        assert_eq!(
            ErrorBody::parse(b"<html>Bad Request</html>"),
            ErrorBody::default()
        );
        assert_eq!(ErrorBody::parse(b""), ErrorBody::default());
        assert_eq!(snippet(b""), "empty body");
        assert_eq!(
            snippet(b"<html>\n  Bad Request\n</html>"),
            "<html> Bad Request </html>"
        );
        assert_eq!(
            snippet("é".repeat(400).as_bytes()).chars().count(),
            SNIPPET_CHARS + 1
        );
    }
}
