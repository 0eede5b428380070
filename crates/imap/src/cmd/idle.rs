//! IDLE: RFC 9051 §6.3.13, RFC 2177. State: Authenticated, Selected.
//!
//! Wakes on the store's change feed (changes made through this process) and also polls
//! the selected mailbox's HIGHESTMODSEQ every `idle_poll_millis` for changes made by other
//! processes (the CLI, another node).
use std::time::Duration;

use loft_store::{Change, ModSeq};
use tokio::sync::broadcast::error::RecvError;

use super::{CmdError, CmdResult, Done};
use crate::Session;

// RFC 9051 §5.4 / RFC 2177: clients re-issue IDLE at least every 29 minutes; past 30 the
// server may log them out. The limit and the keep-alive period: `ImapConfig::timeouts`.

pub async fn handle(s: &mut Session) -> CmdResult {
    let account = s.account_id()?;
    // Subscribe before the first sync so nothing falls between the two.
    let mut feed = s.ctx.store.subscribe();
    s.sync_selected(true).await;
    let mut known_modseq = selected_modseq(s, account).await;
    s.out.continuation("idling");
    s.flush()
        .await
        .map_err(|_| CmdError::Fatal("Connection lost".into()))?;
    s.release_idle_buffers();

    if s.notify.is_some() {
        // RFC 5465 §4: once NOTIFY is set, IDLE delivers the NOTIFY events (the selected
        // mailbox's included) instead of its own updates.
        loop {
            if let Some(line) = s.take_line()? {
                return done_or_bad(&line);
            }
            if !crate::notify::read_input_notifying(s).await {
                return Err(CmdError::Fatal("Connection lost".into()));
            }
        }
    }

    let mut poll =
        tokio::time::interval(Duration::from_millis(s.ctx.config.idle_poll_millis.max(10)));
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let timeouts = s.ctx.config.timeouts;
    let deadline = tokio::time::sleep(timeouts.idle);
    tokio::pin!(deadline);
    // Keeps NAT boxes and firewalls from dropping a quiet connection.
    let mut keepalive = tokio::time::interval_at(
        tokio::time::Instant::now() + timeouts.idle_keepalive,
        timeouts.idle_keepalive.max(Duration::from_secs(1)),
    );
    loop {
        if let Some(line) = s.take_line()? {
            return done_or_bad(&line);
        }
        let mut wake = false;
        tokio::select! {
            read = s.read_more() => match read {
                Ok(0) | Err(_) => return Err(CmdError::Fatal("Connection lost".into())),
                Ok(_) => {}
            },
            event = feed.recv() => match event {
                Ok(Change::Mailbox { account: a, mailbox, .. }) if a == account => {
                    wake = s.selected.as_ref().is_some_and(|sel| sel.mailbox.id == mailbox);
                }
                Ok(_) => {}
                // Missed events: sync to be safe.
                Err(RecvError::Lagged(_)) => wake = true,
                // The store went away; keep polling.
                Err(RecvError::Closed) => feed = s.ctx.store.subscribe(),
            },
            _ = poll.tick() => {
                let now = selected_modseq(s, account).await;
                if now != known_modseq {
                    wake = true;
                }
            }
            _ = &mut deadline => return Err(CmdError::Fatal("IDLE for too long".into())),
            _ = keepalive.tick() => {
                s.out.untagged_status(loft_proto_imap::Status::Ok, None, "Still here");
                s.flush().await.map_err(|_| CmdError::Fatal("Connection lost".into()))?;
            }
        }
        if wake && !s.is_closed() {
            // RFC 9051 §6.3.13: untagged updates while idling, EXPUNGE included.
            s.sync_selected(true).await;
            known_modseq = selected_modseq(s, account).await;
            s.flush()
                .await
                .map_err(|_| CmdError::Fatal("Connection lost".into()))?;
            s.release_idle_buffers();
        }
    }
}

/// RFC 2177 §3 / RFC 9051 §6.3.13: DONE (case-insensitive) ends IDLE; anything else is a
/// protocol error.
fn done_or_bad(line: &[u8]) -> CmdResult {
    if line.eq_ignore_ascii_case(b"DONE") {
        Ok(Done::ok("IDLE terminated"))
    } else {
        Err(CmdError::bad("Expected DONE"))
    }
}

/// Takes `&mut` (not `&Session`): a shared borrow held across an await would need
/// `Session: Sync`, which the boxed stream is not.
async fn selected_modseq(s: &mut Session, account: loft_store::AccountId) -> Option<ModSeq> {
    let id = s.selected.as_ref()?.mailbox.id;
    let store = s.ctx.store.clone();
    // One row read, not a STATUS count: every IDLE session polls this once a second.
    store.highest_modseq(account, id).await.ok()
}
