//! `Store::records_with` (issue 6): whatever a backend keeps for the cheap details, the
//! parts of the record that a `RecordDetail` names equal those of the full record, for
//! every kind of message (no Date:, a Date: with a zone, 8-bit header bytes that are not
//! UTF-8) and for UIDs that are missing.

use loft_store::*;

use super::{flags, setup, uids};

fn messages() -> Vec<Vec<u8>> {
    vec![
        b"From: Alice <alice@example.com>\r\nSubject: no date\r\n\r\nbody\r\n".to_vec(),
        b"Date: Tue, 31 Dec 2019 16:20:33 -0800\r\nFrom: bob@example.com\r\nSubject: \"quoted\" (x)\r\n\r\nbody\r\n".to_vec(),
        b"Date: Wed, 1 Jan 2020 10:00:00 +0530\r\nFrom: =?UTF-8?Q?Zo=C3=AB?= <zoe@example.org>\r\nSubject: caf\xc3\xa9 \xff\xfe\r\n\r\nbody\r\n".to_vec(),
        b"Date: not a date\r\nSubject: bad date\r\nIn-Reply-To: <a@b>\r\nMessage-ID: <c@d>\r\n\r\n".to_vec(),
    ]
}

pub async fn records_with_detail(s: &dyn Store) {
    let (a, i) = setup(s, "alice").await;
    let new = messages()
        .into_iter()
        .map(|content| NewMessage {
            content,
            flags: flags(Flags::SEEN, &["$label"]),
            internal_date: None,
        })
        .collect();
    s.append(a, i, new).await.unwrap();
    // A second mailbox sharing the blobs (a backend may deduplicate them).
    let arch = s.mailbox(a, "Archive").await.unwrap().expect("Archive").id;
    s.copy(a, i, &uids(&[1, 2, 3, 4]), arch).await.unwrap();

    for mailbox in [i, arch] {
        let asked = uids(&[1, 2, 3, 4, 9]);
        let full = s.records(a, mailbox, &asked).await.unwrap();
        assert_eq!(full.len(), 4);
        for detail in [
            RecordDetail::Full,
            RecordDetail::Envelope,
            RecordDetail::SentDate,
        ] {
            let got = s.records_with(a, mailbox, &asked, detail).await.unwrap();
            assert_eq!(got.len(), full.len(), "{detail:?}");
            for (g, f) in got.iter().zip(&full) {
                assert_eq!(
                    (
                        g.uid,
                        g.modseq,
                        &g.flags,
                        g.internal_date,
                        g.save_date,
                        g.size,
                        &g.blob
                    ),
                    (
                        f.uid,
                        f.modseq,
                        &f.flags,
                        f.internal_date,
                        f.save_date,
                        f.size,
                        &f.blob
                    ),
                    "{detail:?}"
                );
                assert_eq!(
                    g.parsed.sent_date, f.parsed.sent_date,
                    "{detail:?} uid {:?}",
                    g.uid
                );
                assert_eq!(
                    g.parsed.sent_date_offset_secs,
                    f.parsed.sent_date_offset_secs
                );
                if detail != RecordDetail::SentDate {
                    assert_eq!(
                        g.parsed.envelope, f.parsed.envelope,
                        "{detail:?} uid {:?}",
                        g.uid
                    );
                }
                if detail == RecordDetail::Full {
                    assert_eq!(g.parsed, f.parsed);
                }
            }
        }
    }
    let one = s
        .records_with(a, i, &uids(&[2]), RecordDetail::SentDate)
        .await
        .unwrap();
    // RFC 5256 §2.2: the Date: header in UTC (2020-01-01T00:20:33Z).
    assert_eq!(one[0].parsed.sent_date, Some(1_577_838_033));
    assert_eq!(one[0].parsed.sent_date_offset_secs, -8 * 3600);
    assert!(
        s.records_with(a, i, &[], RecordDetail::Envelope)
            .await
            .unwrap()
            .is_empty()
    );
}
