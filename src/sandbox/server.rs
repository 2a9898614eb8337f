//! The loopback HTTP server under the sandbox's simulations: HTTP/1.1 on
//! `127.0.0.1` (a random port), served by hyper on a thread of its own with
//! its own single-threaded tokio runtime, so it keeps answering while the
//! caller's runtime blocks (a test's `spawn_blocking`, the wizard's event
//! loop). Every request is recorded, in order, then handed to a
//! [`Respond`]er; tests read the record with [`Server::received_requests`]
//! and may make a route answer differently with [`Server::answer_with`].
//! Dropping the server stops it (answers still waiting are abandoned).

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
pub(crate) use hyper::{HeaderMap, Method};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The largest request body read (a simulated API gets small JSON and form
/// bodies; anything larger is answered 413 and not handed on).
pub(crate) const BODY_LIMIT: usize = 1024 * 1024;

/// A request as the simulations see it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// `http://127.0.0.1:PORT` with the request's path and query.
    pub url: url::Url,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// An answer: status, headers, body, and how long to wait before sending it.
#[derive(Debug, Clone)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) delay: Duration,
}

impl Response {
    /// An empty answer with `status`.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// Adds a header (a second one of the same name is sent too).
    pub fn insert_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// `body` with the content type `mime`.
    pub(crate) fn set_body_raw(mut self, body: impl Into<Vec<u8>>, mime: &str) -> Response {
        self.headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        self.headers.push(("content-type".into(), mime.into()));
        self.body = body.into();
        self
    }

    /// `value` as `application/json`.
    pub fn set_body_json(self, value: impl serde::Serialize) -> Response {
        let body = serde_json::to_vec(&value).unwrap_or_default();
        self.set_body_raw(body, "application/json")
    }

    /// `text` as `text/plain`.
    pub fn set_body_string(self, text: impl Into<String>) -> Response {
        self.set_body_raw(text.into(), "text/plain")
    }

    /// Sent `delay` late.
    pub fn set_delay(mut self, delay: Duration) -> Response {
        self.delay = delay;
        self
    }
}

/// What answers the server's requests.
pub(crate) trait Respond: Send + Sync + 'static {
    fn respond(&self, req: &Request) -> Response;
}

impl<F: Fn(&Request) -> Response + Send + Sync + 'static> Respond for F {
    fn respond(&self, req: &Request) -> Response {
        self(req)
    }
}

/// A test's answer for some requests: `Some` wins over the responder.
type Override = Arc<dyn Fn(&Request) -> Option<Response> + Send + Sync>;

