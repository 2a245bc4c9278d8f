//! The report page's only style sheet and script, inline, and the Content Security Policy
//! that lets exactly these two run: nothing is loaded from anywhere, no other script or
//! style can run, even one that escaping had missed.
//!
//! Colours (WCAG 2 contrast ratios, text on its background; all ≥ 7:1, AA asks 4.5:1):
//! body #1b1f24 on #fff 16.6, on the card #f6f8fa 15.6; muted #545d68 on #fff 6.7, on the
//! card 6.3; links and focus ring #0550ae on #fff 7.6, on the card 7.1; pressed filter #fff
//! on #0550ae 7.6;
//! badges: verified #0a5c2a on #dcf5e3 7.1, mismatch #6b4500 on #fff0c2 7.5, not found
//! #8a1020 on #fde2e4 7.9, misattributed #6a2b8a on #f1e4fa 7.4, wrong speaker #7a3300 on
//! #ffe6d1 7.6, too long #3d4650 on #e7eaee 7.9, unknown citation #0b4f8a on #dfeefc 7.1;
//! diff: source words (del) as not found 7.9, note words (ins) as verified 7.1; matched
//! words (mark) #1b1f24 on #fff3a0 14.7. Deletions are also struck through and insertions
//! underlined, so the diff does not rest on colour either.

use sha2::{Digest, Sha256};

pub const STYLE: &str = r#"
:root { color: #1b1f24; background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
[hidden] { display: none !important; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; overflow-wrap: anywhere; }
a { color: #0550ae; }
a:focus-visible, button:focus-visible, summary:focus-visible { outline: 3px solid #0550ae; outline-offset: 2px; }
.muted, .at, .where, .byline { color: #545d68; }
.warning { border: 2px solid #6b4500; background: #fff0c2; color: #6b4500; padding: .5rem .75rem; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; list-style: none; padding: 0; margin: .75rem 0; }
.badge { display: inline-block; border: 1px solid currentColor; border-radius: .25rem; padding: 0 .4rem; font-size: .85rem; font-weight: 600; white-space: nowrap; }
.v-verified { color: #0a5c2a; background: #dcf5e3; }
.v-mismatch { color: #6b4500; background: #fff0c2; }
.v-not-found { color: #8a1020; background: #fde2e4; }
.v-misattributed { color: #6a2b8a; background: #f1e4fa; }
.v-wrong-speaker { color: #7a3300; background: #ffe6d1; }
.v-too-long { color: #3d4650; background: #e7eaee; }
.v-unknown-citation { color: #0b4f8a; background: #dfeefc; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; border: 0; padding: 0; margin: .75rem 0; }
.filters legend { float: left; margin-right: .5rem; }
.filters button { font: inherit; font-size: .9rem; color: #0550ae; background: #fff; border: 2px solid #0550ae; border-radius: 1rem; padding: .1rem .75rem; cursor: pointer; }
.filters button[aria-pressed="true"] { color: #fff; background: #0550ae; }
.filters button[aria-pressed="true"]::before { content: "✓ "; }
.row { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: .4rem; padding: .6rem .9rem; margin: .75rem 0; }
.row header { display: flex; flex-wrap: wrap; gap: .25rem .75rem; align-items: baseline; }
.quote-text { margin: .4rem 0; font-size: 1.05rem; }
blockquote { margin: .4rem 0; padding-left: .75rem; border-left: 3px solid #d0d7de; overflow-wrap: anywhere; }
p { margin: .3rem 0; overflow-wrap: anywhere; }
mark { color: #1b1f24; background: #fff3a0; }
del { color: #8a1020; background: #fde2e4; text-decoration: line-through; }
ins { color: #0a5c2a; background: #dcf5e3; text-decoration: underline; }
del + ins { margin-left: .2em; }
summary { cursor: pointer; color: #0550ae; }
ul.why { margin: .3rem 0; padding-left: 1.25rem; }
@media screen { .filtered { display: none; } }
@media print {
  .filters, #shown { display: none; }
  .filtered { display: block; }
  details > summary { list-style: none; }
  details::details-content { content-visibility: visible; display: block; }
  .row { break-inside: avoid; }
  a { color: inherit; }
}
"#;

/// Shows the filters (they stay hidden without JavaScript, where every row is shown) and
/// hides the rows, and the notes left without rows, whose verdict is switched off; opens
/// every passage before printing.
pub const SCRIPT: &str = r#"
(() => {
  const filters = document.getElementById("filters");
  const shown = document.getElementById("shown");
  if (!filters || !shown) return;
  const rows = [...document.querySelectorAll(".row[data-verdict]")];
  const notes = [...document.querySelectorAll("section.note")];
  const update = () => {
    const off = new Set([...filters.querySelectorAll("button[aria-pressed=false]")].map((b) => b.dataset.filter));
    let n = 0;
    for (const row of rows) {
      const hide = off.has(row.dataset.verdict);
      row.classList.toggle("filtered", hide);
      if (!hide) n++;
    }
    for (const note of notes) note.classList.toggle("filtered", !note.querySelector(".row:not(.filtered)"));
    shown.textContent = `Showing ${n} of ${rows.length} rows`;
  };
  filters.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-filter]");
    if (!button) return;
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    update();
  });
  addEventListener("beforeprint", () => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  filters.hidden = false;
  shown.hidden = false;
  update();
})();
"#;

/// `'sha256-…'` of a script or style sheet, as a CSP source.
fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", data_encoding::BASE64.encode(&digest))
}

/// The policy: nothing from anywhere (images, fonts, frames, connections, forms, `<base>`),
/// except [`STYLE`] and [`SCRIPT`] by their hashes.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
        hash(STYLE),
        hash(SCRIPT)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_policy_allows_the_style_and_script_by_hash_only() {
        let csp = super::content_security_policy();
        assert!(csp.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!csp.contains("unsafe"), "{csp}");
        // The hash of the empty string, to check the encoding.
        assert_eq!(
            super::hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
