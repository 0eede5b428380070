//! `load`: N clients, each in its own mailbox, run a mix of what mail clients do (log in,
//! select, fetch headers, fetch a body, flag, append, expunge, idle) for a fixed time.
//! Reports commands per second and the latency distribution of single commands.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Barrier;

use crate::client::{AppendPlan, Imap, Target, quote};
use crate::mailgen::{Generator, Rng};
use crate::results::{Better, Measurement, Sink};

#[derive(Debug, Clone)]
pub struct LoadOpts {
    pub clients: usize,
    pub duration: Duration,
    /// Messages each client's mailbox holds before the clock starts.
    pub prefill: u64,
    pub seed: u64,
}

impl Default for LoadOpts {
    fn default() -> LoadOpts {
        LoadOpts {
            clients: 50,
            duration: Duration::from_secs(30),
            prefill: 200,
            seed: 2,
        }
    }
}

/// The kinds of command the mix sends, by the index `record` is given.
const KINDS: [&str; 11] = [
    "FETCH headers",
    "FETCH body",
    "STORE flag",
    "APPEND",
    "STORE \\Deleted",
    "EXPUNGE",
    "IDLE+DONE",
    "SEARCH UNSEEN",
    "LOGIN",
    "SELECT",
    "NOOP",
];

struct ClientResult {
    latencies_us: Vec<u32>,
    /// (kind, latency) per command, for the per-kind breakdown printed to stderr.
    by_kind: Vec<(u8, u32)>,
    errors: u64,
}

pub async fn run(t: &Target, o: &LoadOpts, sink: &mut Sink) -> anyhow::Result<()> {
    // Everyone is set up before the clock starts, then starts together.
    let barrier = Arc::new(Barrier::new(o.clients + 1));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..o.clients {
        let t = t.clone();
        let o = o.clone();
        let barrier = barrier.clone();
        tasks.spawn(async move { client(i, t, o, barrier).await });
    }
    barrier.wait().await;
    let start = Instant::now();
    let mut lat = Vec::new();
    let mut by_kind: Vec<Vec<u32>> = vec![Vec::new(); KINDS.len()];
    let mut errors = 0;
    let mut failed = 0;
    while let Some(res) = tasks.join_next().await {
        match res {
            Ok(Ok(r)) => {
                lat.extend(r.latencies_us);
                for (k, us) in r.by_kind {
                    by_kind[k as usize].push(us);
                }
                errors += r.errors;
            }
            Ok(Err(e)) => {
                failed += 1;
                eprintln!("  load client failed: {e:#}");
            }
            Err(e) => {
                failed += 1;
                eprintln!("  load client panicked: {e}");
            }
        }
    }
    // Where the time goes, per kind of command (stderr only: not a headline figure).
    for (name, v) in KINDS.iter().zip(by_kind.iter_mut()) {
        if v.is_empty() {
            continue;
        }
        v.sort_unstable();
        let at = |p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize] as f64 / 1000.0;
        eprintln!(
            "    {:<14} {:>6} cmds  p50 {:>8.2} ms  p99 {:>8.2} ms",
            name,
            v.len(),
            at(0.5),
            at(0.99)
        );
    }
    let elapsed = start.elapsed().as_secs_f64().max(o.duration.as_secs_f64());
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return f64::NAN;
        }
        let i = ((lat.len() as f64 - 1.0) * p).round() as usize;
        lat[i.min(lat.len() - 1)] as f64 / 1000.0
    };
    let note = format!(
        "{} commands, {errors} NO/BAD, {failed} clients failed",
        lat.len()
    );
    let n = o.clients as u64;
    sink.push(
        Measurement::new(
            "load",
            "commands/s",
            &t.name,
            n,
            "cmd/s",
            Better::Higher,
            vec![lat.len() as f64 / elapsed],
        )
        .note(note),
    );
    sink.push(Measurement::new(
        "load",
        "p50 latency",
        &t.name,
        n,
        "ms",
        Better::Lower,
        vec![pct(0.50)],
    ));
    sink.push(Measurement::new(
        "load",
        "p99 latency",
        &t.name,
        n,
        "ms",
        Better::Lower,
        vec![pct(0.99)],
    ));
    Ok(())
}

