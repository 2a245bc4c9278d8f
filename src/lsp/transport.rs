//! A guard around tower-lsp-server's transport. Its codec stops reading for good after a
//! frame whose body is not a JSON-RPC message (not JSON, not UTF-8, a lone surrogate escape,
//! JSON of another shape), which would end the server; and it trusts `Content-Length`, so a
//! length too large leaves it deaf until that many more bytes come. So the client's bytes go
//! through a pump first, which cuts them into bodies itself ([`framing`]), repairs or judges
//! each ([`repair`]) and passes on only messages tower-lsp-server can read, each with its
//! true length; requests it cannot pass on are answered with a JSON-RPC error, written
//! between tower-lsp-server's own frames ([`output`]).
//!
//! Invariants: no bad frame loses another message; every request is answered (by the server
//! or with an error here); nothing is allocated for a length that was only announced.

mod framing;
mod output;
mod repair;

use framing::{Event, Framer, MAX_BODY};
use repair::{Repaired, Verdict};
use std::future::Future;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Response;

/// Run `server` (tower-lsp-server's transport, given its input and output) on the client's
/// `input` and `output`, guarded; returns when `server` does.
pub async fn guarded<I, O, S, F>(input: I, output: O, server: S)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite,
    S: FnOnce(DuplexStream, DuplexStream) -> F,
    F: Future<Output = ()>,
{
    let (to_server, server_input) = tokio::io::duplex(1 << 16);
    let (server_output, from_server) = tokio::io::duplex(1 << 16);
    let (answer, answers) = mpsc::channel(64);
    let pump = tokio::spawn(pump(input, to_server, answer));
    tokio::join!(
        server(server_input, server_output),
        output::merge(from_server, answers, output)
    );
    pump.abort();
}

/// Pass the client's messages from `input` to `server` until `input` ends (then `server` is
/// dropped, which the server reads as the end of its input); error responses go to
/// `answers`.
async fn pump<I, O>(mut input: I, mut server: O, answers: mpsc::Sender<Response>)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut framer = Framer::default();
    let mut buf = vec![0; 1 << 16];
    loop {
        let n = match input.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut chunk = &buf[..n];
        while !chunk.is_empty() {
            let (used, event) = framer.feed(chunk);
            chunk = &chunk[used..];
            let Some(event) = event else { continue };
            if deliver(event, &mut server, &answers).await.is_err() {
                // The server stopped reading (it exited).
                return;
            }
        }
    }
}

/// Pass on, answer or drop what the framer found (and log what was not a good message).
async fn deliver<O: AsyncWrite + Unpin>(
    event: Event,
    server: &mut O,
    answers: &mpsc::Sender<Response>,
) -> std::io::Result<()> {
    let body = match event {
        Event::Body(body) => body,
        Event::Oversized(n) => {
            tracing::error!("skipped a message of {n} bytes (more than {MAX_BODY})");
            return Ok(());
        }
        Event::Garbage(n) => {
            tracing::warn!("skipped {n} bytes that were not a message");
            return Ok(());
        }
    };
    let len = body.len();
    match repair::read(body) {
        Verdict::Pass(body, repaired) => {
            if repaired == Repaired::Yes {
                tracing::warn!(
                    "replaced invalid UTF-8 or lone surrogates with U+FFFD in a message ({len} bytes)"
                );
            }
            send(server, &body).await?;
        }
        Verdict::Answer(response) => {
            tracing::error!(
                "answering a message that cannot be read ({len} bytes): {}",
                response.error().map_or("", |e| &e.message)
            );
            // Fails only once the output is closed: the server has stopped.
            let _ = answers.send(response).await;
        }
        Verdict::Drop(why) => tracing::error!("dropping {why} ({len} bytes)"),
    }
    Ok(())
}

