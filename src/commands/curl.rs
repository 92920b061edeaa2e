//! `--curl`: the curl command that makes the same request, for sharing and for bug reports.
//!
//! The token is never printed: the command reads it from `$ZOOM_TOKEN`, and a comment line says
//! how to fill that in (`zoomsh token`).

use crate::secret_file::shell_quote;
use serde_json::Value;

/// The curl command line for a request to `url`.
pub fn command(method: &str, url: &str, body: Option<&Value>) -> String {
    let first = match method {
        "GET" => format!("curl {}", shell_quote(url)),
        _ => format!("curl -X {method} {}", shell_quote(url)),
    };
    let mut parts = vec![first];
    parts.push("-H 'Accept: application/json'".to_string());
    parts.push("-H \"Authorization: Bearer $ZOOM_TOKEN\"".to_string());
    if let Some(body) = body {
        parts.push("-H 'Content-Type: application/json'".to_string());
        parts.push(format!("--data {}", shell_quote(&body.to_string())));
    }
    format!(
        "# the token: export ZOOM_TOKEN=\"$(zoomsh token)\"\n{}\n",
        parts.join(" \\\n  ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_post_with_a_body() {
        assert_eq!(
            command(
                "POST",
                "https://api.zoom.us/v2/users/me/meetings",
                Some(&json!({"topic": "Bob's sync"}))
            ),
            "# the token: export ZOOM_TOKEN=\"$(zoomsh token)\"\n\
             curl -X POST https://api.zoom.us/v2/users/me/meetings \\\n  \
             -H 'Accept: application/json' \\\n  \
             -H \"Authorization: Bearer $ZOOM_TOKEN\" \\\n  \
             -H 'Content-Type: application/json' \\\n  \
             --data '{\"topic\":\"Bob'\\''s sync\"}'\n"
        );
    }

    #[test]
    fn a_get_with_a_query_is_quoted() {
        assert_eq!(
            command(
                "GET",
                "https://api.zoom.us/v2/users?status=active&page_size=300",
                None
            ),
            "# the token: export ZOOM_TOKEN=\"$(zoomsh token)\"\n\
             curl 'https://api.zoom.us/v2/users?status=active&page_size=300' \\\n  \
             -H 'Accept: application/json' \\\n  \
             -H \"Authorization: Bearer $ZOOM_TOKEN\"\n"
        );
    }
}
