//! `cargo run --release -p portal-bench -- [--quick] [--postgres URL] [--users N] [--connections 32]
//! [--seconds S] [--scaling]`: see docs/performance.md.

use anyhow::Context as _;
use clap::Parser;
use portal_bench::{Options, default_out_dir, run, run_scaling, scaling_table, serve_only};

/// The allocator the portal's binary uses, so the server measured in this process allocates as
/// the shipped one does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "portal-bench", about = "Load benchmark of Inventory Portal on loopback")]
struct Args {
    /// Under a minute: 20 000 users (unless --users), 3 s per scenario (unless --seconds).
    #[arg(long)]
    quick: bool,
    /// Run on PostgreSQL (a schema of its own, dropped afterwards) instead of SQLite.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Users to seed (default 100 000; 20 000 with --quick).
    #[arg(long)]
    users: Option<u64>,
    /// Keep-alive connections driving the load.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds per scenario (default 10; 3 with --quick).
    #[arg(long)]
    seconds: Option<f64>,
    /// The portal's database pool size (PORTAL_DATABASE_MAX_CONNECTIONS).
    #[arg(long, default_value_t = 16)]
    pool: u32,
    /// Instead of the scenarios: mfa-verify latency at each of --sizes users.
    #[arg(long)]
    scaling: bool,
    /// User counts for --scaling.
    #[arg(long, value_delimiter = ',', default_value = "1000,100000,1000000")]
    sizes: Vec<u64>,
    /// Where results.json (and scaling.json) go; default target/bench.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Internal: serve a seeded database described on standard input (how --scaling runs the
    /// server in a process of its own).
    #[arg(long, hide = true)]
    serve_only: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.serve_only {
        return serve_only();
    }
    let opts = Options {
        postgres: args.postgres.clone(),
        users: args.users.unwrap_or(if args.quick { 20_000 } else { 100_000 }),
        connections: args.connections,
        seconds: args.seconds.unwrap_or(if args.quick { 3.0 } else { 10.0 }),
        pool: args.pool,
        verbose: true,
        server_exe: None,
    };
    let out = args.out.clone().unwrap_or_else(default_out_dir);
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    if args.scaling {
        let rows = run_scaling(&opts, &args.sizes)?;
        print!("{}", scaling_table(&rows));
        let path = out.join("scaling.json");
        std::fs::write(&path, serde_json::to_string_pretty(&rows)?)?;
        println!("wrote {}", path.display());
        return Ok(());
    }
    let report = run(&opts)?;
    print!("{}", report.table());
    let path = out.join("results.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report.results_json())?)?;
    std::fs::write(out.join(format!("report-{}.json", report.backend)), serde_json::to_string_pretty(&report)?)?;
    println!("wrote {}", path.display());
    Ok(())
}
