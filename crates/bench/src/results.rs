//! Results: one JSON object per line, a side-by-side table with ratios against the issue's
//! targets, and an SVG chart written by hand (no plotting dependency).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Lower,
    Higher,
}

/// One measured figure of one server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measurement {
    pub bench: String,
    pub op: String,
    pub server: String,
    /// The size parameter (messages in the mailbox, clients, connections...).
    pub n: u64,
    /// The reported figure: the median of `samples` where there are several.
    pub value: f64,
    pub unit: String,
    pub better: Better,
    #[serde(default)]
    pub samples: Vec<f64>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub unix_time: u64,
}

impl Measurement {
    pub fn new(
        bench: &str,
        op: &str,
        server: &str,
        n: u64,
        unit: &str,
        better: Better,
        samples: Vec<f64>,
    ) -> Measurement {
        Measurement {
            bench: bench.into(),
            op: op.into(),
            server: server.into(),
            n,
            value: median(&samples),
            unit: unit.into(),
            better,
            samples,
            note: String::new(),
            unix_time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Measurement {
        self.note = note.into();
        self
    }
}

pub fn median(samples: &[f64]) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let m = s.len() / 2;
    if s.len() % 2 == 1 {
        s[m]
    } else {
        (s[m - 1] + s[m]) / 2.0
    }
}

/// Where the results go: printed as they come and appended to a JSON-lines file.
pub struct Sink {
    file: Option<std::fs::File>,
    pub all: Vec<Measurement>,
}

impl Sink {
    pub fn new(path: Option<&Path>) -> anyhow::Result<Sink> {
        let file = match path {
            Some(p) => Some(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            ),
            None => None,
        };
        Ok(Sink {
            file,
            all: Vec::new(),
        })
    }

    pub fn push(&mut self, m: Measurement) {
        eprintln!(
            "  {:<10} {:<34} {:<8} {:>12} {:<9} {}",
            m.bench,
            m.op,
            m.server,
            fmt_value(m.value),
            m.unit,
            m.note
        );
        if let Some(f) = &mut self.file {
            if let Ok(line) = serde_json::to_string(&m) {
                let _ = writeln!(f, "{line}");
            }
        }
        self.all.push(m);
    }
}

pub fn fmt_value(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

pub fn read_jsonl(path: &Path) -> anyhow::Result<Vec<Measurement>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let m: Measurement = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("{}:{}: {e}", path.display(), i + 1))?;
        out.push(m);
    }
    Ok(out)
}

/// What the issue asks of Loft for one row.
#[derive(Debug, Clone)]
pub enum Target {
    /// Loft at least `x` times better than the other server.
    Ratio(f64),
    /// Loft's own value at most this (e.g. KiB per connection).
    AtMost(f64),
    None,
}

pub fn target_for(bench: &str, op: &str) -> Target {
    match (bench, op) {
        ("bigbox", o) if o.starts_with("SEARCH BODY") || o.starts_with("SEARCH TEXT") => {
            Target::Ratio(20.0)
        }
        ("bigbox", o) if o.starts_with("fill") => Target::None,
        ("bigbox", _) => Target::Ratio(1.0),
        ("load", "commands/s") => Target::Ratio(2.0),
        ("load", "p99 latency") => Target::Ratio(1.0),
        ("connections", "memory/conn (RSS)") => Target::AtMost(20.0),
        ("delivery", "deliveries/s") => Target::Ratio(1.0),
        _ => Target::None,
    }
}

/// One row of the comparison: the first server (`a`, normally Loft) against `b`.
#[derive(Debug, Clone)]
pub struct Row {
    pub bench: String,
    pub op: String,
    pub unit: String,
    /// The size parameter of `a`'s measurement (of `b`'s when `a` has none).
    pub n: u64,
    /// The size parameter of `b`'s measurement: it may differ (e.g. 10,000 IDLE
    /// connections to Loft, 1,000 to Dovecot, whose one process per connection would not
    /// fit 10,000 here); per-connection figures still compare.
    pub n_b: u64,
    pub a: Option<f64>,
    pub b: Option<f64>,
    pub better: Better,
    /// How many times `a` is better than `b` (>1: `a` wins).
    pub advantage: Option<f64>,
    pub target: String,
    pub met: Option<bool>,
}

