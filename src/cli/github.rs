//! GitHub Actions workflow commands: one `::error` or `::warning` annotation per quote that
//! is not verified.

use super::report::Report;
use crate::quotes::verdict::Status;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for q in &report.quotes {
        let (level, title, message) = match q.status {
            Status::Verified => continue,
            Status::NotFound => (
                "error",
                "Quote not found",
                "quote not found in sources".to_string(),
            ),
            Status::Mismatch => (
                "warning",
                "Quote differs from source",
                format!(
                    "quote differs from {}",
                    q.source
                        .as_ref()
                        .map_or("the source".into(), |s| format!("{}:{}", s.path, s.line))
                ),
            ),
            Status::Misattributed => (
                "warning",
                "Quote misattributed",
                format!(
                    "quote cited to {} but found in {}",
                    q.cited.as_deref().unwrap_or("?"),
                    q.source
                        .as_ref()
                        .map_or("another source".into(), |s| format!(
                            "{}:{}",
                            s.path, s.line
                        ))
                ),
            ),
        };
        let diff = if q.diff.is_empty() {
            String::new()
        } else {
            format!(
                "\n{}",
                super::human::word_diff(q, &super::human::Style { color: false })
            )
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&q.file),
            q.line,
            q.column,
            q.end_line,
            q.end_column,
            escape_property(title),
            escape_data(&format!("{message}: “{}”{diff}", q.text)),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_follow_the_workflow_command_rules() {
        assert_eq!(super::escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(super::escape_data("50% done\nnext"), "50%25 done%0Anext");
    }
}
