//! `delivery`: LMTP deliveries per second from C concurrent LMTP sessions for a fixed time.
//! Every 250 after the final dot counts: RFC 2033 §4.2 makes it the server's promise that
//! the message is stored.

use std::time::{Duration, Instant};

use crate::lmtp::Lmtp;
use crate::mailgen::Generator;
use crate::results::{Better, Measurement, Sink};

#[derive(Debug, Clone)]
pub struct DeliveryOpts {
    pub lmtp: String,
    pub rcpt: String,
    pub clients: usize,
    pub duration: Duration,
    pub seed: u64,
}

pub async fn run(server: &str, o: &DeliveryOpts, sink: &mut Sink) -> anyhow::Result<()> {
    let mut set = tokio::task::JoinSet::new();
    let start = Instant::now();
    for i in 0..o.clients {
        let o = o.clone();
        set.spawn(async move {
            let mut c = Lmtp::connect(&o.lmtp).await?;
            let mut g = Generator::new(o.seed ^ (i as u64 + 7) * 0x1000_0001);
            let mut lat = Vec::new();
            let deadline = Instant::now() + o.duration;
            while Instant::now() < deadline {
                let m = g.next_message();
                let s = Instant::now();
                c.deliver(&m.envelope_from, &o.rcpt, &m.bytes).await?;
                lat.push(s.elapsed().as_secs_f64() * 1000.0);
            }
            c.quit().await;
            anyhow::Ok(lat)
        });
    }
    let mut lat = Vec::new();
    let mut first_error = None;
    while let Some(r) = set.join_next().await {
        match r {
            Ok(Ok(l)) => lat.extend(l),
            Ok(Err(e)) => {
                first_error.get_or_insert_with(|| format!("{e:#}"));
            }
            Err(e) => {
                first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    if lat.is_empty() {
        anyhow::bail!("no delivery succeeded: {}", first_error.unwrap_or_default());
    }
    lat.sort_by(f64::total_cmp);
    let p99 = lat[((lat.len() - 1) as f64 * 0.99).round() as usize];
    let note = format!(
        "{} deliveries by {} LMTP sessions{}",
        lat.len(),
        o.clients,
        first_error
            .map(|e| format!("; error: {e}"))
            .unwrap_or_default()
    );
    let n = o.clients as u64;
    sink.push(
        Measurement::new(
            "delivery",
            "deliveries/s",
            server,
            n,
            "msg/s",
            Better::Higher,
            vec![lat.len() as f64 / elapsed],
        )
        .note(note),
    );
    sink.push(Measurement::new(
        "delivery",
        "p99 latency",
        server,
        n,
        "ms",
        Better::Lower,
        vec![p99],
    ));
    Ok(())
}
