//! `bigbox`: one mailbox with N generated messages, then the operations that make or break
//! a big mailbox, each timed as the median of several repetitions.

use std::time::{Duration, Instant};

use anyhow::bail;

use crate::client::{AppendPlan, Imap, Target, quote};
use crate::mailgen::{FROM_NEEDLE, Generator, RARE_WORD, Rng};
use crate::results::{Better, Measurement, Sink};

#[derive(Debug, Clone)]
pub struct BigboxOpts {
    pub n: u64,
    pub seed: u64,
    /// Repetitions per operation (fewer when one repetition takes very long).
    pub reps: usize,
    pub mailbox: String,
    /// How the mailbox is filled: MULTIAPPEND batches (RFC 3502) where offered, else
    /// pipelined single APPENDs.
    pub fill: AppendPlan,
    /// Stop repeating an operation once its samples add up to this.
    pub max_op_time: Duration,
    /// Wait after a fill before measuring (background indexing catches up).
    pub settle: Duration,
}

impl Default for BigboxOpts {
    fn default() -> BigboxOpts {
        BigboxOpts {
            n: 100_000,
            seed: 1,
            reps: 5,
            mailbox: "bigbox".into(),
            fill: AppendPlan::default(),
            max_op_time: Duration::from_secs(30),
            settle: Duration::ZERO,
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Fill (unless the mailbox already holds exactly N messages) and measure.
pub async fn run(t: &Target, o: &BigboxOpts, sink: &mut Sink) -> anyhow::Result<()> {
    let mut c = Imap::login(t).await?;
    let mbox = quote(&o.mailbox);
    let copy_box = quote(&format!("{}-copy", o.mailbox));

    let status = c.run(&format!("STATUS {mbox} (MESSAGES)"), true).await?;
    let existing = status.ok().then(|| {
        status.untagged.iter().find_map(|u| {
            let s = String::from_utf8_lossy(u);
            let i = s.find("MESSAGES ")?;
            s[i + 9..].split([')', ' ']).next()?.parse::<u64>().ok()
        })
    });
    if existing.flatten() != Some(o.n) {
        if status.ok() {
            c.ok(&format!("DELETE {mbox}")).await?;
        }
        c.ok(&format!("CREATE {mbox}")).await?;
        let mut g = Generator::new(o.seed);
        let msgs = (0..o.n).map(move |_| {
            let m = g.next_message();
            (m.bytes, m.flags.to_string(), m.internal_date)
        });
        let stats = c.append_all(&o.mailbox, msgs, o.fill).await?;
        let took = stats.took;
        let rate = o.n as f64 / took.as_secs_f64();
        sink.push(
            Measurement::new(
                "bigbox",
                "fill (APPEND)",
                &t.name,
                o.n,
                "msg/s",
                Better::Higher,
                vec![rate],
            )
            .note(format!("{}, {:.1} s", stats.describe(), took.as_secs_f64())),
        );
        if !o.settle.is_zero() {
            eprintln!(
                "  {}: waiting {:.0} s after the fill (--settle-secs)",
                t.name,
                o.settle.as_secs_f64()
            );
            // The connection would time out on a server with a short idle limit: NOOP
            // every 20 s.
            let until = Instant::now() + o.settle;
            while Instant::now() < until {
                let left = until.saturating_duration_since(Instant::now());
                tokio::time::sleep(left.min(Duration::from_secs(20))).await;
                c.ok("NOOP").await?;
            }
        }
    } else {
        eprintln!(
            "  {}: {} already holds {} messages; reusing it",
            t.name, o.mailbox, o.n
        );
    }
    let _ = c.run(&format!("DELETE {copy_box}"), false).await?;
    c.ok(&format!("CREATE {copy_box}")).await?;

    // SELECT: the first one may be cold; the median of the repetitions is warm.
    let mut samples = Vec::new();
    let mut exists = 0;
    for _ in 0..o.reps.max(1) {
        let start = Instant::now();
        let r = c.ok(&format!("SELECT {mbox}")).await?;
        samples.push(ms(start.elapsed()));
        exists = r.exists().unwrap_or(0);
        c.ok("UNSELECT").await?;
    }
    let first = samples.first().copied().unwrap_or(f64::NAN);
    sink.push(
        Measurement::new(
            "bigbox",
            "SELECT",
            &t.name,
            o.n,
            "ms",
            Better::Lower,
            samples,
        )
        .note(format!("first (cold) {first:.1} ms")),
    );
    if exists as u64 != o.n {
        bail!(
            "{}: {} has {exists} messages, expected {}",
            t.name,
            o.mailbox,
            o.n
        );
    }
    c.ok(&format!("SELECT {mbox}")).await?;

    timed(
        &mut c,
        sink,
        t,
        o,
        "FETCH 1:* (UID FLAGS)",
        "FETCH 1:* (UID FLAGS)",
    )
    .await?;
    timed(
        &mut c,
        sink,
        t,
        o,
        "FETCH 1:* (ENVELOPE)",
        "FETCH 1:* (ENVELOPE)",
    )
    .await?;

    // 100 random bodies by UID.
    let uids = c.ok("UID SEARCH ALL").await?.numbers("SEARCH");
    let mut rng = Rng::new(o.seed ^ 0x5eed);
    let picks: Vec<u32> = (0..100)
        .filter_map(|_| uids.get(rng.below(uids.len() as u64) as usize).copied())
        .collect();
    let mut samples = Vec::new();
    let budget = Instant::now();
    for _ in 0..o.reps.max(1) {
        let start = Instant::now();
        for uid in &picks {
            c.ok(&format!("UID FETCH {uid} BODY.PEEK[]")).await?;
        }
        samples.push(ms(start.elapsed()));
        if budget.elapsed() > o.max_op_time {
            break;
        }
    }
    sink.push(Measurement::new(
        "bigbox",
        "100 x UID FETCH BODY.PEEK[]",
        &t.name,
        o.n,
        "ms",
        Better::Lower,
        samples,
    ));

    let hits = timed(&mut c, sink, t, o, "SEARCH UNSEEN", "SEARCH UNSEEN").await?;
    eprintln!("    ({hits} unseen)");
    timed(
        &mut c,
        sink,
        t,
        o,
        "SEARCH FROM",
        &format!("SEARCH FROM {}", quote(FROM_NEEDLE)),
    )
    .await?;
    timed(
        &mut c,
        sink,
        t,
        o,
        "SEARCH BODY <rare word>",
        &format!("SEARCH BODY {}", quote(RARE_WORD)),
    )
    .await?;
    if c.has("SORT") {
        timed(&mut c, sink, t, o, "SORT (DATE)", "SORT (DATE) UTF-8 ALL").await?;
    } else {
        eprintln!("  {}: SORT not offered; skipped", t.name);
    }

    // STORE on every message, undone (untimed) after each repetition.
    let mut samples = Vec::new();
    let budget = Instant::now();
    for _ in 0..o.reps.max(1) {
        let start = Instant::now();
        c.ok("STORE 1:* +FLAGS (\\Flagged)").await?;
        samples.push(ms(start.elapsed()));
        c.ok("STORE 1:* -FLAGS.SILENT (\\Flagged)").await?;
        if budget.elapsed() > o.max_op_time {
            break;
        }
    }
    sink.push(Measurement::new(
        "bigbox",
        "STORE 1:* +FLAGS",
        &t.name,
        o.n,
        "ms",
        Better::Lower,
        samples,
    ));

    let k = 1000.min(o.n / 4).max(1);
    timed(
        &mut c,
        sink,
        t,
        o,
        "COPY of 1,000",
        &format!("COPY 1:{k} {copy_box}"),
    )
    .await?;

    if c.has("QRESYNC") && c.has("CONDSTORE") {
        qresync(&mut c, t, o, sink).await?;
    } else {
        eprintln!("  {}: QRESYNC not offered; skipped", t.name);
    }

    // EXPUNGE of k messages per repetition (the mailbox shrinks by k each time).
    let mut samples = Vec::new();
    for _ in 0..o.reps.max(1).min(3) {
        c.ok(&format!("STORE 1:{k} +FLAGS.SILENT (\\Deleted)"))
            .await?;
        let start = Instant::now();
        c.ok("EXPUNGE").await?;
        samples.push(ms(start.elapsed()));
    }
    sink.push(
        Measurement::new(
            "bigbox",
            "EXPUNGE of 1,000",
            &t.name,
            o.n,
            "ms",
            Better::Lower,
            samples,
        )
        .note(format!("{k} messages per repetition")),
    );
    c.ok("UNSELECT").await?;
    // Leave the mailbox with N messages missing the expunged ones: a later run refills.
    c.logout().await;
    Ok(())
}

/// Time `command` `reps` times; returns the number of untagged responses/numbers of the last.
async fn timed(
    c: &mut Imap,
    sink: &mut Sink,
    t: &Target,
    o: &BigboxOpts,
    op: &str,
    command: &str,
) -> anyhow::Result<usize> {
    let mut samples = Vec::new();
    let budget = Instant::now();
    let mut count = 0;
    let keep = command.starts_with("SEARCH") || command.starts_with("SORT");
    for _ in 0..o.reps.max(1) {
        let start = Instant::now();
        let r = c.run(command, keep).await?;
        samples.push(ms(start.elapsed()));
        if !r.ok() {
            bail!("{}: {command}: {:?} {}", t.name, r.status, r.text);
        }
        count = if keep {
            let kw = if command.starts_with("SORT") {
                "SORT"
            } else {
                "SEARCH"
            };
            r.numbers(kw).len()
        } else {
            r.untagged_count
        };
        if budget.elapsed() > o.max_op_time {
            break;
        }
    }
    let note = if keep {
        format!("{count} hits")
    } else {
        String::new()
    };
    sink.push(
        Measurement::new("bigbox", op, &t.name, o.n, "ms", Better::Lower, samples).note(note),
    );
    Ok(count)
}

/// RFC 7162 §3.2.5: a second client remembers (UIDVALIDITY, HIGHESTMODSEQ), 1% of the
/// messages change, and its `SELECT ... (QRESYNC (...))` is timed.
async fn qresync(c: &mut Imap, t: &Target, o: &BigboxOpts, sink: &mut Sink) -> anyhow::Result<()> {
    let mut other = Imap::login(t).await?;
    other.ok("ENABLE QRESYNC").await?;
    let mbox = quote(&o.mailbox);
    let mut samples = Vec::new();
    let step = 100usize;
    for rep in 0..o.reps.max(1) {
        let r = other.ok(&format!("SELECT {mbox}")).await?;
        let (Some(validity), Some(modseq)) = (r.code("UIDVALIDITY"), r.code("HIGHESTMODSEQ"))
        else {
            bail!("{}: SELECT gave no UIDVALIDITY/HIGHESTMODSEQ", t.name);
        };
        other.ok("UNSELECT").await?;
        let flag = if rep % 2 == 0 {
            "+FLAGS.SILENT"
        } else {
            "-FLAGS.SILENT"
        };
        let n = o.n as usize;
        let set: Vec<String> = (1..=n).step_by(step).map(|i| i.to_string()).collect();
        for chunk in set.chunks(500) {
            c.ok(&format!("STORE {} {flag} ($BenchChanged)", chunk.join(",")))
                .await?;
        }
        let start = Instant::now();
        other
            .ok(&format!("SELECT {mbox} (QRESYNC ({validity} {modseq}))"))
            .await?;
        samples.push(ms(start.elapsed()));
        other.ok("UNSELECT").await?;
    }
    sink.push(
        Measurement::new(
            "bigbox",
            "QRESYNC after 1% changed",
            &t.name,
            o.n,
            "ms",
            Better::Lower,
            samples,
        )
        .note(format!(
            "{} messages changed",
            (o.n as usize).div_ceil(step)
        )),
    );
    other.logout().await;
    Ok(())
}
