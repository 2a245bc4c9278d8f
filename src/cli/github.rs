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

/// One workflow command: `::level file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
fn annotation(
    level: &str,
    at: (&str, usize, usize, usize, usize),
    title: &str,
    message: &str,
) -> String {
    let (file, line, col, end_line, end_col) = at;
    format!(
        "::{level} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
        escape_property(file),
        escape_property(title),
        escape_data(message),
    )
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for q in &report.quotes {
        let Some(level) = q.level() else { continue };
        let title = match q.status {
            Status::NotFound => "Quote not found",
            Status::Mismatch => "Quote differs from source",
            Status::TooLong => "Quote too long to check",
            Status::WrongSpeaker => "Quote given to the wrong speaker",
            Status::Misattributed | Status::Verified => "Quote misattributed",
        };
        let at = (q.file.as_str(), q.line, q.column, q.end_line, q.end_column);
        out.push_str(&annotation(level, at, title, &q.message()));
    }
    for u in &report.unknown_citations {
        let at = (u.file.as_str(), u.line, u.column, u.end_line, u.end_column);
        out.push_str(&annotation("warning", at, "Unknown citation", &u.message));
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
