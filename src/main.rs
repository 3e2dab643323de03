use clap::Parser;
use std::process::ExitCode;
use zhengjiao::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::from(1)
        }
    }
}
