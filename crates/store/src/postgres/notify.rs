//! Change notification between nodes: `NOTIFY` in the transaction of every change (so it
//! is delivered at commit, and never for a rollback), `LISTEN` on one dedicated connection
//! per store object, forwarded into the local `Feed` so that IDLE (RFC 2177) and NOTIFY
//! (RFC 5465) sessions on this node wake up for changes made on any node.
//!
//! Fallback: while the LISTEN connection is down (it reconnects every second), nothing is
//! forwarded; IDLE's own poll of HIGHESTMODSEQ (`imap.idle_poll_millis`, once a second by
//! default) still sees every change, only later.

use std::time::Duration;

use tokio_postgres::{AsyncMessage, NoTls};

use crate::feed::Feed;
use crate::{AccountId, Change, MailboxId, ModSeq};

/// The notification channel.
pub(crate) const CHANNEL: &str = "loft_changes";
const RECONNECT_SECS: u64 = 1;

/// Payload: `<node hex> M <account> <mailbox> <modseq>`, `<node hex> L <account>` or
/// `<node hex> D <account> <mailbox or 0> <entry hex>...` (RFC 5464 entry names, hex so any
/// byte is safe), below PostgreSQL's 8000-byte limit (`metadata_batches`).
pub(crate) fn encode(node: u64, change: &Change) -> String {
    match change {
        Change::Metadata {
            account,
            mailbox,
            entries,
        } => {
            let mut out = format!("{node:x} D {} {}", account.0, mailbox.map_or(0, |m| m.0));
            for e in entries {
                out.push(' ');
                for b in e.bytes() {
                    out.push_str(&format!("{b:02x}"));
                }
            }
            out
        }
        Change::Mailbox {
            account,
            mailbox,
            modseq,
        } => format!("{node:x} M {} {} {}", account.0, mailbox.0, modseq.0),
        Change::MailboxList { account } => format!("{node:x} L {}", account.0),
    }
}

/// The change in a payload, with the node that made it; None when malformed.
pub(crate) fn decode(payload: &str) -> Option<(u64, Change)> {
    let mut f = payload.split(' ');
    let node = u64::from_str_radix(f.next()?, 16).ok()?;
    let change = match f.next()? {
        "M" => Change::Mailbox {
            account: AccountId(f.next()?.parse().ok()?),
            mailbox: MailboxId(f.next()?.parse().ok()?),
            modseq: ModSeq(f.next()?.parse().ok()?),
        },
        "L" => Change::MailboxList {
            account: AccountId(f.next()?.parse().ok()?),
        },
        "D" => {
            let account = AccountId(f.next()?.parse().ok()?);
            let mailbox = match f.next()?.parse().ok()? {
                0 => None,
                id => Some(MailboxId(id)),
            };
            let mut entries = Vec::new();
            for hex in f.by_ref() {
                entries.push(unhex(hex)?);
            }
            Change::Metadata {
                account,
                mailbox,
                entries,
            }
        }
        _ => return None,
    };
    f.next().is_none().then_some((node, change))
}

/// Payload bytes kept for entry names (PostgreSQL refuses payloads of 8000 bytes or more).
const MAX_ENTRY_PAYLOAD_BYTES: usize = 7000;