pub fn compare(all: &[Measurement], a: &str, b: &str) -> Vec<Row> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut by: BTreeMap<(String, String, String), &Measurement> = BTreeMap::new();
    for m in all {
        let key = (m.bench.clone(), m.op.clone());
        if !order.contains(&key) {
            order.push(key);
        }
        // The last measurement of a kind wins (a re-run replaces an earlier one).
        by.insert((m.bench.clone(), m.op.clone(), m.server.clone()), m);
    }
    order
        .into_iter()
        .map(|(bench, op)| {
            let ma = by.get(&(bench.clone(), op.clone(), a.to_string()));
            let mb = by.get(&(bench.clone(), op.clone(), b.to_string()));
            let proto = ma.or(mb).copied();
            let better = proto.map(|m| m.better).unwrap_or(Better::Lower);
            let av = ma.map(|m| m.value).filter(|v| v.is_finite());
            let bv = mb.map(|m| m.value).filter(|v| v.is_finite());
            let n = proto.map(|m| m.n).unwrap_or(0);
            let n_b = mb.map(|m| m.n).unwrap_or(n);
            // A count of what was asked for ("conns") only compares at the same N.
            let comparable = n == n_b || proto.is_none_or(|m| m.unit != "conns");
            let advantage = match (av, bv) {
                (Some(x), Some(y)) if comparable && x > 0.0 && y > 0.0 => Some(match better {
                    Better::Lower => y / x,
                    Better::Higher => x / y,
                }),
                _ => None,
            };
            let (target, met) = match target_for(&bench, &op) {
                Target::Ratio(r) => (format!(">= {r}x"), advantage.map(|adv| adv >= r)),
                Target::AtMost(v) => (
                    format!("<= {v} {}", proto.map(|m| m.unit.as_str()).unwrap_or("")),
                    av.map(|x| x <= v),
                ),
                Target::None => (String::new(), None),
            };
            Row {
                unit: proto.map(|m| m.unit.clone()).unwrap_or_default(),
                n,
                n_b,
                bench,
                op,
                a: av,
                b: bv,
                better,
                advantage,
                target,
                met,
            }
        })
        .collect()
}