async fn setup(i: usize, t: &Target, o: &LoadOpts) -> anyhow::Result<(Imap, String, u64)> {
    let mut c = Imap::login(t).await?;
    let mailbox = format!("load-{i}");
    let q = quote(&mailbox);
    let _ = c.run(&format!("DELETE {q}"), false).await?;
    c.ok(&format!("CREATE {q}")).await?;
    let mut g = Generator::new(o.seed.wrapping_mul(1000).wrapping_add(i as u64));
    let msgs: Vec<_> = (0..o.prefill)
        .map(|_| {
            let m = g.next_message();
            (m.bytes, m.flags.to_string(), m.internal_date)
        })
        .collect();
    c.append_all(&mailbox, msgs, AppendPlan::default()).await?;
    let exists = c.ok(&format!("SELECT {q}")).await?.exists().unwrap_or(0) as u64;
    Ok((c, mailbox, exists))
}

async fn client(
    i: usize,
    t: Target,
    o: LoadOpts,
    barrier: Arc<Barrier>,
) -> anyhow::Result<ClientResult> {
    let setup = setup(i, &t, &o).await;
    barrier.wait().await;
    let (mut c, mailbox, mut exists) = setup?;
    let q = quote(&mailbox);
    let mut rng = Rng::new(o.seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9));
    let mut g = Generator::new(o.seed ^ 0xA99E_0D00 ^ i as u64);
    let mut res = ClientResult {
        latencies_us: Vec::with_capacity(4096),
        by_kind: Vec::with_capacity(4096),
        errors: 0,
    };
    let deadline = Instant::now() + o.duration;
    let record = |res: &mut ClientResult, kind: u8, start: Instant, ok: bool| {
        let us = start.elapsed().as_micros().min(u32::MAX as u128) as u32;
        res.latencies_us.push(us);
        res.by_kind.push((kind, us));
        if !ok {
            res.errors += 1;
        }
    };
    while Instant::now() < deadline {
        let roll = rng.below(100);
        let k = rng.range(1, exists.max(1));
        match roll {
            // Fetch the headers of the newest 50 (a message list refresh).
            0..=29 => {
                let lo = exists.saturating_sub(49).max(1);
                let s = Instant::now();
                let r = c
                    .run(
                        &format!("FETCH {lo}:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT DATE)])"),
                        false,
                    )
                    .await?;
                record(&mut res, 0, s, r.ok());
            }
            // Open a message.
            30..=49 => {
                let s = Instant::now();
                let r = c.run(&format!("FETCH {k} BODY.PEEK[]"), false).await?;
                record(&mut res, 1, s, r.ok());
            }
            // Flag / unflag.
            50..=64 => {
                let op = if rng.chance(500) { "+FLAGS" } else { "-FLAGS" };
                let flag = if rng.chance(500) {
                    "\\Seen"
                } else {
                    "\\Flagged"
                };
                let s = Instant::now();
                let r = c.run(&format!("STORE {k} {op} ({flag})"), false).await?;
                record(&mut res, 2, s, r.ok());
            }
            // Save a draft / a message arrives.
            65..=74 => {
                let m = g.next_message();
                let s = Instant::now();
                c.append_all(
                    &mailbox,
                    [(m.bytes, String::new(), m.internal_date)],
                    AppendPlan::single(1),
                )
                .await?;
                record(&mut res, 3, s, true);
                exists += 1;
            }
            // Delete a message.
            75..=79 if exists > 20 => {
                let s = Instant::now();
                let r = c
                    .run(&format!("STORE {k} +FLAGS.SILENT (\\Deleted)"), false)
                    .await?;
                record(&mut res, 4, s, r.ok());
                let s = Instant::now();
                let r = c.run("EXPUNGE", false).await?;
                record(&mut res, 5, s, r.ok());
                exists -= 1;
            }
            // IDLE and leave it at once (a client waking up).
            80..=89 => {
                let s = Instant::now();
                let tag = c.idle_start().await?;
                c.idle_done(&tag).await?;
                record(&mut res, 6, s, true);
            }
            90..=94 => {
                let s = Instant::now();
                let r = c.run("SEARCH UNSEEN", false).await?;
                record(&mut res, 7, s, r.ok());
            }
            // Reconnect: LOGIN and SELECT again.
            95..=96 => {
                c.logout().await;
                let s = Instant::now();
                c = Imap::login(&t).await?;
                record(&mut res, 8, s, true);
                let s = Instant::now();
                let r = c.ok(&format!("SELECT {q}")).await?;
                record(&mut res, 9, s, true);
                exists = r.exists().unwrap_or(exists as u32) as u64;
            }
            _ => {
                let s = Instant::now();
                let r = c.run("NOOP", false).await?;
                record(&mut res, 10, s, r.ok());
            }
        }
    }
    c.logout().await;
    Ok(res)
}
