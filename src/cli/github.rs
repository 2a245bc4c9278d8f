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
        let Some(level) = q.level() else { continue };
        let title = match q.status {
            Status::NotFound => "Quote not found",
            Status::Mismatch => "Quote differs from source",
            _ => "Quote misattributed",
        };
        out.push_str(&format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&q.file),
            q.line,
            q.column,
            q.end_line,
            q.end_column,
            escape_property(title),
            escape_data(&q.message()),
        ));
    }
    for u in &report.unknown_citations {
        out.push_str(&format!(
            "::warning file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&u.file),
            u.line,
            u.column,
            u.end_line,
            u.end_column,
            escape_property("Unknown citation"),
            escape_data(&u.message()),
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