/// Entry names split so each batch's payload stays below the NOTIFY limit.
pub(crate) fn metadata_batches(names: &[String]) -> Vec<&[String]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, n) in names.iter().enumerate() {
        let len = n.len() * 2 + 1;
        if i > start && bytes + len > MAX_ENTRY_PAYLOAD_BYTES {
            out.push(&names[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += len;
    }
    if start < names.len() {
        out.push(&names[start..]);
    }
    out
}

fn unhex(hex: &str) -> Option<String> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()?;
    String::from_utf8(bytes).ok()
}

/// Starts the listener task; abort the handle to stop it. `listening` gets a message once
/// the first `LISTEN` is in effect: a change committed by another node after that reaches
/// this feed (one committed before it cannot, PostgreSQL keeps no backlog).
pub(crate) fn spawn(
    config: tokio_postgres::Config,
    feed: Feed,
    node: u64,
    target: String,
    listening: tokio::sync::oneshot::Sender<()>,
) -> tokio::task::AbortHandle {
    tokio::spawn(async move {
        let mut was_down = false;
        let mut listening = Some(listening);
        loop {
            match listen(&config, &feed, node, &mut was_down, &mut listening).await {
                Ok(()) => {
                    tracing::warn!(%target, "PostgreSQL LISTEN connection closed; reconnecting")
                }
                Err(e) => {
                    if !was_down {
                        tracing::warn!(%target, error = %e, "PostgreSQL LISTEN connection failed; \
                            changes from other nodes are seen by polling until it is back");
                    }
                }
            }
            was_down = true;
            tokio::time::sleep(Duration::from_secs(RECONNECT_SECS)).await;
        }
    })
    .abort_handle()
}

async fn listen(
    config: &tokio_postgres::Config,
    feed: &Feed,
    node: u64,
    was_down: &mut bool,
    listening: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> Result<(), tokio_postgres::Error> {
    let (client, mut conn) = config.connect(NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // Only the connection object sees notifications: drive it here and hand them over.
    let driver = tokio::spawn(async move {
        while let Some(msg) = std::future::poll_fn(|cx| conn.poll_message(cx)).await {
            match msg {
                Ok(AsyncMessage::Notification(n)) => {
                    if tx.send(n).is_err() {
                        break;
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "PostgreSQL LISTEN connection error");
                    break;
                }
            }
        }
    });
    let result = async {
        client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
        if let Some(tx) = listening.take() {
            let _ = tx.send(());
        }
        if *was_down {
            tracing::info!("PostgreSQL LISTEN connection is back");
            *was_down = false;
        }
        while let Some(n) = rx.recv().await {
            match decode(n.payload()) {
                // Our own changes went on the feed right after their commit.
                Some((from, _)) if from == node => {}
                Some((_, change)) => feed.publish(change),
                None => tracing::warn!(payload = n.payload(), "malformed change notification"),
            }
        }
        Ok(())
    }
    .await;
    driver.abort();
    drop(client);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trip() {
        let m = Change::Mailbox {
            account: AccountId(7),
            mailbox: MailboxId(42),
            modseq: ModSeq(u64::MAX),
        };
        let l = Change::MailboxList {
            account: AccountId(1),
        };
        let d = Change::Metadata {
            account: AccountId(3),
            mailbox: Some(MailboxId(9)),
            entries: vec!["/private/comment".into(), "/shared/x y\u{e9}".into()],
        };
        let server = Change::Metadata {
            account: AccountId(3),
            mailbox: None,
            entries: vec!["/shared/comment".into()],
        };
        for c in [m, l, d, server] {
            assert_eq!(decode(&encode(0xfeed, &c)), Some((0xfeed, c)));
        }
        for bad in [
            "",
            "x M 1 2 3",
            "1 M 1 2",
            "1 M 1 2 3 4",
            "1 Q 1",
            "1 L -",
            "1 D 1 0 abc",
            "1 D 1",
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn metadata_batches_fit_a_payload() {
        let names: Vec<String> = (0..100).map(|i| format!("/private/{i:0>100}")).collect();
        let batches = metadata_batches(&names);
        assert!(batches.len() > 1);
        assert_eq!(batches.iter().map(|b| b.len()).sum::<usize>(), 100);
        for b in batches {
            let change = Change::Metadata {
                account: AccountId(i64::MAX),
                mailbox: Some(MailboxId(i64::MAX)),
                entries: b.to_vec(),
            };
            assert!(encode(u64::MAX, &change).len() < 8000);
        }
        assert!(metadata_batches(&[]).is_empty());
    }
}
