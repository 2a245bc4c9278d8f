//! The client's side of the output: tower-lsp-server's frames, with the pump's error
//! responses (for requests it could not pass on) written between them.
//!
//! Invariants: every frame is written whole, never interleaved with another; the output
//! ends when tower-lsp-server's ends (answers still queued then are dropped: the server has
//! stopped); if the client's side cannot be written, tower-lsp-server's output is closed too
//! (as if it had written to the client directly).

use std::io;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Response;

/// Copy `server`'s frames to `client`, with `answers` between them, until `server` ends.
pub async fn merge<R, W>(server: R, mut answers: mpsc::Receiver<Response>, client: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite,
{
    let (frame_tx, mut frames) = mpsc::channel::<Vec<u8>>(4);
    let read = async move {
        let mut server = BufReader::new(server);
        while let Ok(Some(frame)) = read_frame(&mut server).await {
            if frame_tx.send(frame).await.is_err() {
                break;
            }
        }
    };
    let write = async move {
        tokio::pin!(client);
        let mut answers_open = true;
        loop {
            let frame = tokio::select! {
                biased;
                frame = frames.recv() => match frame {
                    Some(frame) => frame,
                    None => break,
                },
                answer = answers.recv(), if answers_open => match answer {
                    Some(answer) => framed(&answer),
                    None => {
                        answers_open = false;
                        continue;
                    }
                },
            };
            let written = async {
                client.write_all(&frame).await?;
                client.flush().await
            };
            if written.await.is_err() {
                // The client is gone: dropping `frames` closes the server's output too.
                break;
            }
        }
        let _ = client.shutdown().await;
    };
    tokio::join!(read, write);
}

/// One frame as tower-lsp-server writes it (`Content-Length: n`, a blank line, the body);
/// `None` at the end.
async fn read_frame<R: AsyncRead + Unpin>(r: &mut BufReader<R>) -> io::Result<Option<Vec<u8>>> {
    let mut frame = Vec::new();
    let mut len = None;
    loop {
        let start = frame.len();
        if r.read_until(b'\n', &mut frame).await? == 0 {
            return Ok(None);
        }
        let line = std::str::from_utf8(&frame[start..]).unwrap_or_default();
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                len = value.trim().parse::<usize>().ok();
            }
        }
    }
    let len = len.ok_or_else(|| io::Error::other("a frame without Content-Length"))?;
    let start = frame.len();
    frame.resize(start + len, 0);
    r.read_exact(&mut frame[start..]).await?;
    Ok(Some(frame))
}

fn framed(response: &Response) -> Vec<u8> {
    let body = serde_json::to_vec(response).expect("a response serialises");
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend(body);
    frame
}