/// A Markdown table (also readable on a terminal).
pub fn table(rows: &[Row], a: &str, b: &str) -> String {
    let mut s =
        format!("| bench | operation | N | unit | {a} | {b} | {a} advantage | target | met |\n");
    s.push_str("|---|---|---:|---|---:|---:|---:|---|---|\n");
    for r in rows {
        let f = |v: Option<f64>| v.map(fmt_value).unwrap_or_else(|| "n/a".into());
        let n = if r.n == r.n_b {
            r.n.to_string()
        } else {
            format!("{} / {}", r.n, r.n_b)
        };
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.bench,
            r.op,
            n,
            r.unit,
            f(r.a),
            f(r.b),
            r.advantage
                .map(|x| format!("{x:.2}x"))
                .unwrap_or_else(|| "-".into()),
            r.target,
            match r.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "-",
            }
        ));
    }
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of `a`'s advantage over `b` per operation, on a log2 scale
/// centred on 1x: bars to the right mean `a` is better, to the left `b` is.
pub fn svg(rows: &[Row], a: &str, b: &str, title: &str) -> String {
    let rows: Vec<&Row> = rows.iter().filter(|r| r.advantage.is_some()).collect();
    let label_w = 330.0;
    let plot_w = 520.0;
    let value_w = 250.0;
    let row_h = 22.0;
    let top = 60.0;
    let width = label_w + plot_w + value_w;
    let height = top + row_h * rows.len() as f64 + 40.0;
    let max_log = 7.0_f64; // 1/128x .. 128x
    let cx = label_w + plot_w / 2.0;
    let scale = plot_w / 2.0 / max_log;
    let mut s = String::new();
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n"
    ));
    s.push_str(&format!(
        "<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"
    ));
    s.push_str(&format!(
        "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
        xml_escape(title)
    ));
    s.push_str(&format!(
        "<text x=\"10\" y=\"42\" fill=\"#444\">{} advantage over {} (log scale; right of 1x: {} better, left: {} better)</text>\n",
        xml_escape(a),
        xml_escape(b),
        xml_escape(a),
        xml_escape(b)
    ));
    for k in -6..=6_i32 {
        if k % 2 != 0 {
            continue;
        }
        let x = cx + k as f64 * scale;
        let label = if k >= 0 {
            format!("{}x", 1u64 << k)
        } else {
            format!("1/{}x", 1u64 << -k)
        };
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"1\"/>\n",
            height - 30.0,
            if k == 0 { "#000" } else { "#ddd" }
        ));
        s.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\">{label}</text>\n",
            height - 14.0
        ));
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h;
        // Invariant: filtered above to rows with an advantage.
        let adv = r.advantage.unwrap_or(1.0);
        let l = adv.log2().clamp(-max_log, max_log);
        let (x, w) = if l >= 0.0 {
            (cx, l * scale)
        } else {
            (cx + l * scale, -l * scale)
        };
        let color = if adv >= 1.0 { "#2e8b57" } else { "#c0392b" };
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            label_w - 8.0,
            y + 15.0,
            xml_escape(&format!("{}: {}", r.bench, r.op))
        ));
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"/>\n",
            y + 4.0,
            w.max(1.0),
            row_h - 8.0
        ));
        let f = |v: Option<f64>| v.map(fmt_value).unwrap_or_else(|| "n/a".into());
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#333\">{:.2}x  ({} {} vs {} {})</text>\n",
            label_w + plot_w + 8.0,
            y + 15.0,
            adv,
            f(r.a),
            xml_escape(&r.unit),
            f(r.b),
            xml_escape(&r.unit)
        ));
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_and_render() {
        let all = vec![
            Measurement::new(
                "bigbox",
                "SELECT",
                "loft",
                10,
                "ms",
                Better::Lower,
                vec![2.0, 1.0, 3.0],
            ),
            Measurement::new(
                "bigbox",
                "SELECT",
                "dovecot",
                10,
                "ms",
                Better::Lower,
                vec![4.0],
            ),
            Measurement::new(
                "load",
                "commands/s",
                "loft",
                50,
                "cmd/s",
                Better::Higher,
                vec![100.0],
            ),
            Measurement::new(
                "load",
                "commands/s",
                "dovecot",
                50,
                "cmd/s",
                Better::Higher,
                vec![100.0],
            ),
        ];
        let rows = compare(&all, "loft", "dovecot");
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].n, rows[0].n_b), (10, 10));
        assert_eq!(rows[0].advantage, Some(2.0));
        assert_eq!(rows[0].met, Some(true));
        assert_eq!(rows[1].met, Some(false));
        let t = table(&rows, "loft", "dovecot");
        assert!(t.contains("| bigbox | SELECT |"));
        let svg = svg(&rows, "loft", "dovecot", "t");
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn connections_at_different_counts() {
        let m = |op: &str, server: &str, n: u64, unit: &str, v: f64| {
            Measurement::new("connections", op, server, n, unit, Better::Lower, vec![v])
        };
        let all = vec![
            m("IDLE connections held", "loft", 10_000, "conns", 10_000.0),
            m("IDLE connections held", "dovecot", 1_000, "conns", 1_000.0),
            m("memory/conn (RSS)", "loft", 10_000, "KiB", 10.0),
            m("memory/conn (RSS)", "dovecot", 1_000, "KiB", 500.0),
        ];
        let rows = compare(&all, "loft", "dovecot");
        // Held counts of different asks are not a ratio; memory per connection is.
        assert_eq!(rows[0].advantage, None);
        assert_eq!(rows[1].advantage, Some(50.0));
        assert_eq!(rows[1].met, Some(true));
        let t = table(&rows, "loft", "dovecot");
        assert!(
            t.contains("| connections | memory/conn (RSS) | 10000 / 1000 | KiB |"),
            "{t}"
        );
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0]), 2.5);
        assert!(median(&[]).is_nan());
    }
}
