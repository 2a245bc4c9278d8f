//! One page fetched over HTTP(S): one GET per hop, redirects followed by hand so that every
//! hop is recorded (its request, status, headers and body), for the WARC writer.
//!
//! Invariants:
//! - every wait is bounded: a connect timeout, and one deadline for the whole fetch (all
//!   hops, bodies included); past it the fetch ends with [`FetchError::Timeout`];
//! - at most [`FetchOptions::max_bytes`] body bytes are read over all hops: past that the
//!   fetch ends with [`FetchError::TooLarge`] and nothing is returned;
//! - at most [`FetchOptions::max_redirects`] redirects are followed;
//! - the final page is returned only when its status is 2xx and its content type is one
//!   sourced reads ([`READABLE`]); a page is never half returned;
//! - no compressed body is asked for (`Accept-Encoding: identity`, and ureq is built without
//!   its decoders): the body kept is the bytes the server sent, dechunked.
//!
//! The HTTP heads kept are rebuilt from what ureq parsed: header names in lower case, the
//! reason phrase the canonical one, `Transfer-Encoding` dropped and `Content-Length` the
//! length of the body kept, so that a WARC reader finds the body as stored.

use std::time::{Duration, Instant, SystemTime};
use ureq::http::{header, Response, StatusCode, Version};

/// The content types sourced archives: HTML, XHTML, plain text and PDF.
pub const READABLE: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/pdf",
];

/// What sourced says it is, in the `User-Agent` of every request.
pub const USER_AGENT: &str = concat!(
    "sourced/",
    env!("CARGO_PKG_VERSION"),
    " (fact-checking archiver)"
);

const ACCEPT: &str =
    "text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1";

/// The bounds of one fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The whole fetch, every hop and body included.
    pub timeout: Duration,
    /// Setting up one connection (DNS, TCP, TLS), within `timeout`.
    pub connect_timeout: Duration,
    /// Body bytes read at most, over all hops.
    pub max_bytes: u64,
    /// Redirects followed at most.
    pub max_redirects: usize,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_bytes: 50 << 20,
            max_redirects: 10,
        }
    }
}

/// One request and its response.
#[derive(Debug, Clone)]
pub struct Hop {
    pub url: String,
    /// When the request was sent.
    pub sent_at: SystemTime,
    /// The request head as sent: request line and headers, ending with the blank line.
    pub request_head: Vec<u8>,
    pub status: u16,
    /// The response head (status line and headers, ending with the blank line).
    pub response_head: Vec<u8>,
    /// The response headers, names in lower case, in the order of the head.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Hop {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Where a redirect leads, as sent (`Location`).
    pub fn location(&self) -> Option<&str> {
        if (300..400).contains(&self.status) {
            self.header("location")
        } else {
            None
        }
    }
}

/// A page fetched: every hop, the last one the page.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub hops: Vec<Hop>,
}

impl Fetched {
    pub fn last(&self) -> &Hop {
        self.hops.last().expect("a fetch has at least one hop")
    }
}

/// Why a page could not be fetched. Each names the URL and says what happened.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FetchError {
    #[error("{url}: not a web address sourced can fetch ({why})")]
    BadUrl { url: String, why: String },
    #[error("{url}: the server name {host} was not found (DNS)")]
    Dns { url: String, host: String },
    #[error("{url}: secure connection (TLS) failed: {detail}")]
    Tls { url: String, detail: String },
    #[error("{url}: connection refused by the server")]
    Refused { url: String },
    #[error("{url}: could not connect: {detail}")]
    Connect { url: String, detail: String },
    #[error("{url}: page not found (HTTP 404)")]
    NotFound { url: String },
    #[error("{url}: forbidden or behind a paywall (HTTP {status})")]
    Forbidden { url: String, status: u16 },
    #[error("{url}: the server answered HTTP {status}{reason}")]
    Status {
        url: String,
        status: u16,
        reason: String,
    },
    #[error("{url}: no answer within {seconds} s (timeout)")]
    Timeout { url: String, seconds: u64 },
    #[error("{url}: more than {max} redirects")]
    TooManyRedirects { url: String, max: usize },
    #[error("{url}: redirect to {location:?}, which is not a web address sourced can fetch")]
    BadRedirect { url: String, location: String },
    #[error("{url}: too large: more than {mb} MB (raise --max-mb or archive_max_mb)")]
    TooLarge { url: String, mb: u64 },
    #[error("{url}: not a page sourced can read ({content_type})")]
    NotAPage { url: String, content_type: String },
    #[error("{url}: {detail}")]
    Network { url: String, detail: String },
}

