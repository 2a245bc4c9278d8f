//! A web address to the key it is compared by: two links name the same page when their
//! keys are equal.
//!
//! Parsing is the WHATWG URL parser of the `url` crate (the one browsers' rules describe),
//! which already lowercases the scheme and host, drops a default port, resolves `.` and
//! `..` and percent-encodes what must be. On top of it the key drops what does not change
//! which page is meant:
//! - the scheme (`http` and `https` name the same article) and a leading `www.`;
//! - the fragment (`#section`) and a trailing slash of the path;
//! - tracking parameters (`utm_*`, `fbclid`, `gclid`, …, see [`TRACKING`]);
//! - the order of the remaining query parameters.
//!
//! What stays is `host[:port]/path?query`. Anything else in the query is kept: on many
//! sites `?id=123` is the article.

use url::Url;

/// Query parameters that only say where a reader came from. Names are compared in lower
/// case; an entry ending in `*` is a prefix.
pub const TRACKING: &[&str] = &[
    "utm_*",
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "ref_src",
    "ref_url",
    "smid",
    "cmpid",
    "ito",
    "at_medium",
    "at_campaign",
    "guccounter",
    "__twitter_impression",
];

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING.iter().any(|t| match t.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *t,
    })
}

/// Whether `s` is a web address (`http:` or `https:`) a note may cite.
pub fn is_web(s: &str) -> bool {
    let s = s.trim_start();
    let scheme = s.split_once(':').map(|(a, _)| a.to_ascii_lowercase());
    matches!(scheme.as_deref(), Some("http" | "https"))
}

/// The comparison key of an http(s) address, or `None` for anything else (or what does not
/// parse as a URL).
pub fn url_key(s: &str) -> Option<String> {
    let url = Url::parse(s.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let host = host.strip_suffix('.').unwrap_or(host);
    let mut key = String::from(host);
    if let Some(port) = url.port() {
        key.push(':');
        key.push_str(&port.to_string());
    }
    let path = url.path().trim_end_matches('/');
    key.push_str(if path.is_empty() { "/" } else { path });
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if !params.is_empty() {
        params.sort();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&params)
            .finish();
        key.push('?');
        key.push_str(&query);
    }
    Some(key)
}

/// Whether two web addresses name the same page (equal [`url_key`]s; never for what is not
/// a web address).
pub fn same_page(a: &str, b: &str) -> bool {
    url_key(a).is_some_and(|k| url_key(b) == Some(k))
}

/// `target` (a `Location` header, say) read against the address it was found at.
pub fn join(base: &str, target: &str) -> Option<String> {
    let base = Url::parse(base.trim()).ok()?;
    base.join(target.trim()).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        url_key(s).unwrap_or_else(|| panic!("{s} has no key"))
    }

    #[test]
    fn what_does_not_change_the_page_is_dropped() {
        let k = "example.com/news/story?id=7";
        for same in [
            "https://example.com/news/story?id=7",
            "http://example.com/news/story?id=7",
            "https://WWW.Example.COM/news/story/?id=7",
            "https://example.com:443/news/story?id=7#comments",
            "https://example.com/news/story?utm_source=tw&id=7&utm_medium=social&fbclid=Ab1",
            "https://example.com/news/./story?gclid=x&id=7",
            "  https://example.com/news/story?id=7  ",
        ] {
            assert_eq!(key(same), k, "{same}");
        }
    }

    #[test]
    fn what_names_another_page_is_kept() {
        let k = key("https://example.com/news/story?id=7");
        for other in [
            "https://example.com/news/story?id=8",
            "https://example.com/news/story",
            "https://example.org/news/story?id=7",
            "https://news.example.com/news/story?id=7",
            "https://example.com:8080/news/story?id=7",
            "https://example.com/News/Story?id=7",
        ] {
            assert_ne!(key(other), k, "{other}");
        }
    }

    #[test]
    fn query_order_does_not_matter_but_values_do() {
        assert_eq!(
            key("https://a.org/p?b=2&a=1"),
            key("https://a.org/p?a=1&b=2")
        );
        assert_ne!(
            key("https://a.org/p?a=1&b=2"),
            key("https://a.org/p?a=2&b=1")
        );
    }

    #[test]
    fn only_web_addresses_have_keys() {
        for s in [
            "mailto:a@b.org",
            "ftp://a.org/x",
            "sources/a.md",
            "notaurl",
            "",
        ] {
            assert_eq!(url_key(s), None, "{s}");
            assert!(!is_web(s), "{s}");
        }
        assert!(is_web("HTTPS://a.org"));
        assert_eq!(key("https://a.org"), "a.org/");
        assert_eq!(key("https://a.org/"), "a.org/");
    }

    #[test]
    fn a_location_is_read_against_its_page() {
        assert_eq!(
            join("https://a.org/news/x?id=1", "/story/2").as_deref(),
            Some("https://a.org/story/2")
        );
        assert_eq!(
            join("https://a.org/news/x", "https://b.org/y").as_deref(),
            Some("https://b.org/y")
        );
    }
}
