//! The command-line front end: parse, resolve, call the library, map the result to an exit
//! code. Only this module prints.

mod args;
mod batches;
mod clean;
mod dedup;
mod eval;
mod learn;
mod report;
mod scan;
mod signals;

use std::process::ExitCode;

use clap::Parser;

pub use args::Cli;

/// How a run that did not fail ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every record was used.
    Success,
    /// The run finished, but some records or inputs were skipped.
    Skipped,
}

/// Exit codes: 0 success, 1 finished with records skipped, 2 usage or fatal error.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match &cli.command {
        args::Command::Dedup(a) => match a.resolve() {
            Ok(run) => {
                let outputs = [&run.output, &run.clusters, &run.stats];
                signals::remove_unfinished_on_signal(outputs.into_iter().flatten().cloned().collect());
                dedup::run(&run)
            }
            Err(msg) => {
                report::warn(&format!("reprint: {msg}"));
                return ExitCode::from(2);
            }
        },
        args::Command::Eval(command) => eval::run(command),
        args::Command::Clean(a) => match a.resolve() {
            Ok(run) => {
                let outputs = [&run.output, &run.profiles, &run.stats];
                signals::remove_unfinished_on_signal(outputs.into_iter().flatten().cloned().collect());
                clean::run(&run)
            }
            Err(msg) => {
                report::warn(&format!("reprint: {msg}"));
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Skipped) => ExitCode::from(1),
        Err(e) => {
            report::warn(&format!("reprint: {}", message(&e)));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, joined by `: `, each said once: reprint's errors already end
/// with their cause, and anyhow's chain would repeat it.
fn message(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let cause = cause.to_string();
        if !message.contains(&cause) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&cause);
        }
    }
    message
}

#[cfg(test)]
mod tests {
    #[test]
    fn causes_are_said_once() {
        let io = std::io::Error::other("incomplete frame");
        let error = anyhow::Error::from(reprint::Error::io("a.zst", io)).context("reading");
        assert_eq!(super::message(&error), "reading: a.zst: incomplete frame");
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
