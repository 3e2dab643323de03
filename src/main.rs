use clap::Parser;
use std::process::ExitCode;
use zhengjiao::cli::{Cli, run, usage};

/// Faster than the system allocator when one thread frees what another
/// allocated (the import's reading and writing threads).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Piped into `head` or `less`: end quietly when the reader goes away.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::try_parse().unwrap_or_else(|e| {
        if let Some(lead) = usage::lead(e.kind()) {
            eprintln!("{lead}");
        }
        e.exit()
    });
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::from(1)
        }
    }
}
