//! `loft-bench`: the benchmark tool of issue 6. See BENCHMARKS.md and
//! scripts/bench-vs-dovecot.sh for how it is run against Loft and Dovecot side by side.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use loft_bench::client::AppendPlan;
use loft_bench::results::{self, Sink};
use loft_bench::{Target, bigbox, connections, delivery, import, load};

#[derive(Debug, Parser)]
#[command(
    name = "loft-bench",
    about = "Measure IMAP/LMTP servers (Loft, Dovecot, ...) with the same client code"
)]
struct Cli {
    /// Append every result as one JSON object per line to this file.
    #[arg(long, global = true, value_name = "FILE")]
    json: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Args)]
struct ServerArgs {
    /// Label of the server in the results ("loft", "dovecot").
    #[arg(long, default_value = "loft")]
    name: String,
    /// IMAP host:port.
    #[arg(long, default_value = "127.0.0.1:1143")]
    imap: String,
    /// Implicit TLS (any certificate is accepted: for benchmarking test servers only).
    #[arg(long)]
    tls: bool,
    #[arg(long, default_value = "bench")]
    user: String,
    #[arg(long, default_value = "bench")]
    password: String,
}

impl ServerArgs {
    fn target(&self) -> Target {
        Target {
            name: self.name.clone(),
            addr: self.imap.clone(),
            tls: self.tls,
            user: self.user.clone(),
            password: self.password.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fill one mailbox with N messages and time the big-mailbox operations.
    Bigbox {
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, default_value_t = 100_000)]
        n: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 5)]
        reps: usize,
        #[arg(long, default_value = "bigbox")]
        mailbox: String,
        /// Messages per MULTIAPPEND command when filling (RFC 3502; used only when the
        /// server advertises MULTIAPPEND). 1: one APPEND per message.
        #[arg(long, default_value_t = 500)]
        fill_batch: usize,
        /// Literal bytes per MULTIAPPEND command at most, in KiB (also bounded by the
        /// server's APPENDLIMIT).
        #[arg(long, default_value_t = 8192)]
        fill_batch_kib: usize,
        /// APPEND commands in flight with LITERAL+ (default: 2 with MULTIAPPEND batches,
        /// 32 with single APPENDs).
        #[arg(long)]
        fill_window: Option<usize>,
        /// Seconds to wait after filling before measuring, as a mailbox that grew over
        /// time would be: servers that index in the background (Loft's full-text index)
        /// catch up. Applied the same way to every server.
        #[arg(long, default_value_t = 0.0)]
        settle_secs: f64,
    },
    /// N concurrent clients with a realistic command mix for a fixed time.
    Load {
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// Seconds.
        #[arg(long, default_value_t = 30.0)]
        duration: f64,
        #[arg(long, default_value_t = 200)]
        prefill: u64,
    },
    /// N authenticated connections in IDLE; memory per connection with --server-pid.
    Connections {
        #[command(flatten)]
        server: ServerArgs,
        #[arg(long, default_value_t = 10_000)]
        n: usize,
        #[arg(long)]
        server_pid: Option<u32>,
        /// Connections opened at once.
        #[arg(long, default_value_t = 16)]
        parallel: usize,
        /// Stop opening connections after this many seconds and measure what is open.
        #[arg(long, default_value_t = 300)]
        max_setup_secs: u64,
    },
    /// LMTP deliveries per second.
    Delivery {
        #[arg(long, default_value = "loft")]
        name: String,
        /// LMTP host:port.
        #[arg(long)]
        lmtp: String,
        /// Recipient address (or user name, as the server expects).
        #[arg(long, default_value = "bench")]
        rcpt: String,
        #[arg(long, default_value_t = 8)]
        clients: usize,
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
    },
    /// Write an N-message mbox file (for `loft import`).
    Mbox {
        #[arg(long, default_value_t = 200_000)]
        n: u64,
        #[arg(long, default_value_t = 3)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Run a command (e.g. `loft import ...`) and report messages/s and peak RSS.
    Measure {
        #[arg(long, default_value = "loft")]
        name: String,
        #[arg(long, default_value = "import")]
        op: String,
        /// Messages the command processes (for messages/s).
        #[arg(long)]
        count: u64,
        #[arg(trailing_var_arg = true, required = true)]
        command: Vec<String>,
    },
    /// Compare two servers from JSON-lines results: a table with ratios and an SVG chart.
    Report {
        #[arg(long, required = true)]
        input: Vec<PathBuf>,
        #[arg(long, default_value = "loft")]
        a: String,
        #[arg(long, default_value = "dovecot")]
        b: String,
        #[arg(long)]
        svg: Option<PathBuf>,
        #[arg(long, default_value = "Loft vs Dovecot")]
        title: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loft-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut sink = Sink::new(cli.json.as_deref())?;
    match cli.command {
        Command::Bigbox {
            server,
            n,
            seed,
            reps,
            mailbox,
            fill_batch,
            fill_batch_kib,
            fill_window,
            settle_secs,
        } => {
            let batch = fill_batch.max(1);
            let o = bigbox::BigboxOpts {
                n,
                seed,
                reps,
                mailbox,
                fill: AppendPlan {
                    batch,
                    batch_bytes: fill_batch_kib.max(1).saturating_mul(1024),
                    window: fill_window.unwrap_or(2),
                    single_window: fill_window.unwrap_or(32),
                },
                settle: Duration::from_secs_f64(settle_secs.max(0.0)),
                ..Default::default()
            };
            bigbox::run(&server.target(), &o, &mut sink).await
        }
        Command::Load {
            server,
            clients,
            duration,
            prefill,
        } => {
            let o = load::LoadOpts {
                clients,
                duration: Duration::from_secs_f64(duration),
                prefill,
                ..Default::default()
            };
            load::run(&server.target(), &o, &mut sink).await
        }
        Command::Connections {
            server,
            n,
            server_pid,
            parallel,
            max_setup_secs,
        } => {
            let o = connections::ConnOpts {
                n,
                server_pid,
                parallel,
                settle: Duration::from_secs(2),
                max_setup: Duration::from_secs(max_setup_secs),
            };
            connections::run(&server.target(), &o, &mut sink).await
        }
        Command::Delivery {
            name,
            lmtp,
            rcpt,
            clients,
            duration,
        } => {
            let o = delivery::DeliveryOpts {
                lmtp,
                rcpt,
                clients,
                duration: Duration::from_secs_f64(duration),
                seed: 4,
            };
            delivery::run(&name, &o, &mut sink).await
        }
        Command::Mbox { n, seed, out } => {
            let bytes = import::write_mbox(&out, n, seed)?;
            eprintln!(
                "wrote {n} messages, {:.1} MiB, to {}",
                bytes as f64 / 1048576.0,
                out.display()
            );
            Ok(())
        }
        Command::Measure {
            name,
            op,
            count,
            command,
        } => import::measure(&name, &op, count, &command, &mut sink).await,
        Command::Report {
            input,
            a,
            b,
            svg,
            title,
        } => {
            let mut all = Vec::new();
            for p in &input {
                all.extend(results::read_jsonl(p)?);
            }
            let rows = results::compare(&all, &a, &b);
            print!("{}", results::table(&rows, &a, &b));
            if let Some(path) = svg {
                std::fs::write(&path, results::svg(&rows, &a, &b, &title))?;
                eprintln!("chart written to {}", path.display());
            }
            Ok(())
        }
    }
}
