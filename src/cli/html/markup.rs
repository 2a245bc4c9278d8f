//! The one way text enters the HTML report.
//!
//! Invariant: every string that comes from a note or a source (quotations, passages,
//! titles, paths, citations, messages) is written through [`escape`], in text and in
//! double-quoted attribute values alike; only `&'static str` literals of this program are
//! written as markup ([`Html::raw`]), so a value from input can never open a tag, close an
//! attribute or start a script.

use std::borrow::Cow;

/// `&`, `<`, `>`, `"` and `'` as character references: safe in element text and in quoted
/// attribute values (the `html-escape` crate's `encode_quoted_attribute`).
pub fn escape(s: &str) -> Cow<'_, str> {
    html_escape::encode_quoted_attribute(s)
}

/// An HTML document being written.
#[derive(Default)]
pub struct Html {
    out: String,
}

impl Html {
    pub fn new() -> Html {
        Html::default()
    }

    /// Markup of this program, as is.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Text from input, escaped.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.out.push_str(&escape(s));
        self
    }

    /// A number (no escaping needed: digits only).
    pub fn num(&mut self, n: usize) -> &mut Self {
        self.out.push_str(&n.to_string());
        self
    }

    /// `<tag name="value"…>`, each value escaped.
    pub fn open(&mut self, tag: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(&escape(value));
            self.out.push('"');
        }
        self.out.push('>');
        self
    }

    pub fn close(&mut self, tag: &'static str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// `<tag attrs…>text</tag>`.
    pub fn element(
        &mut self,
        tag: &'static str,
        attrs: &[(&'static str, &str)],
        text: &str,
    ) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attribute_values_cannot_open_tags_or_leave_the_attribute() {
        let mut h = Html::new();
        h.element(
            "a",
            &[("href", "x\" onerror='alert(1)'")],
            "<script>alert(1)</script> & co",
        );
        assert_eq!(
            h.finish(),
            "<a href=\"x&quot; onerror=&#x27;alert(1)&#x27;\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</a>"
        );
    }
}
