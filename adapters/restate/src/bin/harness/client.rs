//! HTTP/1.1 to restate-server's ingress and admin API.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

/// One request may wait this long (a step waits for a killed service to come back).
const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Http {
    pub fn new() -> Http {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Http { client: Client::builder(TokioExecutor::new()).pool_max_idle_per_host(64).build(connector) }
    }

    async fn send(&self, request: hyper::Request<Full<Bytes>>) -> Result<(u16, Vec<u8>), String> {
        let response = tokio::time::timeout(TIMEOUT, self.client.request(request))
            .await
            .map_err(|_| "timed out".to_string())?
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, body.to_vec()))
    }

    pub async fn get(&self, url: &str) -> Result<(u16, Vec<u8>), String> {
        let request = hyper::Request::get(url).body(Full::new(Bytes::new())).map_err(|e| e.to_string())?;
        self.send(request).await
    }

    pub async fn post(&self, url: &str, body: &[u8], headers: &[(&str, &str)]) -> Result<(u16, Vec<u8>), String> {
        let mut request = hyper::Request::post(url);
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Full::new(Bytes::copy_from_slice(body))).map_err(|e| e.to_string())?;
        self.send(request).await
    }
}

/// A path segment with everything but unreserved characters percent-encoded.
pub fn segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where commands go: restate-server's ingress.
#[derive(Clone)]
pub struct Ingress {
    pub url: String,
    pub http: Http,
}

impl Ingress {
    /// A handler without input (`peek`, `history`, `ledger`).
    pub async fn read(&self, path: &str) -> Result<serde_json::Value, String> {
        match self.post_json(path, b"").await? {
            (200, value) => Ok(value),
            (status, value) => Err(format!("{path}: {status} {value}")),
        }
    }

    /// One command through `Chatlife/apply`, `Conversation/<id>/apply`, ...
    pub async fn post_json(&self, path: &str, body: &[u8]) -> Result<(u16, serde_json::Value), String> {
        let (status, bytes) = self.http.post(&format!("{}/{path}", self.url), body, &[]).await?;
        let value = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{path}: answer is not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))?;
        Ok((status, value))
    }
}
