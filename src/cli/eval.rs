//! `reprint eval`: read truth and prediction files, score with `reprint::eval`, print one
//! JSON line with the reference scorers' keys, rounded to four decimals as they round.

use std::path::Path;

use ahash::AHashMap;
use anyhow::Context;
use reprint::eval::{exact_pairs, pair_scores, shingle_set, token_scores, word_tokens};

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
        EvalCommand::Exact {
            input,
            output,
            field,
            k,
            min,
        } => return exact(input, output, field, *k, *min),
    };
    println!("{json}");
    Ok(Outcome::Success)
}

/// `reprint eval exact`: every pair at or above `min`, as exact_pairs.py writes them.
fn exact(input: &Path, output: &Path, field: &str, k: usize, min: f64) -> anyhow::Result<Outcome> {
    anyhow::ensure!(k >= 1, "--k must be at least 1");
    anyhow::ensure!((0.0..=1.0).contains(&min), "--min must be between 0 and 1");
    let text = std::fs::read_to_string(input).with_context(|| format!("cannot read {}", input.display()))?;
    let mut sets = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let record: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{}:{}: not a JSON object", input.display(), i + 1))?;
        let body = record.get(field).and_then(|v| v.as_str()).unwrap_or("");
        sets.push(shingle_set(&word_tokens(body), k));
    }
    let pairs = exact_pairs(&sets, min);
    let mut out = reprint::io::Output::create(Some(output))?;
    let mut write = || -> std::io::Result<()> {
        use std::io::Write;
        writeln!(
            out,
            "# exact word-{k}-shingle jaccard >= {min}; field={field}; docs={}",
            sets.len()
        )?;
        for (i, j, s) in &pairs {
            writeln!(out, "{i}\t{j}\t{s:.4}")?;
        }
        Ok(())
    };
    write().map_err(|e| reprint::Error::io(output, e))?;
    out.commit()?;
    super::report::warn(&format!(
        "reprint: {} documents, {} pairs with Jaccard >= {min}",
        sets.len(),
        pairs.len()
    ));
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
