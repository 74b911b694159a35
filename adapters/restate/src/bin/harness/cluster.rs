//! One restate-server and one chatlife-restate service on free loopback
//! ports, with their data and logs in a temporary directory: started,
//! registered, killed with SIGKILL and restarted.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::process::{Child, Command};

use crate::client::{Http, Ingress};

pub struct Cluster {
    pub dir: PathBuf,
    ingress_url: String,
    admin: String,
    ports: Ports,
    config_path: PathBuf,
    events_url: String,
    server: Option<Child>,
    service: Option<Child>,
    pub http: Http,
}

#[derive(Clone, Copy)]
struct Ports {
    ingress: u16,
    admin: u16,
    fabric: u16,
    service: u16,
}

/// A port nobody listens on now (the OS picks it; it is free again at once).
fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// The restate-server binary that `npm ci` put under adapters/restate.
fn server_binary() -> Result<PathBuf, String> {
    if let Ok(path) = std::env::var("CHATLIFE_RESTATE_SERVER") {
        return Ok(PathBuf::from(path));
    }
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    let package = format!("restate-server-{}-{arch}", std::env::consts::OS);
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/@restatedev").join(package).join("bin/restate-server");
    if !path.exists() {
        return Err(format!("{}: missing; run `npm ci` in adapters/restate (make restate-deps)", path.display()));
    }
    Ok(path)
}

/// chatlife-restate, built beside this harness.
fn service_binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let path = exe.with_file_name("chatlife-restate");
    if !path.exists() {
        return Err(format!("{}: missing; cargo build --release -p chatlife-restate", path.display()));
    }
    Ok(path)
}

fn log_file(path: &Path) -> Result<std::fs::File, String> {
    std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| format!("{}: {e}", path.display()))
}

impl Cluster {
    /// Starts both processes and registers the service.
    pub async fn start(name: &str, config: &Value, events_url: &str) -> Result<Cluster, String> {
        let dir = std::env::temp_dir().join(format!("chatlife-restate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let config_path = dir.join("config.json");
        std::fs::write(&config_path, config.to_string()).map_err(|e| e.to_string())?;
        let ports = Ports { ingress: free_port()?, admin: free_port()?, fabric: free_port()?, service: free_port()? };
        let mut cluster = Cluster {
            ingress_url: format!("http://127.0.0.1:{}", ports.ingress),
            admin: format!("http://127.0.0.1:{}", ports.admin),
            dir,
            ports,
            config_path,
            events_url: events_url.into(),
            server: None,
            service: None,
            http: Http::new(),
        };
        cluster.start_server().await?;
        cluster.start_service().await?;
        cluster.register().await?;
        Ok(cluster)
    }

    pub fn ingress(&self) -> Ingress {
        Ingress { url: self.ingress_url.clone(), http: self.http.clone() }
    }

    pub async fn start_server(&mut self) -> Result<(), String> {
        let p = self.ports;
        let child = Command::new(server_binary()?)
            .arg("--base-dir")
            .arg(self.dir.join("data"))
            .args(["--no-logo", "--node-name", "n1"])
            .env("RESTATE_LISTEN_MODE", "tcp")
            .env("RESTATE_BIND_IP", "127.0.0.1")
            .env("RESTATE_INGRESS__BIND_ADDRESS", format!("127.0.0.1:{}", p.ingress))
            .env("RESTATE_ADMIN__BIND_ADDRESS", format!("127.0.0.1:{}", p.admin))
            .env("RESTATE_BIND_ADDRESS", format!("127.0.0.1:{}", p.fabric))
            .env("RESTATE_ADVERTISED_ADDRESS", format!("http://127.0.0.1:{}/", p.fabric))
            .env("RESTATE_DISABLE_TELEMETRY", "true")
            .env("RESTATE_ADMIN__DISABLE_WEB_UI", "true")
            .env("RESTATE_DEFAULT_NUM_PARTITIONS", "4")
            .env("RESTATE_LOG_DISABLE_ANSI_CODES", "true")
            .env("RESTATE_LOG_FORMAT", "compact")
            .stdin(Stdio::null())
            .stdout(log_file(&self.dir.join("server.log"))?)
            .stderr(log_file(&self.dir.join("server.log"))?)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("restate-server: {e}"))?;
        self.server = Some(child);
        self.wait_for(&format!("{}/health", self.admin), "restate-server's admin API").await?;
        self.wait_for(&format!("{}/restate/health", self.ingress_url), "restate-server's ingress").await
    }

    pub async fn start_service(&mut self) -> Result<(), String> {
        let child = Command::new(service_binary()?)
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.ports.service))
            .arg("--config")
            .arg(&self.config_path)
            .env("CHATLIFE_EVENTS_URL", &self.events_url)
            .stdin(Stdio::null())
            .stdout(log_file(&self.dir.join("service.log"))?)
            .stderr(log_file(&self.dir.join("service.log"))?)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("chatlife-restate: {e}"))?;
        self.service = Some(child);
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", self.ports.service)).await.is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                return Err(format!("chatlife-restate did not listen; see {}", self.dir.join("service.log").display()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(())
    }

    async fn wait_for(&self, url: &str, what: &str) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Ok((200, _)) = self.http.get(url).await {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(60) {
                return Err(format!("{what} did not come up; see {}", self.dir.join("server.log").display()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Tells restate-server where the service is (again, after a restart: `force`).
    pub async fn register(&self) -> Result<(), String> {
        let body = json!({"uri": format!("http://127.0.0.1:{}", self.ports.service), "force": true});
        let url = format!("{}/deployments", self.admin);
        let started = Instant::now();
        loop {
            match self.http.post(&url, body.to_string().as_bytes(), &[]).await {
                Ok((200..=299, _)) => return Ok(()),
                outcome if started.elapsed() > Duration::from_secs(30) => {
                    return Err(format!("registering the service failed: {outcome:?}"))
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    pub async fn kill_service(&mut self) {
        if let Some(mut child) = self.service.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    pub async fn kill_server(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
    }

    /// Both logs, for a failure report (the last lines of each).
    pub fn log_tail(&self) -> String {
        let mut out = String::new();
        for name in ["service.log", "server.log"] {
            let text = std::fs::read_to_string(self.dir.join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            out.push_str(&format!("--- {} (last lines)\n", self.dir.join(name).display()));
            for line in &lines[lines.len().saturating_sub(15)..] {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }

    /// Everything the processes wrote, to search for secrets.
    pub fn logs(&self) -> String {
        ["service.log", "server.log"]
            .iter()
            .map(|n| std::fs::read_to_string(self.dir.join(n)).unwrap_or_default())
            .collect()
    }

    /// Stops both processes and removes the directory (kept when `keep`).
    pub async fn stop(mut self, keep: bool) {
        self.kill_service().await;
        self.kill_server().await;
        if !keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
