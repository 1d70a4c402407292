//! connect-emulator: a local Amazon Connect for trying, scripting and testing without an AWS
//! account. It serves HTTP/1.1 (keep-alive, concurrent clients) with hyper on tokio until SIGINT
//! or SIGTERM, then saves its state.

mod auth;
mod cli;
mod kinds;
mod output;
mod patterns;
mod resources;
mod route;
mod search;
mod service;
mod state;
mod throttle;

use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

use crate::service::{Emulator, Incoming};

/// The largest request body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(cli::CliError::Help(text)) => {
            println!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("connect-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum RunError {
    #[error(transparent)]
    State(#[from] state::StateError),
    #[error("cannot open the log file {path}: {source}")]
    Log { path: String, source: std::io::Error },
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: String, source: std::io::Error },
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
}

fn run(options: cli::Options) -> Result<(), RunError> {
    let (store, persistence) = match &options.state {
        Some(path) => (state::Store::load(path)?, Some(state::Persistence::open(path)?)),
        None => (state::Store::default(), None),
    };
    let log = match &options.log {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|source| RunError::Log { path: path.display().to_string(), source })?,
        ),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_io()
        .enable_time()
        .build()
        .map_err(RunError::Runtime)?;
    let listen = options.listen;
    let latency = Duration::from_millis(options.latency_ms);
    let emulator = Arc::new(Emulator::new(options, store, persistence, log));
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|source| RunError::Listen { addr: listen.to_string(), source })?;
        let addr = listener.local_addr().map_err(|source| RunError::Listen { addr: listen.to_string(), source })?;
        // The handlers are in place before anyone is told where to connect: a client that stops
        // the emulator right after its first request still gets a clean stop and a saved state.
        let stopped = stop_signals();
        println!("listening on http://{addr}");
        let emulator_for_loop = emulator.clone();
        let _ = std::io::stdout().flush();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let emulator = emulator_for_loop.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| serve(emulator.clone(), latency, req));
                    let _ =
                        http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
        stopped.await;
        accept.abort();
        Ok::<(), RunError>(())
    })?;
    emulator.save()?;
    Ok(())
}

/// Installs the SIGINT and SIGTERM handlers now; the future resolves on either signal.
fn stop_signals() -> impl std::future::Future<Output = ()> {
    let notify = Arc::new(tokio::sync::Notify::new());
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        for kind in [SignalKind::interrupt(), SignalKind::terminate()] {
            if let Ok(mut stream) = signal(kind) {
                let notify = notify.clone();
                tokio::spawn(async move {
                    stream.recv().await;
                    notify.notify_one();
                });
            }
        }
    }
    #[cfg(not(unix))]
    {
        let notify = notify.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            notify.notify_one();
        });
    }
    async move { notify.notified().await }
}

async fn serve(
    emulator: Arc<Emulator>,
    latency: Duration,
    req: Request<Body>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return Ok(respond(output::error(
                413,
                "SerializationException",
                "The request body is too large or was cut off.",
            )));
        }
    };
    let method = parts.method.as_str().to_owned();
    let target = parts.uri.path_and_query().map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    if !headers.iter().any(|(n, _)| n == "host") {
        if let Some(authority) = parts.uri.authority() {
            headers.push(("host".into(), authority.to_string()));
        }
    }
    let handler = emulator.clone();
    let answer = tokio::task::spawn_blocking(move || {
        handler.handle(&Incoming { method: &method, target: &target, headers: &headers, body: &body })
    })
    .await
    .unwrap_or_else(|_| output::error(500, "InternalServiceException", "The emulator failed on this request."));
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    Ok(respond(answer))
}

fn respond(answer: output::Answer) -> Response<Full<Bytes>> {
    let request_id = format!(
        "{:016x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
    );
    let mut builder = Response::builder().status(answer.status).header("x-amzn-requestid", request_id);
    for (n, v) in &answer.headers {
        builder = builder.header(n.as_str(), v.as_str());
    }
    builder.body(Full::new(Bytes::from(answer.body))).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
