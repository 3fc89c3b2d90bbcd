//! Logs: human-readable by default, JSON lines with `--log-format json` (for log shippers).
//! Handlers log ids and outcomes, never passwords, tokens, codes or full phone numbers.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(format: LogFormat, server: bool) {
    // Commands other than `serve` print their own results; their logs only say what went wrong.
    let default = if server { "info,sqlx=warn,tower_http=info" } else { "warn,sqlx=error" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    match format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}
