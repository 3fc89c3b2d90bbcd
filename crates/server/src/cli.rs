//! The command line: `serve`, `migrate`, `user …`, `mfa …`, `attachments migrate`.
//! Errors go to stderr with a non-zero exit.

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand, ValueEnum};
use portal_core::auth::{CreateUserError, NewAccount};
use portal_core::console::{ConsoleAction, ConsoleError, SupportActor};
use portal_core::email::Email;
use portal_core::password::NewPassword;
use portal_core::user::{DisplayName, Role};
use portal_core::{Portal, RequestContext};
use portal_store::FileLocation;
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
    /// Run the portal. On the first start of a local trial (plain http on a loopback address)
    /// it creates demo logins; otherwise it creates no account and says how to add the first
    /// administrator.
    Serve {
        /// Create no demo accounts, even for a local trial (same as PORTAL_DEMO=false).
        #[arg(long)]
        no_demo: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Help users with MFA (every action is audited).
    #[command(subcommand)]
    Mfa(MfaCommand),
    /// Photos and receipts.
    #[command(subcommand)]
    Attachments(AttachmentsCommand),
}

#[derive(Debug, Subcommand)]
pub enum AttachmentsCommand {
    /// Copy every attachment from where PORTAL_ATTACHMENTS_URL points now to another store
    /// (s3://bucket/prefix or file:///path). Safe to run again: files already there with the
    /// same bytes are skipped. Then point PORTAL_ATTACHMENTS_URL of every instance at the new store.
    Migrate {
        /// The store to copy into.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MfaCommand {
    #[command(flatten)]
    User(MfaUserCommand),
    /// Email the setup-deadline reminders due today (14, 7 and 1 days before, and the day after
    /// support set a deadline) that were not sent yet; `serve` does this daily. Prints one line
    /// per email.
    Remind {
        /// Send nothing: print what would be sent.
        #[arg(long)]
        dry_run: bool,
    },
}

/// What support does for one user.
#[derive(Debug, Subcommand)]
pub enum MfaUserCommand {
    /// Show a user's methods, setup deadline and lock state.
    Status {
        #[arg(long)]
        email: String,
    },
    /// Give the user until N days from today (1–90) to set MFA up.
    Extend {
        #[arg(long)]
        email: String,
        /// 1–90 (checked with the console's rule).
        #[arg(long)]
        days: u16,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Remove every method and end every session; the user sets MFA up again at next sign-in.
    Reset {
        #[arg(long)]
        email: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Clear wrong-code pauses and the 100-failure lock.
    Unlock {
        #[arg(long)]
        email: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

impl Command {
    pub fn is_server(&self) -> bool {
        matches!(self, Command::Serve { .. })
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
    /// Delete every demo account (created by a local trial's first start) and every claim one
    /// of them takes part in, in one transaction; audited. Other accounts are not touched.
    RemoveDemo,
}

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve { no_demo } => serve(Config { demo: config.demo && !no_demo, ..config }).await,
        Command::Migrate => {
            let store = app::open_store(&config).await?;
            println!("database is up to date ({})", store.backend());
            Ok(())
        }
        Command::User(UserCommand::Add { email, password_stdin, role, name, created }) => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            let name = name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().to_owned());
            let name = DisplayName::parse(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let created_at =
                created.map(|d| parse_date("--created", &d).map(|d| d.midnight().assume_utc())).transpose()?;
            if !password_stdin {
                bail!("give the password on standard input with --password-stdin");
            }
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).context("reading the password from standard input")?;
            let text = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text).to_owned();
            let portal = app::build(&config, &public_url(&config, config.listen)).await?;
            let password = NewPassword::check(&text, &portal.password_context(&email, &name))
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let new = NewAccount { email: email.clone(), name, role, password, created_at, demo: false };
            match portal.create_account(new, "cli", &RequestContext::cli()).await {
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
        Command::Mfa(command) => mfa(command, config).await,
        Command::Attachments(AttachmentsCommand::Migrate { to }) => {
            let target = FileLocation::parse(&to).map_err(|e| anyhow::anyhow!("--to: {e}"))?;
            if target == config.attachments {
                bail!("--to: {target} is where attachments are already (PORTAL_ATTACHMENTS_URL)");
            }
            let from = config.attachments.open(&config.s3).context("PORTAL_ATTACHMENTS_URL")?;
            let into = target.open(&config.s3).context("--to")?;
            println!("copying attachments from {} to {target}", config.attachments);
            let copy = portal_store::copy_files(from.as_ref(), into.as_ref()).await?;
            println!(
                "copied {} file(s) ({} bytes); {} already there{}",
                copy.copied,
                copy.bytes_copied,
                copy.already_there,
                if copy.vanished > 0 { format!("; {} deleted while copying", copy.vanished) } else { String::new() }
            );
            println!(
                "Next: stop the instances, run this again to copy what was uploaded meanwhile, then start \
                 every instance with PORTAL_ATTACHMENTS_URL={target}"
            );
            Ok(())
        }
        Command::User(UserCommand::RemoveDemo) => {
            let portal = app::build(&config, &public_url(&config, config.listen)).await?;
            let removal = portal.remove_demo_accounts(&cli_actor(), &RequestContext::cli()).await?;
            if removal.accounts.is_empty() {
                println!("no demo accounts");
            } else {
                let emails: Vec<&str> = removal.accounts.iter().map(|a| a.email.as_str()).collect();
                println!(
                    "removed {} demo account(s) ({}) and {} claim(s) with {} attachment(s)",
                    emails.len(),
                    emails.join(", "),
                    removal.claims,
                    removal.attachments.len()
                );
            }
            Ok(())
        }
        Command::User(UserCommand::List { json }) => {
            let store = app::open_store(&config).await?;
            let users = store.list_users().await?;
            if json {
                for u in &users {
                    let created = u.created_at.format(&Rfc3339).unwrap_or_default();
                    let line = serde_json::json!({ "id": u.id, "email": u.email, "name": u.name, "role": u.role, "created_at": created, "demo": u.demo });
                    println!("{line}");
                }
            } else {
                println!("{:<32}  {:<12}  {:<10}  NAME", "EMAIL", "ROLE", "CREATED");
                for u in &users {
                    println!(
                        "{:<32}  {:<12}  {:<10}  {}{}",
                        u.email.as_str(),
                        u.role.as_str(),
                        u.created_at.date(),
                        u.name.as_str(),
                        if u.demo { "  [demo]" } else { "" }
                    );
                }
            }
            Ok(())
        }
    }
}

fn public_url(config: &Config, bound: SocketAddr) -> String {
    config.public_url.clone().unwrap_or_else(|| format!("http://{bound}"))
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let bound = listener.local_addr()?;
    let url = public_url(&config, bound);
    let portal = app::build(&config, &url).await?;
    let first_start = demo::first_start(&portal, config.demo && demo::is_local_trial(&url, bound)).await?;
    let web = WebSettings {
        metrics_allow: config.metrics_allow.clone(),
        ..WebSettings::from_public_url(&url, config.trusted_proxies.clone())
    };
    let router = portal_web::router(AppState::new(portal.clone(), web));
    tokio::spawn(purge_expired(portal.clone()));

    println!(
        "{} is running at {url}  (listening on {bound}, database: {})",
        portal.settings().portal_name,
        portal.backend()
    );
    match first_start {
        demo::FirstStart::Demo(logins) => {
            println!("Demo logins (shown only this once; the database keeps only password hashes):");
            for login in &logins {
                println!("  {:<13} {:<28} password: {}", login.role.label(), login.email, login.password);
            }
            println!(
                "Demo claim {} (a draft with 8 items in 3 rooms): {url}/claims, for the policyholder and the adjuster.",
                demo::DEMO_CLAIM_NUMBER
            );
            println!("These are demo accounts for a local trial; `inventory-portal user remove-demo` deletes them.");
        }
        demo::FirstStart::NoAccounts => {
            println!("There are no accounts yet. Create the first administrator (they set up MFA at first sign-in):");
            println!(
                "  printf '%s' \"$ADMIN_PASSWORD\" | inventory-portal user add --role admin --email you@example.com --name \"Your Name\" --password-stdin"
            );
        }
        demo::FirstStart::HasAccounts => {}
    }
    tracing::info!(%bound, "listening");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")
}

/// Sessions, codes and limits are checked on every use; this only keeps the tables small and
/// drops expired personal data (texted-code rows hold phone numbers). Once at startup and then
/// daily it also reclaims attachment files that no record names (left by a crash mid-upload)
/// and sends the deadline reminders due (each once, whichever instance claims it first).
async fn purge_expired(portal: Portal) {
    const TICKS_PER_FILE_SWEEP: u32 = 144; // ten-minute ticks in a day
    let mut every = tokio::time::interval(Duration::from_secs(600));
    let mut tick: u32 = 0;
    loop {
        every.tick().await;
        match portal.purge_expired().await {
            Ok(n) if n > 0 => tracing::info!(removed = n, "purged expired rows"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not purge expired rows"),
        }
        if tick.is_multiple_of(TICKS_PER_FILE_SWEEP) {
            match portal.sweep_unreferenced_files().await {
                Ok(s) if s.unreferenced + s.partial > 0 => {
                    tracing::info!(
                        unreferenced = s.unreferenced,
                        partial = s.partial,
                        "removed attachment files no record names"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not sweep attachment files"),
            }
            match portal.send_deadline_reminders(false, &RequestContext::scheduled()).await {
                Ok(sent) if !sent.is_empty() => tracing::info!(reminders = sent.len(), "sent deadline reminders"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not send deadline reminders"),
            }
        }
        tick = tick.wrapping_add(1);
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

/// Who acted, for the audit log: the operator's login on the server.
fn cli_actor() -> String {
    format!("cli:{}", std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into()))
}

/// A refused support action, worded for the command line: the flag it is about first.
fn support_refusal(e: ConsoleError, email: &Email) -> anyhow::Error {
    match e {
        ConsoleError::InvalidDays => anyhow::anyhow!("--days: {e}"),
        ConsoleError::InvalidReason => anyhow::anyhow!("--reason: {e}"),
        ConsoleError::StaffHaveNoDeadline => anyhow::anyhow!("{email} is staff: {e}"),
        other => other.into(),
    }
}

async fn mfa(command: MfaCommand, config: Config) -> anyhow::Result<()> {
    match command {
        MfaCommand::User(command) => help_one_user(command, config).await,
        MfaCommand::Remind { dry_run } => remind(dry_run, config).await,
    }
}

async fn remind(dry_run: bool, config: Config) -> anyhow::Result<()> {
    let portal = app::build(&config, &public_url(&config, config.listen)).await?;
    let reminders = portal.send_deadline_reminders(dry_run, &RequestContext::cli()).await?;
    for reminder in &reminders {
        println!("{} {reminder}", if dry_run { "would remind" } else { "reminded" });
    }
    if reminders.is_empty() {
        println!("no reminders due today ({})", portal.today());
    }
    if reminders.iter().any(|r| r.failed) {
        bail!("some reminders could not be emailed (they count as sent; see the log)");
    }
    Ok(())
}

async fn help_one_user(command: MfaUserCommand, config: Config) -> anyhow::Result<()> {
    let email = match &command {
        MfaUserCommand::Status { email }
        | MfaUserCommand::Extend { email, .. }
        | MfaUserCommand::Reset { email, .. }
        | MfaUserCommand::Unlock { email, .. } => Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?,
    };
    let portal = app::build(&config, &public_url(&config, config.listen)).await?;
    let Some(view) = portal.support_view(&email).await? else { bail!("no account with email {email}") };
    let ctx = RequestContext::cli();
    let login = cli_actor();
    // The console's one entry point, as an operator: the same rules, minus the session checks.
    let act = |action: ConsoleAction, reason: Option<String>| {
        let (portal, view, ctx, login, email) = (&portal, &view, &ctx, &login, &email);
        async move {
            let actor = SupportActor::Operator { login };
            let reason = reason.unwrap_or_default();
            portal
                .support_act(actor, &view.user.id, action, &reason, None, ctx)
                .await
                .map_err(|e| support_refusal(e, email))
        }
    };
    match command {
        MfaUserCommand::Status { .. } => {
            print_status(&portal, &view);
            Ok(())
        }
        MfaUserCommand::Extend { days, reason, .. } => {
            let action = ConsoleAction::ExtendDeadline { days };
            let done = act(action, reason).await?;
            println!("{}", done.summary);
            Ok(())
        }
        MfaUserCommand::Reset { reason, .. } => {
            println!("{}", act(ConsoleAction::ResetMfa, reason).await?.summary);
            Ok(())
        }
        MfaUserCommand::Unlock { reason, .. } => {
            println!("{}", act(ConsoleAction::Unlock, reason).await?.summary);
            Ok(())
        }
    }
}

fn print_status(portal: &Portal, view: &portal_core::mfa::service::SupportView) {
    use portal_core::mfa::MfaRequirement;
    use portal_core::mfa::throttle::ThrottleState;
    let now = portal.now();
    println!("email:     {}", view.user.email);
    println!("role:      {}", view.user.role);
    let methods: Vec<String> = view
        .confirmed
        .iter()
        .map(|f| match &f.phone {
            Some(phone) => format!("{} ({})", f.method.as_str(), phone.masked()),
            None => f.method.as_str().to_owned(),
        })
        .collect();
    println!("methods:   {}", if methods.is_empty() { "none".to_owned() } else { methods.join(", ") });
    let state = match (&view.requirement, view.throttle.state(now)) {
        (_, ThrottleState::Locked) => "locked (100 wrong codes; use `mfa unlock`)".to_owned(),
        (MfaRequirement::Verify { .. }, _) => "enrolled".to_owned(),
        (MfaRequirement::Setup { days_left: Some(n), .. }, _) => format!("setup pending ({n} days left)"),
        (MfaRequirement::Setup { .. }, _) => "setup pending (at next sign-in)".to_owned(),
        (MfaRequirement::SetupExpired { .. }, _) => "setup expired (past the deadline; use `mfa extend`)".to_owned(),
        (MfaRequirement::NotRequired, _) => "not required yet (MFA not switched on)".to_owned(),
    };
    println!("state:     {state}");
    match view.last_sign_in {
        Some(at) => println!("last sign-in: {} {:02}:{:02} UTC", at.date(), at.hour(), at.minute()),
        None => println!("last sign-in: never"),
    }
    match view.deadline {
        Some(d) => println!("deadline:  {} ({})", d.date, view.deadline_source_label()),
        None => println!("deadline:  none ({})", view.deadline_source_label()),
    }
    if let ThrottleState::Paused { retry_after } = view.throttle.state(now) {
        println!("paused:    {} more seconds", retry_after.whole_seconds());
    }
    println!("wrong codes in a row: {}", view.throttle.consecutive_failures);
}
