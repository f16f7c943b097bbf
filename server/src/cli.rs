//! The `frontline` command line.

use crate::{db, settings::Settings, shutdown, startup::Application, telemetry};
use anyhow::Context as _;
use app::{
    clock::SystemClock,
    infra::passwords::Passwords,
    services::{ServiceError, accounts, audit::Actor, deps::Deps},
    state::AppState,
};
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait as _};
use secrecy::SecretString;
use std::path::PathBuf;
use std::{io::IsTerminal as _, sync::Arc};

/// Frontline: cybersecurity help for healthcare, from volunteer experts.
#[derive(Debug, Parser)]
#[command(name = "frontline", version, about)]
pub struct Cli {
    /// A TOML settings file (default: ./frontline.toml when present).
    #[arg(long, global = true, env = "FRONTLINE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations and serve the site.
    Serve,
    /// Manage the database schema.
    Migrate {
        /// up (default), down or status.
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Load the demo data set into an empty database.
    Demo {
        /// Organisations.
        #[arg(long, default_value_t = 40)]
        organisations: usize,
        /// Volunteers (100000 for the matcher's scale).
        #[arg(long, default_value_t = 300)]
        volunteers: usize,
        /// Needs (20000 for the matcher's scale).
        #[arg(long, default_value_t = 150)]
        needs: usize,
        /// Random seed: the same seed gives the same data.
        #[arg(long, default_value_t = 2020)]
        seed: u64,
        /// Do nothing (successfully) when the database already holds data.
        #[arg(long)]
        if_empty: bool,
    },
    /// Manage coordinator accounts.
    Coordinator {
        /// What to do.
        #[command(subcommand)]
        action: CoordinatorAction,
    },
    /// Write a consistent copy of the database to FILE while Frontline runs
    /// (SQLite; PostgreSQL: prints how to use pg_dump).
    Backup {
        /// The new backup file (must not exist).
        file: PathBuf,
    },
    /// Replace the database with the backup in FILE and end every session it
    /// holds; Frontline must be stopped (SQLite; PostgreSQL: prints how to use
    /// pg_restore).
    Restore {
        /// A file written by `frontline backup`.
        file: PathBuf,
    },
    /// Manage sessions.
    Sessions {
        /// What to do.
        #[command(subcommand)]
        action: SessionsAction,
    },
    /// Measure the matcher (no database needed).
    Bench {
        /// What to measure.
        #[command(subcommand)]
        action: BenchAction,
    },
}

/// What `frontline bench` measures.
#[derive(Debug, Subcommand)]
pub enum BenchAction {
    /// Solve a DIMACS `p min` matching instance with the matcher's exact solver and print
    /// `solver=frontline cost=C assigned=A seconds=T`; only the solve is timed, not reading
    /// or parsing the file.
    Solve {
        /// The instance file (the format of the benchmark anchors' `gen.py`).
        file: PathBuf,
    },
    /// Rank every approved volunteer for open needs of the configured database (load the
    /// large demo set first) and print the time of one ranking: median, 99th percentile and
    /// worst over the needs, in microseconds, on one core. Loading the pools is not timed.
    Rank {
        /// How many open needs to rank (spread evenly over all of them).
        #[arg(long, default_value_t = 2000)]
        needs: usize,
        /// How many candidates to keep per need (the console shows 20).
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Rankings of each need; the fastest counts, which filters out machine noise.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
}

/// What `frontline sessions` does.
#[derive(Debug, Subcommand)]
pub enum SessionsAction {
    /// End every session: everyone signs in again (after restoring a PostgreSQL dump).
    EndAll,
}

/// What `frontline coordinator` does.
#[derive(Debug, Subcommand)]
pub enum CoordinatorAction {
    /// Create a coordinator account. The password is read from the terminal, or
    /// from the first line of standard input when it is not a terminal.
    Create {
        /// Email address (the sign-in name).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
    },
}

/// What `frontline migrate` does.
#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the most recent migrations.
    Down {
        /// How many to revert.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List applied and pending migrations.
    Status,
}

/// Parses the command line, loads settings and runs the command.
///
/// # Errors
/// Any failure, with its causes, for `main` to print.
pub fn run() -> anyhow::Result<()> {
    // A missing .env is fine; a malformed one is not.
    match dotenvy::dotenv() {
        Ok(_) => {}
        Err(e) if e.not_found() => {}
        Err(e) => return Err(e).context("cannot read .env"),
    }
    let cli = Cli::parse();
    // A long-running server: see `allocator` (returns only when configured,
    // or when it cannot be).
    let allocator = matches!(cli.command, Command::Serve)
        .then(crate::allocator::configure)
        .flatten();
    let settings = Settings::load(cli.config.as_deref()).context("invalid settings")?;
    telemetry::init(settings.log_format, &settings.log_filter);
    if let Some(reason) = allocator {
        tracing::warn!(%reason, "freed memory is returned to the system on mimalloc's default delay");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(dispatch(cli.command, settings))
}

async fn dispatch(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve(settings).await,
        Command::Migrate { action } => migrate(settings, action.unwrap_or(MigrateAction::Up)).await,
        Command::Demo {
            organisations,
            volunteers,
            needs,
            seed,
            if_empty,
        } => {
            demo(
                settings,
                crate::demo::Size {
                    organisations,
                    volunteers,
                    needs,
                    seed,
                },
                if_empty,
            )
            .await
        }
        Command::Coordinator {
            action: CoordinatorAction::Create { email, name },
        } => create_coordinator(settings, &email, &name).await,
        Command::Backup { file } => {
            let bytes = crate::backup::backup(&settings, &file).await?;
            println!(
                "backup written to {} ({bytes} bytes): a consistent copy as of now",
                file.display()
            );
            Ok(())
        }
        Command::Restore { file } => {
            let ended = crate::backup::restore(&settings, &file).await?;
            println!(
                "restored from {}; {ended} session(s) it held were ended",
                file.display()
            );
            Ok(())
        }
        Command::Sessions {
            action: SessionsAction::EndAll,
        } => {
            let ended = crate::backup::end_all_sessions(&settings).await?;
            println!("{ended} session(s) ended");
            Ok(())
        }
        // Pure computation: no database connection, no migrations.
        Command::Bench {
            action: BenchAction::Solve { file },
        } => bench_solve(&file),
        Command::Bench {
            action: BenchAction::Rank { needs, top, repeat },
        } => bench_rank(settings, needs, top, repeat).await,
    }
}

/// Reads and parses `file`, then times the solve alone and prints one line in the format
/// of the benchmark anchors, so the outputs can be compared line by line.
fn bench_solve(file: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let instance = app::matcher::dimacs::parse(&text)
        .with_context(|| format!("{} is not a valid DIMACS `p min` instance", file.display()))?;
    drop(text);
    let started = std::time::Instant::now();
    let solution =
        app::matcher::dimacs::solve(&instance).with_context(|| format!("cannot solve {}", file.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "solver=frontline cost={} assigned={} seconds={seconds:.4}",
        solution.cost, solution.assigned
    );
    Ok(())
}

/// Loads the pools the matching console uses, then times `rank_volunteers` alone.
async fn bench_rank(settings: Settings, needs: usize, top: usize, repeat: usize) -> anyhow::Result<()> {
    anyhow::ensure!(needs > 0 && repeat > 0, "--needs and --repeat must be at least 1");
    let db = db::connect(&settings).await?;
    db::migrate(&db).await?;
    let state = command_line_state(&settings, db).await?;
    let before = resident_bytes();
    let loading = std::time::Instant::now();
    let volunteers = app::services::matching::volunteers(&state)
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the volunteers: {e}"))?;
    let mut load_seconds = loading.elapsed().as_secs_f64();
    // What reading left resident, two seconds on: the pool, and whatever the
    // allocator still holds of the rows it was read from.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let with_volunteers = resident_bytes();
    let loading = std::time::Instant::now();
    let pool = app::services::matching::open_needs(&state)
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the open needs: {e}"))?;
    load_seconds += loading.elapsed().as_secs_f64();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let with_needs = resident_bytes();
    anyhow::ensure!(
        !pool.profiles.is_empty() && !volunteers.index.is_empty(),
        "the database holds no open needs or no approved volunteers: load the demo set first \
         (frontline demo --volunteers 100000 --needs 20000)"
    );
    let step = (pool.profiles.len() / needs).max(1);
    let chosen: Vec<_> = pool.profiles.iter().step_by(step).take(needs).collect();
    let mut micros = Vec::with_capacity(chosen.len());
    let mut eligible = 0_u64;
    for need in &chosen {
        let mut best = f64::INFINITY;
        let mut passed = 0;
        for _ in 0..repeat {
            let started = std::time::Instant::now();
            let ranking =
                std::hint::black_box(app::matcher::rank::rank_volunteers(&volunteers.index, need, top));
            best = best.min(started.elapsed().as_secs_f64() * 1e6);
            passed = ranking.eligible;
        }
        eligible = eligible.saturating_add(u64::from(passed));
        micros.push(best);
    }
    let per = |grown: u64, count: usize| grown / count.max(1) as u64;
    println!(
        "bench=pools resident_mb_before={} volunteers={} resident_growth_mb={} resident_growth_per_volunteer_bytes={} needs={} resident_growth_mb={} resident_growth_per_need_bytes={}",
        before >> 20,
        volunteers.index.len(),
        with_volunteers.saturating_sub(before) >> 20,
        per(with_volunteers.saturating_sub(before), volunteers.index.len()),
        pool.profiles.len(),
        with_needs.saturating_sub(with_volunteers) >> 20,
        per(with_needs.saturating_sub(with_volunteers), pool.profiles.len()),
    );
    micros.sort_by(f64::total_cmp);
    let at = |q: f64| {
        // Nearest rank: the smallest value with at least q of the sample at or below it.
        let rank = (q * micros.len() as f64).ceil() as usize;
        micros[rank.clamp(1, micros.len()) - 1]
    };
    let mean = micros.iter().sum::<f64>() / micros.len() as f64;
    println!(
        "bench=rank volunteers={} needs={} top={top} mean_eligible={} median_us={:.1} p99_us={:.1} max_us={:.1} mean_us={mean:.1} load_seconds={load_seconds:.2}",
        volunteers.index.len(),
        chosen.len(),
        eligible / chosen.len() as u64,
        at(0.5),
        at(0.99),
        at(1.0),
    );
    Ok(())
}

/// This process's resident memory, in bytes (0 where `/proc` has no answer).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// The services' state for a command: no site, one password hash at a time.
async fn command_line_state(
    settings: &Settings,
    db: sea_orm::DatabaseConnection,
) -> anyhow::Result<AppState> {
    let keys = app::infra::keys::SiteKeys::load(&db, time::OffsetDateTime::now_utc())
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the site's keys: {e}"))?;
    Ok(AppState {
        deps: Deps {
            db,
            clock: Arc::new(SystemClock),
            config: Arc::new(settings.app_config()),
            passwords: Passwords::new(1).map_err(|e| anyhow::anyhow!("{e}"))?,
            matching: app::services::matching::Cache::default(),
            figures: app::infra::recent::Recent::default(),
            impact: app::infra::recent::Recent::default(),
            insight: app::infra::recent::Recent::default(),
            keys: Arc::new(keys),
        },
        leptos_options: leptos::config::LeptosOptions::builder()
            .output_name("frontline")
            .build(),
        availability: app::infra::db::Availability::default(),
        assets: Arc::default(),
    })
}

async fn demo(settings: Settings, size: crate::demo::Size, if_empty: bool) -> anyhow::Result<()> {
    let db = db::connect(&settings).await?;
    db::migrate(&db).await?;
    if if_empty && crate::demo::has_data(&db).await? {
        println!("the database already holds data: demo data not loaded");
        return Ok(());
    }
    let started = std::time::Instant::now();
    let loaded = crate::demo::load(&db, size).await?;
    println!(
        "demo data loaded in {:.1} s: {} coordinators, {} organisations ({} members), {} needs, {} volunteers, \
         {} engagements",
        started.elapsed().as_secs_f64(),
        loaded.coordinators,
        loaded.organisations,
        loaded.members,
        loaded.needs,
        loaded.volunteers,
        loaded.engagements
    );
    println!("every demo account's password: {}", loaded.password);
    if let Err(e) = save_demo_password(&loaded.password) {
        tracing::warn!(error = %e, "could not save the demo password");
    } else {
        println!("  (also saved in data/demo-password.txt)");
    }
    println!(
        "  coordinator: coordinator@demo.frontline.example (sets up two-factor authentication at first sign-in)"
    );
    println!(
        "  organisation member: member1.1@demo.frontline.example   volunteer: volunteer1@demo.frontline.example"
    );
    Ok(())
}

/// Keeps the demo password in `data/demo-password.txt`, readable by its owner only.
fn save_demo_password(password: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    std::fs::create_dir_all("data")?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open("data/demo-password.txt")?;
    writeln!(file, "{password}")
}

/// Reads a password from the terminal (twice) or from standard input's first line.
fn read_password() -> anyhow::Result<SecretString> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password for the new coordinator: ")?;
        let second = rpassword::prompt_password("The same password again: ")?;
        anyhow::ensure!(first == second, "the two passwords differ");
        Ok(first.into())
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned().into())
    }
}

