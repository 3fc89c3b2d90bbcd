//! `inventory-portal`: the binary. Parses the command line and configuration, wires the
//! adapters (the only place that picks them), and runs the chosen command.

mod app;
mod cli;
mod config;
mod demo;
mod telemetry;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system's malloc: a request's small buffers are allocated on one worker
/// thread and often freed on another, where glibc's malloc and free took about a ninth of
/// the workers' CPU during verification; measured in docs/performance.md ("The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let config = match config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: configuration: {e}");
            return ExitCode::from(2);
        }
    };
    let log_format = args.log_format.map_or(config.log_format, Into::into);
    telemetry::init(log_format, args.command.is_server());
    for name in config::unknown_env_vars(std::env::vars().map(|(k, _)| k)) {
        tracing::warn!(variable = %name, "unknown PORTAL_ environment variable ignored (a typo?)");
    }
    match cli::run(args.command, config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
