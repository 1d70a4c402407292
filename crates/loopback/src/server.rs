//! The server: its configuration ([`Builder`]), the accept loop, one thread per connection, and
//! shutdown on drop.

use std::collections::VecDeque;
use std::io::BufReader;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::capture::*;
use crate::http::*;
use crate::reply::*;
use crate::*;

/// What the SigV4 check expects: credentials and credential scope.
#[derive(Clone, Debug)]
pub struct Builder {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: Option<String>,
    pub(crate) region: String,
    pub(crate) service: String,
}

#[allow(dead_code)]
impl Builder {
    /// Expects another key pair.
    pub fn credentials(mut self, access_key_id: &str, secret_access_key: &str) -> Builder {
        self.access_key_id = access_key_id.to_owned();
        self.secret_access_key = secret_access_key.to_owned();
        self
    }

    /// Expects temporary credentials: requests must carry and sign `X-Amz-Security-Token: token`.
    pub fn session_token(mut self, token: &str) -> Builder {
        self.session_token = Some(token.to_owned());
        self
    }

    /// Expects another region in the credential scope.
    pub fn region(mut self, region: &str) -> Builder {
        self.region = region.to_owned();
        self
    }

    /// Expects another signing name in the credential scope.
    pub fn service(mut self, service: &str) -> Builder {
        self.service = service.to_owned();
        self
    }

    /// Listens on `127.0.0.1:0` and serves `script` on a background thread.
    pub fn start(self, script: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            verifier: self,
            script: Mutex::new(script.into()),
            requests: Mutex::new(Vec::new()),
            errors: Mutex::new(Vec::new()),
            streams: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
            stop_lock: Mutex::new(()),
            stop_signal: Condvar::new(),
            connections: AtomicUsize::new(0),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = thread::Builder::new()
            .name(format!("test-server-{}", addr.port()))
            .spawn(move || accept_loop(&listener, &accept_shared))
            .expect("spawn server thread");
        Server { addr, shared, accept: Some(accept) }
    }
}

/// A running loopback server; stops when dropped.
pub struct Server {
    pub(crate) addr: SocketAddr,
    pub(crate) shared: Arc<Shared>,
    pub(crate) accept: Option<JoinHandle<Vec<JoinHandle<()>>>>,
}

#[allow(dead_code)]
impl Server {
    /// A server expecting the test credentials, `us-east-1` and `connect`.
    pub fn builder() -> Builder {
        Builder {
            access_key_id: ACCESS_KEY_ID.to_owned(),
            secret_access_key: SECRET_ACCESS_KEY.to_owned(),
            session_token: None,
            region: REGION.to_owned(),
            service: SERVICE.to_owned(),
        }
    }

    /// `Server::builder().start(script)`.
    pub fn start(script: Vec<Reply>) -> Server {
        Server::builder().start(script)
    }

    /// `http://127.0.0.1:<port>`, for `--endpoint-url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The requests received so far, in arrival order.
    pub fn requests(&self) -> Vec<Captured> {
        lock(&self.shared.requests).clone()
    }

    /// Malformed requests (the server answered `400` and closed the connection).
    pub fn errors(&self) -> Vec<String> {
        lock(&self.shared.errors).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        {
            let _guard = lock(&self.shared.stop_lock);
            self.shared.stop_signal.notify_all();
        }
        // Wake the accept loop, which then sees `stopping`.
        let _ = TcpStream::connect(self.addr);
        let handlers = self.accept.take().map(|accept| accept.join().unwrap_or_default()).unwrap_or_default();
        for stream in lock(&self.shared.streams).drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for handler in handlers {
            let _ = handler.join();
        }
    }
}

pub(crate) struct Shared {
    pub(crate) verifier: Builder,
    pub(crate) script: Mutex<VecDeque<Reply>>,
    pub(crate) requests: Mutex<Vec<Captured>>,
    pub(crate) errors: Mutex<Vec<String>>,
    /// Clones of the accepted connections, shut down on drop.
    pub(crate) streams: Mutex<Vec<TcpStream>>,
    pub(crate) stopping: AtomicBool,
    pub(crate) stop_lock: Mutex<()>,
    pub(crate) stop_signal: Condvar,
    pub(crate) connections: AtomicUsize,
}

impl Shared {
    pub(crate) fn next_reply(&self) -> Reply {
        let mut script = lock(&self.script);
        if script.len() > 1 { script.pop_front() } else { script.front().cloned() }.unwrap_or_else(|| Reply::empty(200))
    }

    /// Waits `delay`; false when the server stops meanwhile.
    pub(crate) fn wait(&self, delay: Duration) -> bool {
        let guard = lock(&self.stop_lock);
        let (_guard, _) = self
            .stop_signal
            .wait_timeout_while(guard, delay, |_| !self.stopping.load(Ordering::SeqCst))
            .unwrap_or_else(|e| e.into_inner());
        !self.stopping.load(Ordering::SeqCst)
    }
}

/// Locks, ignoring poisoning (a panicking test must not hide the requests from the others).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) -> Vec<JoinHandle<()>> {
    let mut handlers = Vec::new();
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(clone) = stream.try_clone() else { continue };
        lock(&shared.streams).push(clone);
        let connection = shared.connections.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(shared);
        if let Ok(handler) = thread::Builder::new().spawn(move || serve(stream, connection, &shared)) {
            handlers.push(handler);
        }
    }
    handlers
}

/// Serves one connection until the client closes it, asks to close it, or a reply closes it.
pub(crate) fn serve(stream: TcpStream, connection: usize, shared: &Shared) {
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader, &mut writer) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(Malformed::Io) => return,
            Err(Malformed::Http(message)) => {
                lock(&shared.errors).push(message.clone());
                let _ = write_response(&mut writer, &Reply::empty(400).body(message), false, false);
                let _ = writer.shutdown(Shutdown::Both);
                return;
            }
        };
        let keep_alive = request.keep_alive();
        let head = request.method == "HEAD";
        let signature = shared.verifier.check(&request.method, &request.target, &request.headers, &request.body);
        lock(&shared.requests).push(Captured {
            connection,
            method: request.method,
            target: request.target,
            version: request.version,
            headers: request.headers,
            body: request.body,
            signature,
        });
        let reply = shared.next_reply();
        if !reply.delay.is_zero() && !shared.wait(reply.delay) {
            return;
        }
        if reply.reset {
            reset(writer, shared);
            return;
        }
        if reply.close || shared.stopping.load(Ordering::SeqCst) {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        if write_response(&mut writer, &reply, keep_alive, head).is_err() || !keep_alive {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// Closes `stream` with a TCP RST instead of a FIN: `SO_LINGER` on with a zero timeout, then
/// every descriptor of the socket closed (the caller drops its reading half).
pub(crate) fn reset(stream: TcpStream, shared: &Shared) {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let linger = libc::linger { l_onoff: 1, l_linger: 0 };
        // SAFETY: a valid socket descriptor and a `linger` of the size passed.
        unsafe {
            libc::setsockopt(
                stream.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&linger as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            );
        }
    }
    let peer = stream.peer_addr().ok();
    lock(&shared.streams).retain(|s| s.peer_addr().ok() != peer);
    drop(stream);
}