/// `url` parsed, if it is an http(s) address with a host; its fragment (never sent) is
/// dropped.
pub fn parse_url(url: &str) -> Result<url::Url, FetchError> {
    let bad = |why: String| FetchError::BadUrl {
        url: url.to_string(),
        why,
    };
    let parsed = url::Url::parse(url.trim()).map_err(|e| bad(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(format!("{}: is not http or https", parsed.scheme())));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("no server name".into()));
    }
    let mut parsed = parsed;
    parsed.set_fragment(None);
    Ok(parsed)
}

/// Fetch `url`, following redirects by hand, within `options`' bounds.
pub fn fetch(url: &str, options: &FetchOptions) -> Result<Fetched, FetchError> {
    let start = Instant::now();
    let deadline = start + options.timeout;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        .accept(ACCEPT)
        .accept_encoding("identity")
        .timeout_connect(Some(options.connect_timeout.min(options.timeout)))
        .build()
        .into();
    let mut at = parse_url(url)?;
    let mut hops: Vec<Hop> = Vec::new();
    let mut read = 0u64;
    let timeout = |url: &url::Url| FetchError::Timeout {
        url: url.to_string(),
        seconds: options.timeout.as_secs_f64().ceil() as u64,
    };
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timeout(&at));
        }
        let sent_at = SystemTime::now();
        let mut response = agent
            .get(at.as_str())
            .config()
            .timeout_global(Some(left))
            .build()
            .call()
            .map_err(|e| call_error(e, &at, options))?;
        let status = response.status().as_u16();
        let redirect = (300..400).contains(&status) && response.headers().contains_key("location");
        if !redirect {
            final_status(status, &at)?;
            let content_type = header_str(&response, header::CONTENT_TYPE).unwrap_or_default();
            if !is_readable(&content_type) {
                return Err(FetchError::NotAPage {
                    url: at.to_string(),
                    content_type: if content_type.is_empty() {
                        "no content type".into()
                    } else {
                        content_type
                    },
                });
            }
        }
        let left_bytes = options.max_bytes.saturating_sub(read);
        let too_large = || FetchError::TooLarge {
            url: at.to_string(),
            mb: options.max_bytes.div_ceil(1 << 20),
        };
        let declared = header_str(&response, header::CONTENT_LENGTH).and_then(|v| v.parse().ok());
        if declared.is_some_and(|n: u64| n > left_bytes) {
            return Err(too_large());
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(left_bytes)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => too_large(),
                ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                    FetchError::Network {
                        url: at.to_string(),
                        detail: "the connection ended before the whole page was received".into(),
                    }
                }
                e => call_error(e, &at, options),
            })?;
        read += body.len() as u64;
        let hop = hop_of(&at, sent_at, &response, body);
        let location = hop.location().map(str::to_string);
        hops.push(hop);
        let Some(location) = location else {
            return Ok(Fetched { hops });
        };
        if hops.len() > options.max_redirects {
            return Err(FetchError::TooManyRedirects {
                url: url.to_string(),
                max: options.max_redirects,
            });
        }
        let bad_redirect = || FetchError::BadRedirect {
            url: at.to_string(),
            location: location.clone(),
        };
        let next = at.join(&location).map_err(|_| bad_redirect())?;
        at = parse_url(next.as_str()).map_err(|_| bad_redirect())?;
    }
}

/// A final (non-redirect) status: 2xx goes on, anything else is its error.
fn final_status(status: u16, url: &url::Url) -> Result<(), FetchError> {
    let url = url.to_string();
    match status {
        200..=299 => Ok(()),
        404 | 410 => Err(FetchError::NotFound { url }),
        401 | 402 | 403 | 451 => Err(FetchError::Forbidden { url, status }),
        _ => Err(FetchError::Status {
            url,
            status,
            reason: StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .map(|r| format!(" ({r})"))
                .unwrap_or_default(),
        }),
    }
}

/// Whether sourced reads a body of this `Content-Type` (its media type, parameters aside).
pub fn is_readable(content_type: &str) -> bool {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    READABLE.contains(&media.as_str())
}

fn header_str<B>(response: &Response<B>, name: header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
}

/// A ureq error as the failure a person can act on.
fn call_error(e: ureq::Error, url: &url::Url, options: &FetchOptions) -> FetchError {
    let u = url.to_string();
    match e {
        ureq::Error::HostNotFound => FetchError::Dns {
            url: u,
            host: url.host_str().unwrap_or_default().to_string(),
        },
        ureq::Error::Timeout(_) => FetchError::Timeout {
            url: u,
            seconds: options.timeout.as_secs_f64().ceil() as u64,
        },
        ureq::Error::Tls(detail) => FetchError::Tls {
            url: u,
            detail: detail.to_string(),
        },
        ureq::Error::Rustls(detail) => FetchError::Tls {
            url: u,
            detail: detail.to_string(),
        },
        ureq::Error::Pem(detail) => FetchError::Tls {
            url: u,
            detail: detail.to_string(),
        },
        ureq::Error::TooManyRedirects => FetchError::TooManyRedirects {
            url: u,
            max: options.max_redirects,
        },
        ureq::Error::ConnectionFailed => FetchError::Connect {
            url: u,
            detail: "no connection could be made".into(),
        },
        ureq::Error::Io(io) => io_error(io, url, options),
        other => FetchError::Network {
            url: u,
            detail: other.to_string(),
        },
    }
}

