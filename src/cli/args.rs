//! Command-line arguments as clap parses them, and their resolution into settings.
//!
//! Raw arguments live here and nowhere else: [`DedupArgs::resolve`] turns them into a
//! validated [`reprint::Config`] plus the run's own settings, with every default applied.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use reprint::config::{DEFAULT_BUCKET_CAP, DEFAULT_NGRAM, DEFAULT_NUM_PERM, DEFAULT_THRESHOLD};
use reprint::io::{FieldNames, Source};
use reprint::{Banding, Config, Keep};

/// Find what is printed twice in scraped news.
#[derive(Parser, Debug)]
#[command(name = "reprint", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Drop near-duplicate documents from JSONL crawl dumps.
    ///
    /// Kept records are written byte-identical to their input lines, in input order.
    Dedup(DedupArgs),
    /// Recover each page's article body: remove headline copies, watermarks, site
    /// boilerplate, chrome and markup residue.
    ///
    /// Writes every input record with "body", "title" and "removed" added. Site profiles are
    /// learned from all pages of the input first (or loaded with --use-profiles).
    Clean(CleanArgs),
    /// Score results against ground truth (as shared/eval's dedup_score.py and
    /// clean_score.py count, printing the same JSON).
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Pairwise precision, recall, F1 and adjusted Rand index of a clustering
    /// ({"id", "cluster"} per line in both files; a document missing from --pred is a singleton).
    Dedup {
        #[arg(long, value_name = "FILE")]
        truth: PathBuf,
        #[arg(long, value_name = "FILE")]
        pred: PathBuf,
        #[arg(long, default_value = "cluster", value_name = "NAME")]
        truth_field: String,
        #[arg(long, default_value = "cluster", value_name = "NAME")]
        pred_field: String,
    },
    /// Token-level precision, recall and F1 (macro and micro) of recovered bodies against gold
    /// bodies (a document missing from --pred counts as an empty body).
    Clean {
        #[arg(long, value_name = "FILE")]
        truth: PathBuf,
        #[arg(long, value_name = "FILE")]
        pred: PathBuf,
        #[arg(long, default_value = "body", value_name = "NAME")]
        truth_field: String,
        #[arg(long, default_value = "body", value_name = "NAME")]
        pred_field: String,
        #[arg(long, default_value = "id", value_name = "NAME")]
        id_field: String,
    },
    /// The exact all-pairs Jaccard join over word shingles (no sketching), the oracle for
    /// LSH recall: writes `i<TAB>j<TAB>jaccard` (0-based line numbers, i < j) as
    /// shared/eval/exact_pairs.py does.
    Exact {
        /// JSONL input.
        input: PathBuf,
        /// Output TSV.
        output: PathBuf,
        #[arg(long, default_value = "text", value_name = "NAME")]
        field: String,
        /// Tokens per shingle.
        #[arg(long, default_value_t = 5, value_name = "K")]
        k: usize,
        /// Smallest Jaccard similarity written.
        #[arg(long, default_value_t = 0.5, value_name = "F")]
        min: f64,
    },
}

/// Which member of a cluster survives.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KeepArg {
    /// The first in input order.
    First,
    /// The longest text.
    Longest,
    /// The earliest date (see --date-field); undated documents come last.
    Earliest,
}

/// When to draw a progress bar on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProgressArg {
    /// Only when stderr is a terminal.
    Auto,
    Always,
    Never,
}

/// What to do with a record that cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Report `file:line: reason` on stderr, go on, exit 1 at the end.
    Skip,
    /// Stop at the first bad record with exit code 2, writing nothing.
    Fail,
}

/// Names of the fields read from each record.
#[derive(Args, Debug, Clone)]
pub struct FieldArgs {
    /// Field holding the document id (a missing id means the line number).
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// Field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,
    /// Field holding the page url (its host is the site unless --site-field is given).
    #[arg(long, default_value = "url", value_name = "NAME")]
    pub url_field: String,
    /// Field holding the headline.
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,
    /// Field naming the site [default: the host of the url].
    #[arg(long, value_name = "NAME")]
    pub site_field: Option<String>,
    /// Field holding the date, for --keep earliest (ISO 8601 or a common form).
    #[arg(long, default_value = "date", value_name = "NAME")]
    pub date_field: String,
}

