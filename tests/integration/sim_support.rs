//! Raw-HTTP helpers for the simulator tests: start a simulator with `zoomsh sim` flags, mint a
//! token the way Zoom's docs say, and make requests that return status, headers and body as a
//! client sees them.

#![allow(dead_code)]

use base64::Engine as _;
use reqwest::header::HeaderMap;
use serde_json::Value;
use zoomsh::sim::{self, SimArgs, Simulator};

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Api {
    pub sim: Simulator,
    pub http: reqwest::Client,
    pub token: String,
}

pub fn args(flags: &[&str]) -> SimArgs {
    SimArgs::try_parse_from(flags).expect("simulator flags parse")
}

pub fn basic(id: &str, secret: &str) -> String {
    let pair = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

pub fn demo_basic() -> String {
    basic(sim::DEMO_CLIENT_ID, sim::DEMO_CLIENT_SECRET)
}

pub async fn into_resp(r: reqwest::Response) -> Resp {
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body reads");
    Resp {
        status,
        headers,
        text,
    }
}

/// POST /oauth/token with the form body.
pub async fn mint(http: &reqwest::Client, base: &str) -> Resp {
    let r = http
        .post(format!("{base}/oauth/token"))
        .header("Authorization", demo_basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=account_credentials&account_id={}",
            sim::DEMO_ACCOUNT_ID
        ))
        .send()
        .await
        .expect("token request sent");
    into_resp(r).await
}

impl Api {
    /// A simulator with these flags and a freshly minted token.
    pub async fn start(flags: &[&str]) -> Api {
        let sim = Simulator::start(&args(flags))
            .await
            .expect("simulator starts");
        let http = reqwest::Client::new();
        let minted = mint(&http, &sim.base_url()).await;
        assert_eq!(minted.status, 200, "{}", minted.text);
        let token = minted.json()["access_token"].as_str().unwrap().to_string();
        Api { sim, http, token }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/v2{path}", self.sim.base_url())
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut rb = self
            .http
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .header("Accept", "application/json");
        if let Some(b) = body {
            rb = rb.json(b);
        }
        into_resp(rb.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None).await
    }

    pub async fn get_ok(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.text);
        r.json()
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send("POST", path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Resp {
        self.send("PATCH", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None).await
    }

    /// GET /_sim/... (no auth).
    pub async fn inspect(&self, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}/_sim{path}", self.sim.base_url()))
            .send()
            .await
            .unwrap();
        into_resp(r).await.json()
    }
}

/// Zoom's double encoding for UUIDs that begin with `/` or contain `//` (BEHAVIOR §5).
pub fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
