//! `reprint eval`: read truth and prediction files, score with `reprint::eval`, print one
//! JSON line with the reference scorers' keys, rounded to four decimals as they round.

use std::path::Path;

use ahash::AHashMap;
use anyhow::Context;
use reprint::eval::{pair_scores, token_scores};

use super::args::EvalCommand;
use super::Outcome;

/// Run `reprint eval …`.
pub fn run(command: &EvalCommand) -> anyhow::Result<Outcome> {
    let json = match command {
        EvalCommand::Dedup {
            truth,
            pred,
            truth_field,
            pred_field,
        } => {
            let s = pair_scores(&fields(truth, "id", truth_field)?, &fields(pred, "id", pred_field)?);
            line(&[
                ("docs", s.docs.into()),
                ("true_pairs", s.true_pairs.into()),
                ("pred_pairs", s.pred_pairs.into()),
                ("pair_precision", round(s.precision)),
                ("pair_recall", round(s.recall)),
                ("pair_f1", round(s.f1)),
                ("ari", round(s.ari)),
            ])
        }
        EvalCommand::Clean {
            truth,
            pred,
            truth_field,
            pred_field,
            id_field,
        } => {
            // Every gold row in file order; predictions by id (a repeated id: the last wins).
            let gold = rows(truth, id_field, truth_field)?;
            let s = token_scores(&gold, &fields(pred, id_field, pred_field)?);
            line(&[
                ("docs", s.docs.into()),
                ("macro_p", round(s.macro_precision)),
                ("macro_r", round(s.macro_recall)),
                ("macro_f1", round(s.macro_f1)),
                ("micro_p", round(s.micro_precision)),
                ("micro_r", round(s.micro_recall)),
                ("micro_f1", round(s.micro_f1)),
            ])
        }
    };
    println!("{json}");
    Ok(Outcome::Success)
}

fn round(x: f64) -> serde_json::Value {
    ((x * 1e4).round() / 1e4).into()
}

/// One JSON object with its keys in the given order, spaced as Python's `json.dumps` spaces it.
fn line(members: &[(&str, serde_json::Value)]) -> String {
    let parts: Vec<String> = members.iter().map(|(k, v)| format!("\"{k}\": {v}")).collect();
    format!("{{{}}}", parts.join(", "))
}

/// The id and field of each record whose field is present and not null (as text: strings as
/// they are, other values as JSON), in file order.
fn rows(path: &Path, id_field: &str, field: &str) -> anyhow::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}: not a JSON object", path.display(), i + 1))?;
        let as_text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let id = record
            .get(id_field)
            .with_context(|| format!("{}:{}: no \"{id_field}\" field", path.display(), i + 1))?;
        match record.get(field) {
            None | Some(serde_json::Value::Null) => {}
            Some(v) => out.push((as_text(id), as_text(v))),
        }
    }
    Ok(out)
}

fn fields(path: &Path, id_field: &str, field: &str) -> anyhow::Result<AHashMap<String, String>> {
    Ok(rows(path, id_field, field)?.into_iter().collect())
}
