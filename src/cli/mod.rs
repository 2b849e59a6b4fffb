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
            Ok(run) => dedup::run(&run),
            Err(msg) => {
                eprintln!("reprint: {msg}");
                return ExitCode::from(2);
            }
        },
        args::Command::Eval(command) => eval::run(command),
        args::Command::Clean(a) => match a.resolve() {
            Ok(run) => clean::run(&run),
            Err(msg) => {
                eprintln!("reprint: {msg}");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Skipped) => ExitCode::from(1),
        Err(e) => {
            eprintln!("reprint: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