impl FieldArgs {
    pub fn resolve(&self) -> FieldNames {
        FieldNames {
            id: self.id_field.clone(),
            text: self.text_field.clone(),
            title: self.title_field.clone(),
            url: self.url_field.clone(),
            site: self.site_field.clone(),
            date: self.date_field.clone(),
        }
    }
}

/// How a run goes, for every command.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Worker threads [default: all cores]. The output does not depend on it.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Draw a progress bar on stderr.
    #[arg(long, value_enum, default_value_t = ProgressArg::Auto)]
    pub progress: ProgressArg,
    /// Write run statistics as JSON here.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    /// What to do with a record that cannot be read.
    #[arg(long, value_enum, default_value_t = OnError::Skip)]
    pub on_error: OnError,
}

#[derive(Args, Debug)]
pub struct DedupArgs {
    /// JSONL inputs, read as one stream in order; `-` is stdin. gzip and zstd are detected.
    #[arg(value_name = "INPUT", default_value = "-")]
    pub inputs: Vec<String>,
    /// Write kept records here [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write one {"id", "cluster", "duplicate", "similarity"} object per record here.
    #[arg(long, value_name = "FILE")]
    pub clusters: Option<PathBuf>,
    /// Estimated Jaccard similarity at or above which documents are near-duplicates.
    #[arg(long, default_value_t = DEFAULT_THRESHOLD, value_name = "F")]
    pub threshold: f64,
    /// Values per MinHash signature.
    #[arg(long, default_value_t = DEFAULT_NUM_PERM, value_name = "N")]
    pub num_perm: usize,
    /// Tokens per shingle.
    #[arg(long, default_value_t = DEFAULT_NGRAM, value_name = "N")]
    pub ngram: usize,
    /// LSH bands [default: chosen from --threshold]; give with --rows.
    #[arg(long, value_name = "B", requires = "rows")]
    pub bands: Option<usize>,
    /// Values per LSH band [default: chosen from --threshold]; give with --bands.
    #[arg(long, value_name = "R", requires = "bands")]
    pub rows: Option<usize>,
    /// Buckets with more documents than this are a shared template and propose no pairs.
    #[arg(long, default_value_t = DEFAULT_BUCKET_CAP, value_name = "N")]
    pub bucket_cap: usize,
    /// Which member of each cluster is kept.
    #[arg(long, value_enum, default_value_t = KeepArg::First)]
    pub keep: KeepArg,
    /// Sign the text as-is [default: sign the body `reprint clean` recovers, so shared
    /// templates do not merge pages and different chrome does not hide a reprint].
    #[arg(long)]
    pub raw: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub fields: FieldArgs,
}

/// Everything a dedup run needs, resolved and checked.
#[derive(Debug)]
pub struct DedupRun {
    pub sources: Vec<Source>,
    pub output: Option<PathBuf>,
    pub clusters: Option<PathBuf>,
    pub stats: Option<PathBuf>,
    pub config: Config,
    pub fields: FieldNames,
    pub threads: usize,
    pub progress: bool,
    pub on_error: OnError,
    pub raw: bool,
}

impl DedupArgs {
    /// Apply defaults and check everything that can be checked before reading input.
    pub fn resolve(&self) -> Result<DedupRun, String> {
        let mut config = Config::with_threshold(self.threshold, self.num_perm);
        config.ngram = self.ngram;
        config.bucket_cap = self.bucket_cap;
        config.keep = match self.keep {
            KeepArg::First => Keep::First,
            KeepArg::Longest => Keep::Longest,
            KeepArg::Earliest => Keep::Earliest,
        };
        if let (Some(bands), Some(rows)) = (self.bands, self.rows) {
            config.banding = Banding { bands, rows };
        }
        config.validate().map_err(|e| e.to_string())?;
        let threads = resolve_threads(self.run.threads)?;
        let sources = resolve_sources(&self.inputs)?;
        check_outputs(&sources, [&self.output, &self.clusters, &self.run.stats])?;
        let progress = resolve_progress(self.run.progress);
        Ok(DedupRun {
            sources,
            output: self.output.clone(),
            clusters: self.clusters.clone(),
            stats: self.run.stats.clone(),
            config,
            fields: self.fields.resolve(),
            threads,
            progress,
            on_error: self.run.on_error,
            raw: self.raw,
        })
    }
}

