//! Bounded reads: a file is opened without blocking, must be a regular file *as opened*,
//! and is read up to a byte limit counted on the bytes actually read.
//!
//! Why each step:
//! - Opening with `O_NONBLOCK`: opening a FIFO for reading otherwise waits for a writer,
//!   forever. (For regular files the flag changes nothing.)
//! - `fstat` on the opened handle, not `stat` on the path: the file may be swapped between
//!   a walk and the read (a FIFO, `/dev/zero`, a socket); the handle is what will be read.
//! - Counting bytes read: the reported size of a file proves nothing (`/proc/self/pagemap`
//!   reports 0 bytes and reads as hundreds of gigabytes), so the read itself stops one byte
//!   past the limit.
//! - `O_NOFOLLOW` when links may not be followed (`follow_links = false`): a file swapped
//!   for a symbolic link after the walk is refused too.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A FIFO, device, socket or folder where a file was expected.
    #[error("not a regular file (it is {0})")]
    NotRegular(&'static str),
    /// More bytes than the limit (whatever size the file reported).
    #[error("over the {} limit (the file claims {reported} bytes)", megabytes(*.limit))]
    TooLarge { reported: u64, limit: u64 },
    /// A symbolic link where links are not followed.
    #[error("symbolic link not followed (follow_links = false)")]
    Link,
    #[error("cannot read: {0}")]
    Io(#[from] io::Error),
}

/// `bytes` as people read a file size: whole megabytes (at least 1 for a non-empty limit).
pub fn megabytes(bytes: u64) -> String {
    let mb = bytes >> 20;
    if mb == 0 && bytes > 0 {
        format!("{bytes} bytes")
    } else {
        format!("{mb} MB")
    }
}

const CHUNK: usize = 64 * 1024;

/// The bytes of the regular file at `path`, at most `limit` of them (else
/// [`ReadError::TooLarge`]). With `follow_links` false, a symbolic link at `path` (its last
/// component) is refused.
pub fn read_bounded(path: &Path, limit: u64, follow_links: bool) -> Result<Vec<u8>, ReadError> {
    let mut file = open(path, follow_links)?;
    let md = file.metadata()?;
    let kind = kind_of(&md.file_type());
    if kind != "a regular file" {
        return Err(ReadError::NotRegular(kind));
    }
    let reported = md.len();
    if reported > limit {
        return Err(ReadError::TooLarge { reported, limit });
    }
    let mut bytes = Vec::with_capacity(reported.min(limit) as usize);
    // Fixed-size chunks (a multiple of 8: some kernel files refuse other read sizes), so
    // that at most one chunk past the limit is ever read.
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if (bytes.len() + n) as u64 > limit {
            return Err(ReadError::TooLarge { reported, limit });
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// What kind of thing a file type is, for messages.
pub fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_file() {
        "a regular file"
    } else {
        "not a file"
    }
}

#[cfg(unix)]
fn open(path: &Path, follow_links: bool) -> Result<File, ReadError> {
    use rustix::fs::{Mode, OFlags};
    let mut flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    if !follow_links {
        flags |= OFlags::NOFOLLOW;
    }
    match rustix::fs::open(path, flags, Mode::empty()) {
        Ok(fd) => Ok(File::from(fd)),
        // O_NOFOLLOW on a link fails with ELOOP.
        Err(rustix::io::Errno::LOOP) if !follow_links => Err(ReadError::Link),
        Err(e) => Err(ReadError::Io(e.into())),
    }
}

#[cfg(not(unix))]
fn open(path: &Path, follow_links: bool) -> Result<File, ReadError> {
    if !follow_links && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(ReadError::Link);
    }
    Ok(File::open(path)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_under_the_limit_and_refuses_one_over_it() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_bounded(&f, 10, true).unwrap(), b"0123456789");
        let err = read_bounded(&f, 9, true).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::TooLarge {
                    reported: 10,
                    limit: 9
                }
            ),
            "{err}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_reports_no_size_is_cut_at_the_limit() {
        // /proc/self/pagemap reports 0 bytes and reads as hundreds of gigabytes.
        let err = read_bounded(Path::new("/proc/self/pagemap"), 1 << 20, true).unwrap_err();
        assert!(
            matches!(err, ReadError::TooLarge { reported: 0, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("1 MB"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_waiting() {
        let err = read_bounded(Path::new("/dev/zero"), 1 << 20, true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a regular file (it is a character device)"
        );
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.txt");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        // Without O_NONBLOCK this open would wait for a writer forever.
        let err = read_bounded(&fifo, 1 << 20, true).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (it is a FIFO)");
    }

    #[cfg(unix)]
    #[test]
    fn links_are_refused_when_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, b"text").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&f, &link).unwrap();
        assert_eq!(read_bounded(&link, 100, true).unwrap(), b"text");
        assert!(matches!(
            read_bounded(&link, 100, false),
            Err(ReadError::Link)
        ));
        assert_eq!(read_bounded(&f, 100, false).unwrap(), b"text");
    }
}
