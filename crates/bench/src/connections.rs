//! `connections`: N authenticated connections parked in IDLE (RFC 2177), and the server's
//! memory per connection read from /proc (summed over the server's process tree, since
//! Dovecot runs one process per IMAP connection).

use std::time::{Duration, Instant};

use crate::client::{Imap, Target};
use crate::results::{Better, Measurement, Sink};

#[derive(Debug, Clone)]
pub struct ConnOpts {
    pub n: usize,
    /// The server's main process; memory is not reported without it.
    pub server_pid: Option<u32>,
    /// Connections opened at once.
    pub parallel: usize,
    /// How long to hold them before measuring.
    pub settle: Duration,
    /// Stop opening connections after this long and measure what is open.
    pub max_setup: Duration,
}

/// Raise the soft open-files limit to the hard one; returns the new soft limit.
pub fn raise_fd_limit() -> u64 {
    // SAFETY: getrlimit/setrlimit only read/write the struct we pass.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return 0;
        }
        if lim.rlim_cur < lim.rlim_max {
            let want = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                return want.rlim_cur;
            }
        }
        lim.rlim_cur
    }
}

/// Memory of a process tree in KiB: (sum of VmRSS, sum of Pss).
#[derive(Debug, Clone, Copy, Default)]
pub struct TreeMemory {
    pub rss_kib: u64,
    pub pss_kib: u64,
    pub processes: usize,
}

fn status_field(pid: u32, file: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line[field.len()..].split_whitespace().next()?.parse().ok()
}

fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(1)?.parse().ok()
}

/// `pid` and all its descendants.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut all: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            if let Some(p) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) {
                if let Some(pp) = parent_of(p) {
                    all.push((p, pp));
                }
            }
        }
    }
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(all.iter().filter(|(_, pp)| *pp == parent).map(|(p, _)| *p));
        i += 1;
    }
    tree
}

pub fn tree_memory(pid: u32) -> TreeMemory {
    let mut m = TreeMemory::default();
    for p in process_tree(pid) {
        if let Some(rss) = status_field(p, "status", "VmRSS:") {
            m.rss_kib += rss;
            m.processes += 1;
            m.pss_kib += status_field(p, "smaps_rollup", "Pss:").unwrap_or(rss);
        }
    }
    m
}

pub async fn run(t: &Target, o: &ConnOpts, sink: &mut Sink) -> anyhow::Result<()> {
    let limit = raise_fd_limit();
    if (limit as usize) < o.n + 100 {
        eprintln!(
            "  warning: open-files limit {limit} is below {} connections",
            o.n
        );
    }
    // Warm up first: LOGIN runs argon2 (~19 MiB each in Loft) and the allocator keeps
    // what a burst of parallel logins used; measuring after a burst of the same size
    // keeps that one-off out of the per-connection figure.
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..o.parallel.max(1).min(o.n) {
        let t = t.clone();
        warm.spawn(async move {
            if let Ok(c) = Imap::login(&t).await {
                c.logout().await;
            }
        });
    }
    while warm.join_next().await.is_some() {}
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = o.server_pid.map(tree_memory);
    let start = Instant::now();
    let mut conns: Vec<(Imap, String)> = Vec::with_capacity(o.n);
    let mut failures = 0usize;
    let mut first_error = None;
    while conns.len() + failures < o.n {
        let batch = o.parallel.max(1).min(o.n - conns.len() - failures);
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..batch {
            let t = t.clone();
            set.spawn(async move {
                // A small read buffer: the client holds N of these at once.
                let mut c = Imap::login_buffered(&t, 4096).await?;
                c.ok("SELECT INBOX").await?;
                let tag = c.idle_start().await?;
                anyhow::Ok((c, tag))
            });
        }
        while let Some(r) = set.join_next().await {
            match r {
                Ok(Ok(c)) => conns.push(c),
                Ok(Err(e)) => {
                    failures += 1;
                    first_error.get_or_insert_with(|| format!("{e:#}"));
                }
                Err(e) => {
                    failures += 1;
                    first_error.get_or_insert_with(|| e.to_string());
                }
            }
        }
        if failures > o.n / 10 + 10 {
            break;
        }
        if start.elapsed() > o.max_setup {
            first_error.get_or_insert_with(|| {
                format!("stopped opening after {} s", o.max_setup.as_secs())
            });
            break;
        }
    }
    let setup = start.elapsed();
    tokio::time::sleep(o.settle).await;
    let established = conns.len();
    // The client's own footprint, to show it is not what limits the count.
    let client_kib = status_field(std::process::id(), "status", "VmRSS:").unwrap_or(0);
    let mut note = format!(
        "{established} of {} in IDLE after {:.1} s; client RSS {} MiB",
        o.n,
        setup.as_secs_f64(),
        client_kib / 1024
    );
    if let Some(e) = &first_error {
        note.push_str(&format!("; {failures} failed, first: {e}"));
    }
    sink.push(
        Measurement::new(
            "connections",
            "IDLE connections held",
            &t.name,
            o.n as u64,
            "conns",
            Better::Higher,
            vec![established as f64],
        )
        .note(note),
    );
    sink.push(Measurement::new(
        "connections",
        "connect+LOGIN+SELECT+IDLE rate",
        &t.name,
        o.n as u64,
        "conn/s",
        Better::Higher,
        vec![established as f64 / setup.as_secs_f64().max(1e-9)],
    ));
    if let (Some(pid), Some(before)) = (o.server_pid, before) {
        let after = tree_memory(pid);
        let per = |a: u64, b: u64| (a.saturating_sub(b)) as f64 / established.max(1) as f64;
        let mut procs = format!(
            "{} -> {} processes; RSS {} -> {} KiB",
            before.processes, after.processes, before.rss_kib, after.rss_kib
        );
        // Freed warm-up memory the allocator reuses can hide a small total: the figure
        // means something only once the connections add clearly more than that.
        if after.rss_kib < before.rss_kib + 1024 {
            procs.push_str(" (grew < 1 MiB: below resolution, use a larger N)");
        }
        sink.push(
            Measurement::new(
                "connections",
                "memory/conn (RSS)",
                &t.name,
                o.n as u64,
                "KiB",
                Better::Lower,
                vec![per(after.rss_kib, before.rss_kib)],
            )
            .note(procs),
        );
        sink.push(Measurement::new(
            "connections",
            "memory/conn (PSS)",
            &t.name,
            o.n as u64,
            "KiB",
            Better::Lower,
            vec![per(after.pss_kib, before.pss_kib)],
        ));
    }
    // Leave IDLE on a sample to prove the connections still answer.
    let mut alive = 0;
    let sample = conns.len().min(50);
    for (c, tag) in conns.iter_mut().take(sample) {
        if tokio::time::timeout(Duration::from_secs(10), c.idle_done(tag))
            .await
            .is_ok_and(|r| r.is_ok())
        {
            alive += 1;
        }
    }
    eprintln!("    {alive} of {sample} sampled connections answered DONE");
    drop(conns);
    Ok(())
}
