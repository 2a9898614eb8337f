//! The one place HTTP clients are built and answers are read, for the
//! provider clients and the Auth0 connection alike: the timeouts, the user
//! agent, no redirects followed (a redirect answer is an error that names
//! where it pointed), and a body limit that holds while the body streams in.

use std::time::Duration;

/// How long to wait for a connection, and for a whole request.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// The largest answer read: ample for anything these APIs send.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A client with `connect` and `request` timeouts that follows no redirect.
pub(crate) fn client(connect: Duration, request: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(connect)
        .timeout(request)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("sms-mfa/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a TLS backend is compiled in")
}

/// Why an answer could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// A 3xx answer: not followed.
    Redirect { status: u16, location: String },
    /// The body is larger than [`BODY_LIMIT`].
    TooLarge { status: u16 },
    /// The transport failed while the body came in (a timeout, a reset).
    Transport(reqwest::Error),
}

impl std::error::Error for ReadError {}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Redirect { status, location } => write!(
                f,
                "the server answered HTTP {status}, a redirect to {location}; sms-mfa follows no redirects: check the base URL"
            ),
            ReadError::TooLarge { status } => write!(
                f,
                "the answer (HTTP {status}) is larger than {} MiB, more than this API ever sends; it was not read",
                BODY_LIMIT / (1024 * 1024)
            ),
            ReadError::Transport(e) => write!(f, "{}", crate::sanitize::one_line(&e.to_string())),
        }
    }
}

/// Read an answer: its status and body as text (lossy UTF-8), at most
/// [`BODY_LIMIT`] bytes, chunk by chunk so that a larger or endless body
/// stops there. A redirect is an error.
pub(crate) async fn read(mut resp: reqwest::Response) -> Result<(u16, String), ReadError> {
    let status = resp.status().as_u16();
    if resp.status().is_redirection() {
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_else(|| "(no Location header)".into());
        let location: String = crate::sanitize::one_line(&location)
            .chars()
            .take(200)
            .collect();
        return Err(ReadError::Redirect { status, location });
    }
    if resp.content_length().is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(ReadError::TooLarge { status });
    }
    let mut body: Vec<u8> = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Transport)? {
        if body.len() + chunk.len() > BODY_LIMIT {
            return Err(ReadError::TooLarge { status });
        }
        body.extend_from_slice(&chunk);
    }
    let text = match String::from_utf8(body) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok((status, text))
}

/// `id` as one URL path segment: percent-encoded, so that an id from an
/// answer (`../x?y`) stays one segment of the path it is put into.
pub(crate) fn segment(id: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    /// Everything but unreserved characters (RFC 3986) is encoded.
    const SEGMENT: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'/')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'\\')
        .add(b'^')
        .add(b'|')
        .add(b'[')
        .add(b']')
        .add(b'@')
        .add(b':')
        .add(b';')
        .add(b'=')
        .add(b'&')
        .add(b'+')
        .add(b'$')
        .add(b',')
        .add(b'\'')
        .add(b'!')
        .add(b'(')
        .add(b')')
        .add(b'*');
    let s = utf8_percent_encode(id, SEGMENT).to_string();
    // `.` and `..` are path steps, not names.
    match s.as_str() {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_stay_one_segment() {
        assert_eq!(segment("SM0123abc"), "SM0123abc");
        assert_eq!(segment("../../steal?x="), "..%2F..%2Fsteal%3Fx%3D");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("a b#c"), "a%20b%23c");
        assert_eq!(segment("act_1-2.x~y_z"), "act_1-2.x~y_z");
    }
}
