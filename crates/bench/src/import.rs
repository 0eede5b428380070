//! `mbox`: write an N-message mbox file (mboxrd quoting of "From " lines, as written by
//! most mail programs; RFC 4155 describes the format), and `measure`: run a command such
//! as `loft import`, sampling its peak RSS (VmHWM) from /proc while it runs.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::mailgen::{Generator, mbox_date};
use crate::results::{Better, Measurement, Sink};

/// Write `n` generated messages (LF line ends, as mbox files on Unix have). Returns bytes.
pub fn write_mbox(path: &Path, n: u64, seed: u64) -> anyhow::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut g = Generator::new(seed);
    let mut total = 0u64;
    for _ in 0..n {
        let m = g.next_message();
        let head = format!("From {} {}\n", m.envelope_from, mbox_date(m.unix_time));
        w.write_all(head.as_bytes())?;
        total += head.len() as u64;
        let text = m.bytes;
        for line in text.split_inclusive(|&b| b == b'\n') {
            let line = line
                .strip_suffix(b"\r\n")
                .or_else(|| line.strip_suffix(b"\n"))
                .unwrap_or(line);
            // mboxrd: ">*From " gets one more '>'.
            let body = line
                .iter()
                .position(|&b| b != b'>')
                .map(|i| &line[i..])
                .unwrap_or(&[]);
            if body.starts_with(b"From ") {
                w.write_all(b">")?;
                total += 1;
            }
            w.write_all(line)?;
            w.write_all(b"\n")?;
            total += line.len() as u64 + 1;
        }
        w.write_all(b"\n")?;
        total += 1;
    }
    w.flush()?;
    Ok(total)
}

/// Run `argv`, sample its VmHWM every 20 ms, and report messages/s and peak RSS.
pub async fn measure(
    server: &str,
    op: &str,
    count: u64,
    argv: &[String],
    sink: &mut Sink,
) -> anyhow::Result<()> {
    let (prog, args) = argv
        .split_first()
        .ok_or_else(|| anyhow::anyhow!("no command to measure"))?;
    let start = Instant::now();
    let mut child = tokio::process::Command::new(prog).args(args).spawn()?;
    let pid = child.id();
    let mut peak = 0u64;
    let status = loop {
        if let Some(pid) = pid {
            if let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
                if let Some(v) = text
                    .lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l[6..].split_whitespace().next()?.parse::<u64>().ok())
                {
                    peak = peak.max(v);
                }
            }
        }
        tokio::select! {
            s = child.wait() => break s?,
            _ = tokio::time::sleep(Duration::from_millis(20)) => {}
        }
    };
    let secs = start.elapsed().as_secs_f64();
    if !status.success() {
        anyhow::bail!("{prog} exited with {status}");
    }
    sink.push(
        Measurement::new(
            "import",
            &format!("{op} msgs/s"),
            server,
            count,
            "msg/s",
            Better::Higher,
            vec![count as f64 / secs],
        )
        .note(format!("{secs:.1} s")),
    );
    sink.push(Measurement::new(
        "import",
        &format!("{op} peak RSS"),
        server,
        count,
        "MiB",
        Better::Lower,
        vec![peak as f64 / 1024.0],
    ));
    Ok(())
}