#[derive(Default)]
struct Shared {
    requests: Mutex<Vec<Request>>,
    overrides: Mutex<Vec<Override>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running server; stops when dropped.
pub struct Server {
    address: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Serve `responder` on a random loopback port. Panics when no port
    /// or thread can be had (the sandbox cannot run without them).
    pub(crate) fn start(responder: impl Respond) -> Server {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .expect("the sandbox binds a loopback port");
        let address = listener.local_addr().expect("a bound port has an address");
        let shared = Arc::new(Shared::default());
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let responder: Arc<dyn Respond> = Arc::new(responder);
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("sandbox-server-{}", address.port()))
            .spawn(move || run(listener, address, state, responder, stopped))
            .expect("the sandbox starts its server thread");
        Server {
            address,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Every request so far, oldest first.
    pub fn received_requests(&self) -> Vec<Request> {
        lock(&self.shared.requests).clone()
    }

    /// From now on, a request `answer` gives `Some` to gets that answer
    /// instead of the responder's (still recorded). The latest override
    /// that answers wins.
    pub fn answer_with(
        &self,
        answer: impl Fn(&Request) -> Option<Response> + Send + Sync + 'static,
    ) {
        lock(&self.shared.overrides).push(Arc::new(answer));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn run(
    listener: std::net::TcpListener,
    address: SocketAddr,
    shared: Arc<Shared>,
    responder: Arc<dyn Respond>,
    mut stopped: tokio::sync::oneshot::Receiver<()>,
) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    runtime.block_on(async move {
        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
            return;
        };
        loop {
            let stream = tokio::select! {
                _ = &mut stopped => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => continue,
                },
            };
            let (shared, responder) = (shared.clone(), responder.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req| {
                    answer(req, address, shared.clone(), responder.clone())
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    // Dropping the runtime abandons the connections still open.
}

async fn answer(
    req: hyper::Request<Incoming>,
    address: SocketAddr,
    shared: Arc<Shared>,
    responder: Arc<dyn Respond>,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = req.into_parts();
    let target = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = url::Url::parse(&format!("http://{address}{target}"));
    let body = Limited::new(body, BODY_LIMIT).collect().await;
    let response = match (url, body) {
        (Ok(url), Ok(body)) => {
            let req = Request {
                method: parts.method,
                url,
                headers: parts.headers,
                body: body.to_bytes().to_vec(),
            };
            lock(&shared.requests).push(req.clone());
            let overrides = lock(&shared.overrides).clone();
            overrides
                .iter()
                .rev()
                .find_map(|o| o(&req))
                .unwrap_or_else(|| responder.respond(&req))
        }
        (Err(_), _) => Response::new(400).set_body_string("Bad Request"),
        (_, Err(_)) => Response::new(413).set_body_string("Payload Too Large"),
    };
    if !response.delay.is_zero() {
        tokio::time::sleep(response.delay).await;
    }
    let mut out = hyper::Response::new(Full::new(Bytes::from(response.body)));
    *out.status_mut() = hyper::StatusCode::from_u16(response.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in &response.headers {
        if let (Ok(n), Ok(v)) = (
            hyper::header::HeaderName::from_bytes(name.as_bytes()),
            hyper::header::HeaderValue::from_str(value),
        ) {
            out.headers_mut().append(n, v);
        }
    }
    Ok(out)
}

/// `Authorization: Basic …` for `user` and `password` (RFC 7617: base64 of
/// `user:password`, RFC 4648 alphabet with padding).
pub(crate) fn basic_auth(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let mut out = String::from("Basic ");
    for chunk in input.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn basic_auth_is_rfc_7617s() {
        // RFC 7617 section 2's example.
        assert_eq!(
            basic_auth("Aladdin", "open sesame"),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(basic_auth("a", ""), "Basic YTo=");
        assert_eq!(basic_auth("ab", "c"), "Basic YWI6Yw==");
        assert_eq!(basic_auth("ab", "cd"), "Basic YWI6Y2Q=");
    }

    #[test]
    fn it_records_answers_overrides_and_refuses_large_bodies() {
        let server = Server::start(|r: &Request| {
            Response::new(200).set_body_json(serde_json::json!({"path": r.url.path()}))
        });
        server.answer_with(|r| {
            (r.url.path() == "/special").then(|| Response::new(418).insert_header("x-a", "b"))
        });
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let client = reqwest::Client::new();
            let a = client
                .post(format!("{}/one?x=1", server.uri()))
                .header("content-type", "text/plain")
                .body("hello")
                .send()
                .await
                .unwrap();
            assert_eq!(a.status(), 200);
            assert_eq!(a.headers()["content-type"], "application/json");
            assert_eq!(a.json::<Value>().await.unwrap()["path"], "/one");
            let b = client
                .get(format!("{}/special", server.uri()))
                .send()
                .await
                .unwrap();
            assert_eq!(b.status(), 418);
            assert_eq!(b.headers()["x-a"], "b");
            let c = client
                .post(format!("{}/big", server.uri()))
                .body(vec![b'x'; BODY_LIMIT + 1])
                .send()
                .await
                .unwrap();
            assert_eq!(c.status(), 413);
        });
        let got = server.received_requests();
        assert_eq!(got.len(), 2, "the refused body is not recorded");
        assert_eq!(got[0].method, Method::POST);
        assert_eq!(got[0].url.path(), "/one");
        assert_eq!(got[0].url.query(), Some("x=1"));
        assert_eq!(got[0].headers["content-type"], "text/plain");
        assert_eq!(got[0].body, b"hello");
        assert_eq!(got[1].url.path(), "/special");
    }
}
