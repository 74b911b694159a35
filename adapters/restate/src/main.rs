//! `chatlife-restate`: serves the chatlife objects to a restate-server.
//!
//!   chatlife-restate [--listen 127.0.0.1:9080] [--config FILE]
//!
//! `CHATLIFE_EVENTS_URL` (optional): where every event is POSTed, as JSON lines.

use std::sync::Arc;

use chatlife_restate::app::App;
use chatlife_restate::objects::{Agent, Chatlife, Conversation, Identity};
use clap::Parser;
use hyper::server::conn::http2;
use hyper_util::rt::{TokioExecutor, TokioIo};
use restate_sdk::hyper::HyperEndpoint;
use restate_sdk::prelude::*;

#[derive(Parser)]
#[command(about = "Serves chatlife's Conversation, Agent, Identity and Chatlife services to restate-server")]
struct Args {
    /// Address the service endpoint listens on (restate-server connects here).
    #[arg(long, default_value = "127.0.0.1:9080")]
    listen: std::net::SocketAddr,
    /// Engine configuration (JSON, SPEC §8); `{}` when absent.
    #[arg(long)]
    config: Option<String>,
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .init();
    let args = Args::parse();
    let events_url = std::env::var("CHATLIFE_EVENTS_URL").ok().filter(|u| !u.is_empty());
    let app = match App::load(args.config.as_deref(), events_url.as_deref()) {
        Ok(app) => Arc::new(app),
        Err(problem) => {
            eprintln!("chatlife-restate: {problem}");
            std::process::exit(2);
        }
    };
    let endpoint = Endpoint::builder()
        .bind(Conversation(app.clone()))
        .bind(Agent(app.clone()))
        .bind(Identity(app.clone()))
        .bind(Chatlife(app))
        .build();
    if let Err(problem) = serve(endpoint, args.listen).await {
        eprintln!("chatlife-restate: {}: {problem}", args.listen);
        std::process::exit(1);
    }
}

/// The SDK's HTTP/2 endpoint, on sockets with Nagle's algorithm off: a step
/// waits for restate-server's answer to each journal entry, and with Nagle
/// and delayed ACKs each of those waits was 40 ms.
async fn serve(endpoint: Endpoint, addr: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let endpoint = HyperEndpoint::new(endpoint);
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        let connection =
            http2::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), endpoint.clone());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection from restate-server ended: {e}");
            }
        });
    }
}