fn io_error(io: std::io::Error, url: &url::Url, options: &FetchOptions) -> FetchError {
    use std::io::ErrorKind as K;
    let u = url.to_string();
    match io.kind() {
        K::ConnectionRefused => FetchError::Refused { url: u },
        // ureq resolves with the standard library, whose failed lookups have no kind of
        // their own, only this message (getaddrinfo's).
        _ if io.to_string().starts_with("failed to lookup address") => FetchError::Dns {
            url: u,
            host: url.host_str().unwrap_or_default().to_string(),
        },
        K::TimedOut | K::WouldBlock => FetchError::Timeout {
            url: u,
            seconds: options.timeout.as_secs_f64().ceil() as u64,
        },
        // rustls reports a bad certificate or a server that does not speak TLS as invalid
        // data, and a server that hangs up during the handshake as an early end.
        K::InvalidData | K::UnexpectedEof if url.scheme() == "https" => FetchError::Tls {
            url: u,
            detail: io.to_string(),
        },
        K::UnexpectedEof => FetchError::Connect {
            url: u,
            detail: "the server closed the connection without a complete answer".into(),
        },
        K::ConnectionReset
        | K::ConnectionAborted
        | K::NotConnected
        | K::HostUnreachable
        | K::NetworkUnreachable
        | K::AddrNotAvailable => FetchError::Connect {
            url: u,
            detail: io.to_string(),
        },
        _ => FetchError::Network {
            url: u,
            detail: io.to_string(),
        },
    }
}

/// The hop as kept: the request sourced sent, the response head rebuilt, the body.
fn hop_of(
    url: &url::Url,
    sent_at: SystemTime,
    response: &Response<ureq::Body>,
    body: Vec<u8>,
) -> Hop {
    let status = response.status();
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in response.headers() {
        if name == header::TRANSFER_ENCODING || name == header::CONTENT_LENGTH {
            continue;
        }
        headers.push((
            name.as_str().to_string(),
            String::from_utf8_lossy(value.as_bytes()).into_owned(),
        ));
    }
    headers.push(("content-length".into(), body.len().to_string()));
    let version = match response.version() {
        Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let mut head = format!(
        "{version} {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    for (n, v) in &headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    Hop {
        url: url.to_string(),
        sent_at,
        request_head: request_head(url).into_bytes(),
        status: status.as_u16(),
        response_head: head.into_bytes(),
        headers,
        body,
    }
}

/// The request ureq sends for a GET of `url` with the agent of [`fetch`].
fn request_head(url: &url::Url) -> String {
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    };
    format!(
        "GET {target} HTTP/1.1\r\nhost: {host}\r\nuser-agent: {USER_AGENT}\r\naccept: {ACCEPT}\r\n\
         accept-encoding: identity\r\n\r\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_sourced_reads_are_readable() {
        for ok in [
            "text/html",
            "text/html; charset=windows-1252",
            "Application/XHTML+xml",
            "text/plain;charset=utf-8",
            "application/pdf",
        ] {
            assert!(is_readable(ok), "{ok}");
        }
        for no in ["image/png", "", "application/json", "text/htmlx"] {
            assert!(!is_readable(no), "{no}");
        }
    }

    #[test]
    fn only_http_addresses_with_a_host_are_fetched() {
        assert_eq!(
            parse_url("https://Example.org/a?b=c#part")
                .unwrap()
                .as_str(),
            "https://example.org/a?b=c"
        );
        for bad in [
            "file:///etc/passwd",
            "ftp://x.org/",
            "example.org",
            "http://",
            "",
        ] {
            assert!(
                matches!(parse_url(bad), Err(FetchError::BadUrl { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_request_head_names_the_path_query_and_port() {
        let u = url::Url::parse("http://example.org:8080/a/b?x=1#frag").unwrap();
        let head = request_head(&u);
        assert!(head.starts_with("GET /a/b?x=1 HTTP/1.1\r\nhost: example.org:8080\r\n"));
        assert!(head.contains(&format!("user-agent: {USER_AGENT}\r\n")));
        assert!(head.ends_with("\r\n\r\n"));
    }
}