async fn send<O: AsyncWrite + Unpin>(server: &mut O, body: &[u8]) -> std::io::Result<()> {
    let head = format!("Content-Length: {}\r\n\r\n", body.len());
    server.write_all(head.as_bytes()).await?;
    server.write_all(body).await?;
    server.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server and the client get from `input`: the frames passed on, and the ids
    /// and error codes of the answers.
    async fn pumped(input: &[u8]) -> (String, Vec<(serde_json::Value, i64)>) {
        let mut out = Vec::new();
        let (tx, mut rx) = mpsc::channel(64);
        pump(input, &mut out, tx).await;
        let mut answers = Vec::new();
        while let Ok(r) = rx.try_recv() {
            let r = serde_json::to_value(r).unwrap();
            answers.push((r["id"].clone(), r["error"]["code"].as_i64().unwrap()));
        }
        (String::from_utf8(out).unwrap(), answers)
    }

    #[tokio::test]
    async fn malformed_frames_are_dropped_or_answered_and_good_ones_pass() {
        let request = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let response = r#"{"jsonrpc":"2.0","id":7,"result":null}"#;
        let input = format!(
            "Content-Length: 9\r\n\r\n{{not json\r\ncontent-length: 44\r\nContent-Type: x\r\n\r\n{request}garbage\r\n\r\nContent-Length: 4\r\n\r\nnullContent-Length: 38\r\n\r\n{response}"
        );
        let (passed, answers) = pumped(input.as_bytes()).await;
        assert_eq!(
            passed,
            format!("Content-Length: 44\r\n\r\n{request}Content-Length: 38\r\n\r\n{response}")
        );
        assert_eq!(answers, [(serde_json::Value::Null, -32700)]);
    }

    #[tokio::test]
    async fn a_wrong_content_length_loses_no_other_frame() {
        let good = "Content-Length: 30\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"x\"}";
        let twice = good.repeat(2);
        // No Content-Length: skipped up to the next header.
        let input = format!("Content-Type: x\r\n\r\n[1,{good}{good}");
        assert_eq!(pumped(input.as_bytes()).await.0, twice);
        // Too short: the rest of the body runs into the next header line.
        let input = format!("Content-Length: 5\r\n\r\n{{\"a\":1}}{good}");
        assert_eq!(pumped(input.as_bytes()).await.0, good);
        // Too long: the body ends with its JSON value.
        let input = format!("Content-Length: 12\r\n\r\n{{\"a\":1}}{good}{good}");
        assert_eq!(pumped(input.as_bytes()).await.0, twice);
        let input = format!("Content-Length: 999999999\r\n\r\n{}{good}", &good[22..]);
        assert_eq!(pumped(input.as_bytes()).await.0, twice);
        // JSON, but not a JSON-RPC message.
        let input =
            format!("Content-Length: 7\r\n\r\n[1,2,3]{good}Content-Length: 2\r\n\r\n42{good}");
        assert_eq!(pumped(input.as_bytes()).await.0, twice);
    }

    /// A reader that returns its chunks one per read (a slow client).
    struct Slow(Vec<Vec<u8>>);

    impl AsyncRead for Slow {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
            buf: &mut tokio::io::ReadBuf<'_>,
        ) -> std::task::Poll<std::io::Result<()>> {
            if !self.0.is_empty() {
                let chunk = self.0.remove(0);
                buf.put_slice(&chunk);
            }
            std::task::Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn a_large_message_sent_slowly_passes_whole() {
        let text = "Content-Length: 12\r\n\r\n{} [\"".repeat(20_000);
        let body =
            serde_json::json!({"jsonrpc": "2.0", "method": "x", "params": {"t": text}}).to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let chunks = frame.as_bytes().chunks(1000).map(<[u8]>::to_vec).collect();
        let mut out = Vec::new();
        let (tx, _rx) = mpsc::channel(1);
        pump(Slow(chunks), &mut out, tx).await;
        assert_eq!(String::from_utf8(out).unwrap(), frame);
    }
}
