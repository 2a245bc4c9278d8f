//! A guard in front of tower-lsp-server's reader. Its codec stops reading for good after a
//! frame whose body is not a JSON-RPC message (not JSON, or JSON of another shape), which
//! would end the server; this pump copies the client's frames through a pipe and drops (and
//! logs) malformed ones instead.
//!
//! A frame whose `Content-Length` is missing, wrong or absurd leaves the stream out of step;
//! the pump finds the next `Content-Length:` header again (also inside a bad body or after
//! garbage on a header line), so that one bad frame loses no other message.

use serde::Deserialize;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Request, Response};

/// Larger frames are taken for a corrupt header: dropped without reading their body.
const MAX_FRAME: usize = 1 << 30;

const HEADER: &[u8] = b"content-length:";

/// What tower-lsp-server's codec reads a frame as (its own `Message` is private): anything
/// else would stop it.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only parsed, to check the shape
enum Message {
    Response(Response),
    Request(Request),
}

/// Copy well-formed frames from `input` to `output` until `input` ends (then `output` is
/// dropped, which the server reads as the end of its input).
pub async fn pump<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = Input {
        inner: BufReader::with_capacity(1 << 16, input),
        back: Vec::new(),
        pos: 0,
    };
    loop {
        let len = match headers(&mut input).await {
            Frame::End => break,
            Frame::NoLength => {
                tracing::warn!("dropping a message without Content-Length");
                continue;
            }
            Frame::Len(n) if n > MAX_FRAME => {
                tracing::error!("dropping a message that claims {n} bytes");
                continue;
            }
            Frame::Len(n) => n,
        };
        let mut body = vec![0; len];
        if input.read_exact(&mut body).await.is_err() {
            break;
        }
        if serde_json::from_slice::<Message>(&body).is_err() {
            tracing::error!("dropping a message that is not JSON-RPC ({len} bytes)");
            // A Content-Length that was too long swallowed the start of the next frame: look
            // for a header again from just after the start of this body.
            if len > 1 {
                input.unread(&body[1..]);
            }
            continue;
        }
        let head = format!("Content-Length: {len}\r\n\r\n");
        let sent = async {
            output.write_all(head.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if sent.await.is_err() {
            // The server stopped reading (it exited).
            break;
        }
    }
}

/// The client's bytes, with bytes put back in front (to resynchronise after a bad frame):
/// `back[pos..]` is read before `inner`.
struct Input<R> {
    inner: BufReader<R>,
    back: Vec<u8>,
    pos: usize,
}

impl<R: AsyncRead + Unpin> Input<R> {
    /// Move `n` put-back bytes to `out` (and free them once all are read).
    fn take_back(&mut self, n: usize, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.back[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.back.len() {
            self.back = Vec::new();
            self.pos = 0;
        }
    }

    /// Read up to and including the next `\n` (or to the end); 0 at the end.
    async fn read_line(&mut self, line: &mut Vec<u8>) -> std::io::Result<usize> {
        let pending = &self.back[self.pos..];
        if let Some(i) = pending.iter().position(|&b| b == b'\n') {
            self.take_back(i + 1, line);
            return Ok(i + 1);
        }
        let n = pending.len();
        self.take_back(n, line);
        Ok(n + self.inner.read_until(b'\n', line).await?)
    }

    async fn read_exact(&mut self, buf: &mut [u8]) -> std::io::Result<()> {
        let k = (self.back.len() - self.pos).min(buf.len());
        let mut head = Vec::with_capacity(k);
        self.take_back(k, &mut head);
        buf[..k].copy_from_slice(&head);
        self.inner.read_exact(&mut buf[k..]).await.map(|_| ())
    }

    fn unread(&mut self, bytes: &[u8]) {
        let mut back = bytes.to_vec();
        back.extend_from_slice(&self.back[self.pos..]);
        self.back = back;
        self.pos = 0;
    }
}

/// Where `Content-Length:` (any case) starts in `bytes`.
fn find_header(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(HEADER.len())
        .position(|w| w.eq_ignore_ascii_case(HEADER))
}

enum Frame {
    Len(usize),
    NoLength,
    End,
}

/// Read header lines up to the blank line; the Content-Length if there was one. A header
/// line with garbage before `Content-Length:` (the rest of a bad frame) still counts.
async fn headers<R: AsyncRead + Unpin>(r: &mut Input<R>) -> Frame {
    let mut len = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        match r.read_line(&mut line).await {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        if line.trim_ascii().is_empty() {
            if any {
                break;
            }
            // Stray blank lines between frames.
            continue;
        }
        any = true;
        if let Some(at) = find_header(&line) {
            let value = String::from_utf8_lossy(&line[at + HEADER.len()..]);
            len = value.trim().parse::<usize>().ok();
        }
    }
    len.map_or(Frame::NoLength, Frame::Len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn malformed_frames_are_dropped_and_good_ones_pass() {
        let request = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let response = r#"{"jsonrpc":"2.0","id":7,"result":null}"#;
        let input = format!(
            "Content-Length: 9\r\n\r\n{{not json\r\ncontent-length: 44\r\nContent-Type: x\r\n\r\n{request}garbage\r\n\r\nContent-Length: 4\r\n\r\nnullContent-Length: 38\r\n\r\n{response}"
        );
        assert_eq!(
            pumped(input.as_bytes()).await,
            format!("Content-Length: 44\r\n\r\n{request}Content-Length: 38\r\n\r\n{response}")
        );
    }

    async fn pumped(input: &[u8]) -> String {
        let mut out = Vec::new();
        pump(input, &mut out).await;
        String::from_utf8(out).unwrap()
    }

    #[tokio::test]
    async fn a_wrong_content_length_loses_no_other_frame() {
        let good = "Content-Length: 30\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}";
        // No Content-Length: the body runs into the next header line.
        let input = format!("Content-Type: x\r\n\r\n[1,{good}{good}");
        assert_eq!(pumped(input.as_bytes()).await, good.repeat(2));
        // Too short: the rest of the body runs into the next header line.
        let input = format!("Content-Length: 5\r\n\r\n{{\"a\":1}}{good}");
        assert_eq!(pumped(input.as_bytes()).await, good);
        // Too long: the body swallows the start of the next frame.
        let input = format!("Content-Length: 12\r\n\r\n{{\"a\":1}}{good}{good}");
        assert_eq!(pumped(input.as_bytes()).await, good.repeat(2));
        // JSON, but not a JSON-RPC message.
        let input =
            format!("Content-Length: 7\r\n\r\n[1,2,3]{good}Content-Length: 2\r\n\r\n42{good}");
        assert_eq!(pumped(input.as_bytes()).await, good.repeat(2));
        // Absurd: not read at all.
        let input = format!("Content-Length: 99999999999\r\n\r\n{{}}\r\n{good}");
        assert_eq!(pumped(input.as_bytes()).await, good);
    }
}
