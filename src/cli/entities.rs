//! `sourced entities`: the named entities of the sources, as a table or JSON.

use super::SourceArgs;
use crate::entities::{EntityTable, Registry};
use clap::ValueEnum;
use serde_json::json;
use std::io::Write;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntitiesFormat {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct EntitiesArgs {
    #[command(flatten)]
    pub source: SourceArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EntitiesFormat::Human)]
    pub format: EntitiesFormat,
}

pub fn run(args: EntitiesArgs) -> anyhow::Result<i32> {
    let cwd = std::env::current_dir()?;
    let (checker, _) = super::open(&args.source, &cwd, None)?;
    let registry = Registry::load(&checker.workspace.root)?;
    let table = checker.index().entity_table(&registry)?;
    let out = match args.format {
        EntitiesFormat::Json => serde_json::to_string_pretty(&to_json(&table))? + "\n",
        EntitiesFormat::Human => human(&table),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush());
    Ok(0)
}

/// `{"entities":[{"name","kind","aliases","mentions","descriptions":[{"text","source"}],
/// "sources":[{"path","count","first":{"line","column","context"}}]}]}`, most mentioned first.
pub fn to_json(table: &EntityTable) -> serde_json::Value {
    let entities: Vec<serde_json::Value> = table
        .entities()
        .iter()
        .map(|e| {
            json!({
                "name": e.name,
                "kind": e.kind.as_str(),
                "aliases": e.aliases,
                "mentions": e.mentions,
                "descriptions": e.descriptions.iter().map(|d| json!({"text": d.text, "source": d.source})).collect::<Vec<_>>(),
                "sources": e.sources.iter().map(|s| json!({
                    "path": s.path,
                    "count": s.count,
                    "first": {"line": s.first.line, "column": s.first.column, "context": s.first.context},
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "entities": entities })
}

/// A readable table: mentions, kind, name, other names; roles and descriptions below.
pub fn human(table: &EntityTable) -> String {
    let mut out = String::new();
    let width = table
        .entities()
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40);
    out.push_str(&format!(
        "{:>8}  {:<12}  {:<width$}  {}\n",
        "mentions", "kind", "name", "also"
    ));
    for e in table.entities() {
        out.push_str(&format!(
            "{:>8}  {:<12}  {:<width$}  {}\n",
            e.mentions,
            e.kind.as_str(),
            e.name,
            e.aliases.join(", ")
        ));
        let detail = " ".repeat(8 + 2 + 12 + 2);
        if !e.roles.is_empty() {
            out.push_str(&format!("{detail}roles: {}\n", e.roles.join(", ")));
        }
        for d in e.descriptions.iter().take(3) {
            out.push_str(&format!("{detail}“{}” ({})\n", d.text, d.source));
        }
        if let Some(s) = e.sources.first() {
            let more = match e.sources.len() {
                1 => String::new(),
                n => format!(
                    " and {} more source{}",
                    n - 1,
                    if n == 2 { "" } else { "s" }
                ),
            };
            out.push_str(&format!(
                "{detail}first in {}:{}:{}{more}\n",
                s.path, s.first.line, s.first.column
            ));
        }
    }
    out.push_str(&format!("{} entities\n", table.len()));
    out
}
