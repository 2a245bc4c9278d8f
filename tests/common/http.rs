//! A real HTTP/1.1 server for the tests, on 127.0.0.1 with a port of the system's choosing:
//! routes given as a table (path → [`Reply`]), one thread per connection, one request per
//! connection (`Connection: close`). It records the head of every request it receives, and
//! stops when dropped (slow and endless replies end then too).
//!
//! ```ignore
//! let server = TestServer::start(vec![
//!     ("/a", Reply::redirect(301, "/b")),
//!     ("/b", Reply::ok("text/html", b"<p>hi</p>")),
//! ]);
//! let url = server.url("/a");
//! ```

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the server answers on a path.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A whole response: status, headers (besides `Content-Length` and `Connection`), body.
    Fixed {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Nothing at all for `delay` (or until the server stops), then `then`.
    Slow { delay: Duration, then: Box<Reply> },
    /// A 200 of `content_type` whose body never ends (no length: it lasts until the client
    /// hangs up or the server stops).
    Endless { content_type: String },
    /// Each request gets the next reply of the list; the last one repeats.
    Sequence(Arc<Mutex<std::collections::VecDeque<Reply>>>),
}

impl Reply {
    pub fn ok(content_type: &str, body: &[u8]) -> Reply {
        Reply::Fixed {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.to_vec(),
        }
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Fixed {
            status,
            headers: vec![
                ("Location".into(), location.into()),
                ("Content-Type".into(), "text/html".into()),
            ],
            body: format!("<a href=\"{location}\">moved</a>").into_bytes(),
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply::Fixed {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: format!("<h1>{status}</h1>").into_bytes(),
        }
    }

    pub fn slow(delay: Duration, then: Reply) -> Reply {
        Reply::Slow {
            delay,
            then: Box::new(then),
        }
    }

    pub fn sequence(replies: Vec<Reply>) -> Reply {
        Reply::Sequence(Arc::new(Mutex::new(replies.into())))
    }

    /// A JSON answer.
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Fixed {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn endless(content_type: &str) -> Reply {
        Reply::Endless {
            content_type: content_type.into(),
        }
    }
}

/// The running server; stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serve `routes` (an unknown path is a 404).
    pub fn start(routes: Vec<(&str, Reply)>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let routes: Arc<HashMap<String, Reply>> = Arc::new(
            routes
                .into_iter()
                .map(|(p, r)| (p.to_string(), r))
                .collect(),
        );
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let (stop, requests) = (stop.clone(), requests.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let (routes, stop, requests) = (routes.clone(), stop.clone(), requests.clone());
                    std::thread::spawn(move || serve(conn, &routes, &stop, &requests));
                }
            })
        };
        TestServer {
            addr,
            stop,
            requests,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    /// The heads of the requests received so far (request line and headers, as sent).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    mut conn: TcpStream,
    routes: &HashMap<String, Reply>,
    stop: &AtomicBool,
    requests: &Mutex<Vec<String>>,
) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = String::new();
    let mut reader = BufReader::new(match conn.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    });
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        head.push_str(&line);
        if line == "\r\n" || line == "\n" || head.len() > 64 * 1024 {
            break;
        }
    }
    requests.lock().unwrap().push(head.clone());
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let reply = routes.get(&path).cloned().unwrap_or(Reply::status(404));
    respond(&mut conn, reply, stop);
}

fn respond(conn: &mut TcpStream, reply: Reply, stop: &AtomicBool) {
    match reply {
        Reply::Fixed {
            status,
            headers,
            body,
        } => {
            let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (n, v) in &headers {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
            out.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ));
            let _ = conn.write_all(out.as_bytes());
            let _ = conn.write_all(&body);
            let _ = conn.flush();
        }
        Reply::Slow { delay, then } => {
            let until = Instant::now() + delay;
            while Instant::now() < until {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            respond(conn, *then, stop);
        }
        Reply::Sequence(replies) => {
            let next = {
                let mut r = replies.lock().unwrap();
                if r.len() > 1 {
                    r.pop_front()
                } else {
                    r.front().cloned()
                }
            };
            if let Some(next) = next {
                respond(conn, next, stop);
            }
        }
        Reply::Endless { content_type } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n"
            );
            if conn.write_all(head.as_bytes()).is_err() {
                return;
            }
            let chunk = vec![b'a'; 64 * 1024];
            while !stop.load(Ordering::SeqCst) {
                if conn.write_all(&chunk).is_err() {
                    return;
                }
            }
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}
