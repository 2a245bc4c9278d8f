//! Link targets of the HTML report.
//!
//! Invariant: an `href` made here is a relative path (percent-encoded, so no part of it can
//! read as a scheme), a `file:` address of an absolute path, or an `http`/`https` address;
//! never another scheme taken from input (`javascript:`, `data:`, …).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Bytes kept as they are in a path: unreserved characters and the separator. Everything
/// else, `:` `%` `?` `#` and spaces among it, is percent-encoded.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The link to a file named as the report names it: relative to the current folder (the
/// report is meant to be saved there), or absolute.
pub fn file(path: &str) -> String {
    let p = path.replace('\\', "/");
    let encode = |s: &str| utf8_percent_encode(s, PATH).to_string();
    let b = p.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        // A Windows drive: `C:/x` is `file:///C:/x`.
        return format!("file:///{}:{}", &p[..1], encode(&p[2..]));
    }
    if p.starts_with('/') {
        return format!("file://{}", encode(&p));
    }
    encode(&p)
}

/// The link to a web address: only `http` and `https` ones, as the WHATWG URL parser
/// writes them; `None` for anything else.
pub fn web(address: &str) -> Option<String> {
    let url = url::Url::parse(address.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_encoded_so_that_no_scheme_can_be_read() {
        assert_eq!(file("seeds/a b.txt"), "seeds/a%20b.txt");
        assert_eq!(file("javascript:alert(1)"), "javascript%3Aalert%281%29");
        assert_eq!(file("../notes/x#y?.md"), "../notes/x%23y%3F.md");
        assert_eq!(file("sub\\ü.txt"), "sub/%C3%BC.txt");
    }

    #[test]
    fn absolute_paths_are_file_addresses() {
        assert_eq!(file("/srv/my notes/a.md"), "file:///srv/my%20notes/a.md");
        assert_eq!(file("C:\\Users\\a.txt"), "file:///C:/Users/a.txt");
    }

    #[test]
    fn only_http_and_https_addresses_are_links() {
        assert_eq!(
            web("https://example.com/a b?q=\"x\"").as_deref(),
            Some("https://example.com/a%20b?q=%22x%22")
        );
        assert_eq!(
            web("http://example.com").as_deref(),
            Some("http://example.com/")
        );
        assert_eq!(web("javascript:alert(1)"), None);
        assert_eq!(web("JavaScript:alert(1)"), None);
        assert_eq!(web("data:text/html,<script>alert(1)</script>"), None);
        assert_eq!(web("file:///etc/passwd"), None);
        assert_eq!(web("not a url"), None);
    }
}
