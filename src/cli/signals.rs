//! A run stopped by SIGINT, SIGTERM or SIGHUP removes its unfinished outputs before it ends.
//!
//! Outputs are written to temporary files and renamed into place when complete, so a stopped
//! run never leaves a torn output; without this, it would leave its temporary files behind
//! (a signal runs no destructors). A thread of its own waits for the signal, removes this
//! process's temporary files beside the outputs, then ends the process as the signal's
//! default action would, so the caller still sees it killed by that signal. `kill -9`
//! cannot be caught: it leaves the temporary file (never the output) behind.

use std::path::PathBuf;

/// Watch for the stopping signals; on the first, remove the unfinished outputs among
/// `outputs` and end the process. Does nothing where signals are not Unix's.
pub fn remove_unfinished_on_signal(outputs: Vec<PathBuf>) {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        use signal_hook::iterator::Signals;
        // Without the watcher, a signal ends the run as before: only tidiness is lost.
        let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                reprint::io::remove_temporaries(outputs.iter().map(PathBuf::as_path));
                // Reset to the default action and raise the signal again; should that fail,
                // end with the shell's code for a death by this signal.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    }
    #[cfg(not(unix))]
    let _ = outputs;
}
