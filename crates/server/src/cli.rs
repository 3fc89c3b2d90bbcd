//! The command line (DESIGN §7): `serve`, `migrate`, `user add`, `user list`.
//! Errors go to stderr with a non-zero exit.

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};
use portal_core::auth::{CreateUserError, NewAccount};
use portal_core::email::Email;
use portal_core::password::Password;
use portal_core::user::{DisplayName, Role};
use portal_core::{Portal, RequestContext};
use portal_web::{AppState, WebSettings};
use time::format_description::well_known::Rfc3339;

use crate::config::{Config, LogFormat, parse_date};
use crate::{app, demo};

#[derive(Debug, Parser)]
#[command(
    name = "inventory-portal",
    version,
    about = "Inventory Portal: loss inventories behind MFA-protected sign-in"
)]
pub struct Cli {
    /// Configuration file (TOML); environment variables override it.
    #[arg(long, env = "PORTAL_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Log format (overrides PORTAL_LOG_FORMAT).
    #[arg(long, value_enum, global = true)]
    pub log_format: Option<LogFormatArg>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormatArg {
    Pretty,
    Json,
}

impl From<LogFormatArg> for LogFormat {
    fn from(value: LogFormatArg) -> Self {
        match value {
            LogFormatArg::Pretty => LogFormat::Pretty,
            LogFormatArg::Json => LogFormat::Json,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal (creates the database and demo logins on first run).
    Serve,
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
}

impl Command {
    pub fn is_server(&self) -> bool {
        matches!(self, Command::Serve)
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (the only way to give one, so it never
        /// appears in shell history or the process list).
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, default_value = "policyholder")]
        role: String,
        /// Display name (defaults to the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// Creation date YYYY-MM-DD, for an account migrated from an earlier system.
        #[arg(long)]
        created: Option<String>,
    },
    /// List accounts.
    List {
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let store = app::open_store(&config).await?;
            println!("database is up to date ({})", store.backend());
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            password_stdin,
            role,
            name,
            created,
        }) => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            let name = name.unwrap_or_else(|| {
                email
                    .as_str()
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
            let name = DisplayName::parse(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let created_at = created
                .map(|d| parse_date("--created", &d).map(|d| d.midnight().assume_utc()))
                .transpose()?;
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("reading the password from standard input")?;
            let text = text
                .strip_suffix('\n')
                .map(|t| t.strip_suffix('\r').unwrap_or(t))
                .unwrap_or(&text)
                .to_owned();
            let password =
                Password::new_checked(text).map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let portal = app::build(&config, &public_url(&config, config.listen)).await?;
            let new = NewAccount {
                email: email.clone(),
                name,
                role,
                password,
                created_at,
            };
            match portal
                .create_account(new, "cli", &RequestContext::cli())
                .await
            {
                Ok(user) => {
                    println!("created {} ({}) id {}", user.email, user.role, user.id);
                    Ok(())
                }
                Err(CreateUserError::Duplicate) => {
                    bail!("an account with email {email} already exists")
                }
                Err(e) => Err(e.into()),
            }
        }
        Command::User(UserCommand::List { json }) => {
            let store = app::open_store(&config).await?;
            let users = store.list_users().await?;
            if json {
                for u in &users {
                    let created = u.created_at.format(&Rfc3339).unwrap_or_default();
                    let line = serde_json::json!({ "id": u.id, "email": u.email, "name": u.name, "role": u.role, "created_at": created });
                    println!("{line}");
                }
            } else {
                println!("{:<32}  {:<12}  {:<10}  NAME", "EMAIL", "ROLE", "CREATED");
                for u in &users {
                    println!(
                        "{:<32}  {:<12}  {:<10}  {}",
                        u.email.as_str(),
                        u.role.as_str(),
                        u.created_at.date(),
                        u.name.as_str()
                    );
                }
            }
            Ok(())
        }
    }
}

fn public_url(config: &Config, bound: SocketAddr) -> String {
    config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{bound}"))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let bound = listener.local_addr()?;
    let url = public_url(&config, bound);
    let portal = app::build(&config, &url).await?;
    let demo_logins = demo::seed_if_empty(&portal).await?;
    let web = WebSettings::from_public_url(&url, config.trusted_proxies.clone());
    let router = portal_web::router(AppState {
        portal: portal.clone(),
        web: std::sync::Arc::new(web),
    });
    tokio::spawn(purge_expired_sessions(portal.clone()));

    println!(
        "{} is running at {url}  (database: {})",
        portal.settings.portal_name,
        portal.store.backend()
    );
    if !demo_logins.is_empty() {
        println!("Demo logins (shown only this once; the database keeps only password hashes):");
        for login in &demo_logins {
            println!(
                "  {:<13} {:<28} password: {}",
                login.role.label(),
                login.email,
                login.password
            );
        }
    }
    tracing::info!(%bound, "listening");
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving HTTP")
}

/// Sessions are checked on every use; this only keeps the table small.
async fn purge_expired_sessions(portal: Portal) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        every.tick().await;
        let now = portal.clock.now();
        let policy = portal.settings.sessions;
        match portal
            .store
            .purge_sessions(now - policy.idle_timeout, now - policy.absolute_timeout)
            .await
        {
            Ok(n) if n > 0 => tracing::info!(removed = n, "purged expired sessions"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not purge expired sessions"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}
