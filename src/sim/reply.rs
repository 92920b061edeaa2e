//! What a modelled operation answers: a status, an optional JSON body, extra headers.
//!
//! Handlers return `Result<Reply, ApiError>`; both become HTTP responses in `server.rs`. The
//! error constructors carry Zoom's exact codes and messages (BEHAVIOR §2.2) so every route
//! says "user not found" the same way.

use serde_json::{Value, json};

/// A successful (or deliberately odd) answer from a handler.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    /// `None` means an empty body with no Content-Type (Zoom's 204s).
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    pub fn created(body: Value) -> Reply {
        Reply {
            status: 201,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    pub fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }
}

/// A Zoom error: HTTP status plus the `{"code","message"[,"errors"]}` body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub code: i64,
    pub message: String,
    /// Validation details, `[{"field","message"}]`.
    pub errors: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// A body in another envelope (e.g. Contact Center's `{"status":false,"errorCode":...}`),
    /// sent instead of `{"code","message"}`.
    pub raw_body: Option<Box<Value>>,
}

pub type ApiResult = Result<Reply, ApiError>;

impl ApiError {
    pub fn new(status: u16, code: i64, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            headers: Vec::new(),
            raw_body: None,
        }
    }

    pub fn body(&self) -> Value {
        if let Some(raw) = &self.raw_body {
            return (**raw).clone();
        }
        let mut body = json!({ "code": self.code, "message": self.message });
        if !self.errors.is_empty() {
            body["errors"] = self
                .errors
                .iter()
                .map(|(field, message)| json!({ "field": field, "message": message }))
                .collect();
        }
        body
    }

    /// An error in the Contact Center envelope, which since July 2024 answers token problems
    /// with `401 {"status":false,"errorCode":401}` (BEHAVIOR §2.1, CASES B17).
    pub fn contact_center(status: u16, message: Option<&str>) -> ApiError {
        let mut e = ApiError::new(status, status as i64, message.unwrap_or(""));
        let mut body = json!({ "status": false, "errorCode": status });
        if let Some(m) = message {
            body["errorMessage"] = json!(m);
        }
        e.raw_body = Some(Box::new(body));
        e
    }

    /// 404 code 1001, the answer for an unknown user id or email.
    pub fn user_not_found(id: &str) -> ApiError {
        ApiError::new(404, 1001, format!("User does not exist: {id}."))
    }

    /// 404 code 3001, the answer for an unknown or expired meeting id or UUID.
    pub fn meeting_not_found(id: &str) -> ApiError {
        ApiError::new(
            404,
            3001,
            format!("Meeting {id} is not found or has expired."),
        )
    }

    /// 404 code 4130 for an unknown group id.
    pub fn group_not_found(id: &str) -> ApiError {
        ApiError::new(404, 4130, format!("Group does not exist: {id}."))
    }

    /// 400 code 300 "Validation Failed." with one `errors[]` entry per bad field.
    pub fn validation(fields: &[(&str, &str)]) -> ApiError {
        let mut e = ApiError::new(400, 300, "Validation Failed.");
        e.errors = fields
            .iter()
            .map(|(f, m)| (f.to_string(), m.to_string()))
            .collect();
        e
    }

    /// 400 code 300 with a plain message (Zoom uses this for many request-level problems).
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, 300, message)
    }

    pub fn invalid_json() -> ApiError {
        ApiError::bad_request("Request Body should be a valid JSON object.")
    }

    pub fn bad_page_token() -> ApiError {
        ApiError::bad_request("The next page token is invalid or expired.")
    }
}
