//! Events out: a POST of JSON lines to `CHATLIFE_EVENTS_URL`, from inside a
//! journaled `ctx.run`. Restate retries a failed POST, and a crash after the
//! POST and before the journal entry repeats it, so delivery is at least once;
//! the sink dedupes by (`source`, `key`, `seq`).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Uri;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;

use crate::wire::Numbered;

#[derive(Clone)]
pub struct Sink {
    url: Option<Uri>,
    client: Client<HttpConnector, Full<Bytes>>,
}

#[derive(Debug)]
pub struct SinkError(String);

impl std::fmt::Display for SinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "event sink: {}", self.0)
    }
}

impl std::error::Error for SinkError {}

impl Sink {
    /// `None`: events are only returned to the caller.
    pub fn new(url: Option<&str>) -> Result<Sink, String> {
        let url = match url {
            None => None,
            Some(u) => {
                let uri: Uri = u.parse().map_err(|e| format!("CHATLIFE_EVENTS_URL: {e}"))?;
                if uri.scheme_str() != Some("http") {
                    return Err("CHATLIFE_EVENTS_URL: only http:// is supported".into());
                }
                Some(uri)
            }
        };
        Ok(Sink { url, client: Client::builder(TokioExecutor::new()).build_http() })
    }

    pub fn enabled(&self) -> bool {
        self.url.is_some()
    }

    /// Posts the events as JSON lines; any failure is an error to retry.
    pub async fn post(&self, events: &[Numbered]) -> Result<(), SinkError> {
        let Some(url) = &self.url else { return Ok(()) };
        if events.is_empty() {
            return Ok(());
        }
        let mut body = String::new();
        for event in events {
            body.push_str(&event.line());
            body.push('\n');
        }
        let request = hyper::Request::post(url.clone())
            .header("content-type", "application/x-ndjson")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SinkError(e.to_string()))?;
        let response = self.client.request(request).await.map_err(|e| SinkError(e.to_string()))?;
        let status = response.status();
        // Read the body so the connection goes back to the pool.
        let _ = response.into_body().collect().await;
        if !status.is_success() {
            return Err(SinkError(format!("answered {status}")));
        }
        Ok(())
    }
}
