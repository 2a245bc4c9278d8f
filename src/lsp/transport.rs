//! A guard in front of tower-lsp-server's reader. Its codec stops reading for good after a
//! frame whose body is not JSON, which would end the server; this pump copies the client's
//! frames through a pipe and drops (and logs) malformed ones instead.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Frames larger than this are skipped (read and discarded, to stay in step).
const MAX_FRAME: usize = 1 << 30;

/// Copy well-formed frames from `input` to `output` until `input` ends (then `output` is
/// dropped, which the server reads as the end of its input).
pub async fn pump<I, O>(input: I, mut output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let mut input = BufReader::with_capacity(1 << 16, input);
    loop {
        let len = match headers(&mut input).await {
            Frame::End => break,
            Frame::NoLength => {
                tracing::warn!("dropping a message without Content-Length");
                continue;
            }
            Frame::Len(n) => n,
        };
        if len > MAX_FRAME {
            tracing::error!("dropping a {len}-byte message");
            let skipped =
                tokio::io::copy(&mut (&mut input).take(len as u64), &mut tokio::io::sink()).await;
            if skipped.is_err() {
                break;
            }
            continue;
        }
        let mut body = vec![0; len];
        if input.read_exact(&mut body).await.is_err() {
            break;
        }
        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
            tracing::error!("dropping a message that is not JSON ({len} bytes)");
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

enum Frame {
    Len(usize),
    NoLength,
    End,
}

/// Read header lines up to the blank line; the Content-Length if there was one.
async fn headers<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Frame {
    let mut len = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        match r.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim();
        if line.is_empty() {
            if any {
                break;
            }
            // Stray blank lines between frames.
            continue;
        }
        any = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                len = value.trim().parse::<usize>().ok();
            }
        }
    }
    len.map_or(Frame::NoLength, Frame::Len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn malformed_frames_are_dropped_and_good_ones_pass() {
        let input = b"Content-Length: 9\r\n\r\n{not json\r\ncontent-length: 2\r\nContent-Type: x\r\n\r\n{}garbage\r\n\r\nContent-Length: 4\r\n\r\nnull".to_vec();
        let mut out = Vec::new();
        pump(&input[..], &mut out).await;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Content-Length: 2\r\n\r\n{}Content-Length: 4\r\n\r\nnull"
        );
    }
}
