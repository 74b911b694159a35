//! The event sink the service POSTs to: keeps every line it accepts, and
//! refuses a share of the POSTs (503) when told to, so deliveries are retried.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chatlife_restate::wire::Numbered;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

#[derive(Default)]
struct Received {
    lines: Vec<Numbered>,
    posts: usize,
    refused: usize,
}

#[derive(Clone)]
pub struct Sink {
    pub url: String,
    received: Arc<Mutex<Received>>,
}

/// Every stream's events, deduped by (source, key, seq).
pub struct Streams {
    pub events: BTreeMap<(String, String, u64), Numbered>,
    pub delivered: usize,
    pub refused: usize,
    /// Problems: a seq delivered twice with different events, gaps.
    pub problems: Vec<String>,
}

impl Sink {
    /// Listens on a free loopback port; refuses `refuse_per_mille` of the POSTs.
    pub async fn start(refuse_per_mille: u32, seed: u64) -> Result<Sink, String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
        let url = format!("http://{}/events", listener.local_addr().map_err(|e| e.to_string())?);
        let received = Arc::new(Mutex::new(Received::default()));
        let rng = Arc::new(Mutex::new(ChaCha8Rng::seed_from_u64(seed)));
        let shared = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let (received, rng) = (shared.clone(), rng.clone());
                let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                    let (received, rng) = (received.clone(), rng.clone());
                    async move {
                        let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        let refuse = rng.lock().unwrap().next_u32() % 1000 < refuse_per_mille;
                        let mut r = received.lock().unwrap();
                        r.posts += 1;
                        let status = if refuse {
                            r.refused += 1;
                            503
                        } else {
                            for line in String::from_utf8_lossy(&body).lines().filter(|l| !l.is_empty()) {
                                match serde_json::from_str::<Numbered>(line) {
                                    Ok(numbered) => r.lines.push(numbered),
                                    Err(_) => return Ok::<_, std::convert::Infallible>(respond(400)),
                                }
                            }
                            200
                        };
                        Ok(respond(status))
                    }
                });
                tokio::spawn(async move {
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        Ok(Sink { url, received })
    }

    pub fn streams(&self) -> Streams {
        let r = self.received.lock().unwrap();
        let mut events: BTreeMap<(String, String, u64), Numbered> = BTreeMap::new();
        let mut problems = Vec::new();
        for n in &r.lines {
            let id = (n.source.clone(), n.key.clone(), n.seq);
            match events.get(&id) {
                Some(seen) if seen != n => problems.push(format!("{id:?} delivered twice with different events")),
                Some(_) => {}
                None => {
                    events.insert(id, n.clone());
                }
            }
        }
        let mut last: BTreeMap<(String, String), u64> = BTreeMap::new();
        for (source, key, seq) in events.keys() {
            let expected = last.get(&(source.clone(), key.clone())).map_or(1, |s| s + 1);
            if *seq != expected {
                problems.push(format!("{source} {key:?}: seq {seq} follows {}", expected - 1));
            }
            last.insert((source.clone(), key.clone()), *seq);
        }
        Streams { events, delivered: r.lines.len(), refused: r.refused, problems }
    }
}

fn respond(status: u16) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::new()));
    *response.status_mut() = hyper::StatusCode::from_u16(status).expect("a valid status");
    response
}
