//! `Store::records_with_content` (issue 6): the records equal those of `records_with`,
//! and every message's bytes a backend returns with them equal `blob`'s, for small and
//! big messages, duplicates and missing UIDs.

use loft_store::*;

use super::{flags, message, setup, uids};

/// A message with an incompressible body of `kib` KiB (big ones are stored differently
/// by some backends: files next to the embedded database).
fn sized(n: u32, kib: usize) -> Vec<u8> {
    let mut m = message(n);
    let mut x = u64::from(n) + 7;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for i in 0..kib * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        m.push(if i % 76 == 75 {
            b'\n'
        } else {
            alphabet[(x % 64) as usize]
        });
    }
    m
}

pub async fn records_with_content(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let contents = [
        sized(1, 0),
        sized(2, 128),
        sized(3, 4),
        sized(1, 0),
        sized(5, 0),
        sized(6, 1),
    ];
    let new = contents
        .iter()
        .map(|c| NewMessage {
            content: c.clone(),
            flags: flags(Flags::SEEN, &[]),
            internal_date: None,
        })
        .collect();
    s.append(a, i, new).await.unwrap();
    // One message, a few (parsed where the records are read) and many.
    for asked in [vec![2], vec![1, 2, 9], vec![1, 2, 3, 4, 5, 6, 9]] {
        let asked = uids(&asked);
        for detail in [
            RecordDetail::Full,
            RecordDetail::Envelope,
            RecordDetail::SentDate,
        ] {
            let plain = s.records_with(a, i, &asked, detail).await.unwrap();
            let got = s.records_with_content(a, i, &asked, detail).await.unwrap();
            assert_eq!(got.len(), plain.len(), "{asked:?} {detail:?}");
            for ((r, raw), p) in got.iter().zip(&plain) {
                assert_eq!((r.uid, &r.blob, r.size), (p.uid, &p.blob, p.size));
                assert_eq!(r.parsed.envelope, p.parsed.envelope);
                if detail == RecordDetail::Full {
                    assert_eq!(r.parsed, p.parsed);
                }
                let want = &contents[r.uid.get() as usize - 1];
                assert_eq!(&s.blob(a, &r.blob).await.unwrap(), want);
                if let Some(raw) = raw {
                    assert_eq!(raw, want, "uid {}", r.uid.get());
                }
            }
        }
    }
}