/// Refuse an output that is also an input (it would be destroyed before it is read), or
/// that cannot be written (better said before the input is read than after).
fn check_outputs<const N: usize>(sources: &[Source], outputs: [&Option<PathBuf>; N]) -> Result<(), String> {
    for out in outputs.into_iter().flatten() {
        reprint::io::Output::check(out).map_err(|e| format!("cannot write output {e}"))?;
        for source in sources {
            if let Source::File(input) = source {
                if reprint::io::same_file(out, input) {
                    return Err(format!(
                        "output {} is also an input; write to another path",
                        out.display()
                    ));
                }
            }
        }
    }
    Ok(())
}

#[derive(Args, Debug)]
pub struct CleanArgs {
    /// JSONL inputs, read as one stream in order; `-` is stdin. gzip and zstd are detected.
    #[arg(value_name = "INPUT", default_value = "-")]
    pub inputs: Vec<String>,
    /// Write the records with "body", "title" and "removed" here [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Save the learned site profiles (versioned JSON) here.
    #[arg(long, value_name = "FILE", conflicts_with = "use_profiles")]
    pub profiles: Option<PathBuf>,
    /// Clean with profiles saved by --profiles instead of learning them: one streaming pass,
    /// each page treated as new to its site.
    #[arg(long, value_name = "FILE")]
    pub use_profiles: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub fields: FieldArgs,
}

/// Everything a clean run needs, resolved and checked.
#[derive(Debug)]
pub struct CleanRun {
    pub sources: Vec<Source>,
    pub output: Option<PathBuf>,
    pub profiles: Option<PathBuf>,
    pub use_profiles: Option<PathBuf>,
    pub stats: Option<PathBuf>,
    pub fields: FieldNames,
    pub threads: usize,
    pub progress: bool,
    pub on_error: OnError,
}

impl CleanArgs {
    /// Apply defaults and check everything that can be checked before reading input.
    pub fn resolve(&self) -> Result<CleanRun, String> {
        let sources = resolve_sources(&self.inputs)?;
        if let Some(path) = &self.use_profiles {
            std::fs::metadata(path).map_err(|e| format!("cannot read profiles {}: {e}", path.display()))?;
        }
        check_outputs(&sources, [&self.output, &self.profiles, &self.run.stats])?;
        Ok(CleanRun {
            sources,
            output: self.output.clone(),
            profiles: self.profiles.clone(),
            use_profiles: self.use_profiles.clone(),
            stats: self.run.stats.clone(),
            fields: self.fields.resolve(),
            threads: resolve_threads(self.run.threads)?,
            progress: resolve_progress(self.run.progress),
            on_error: self.run.on_error,
        })
    }
}

/// Worker threads: the given number, else every core.
fn resolve_threads(threads: Option<usize>) -> Result<usize, String> {
    match threads {
        Some(0) => Err("--threads must be at least 1".into()),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

fn resolve_progress(progress: ProgressArg) -> bool {
    match progress {
        ProgressArg::Always => true,
        ProgressArg::Never => false,
        ProgressArg::Auto => std::io::IsTerminal::is_terminal(&std::io::stderr()),
    }
}

/// The inputs, checked to exist; standard input at most once.
fn resolve_sources(inputs: &[String]) -> Result<Vec<Source>, String> {
    let sources: Vec<Source> = inputs.iter().map(|s| Source::from_arg(s)).collect();
    if sources.iter().filter(|s| **s == Source::Stdin).count() > 1 {
        return Err("standard input (-) can be given only once".into());
    }
    for source in &sources {
        if let Source::File(path) = source {
            std::fs::metadata(path).map_err(|e| format!("cannot read input {}: {e}", path.display()))?;
        }
    }
    Ok(sources)
}