async fn create_coordinator(settings: Settings, email: &str, name: &str) -> anyhow::Result<()> {
    let password = read_password()?;
    let db = db::connect(&settings).await?;
    db::migrate(&db).await?;
    let state = command_line_state(&settings, db).await?;
    let actor = Actor {
        account_id: None,
        address: Some("command line".into()),
    };
    match accounts::create_coordinator(&state, &actor, email, name, password).await {
        Ok(account) => {
            println!("coordinator {} created (account {})", account.email, account.id);
            println!("they must set up two-factor authentication at their first sign-in");
            Ok(())
        }
        Err(ServiceError::Validation(errors)) => {
            let reasons: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {:?}", e.field, e.message))
                .collect();
            anyhow::bail!("cannot create the coordinator: {}", reasons.join("; "))
        }
        Err(e) => Err(anyhow::anyhow!("cannot create the coordinator: {e}")),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = Application::build(settings).await?;
    tracing::info!(addr = %app.local_addr(), "Frontline listening on http://{}", app.local_addr());
    app.run_until(shutdown::signal()).await
}

async fn migrate(settings: Settings, action: MigrateAction) -> anyhow::Result<()> {
    let db = db::connect(&settings).await?;
    match action {
        MigrateAction::Up => {
            db::migrate(&db).await?;
            println!("migrations applied");
        }
        MigrateAction::Down { steps } => {
            Migrator::down(&db, Some(steps))
                .await
                .context("reverting migrations failed")?;
            println!("reverted {steps} migration(s)");
        }
        MigrateAction::Status => {
            for m in Migrator::get_applied_migrations(&db).await? {
                println!("applied  {}", m.name());
            }
            for m in Migrator::get_pending_migrations(&db).await? {
                println!("pending  {}", m.name());
            }
        }
    }
    Ok(())
}
