//! NOTIFY state and delivery: RFC 5465 §3.1, §5, §6. The command itself is in
//! `cmd/notify.rs`; this module keeps what the client watches, learns of changes from the
//! store's change feed (and a once-a-`idle_poll_millis` poll for other processes), and
//! writes the notifications while no command is in progress (RFC 5465 §3.1: "the client
//! listens for event notifications all the time (even when no command is in progress)").
//!
//! Decisions, each with the reason:
//! - Other mailboxes are compared against a snapshot of their STATUS, so a notification is
//!   sent only for a real difference, and each change is reported once however many feed
//!   events it caused.
//! - Changes this session made itself are folded into the snapshots after each of its
//!   commands without being announced (RFC 5465 §5: the server SHOULD NOT notify the client
//!   of events it caused).
//! - The selected mailbox is synced the usual way (`Selected::sync`); SELECTED-DELAYED
//!   keeps expunges pending until a command that allows them (RFC 5465 §6.1.2).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use loft_proto_imap::{
    FetchAttr, FetchCommand, Numbering, SeqBound, SeqRange, SequenceSet, StatusItem,
};
use loft_store::{AccountId, Change, DELIMITER, Mailbox, MailboxId, MailboxStatus, ModSeq, Store};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use crate::Session;

/// Which mailboxes an event group covers (RFC 5465 §6.2-§6.6), names decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    /// `personal` and `inboxes` (§6.3: "inboxes" is "personal" when the server cannot tell
    /// which mailboxes receive mail, as here where any mailbox can).
    Personal,
    Subscribed,
    Subtree(Vec<String>),
    Mailboxes(Vec<String>),
}

impl Filter {
    fn matches(&self, name: &str, subscribed: &BTreeSet<String>) -> bool {
        match self {
            Filter::Personal => true,
            Filter::Subscribed => subscribed.contains(name),
            Filter::Subtree(roots) => roots.iter().any(|r| {
                name == r
                    || name
                        .strip_prefix(r.as_str())
                        .is_some_and(|rest| rest.starts_with(DELIMITER))
            }),
            // §6.6: no wildcard expansion.
            Filter::Mailboxes(names) => names.iter().any(|n| n == name),
        }
    }
}

/// One event group for mailboxes other than the selected one.
#[derive(Debug, Clone)]
pub struct Group {
    pub filter: Filter,
    /// MessageNew and MessageExpunge (always together, §5).
    pub is_message: bool,
    pub is_flag_change: bool,
    pub is_mailbox_name: bool,
    pub is_subscription_change: bool,
    /// MailboxMetadataChange (§5.6).
    pub is_metadata: bool,
}

/// The SELECTED / SELECTED-DELAYED group (§6.1).
#[derive(Debug, Clone, Default)]
pub struct SelectedSpec {
    pub is_delayed: bool,
    pub is_message: bool,
    pub is_flag_change: bool,
    /// The FETCH items for new messages (MessageNew's fetch-att list).
    pub new_attrs: Vec<FetchAttr>,
}

/// What the client asked for with NOTIFY SET.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub selected: Option<SelectedSpec>,
    pub groups: Vec<Group>,
    /// ServerMetadataChange (§5.7), in any group.
    pub is_server_metadata: bool,
}

impl Spec {
    fn wants_list(&self) -> bool {
        self.groups
            .iter()
            .any(|g| g.is_mailbox_name || g.is_subscription_change)
    }
}

/// What a watched (non-selected) mailbox reports.
#[derive(Debug, Clone)]
struct Watch {
    name: String,
    is_message: bool,
    is_flag_change: bool,
    status: Option<MailboxStatus>,
}

/// The session's NOTIFY state (Some in `Session::notify` after NOTIFY SET).
pub struct NotifyState {
    spec: Spec,
    feed: broadcast::Receiver<Change>,
    mailboxes: Vec<Mailbox>,
    subscribed: BTreeSet<String>,
    watched: HashMap<MailboxId, Watch>,
    selected_modseq: Option<(MailboxId, ModSeq)>,
    /// Metadata changes this session made (mailbox, entry names) whose feed event is still
    /// to come: §5, the client is not notified of its own changes.
    own_metadata: Vec<(Option<MailboxId>, Vec<String>)>,
}

/// Own metadata changes remembered at most (their events normally follow at once).
const MAX_OWN_METADATA_CHANGES: usize = 64;

impl std::fmt::Debug for NotifyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NotifyState")
            .field("spec", &self.spec)
            .field("watched", &self.watched.len())
            .finish()
    }
}

impl NotifyState {
    /// Subscribe to the feed first, then take the snapshots, so no change falls between.
    pub async fn new(
        spec: Spec,
        store: &dyn Store,
        account: AccountId,
    ) -> Result<NotifyState, loft_store::StoreError> {
        let feed = store.subscribe();
        let mut st = NotifyState {
            spec,
            feed,
            mailboxes: Vec::new(),
            subscribed: BTreeSet::new(),
            watched: HashMap::new(),
            selected_modseq: None,
            own_metadata: Vec::new(),
        };
        st.reload_list(store, account).await?;
        st.refresh_statuses(store, account).await?;
        Ok(st)
    }

    /// Remember a SETMETADATA of this session, so its feed event is not reported (§5).
    pub fn note_own_metadata(&mut self, mailbox: Option<MailboxId>, entries: Vec<String>) {
        if self.own_metadata.len() >= MAX_OWN_METADATA_CHANGES {
            self.own_metadata.remove(0);
        }
        self.own_metadata.push((mailbox, entries));
    }

    /// Whether a metadata event is this session's own change (and forget it).
    fn is_own_metadata(&mut self, mailbox: Option<MailboxId>, entries: &[String]) -> bool {
        match self
            .own_metadata
            .iter()
            .position(|(m, e)| *m == mailbox && e == entries)
        {
            Some(i) => {
                self.own_metadata.remove(i);
                true
            }
            None => false,
        }
    }

    /// The status items the STATUS indicator asks for, per watched mailbox (§3.1): MESSAGES
    /// UIDNEXT UIDVALIDITY for MessageNew (MESSAGES for MessageExpunge), UIDVALIDITY and
    /// HIGHESTMODSEQ for FlagChange when CONDSTORE is supported (it always is here).
    pub fn initial_statuses(
        &self,
        selected: Option<MailboxId>,
    ) -> Vec<(MailboxId, String, Vec<StatusItem>, MailboxStatus)> {
        let mut out = Vec::new();
        for m in &self.mailboxes {
            let Some(w) = self.watched.get(&m.id) else {
                continue;
            };
            if Some(m.id) == selected {
                continue;
            }
            let Some(st) = &w.status else { continue };
            let mut items = Vec::new();
            if w.is_message {
                items.extend([
                    StatusItem::Messages,
                    StatusItem::UidNext,
                    StatusItem::UidValidity,
                ]);
            }
            if w.is_flag_change {
                items.extend([StatusItem::UidValidity, StatusItem::HighestModSeq]);
            }
            dedup(&mut items);
            if !items.is_empty() {
                out.push((m.id, w.name.clone(), items, st.clone()));
            }
        }
        out
    }

    async fn reload_list(
        &mut self,
        store: &dyn Store,
        account: AccountId,
    ) -> Result<(), loft_store::StoreError> {
        self.mailboxes = store.mailboxes(account).await?;
        self.subscribed = store.subscriptions(account).await?.into_iter().collect();
        // Recompute which mailboxes are watched for message events; keep known statuses.
        let mut watched = HashMap::new();
        for m in &self.mailboxes {
            let (mut is_message, mut is_flag_change) = (false, false);
            for g in &self.spec.groups {
                if g.filter.matches(&m.name, &self.subscribed) {
                    is_message |= g.is_message;
                    is_flag_change |= g.is_flag_change;
                }
            }
            if is_message || is_flag_change {
                let status = self.watched.get(&m.id).and_then(|w| w.status.clone());
                watched.insert(
                    m.id,
                    Watch {
                        name: m.name.clone(),
                        is_message,
                        is_flag_change,
                        status,
                    },
                );
            }
        }
        self.watched = watched;
        Ok(())
    }

    /// Take a status snapshot of every watched mailbox that has none.
    async fn refresh_statuses(
        &mut self,
        store: &dyn Store,
        account: AccountId,
    ) -> Result<(), loft_store::StoreError> {
        for (id, w) in self.watched.iter_mut() {
            if w.status.is_none() {
                match store.status(account, *id).await {
                    Ok(st) => w.status = Some(st),
                    Err(loft_store::StoreError::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}

fn dedup(items: &mut Vec<StatusItem>) {
    let mut seen = Vec::with_capacity(items.len());
    items.retain(|i| {
        if seen.contains(i) {
            false
        } else {
            seen.push(*i);
            true
        }
    });
}

/// Wait for input while delivering notifications (the session's read loop calls this
/// instead of a plain read when NOTIFY is active and no command is in progress). False
/// when the connection is over, as `Session::read_input`.
pub(crate) async fn read_input_notifying(s: &mut Session) -> bool {
    let Some(account) = s.account.as_ref().map(|a| a.id) else {
        return false;
    };
    if s.flush().await.is_err() {
        return false;
    }
    let Some(mut st) = s.notify.take() else {
        return false;
    };
    let result = wait(s, &mut st, account).await;
    // NOTIFY NONE cannot run while we wait, so the state goes back as it was.
    s.notify = Some(st);
    result
}

async fn wait(s: &mut Session, st: &mut NotifyState, account: AccountId) -> bool {
    let deadline = tokio::time::sleep(s.ctx.config.timeouts.authenticated);
    tokio::pin!(deadline);
    let mut poll =
        tokio::time::interval(Duration::from_millis(s.ctx.config.idle_poll_millis.max(10)));
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    poll.tick().await;
    loop {
        let mut wake = Wake::default();
        tokio::select! {
            read = s.read_more() => return matches!(read, Ok(n) if n > 0),
            event = st.feed.recv() => match event {
                Ok(Change::Mailbox { account: a, mailbox, .. }) if a == account => wake.mailboxes.push(mailbox),
                Ok(Change::MailboxList { account: a }) if a == account => wake.list = true,
                Ok(Change::Metadata { account: a, mailbox, entries }) if a == account => {
                    if !st.is_own_metadata(mailbox, &entries) {
                        wake.metadata.push((mailbox, entries));
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(_)) => wake = Wake::everything(st),
                Err(RecvError::Closed) => st.feed = s.ctx.store.subscribe(),
            },
            // Changes by other processes (the CLI, another node) are not on the feed.
            _ = poll.tick() => wake = poll_changes(s, st, account).await,
            _ = &mut deadline => {
                s.out.untagged_status(loft_proto_imap::Status::Bye, None, "Autologout; idle for too long");
                let _ = s.flush().await;
                return false;
            }
        }
        if let Err(e) = deliver(s, st, account, wake).await {
            tracing::warn!(peer = %s.peer, error = %e, "NOTIFY delivery failed");
        }
        if s.flush().await.is_err() {
            return false;
        }
    }
}

/// What to look at after a wake-up.
#[derive(Debug, Default)]
struct Wake {
    mailboxes: Vec<MailboxId>,
    list: bool,
    /// Metadata changes by others: (mailbox or None for server entries, entry names).
    metadata: Vec<(Option<MailboxId>, Vec<String>)>,
}

impl Wake {
    fn everything(st: &NotifyState) -> Wake {
        let mut mailboxes: Vec<MailboxId> = st.watched.keys().copied().collect();
        if let Some((id, _)) = st.selected_modseq {
            mailboxes.push(id);
        }
        Wake {
            mailboxes,
            list: st.spec.wants_list(),
            metadata: Vec::new(),
        }
    }
}

/// One cheap read per watched mailbox (HIGHESTMODSEQ), plus the mailbox list when name
/// or subscription events are asked for.
async fn poll_changes(s: &mut Session, st: &mut NotifyState, account: AccountId) -> Wake {
    let store = s.ctx.store.clone();
    let mut wake = Wake::default();
    if let Some(sel) = s.selected.as_ref() {
        let id = sel.mailbox.id;
        if let Ok(now) = store.highest_modseq(account, id).await {
            match st.selected_modseq {
                Some((known_id, known)) if known_id == id && known == now => {}
                Some((known_id, _)) if known_id == id => wake.mailboxes.push(id),
                _ => st.selected_modseq = Some((id, now)),
            }
        }
    }
    for (id, w) in &st.watched {
        if let (Some(known), Ok(now)) = (&w.status, store.highest_modseq(account, *id).await)
            && known.highest_modseq != now
        {
            wake.mailboxes.push(*id);
        }
    }
    if st.spec.wants_list()
        && let (Ok(mailboxes), Ok(subs)) = (
            store.mailboxes(account).await,
            store.subscriptions(account).await,
        )
    {
        let same_names = mailboxes.len() == st.mailboxes.len()
            && mailboxes
                .iter()
                .zip(&st.mailboxes)
                .all(|(a, b)| a.id == b.id && a.name == b.name);
        let subs: BTreeSet<String> = subs.into_iter().collect();
        wake.list = !same_names || subs != st.subscribed;
    }
    wake
}

async fn deliver(
    s: &mut Session,
    st: &mut NotifyState,
    account: AccountId,
    wake: Wake,
) -> Result<(), loft_store::StoreError> {
    let store = s.ctx.store.clone();
    if wake.list {
        deliver_list(s, st, account).await?;
    }
    for (mailbox, entries) in &wake.metadata {
        deliver_metadata(s, st, *mailbox, entries);
    }
    let selected = s.selected.as_ref().map(|sel| sel.mailbox.id);
    let mut done: Vec<MailboxId> = Vec::new();
    for id in wake.mailboxes {
        if done.contains(&id) {
            continue;
        }
        done.push(id);
        if Some(id) == selected {
            deliver_selected(s, st, account).await;
            continue;
        }
        let Some(w) = st.watched.get_mut(&id) else {
            continue;
        };
        let now = match store.status(account, id).await {
            Ok(now) => now,
            Err(loft_store::StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        let items = status_items(w, &now, &s.enabled);
        w.status = Some(now.clone());
        if !items.is_empty() {
            let wire = s.encode_mailbox(&w.name);
            crate::cmd::status::write_status(
                &mut s.out,
                &wire,
                id,
                &items,
                &now,
                s.enabled.is_utf8(),
            );
        }
    }
    Ok(())
}

/// RFC 5465 §5.1-§5.3: the STATUS items a change of another mailbox is reported with.
fn status_items(
    w: &Watch,
    now: &MailboxStatus,
    enabled: &crate::session::Enabled,
) -> Vec<StatusItem> {
    let Some(old) = &w.status else {
        return Vec::new();
    };
    let mut items = Vec::new();
    let is_count_change = old.messages != now.messages || old.uid_next != now.uid_next;
    if w.is_message && is_count_change {
        // §5.2 MessageNew and §5.3 MessageExpunge: STATUS (UIDNEXT MESSAGES), with
        // HIGHESTMODSEQ once QRESYNC is enabled.
        items.extend([StatusItem::Messages, StatusItem::UidNext]);
        if enabled.qresync {
            items.push(StatusItem::HighestModSeq);
        }
    }
    if w.is_flag_change && !is_count_change && old.highest_modseq != now.highest_modseq {
        // §5.1: with CONDSTORE enabled, HIGHESTMODSEQ and UIDVALIDITY; UNSEEN when the
        // number of \Seen messages changed; without either, nothing.
        if enabled.condstore {
            items.extend([StatusItem::HighestModSeq, StatusItem::UidValidity]);
        }
        if old.unseen != now.unseen {
            items.push(StatusItem::Unseen);
        }
    }
    // §5.1: "the server MUST notify the client about mailbox UIDVALIDITY changes".
    if (w.is_message || w.is_flag_change) && old.uid_validity != now.uid_validity {
        items.push(StatusItem::UidValidity);
    }
    dedup(&mut items);
    items
}

/// Changes to the selected mailbox: the usual untagged responses (§5.1-§5.3), then a FETCH
/// with MessageNew's items for each new message (§5.2).
async fn deliver_selected(s: &mut Session, st: &mut NotifyState, account: AccountId) {
    let Some(spec) = st.spec.selected.clone() else {
        return;
    };
    if !spec.is_message && !spec.is_flag_change {
        return;
    }
    let Some(before_uid_next) = s.selected.as_ref().map(|sel| sel.uid_next()) else {
        return;
    };
    // §6.1.2: SELECTED-DELAYED holds expunges back until a command allows them.
    let before = s.out.as_bytes().to_vec();
    s.out.clear();
    s.sync_selected(!spec.is_delayed).await;
    let produced = s.out.as_bytes().to_vec();
    s.out.clear();
    s.out.raw(&before);
    for line in produced.split_inclusive(|&b| b == b'\n') {
        // §3.1: only the events asked for. The view's unsolicited FETCH lines carry flags
        // (UID, FLAGS, MODSEQ: no literals, so a line is a whole response); without
        // FlagChange (or without message events) they are left out.
        let is_fetch = line.starts_with(b"* ") && line.windows(7).any(|w| w == b" FETCH ");
        let is_wanted = if is_fetch {
            spec.is_flag_change
        } else {
            spec.is_message
        };
        if is_wanted {
            s.out.raw(line);
        }
    }
    if let Some(sel) = s.selected.as_ref() {
        let id = sel.mailbox.id;
        if let Ok(now) = s.ctx.store.highest_modseq(account, id).await {
            st.selected_modseq = Some((id, now));
        }
    }
    let has_new = s
        .selected
        .as_ref()
        .and_then(|sel| {
            sel.exists()
                .checked_sub(1)
                .and_then(|last| sel.uid_at(last))
        })
        .is_some_and(|last| last.get() >= before_uid_next);
    if spec.is_message && !spec.new_attrs.is_empty() && has_new {
        let set = SequenceSet::Ranges(vec![SeqRange {
            start: SeqBound::Value(before_uid_next.max(1)),
            end: SeqBound::Star,
        }]);
        let fetch = FetchCommand {
            numbering: Numbering::Uid,
            set,
            attrs: spec.new_attrs.clone(),
            changed_since: None,
            vanished: false,
            partial: None,
        };
        if let Err(e) = crate::cmd::fetch::handle(s, fetch).await {
            tracing::debug!(peer = %s.peer, error = ?e, "NOTIFY MessageNew FETCH failed");
        }
    }
}

/// MailboxMetadataChange (§5.6) and ServerMetadataChange (§5.7): an unsolicited METADATA
/// response with the changed entry names only, removed ones included (RFC 5464 §4.4.2:
/// `* METADATA mailbox entry *(SP entry)`, never values).
fn deliver_metadata(
    s: &mut Session,
    st: &NotifyState,
    mailbox: Option<MailboxId>,
    entries: &[String],
) {
    if entries.is_empty() {
        return;
    }
    let name = match mailbox {
        None if st.spec.is_server_metadata => String::new(),
        None => return,
        Some(id) => {
            let Some(m) = st.mailboxes.iter().find(|m| m.id == id) else {
                return;
            };
            let is_wanted = st
                .spec
                .groups
                .iter()
                .any(|g| g.is_metadata && g.filter.matches(&m.name, &st.subscribed));
            if !is_wanted {
                return;
            }
            m.name.clone()
        }
    };
    let utf8 = s.enabled.is_utf8();
    let wire = s.encode_mailbox(&name);
    s.out.raw(b"* METADATA ");
    s.out.string(&wire, utf8);
    for e in entries {
        s.out.raw(b" ");
        s.out.astring(e.as_bytes(), utf8);
    }
    s.out.raw(
        b"
",
    );
}

/// MailboxName (§5.4) and SubscriptionChange (§5.5): LIST responses for what changed.
async fn deliver_list(
    s: &mut Session,
    st: &mut NotifyState,
    account: AccountId,
) -> Result<(), loft_store::StoreError> {
    let store = s.ctx.store.clone();
    let old_mailboxes = std::mem::take(&mut st.mailboxes);
    let old_subscribed = std::mem::take(&mut st.subscribed);
    st.reload_list(store.as_ref(), account).await?;
    st.refresh_statuses(store.as_ref(), account).await?;
    let old_names: HashMap<MailboxId, &str> = old_mailboxes
        .iter()
        .map(|m| (m.id, m.name.as_str()))
        .collect();
    let new_names: HashMap<MailboxId, &str> = st
        .mailboxes
        .iter()
        .map(|m| (m.id, m.name.as_str()))
        .collect();
    let wants_name = |name: &str, subs: &BTreeSet<String>| {
        st.spec
            .groups
            .iter()
            .any(|g| g.is_mailbox_name && g.filter.matches(name, subs))
    };
    let wants_sub = |name: &str, subs: &BTreeSet<String>| {
        st.spec
            .groups
            .iter()
            .any(|g| g.is_subscription_change && g.filter.matches(name, subs))
    };
    let mut lines: Vec<(String, Option<String>, bool)> = Vec::new(); // (name, oldname, exists)
    let renamed: Vec<(&str, &str)> = st
        .mailboxes
        .iter()
        .filter_map(|m| {
            old_names
                .get(&m.id)
                .filter(|old| **old != m.name)
                .map(|old| (*old, m.name.as_str()))
        })
        .collect();
    for m in &st.mailboxes {
        match old_names.get(&m.id) {
            None if wants_name(&m.name, &st.subscribed) => lines.push((m.name.clone(), None, true)),
            Some(old) if *old != m.name && wants_name(&m.name, &st.subscribed) => {
                // §5.4: children renamed with their parent get no event of their own.
                let is_child_of_renamed = renamed.iter().any(|(o, _)| {
                    old.strip_prefix(o)
                        .is_some_and(|rest| rest.starts_with(DELIMITER))
                });
                if !is_child_of_renamed {
                    lines.push((m.name.clone(), Some(old.to_string()), true));
                }
            }
            _ => {}
        }
    }
    for m in &old_mailboxes {
        if !new_names.contains_key(&m.id) && wants_name(&m.name, &old_subscribed) {
            lines.push((m.name.clone(), None, false));
        }
    }
    for name in st.subscribed.symmetric_difference(&old_subscribed) {
        let exists = st.mailboxes.iter().any(|m| m.name == *name);
        if (wants_sub(name, &st.subscribed) || wants_sub(name, &old_subscribed))
            && !lines.iter().any(|(n, _, _)| n == name)
        {
            lines.push((name.clone(), None, exists));
        }
    }
    for (name, old, exists) in lines {
        write_list(s, st, &name, old.as_deref(), exists);
    }
    Ok(())
}

/// `* LIST (attrs) "/" name [("OLDNAME" ("old"))]` with accurate attributes (§5.4, §5.5).
fn write_list(s: &mut Session, st: &NotifyState, name: &str, old: Option<&str>, exists: bool) {
    let mut attrs: Vec<&str> = Vec::new();
    let mailbox = st.mailboxes.iter().find(|m| m.name == name);
    if !exists || mailbox.is_none() {
        attrs.push("\\NonExistent");
    } else {
        let has_children = st.mailboxes.iter().any(|m| {
            m.name
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(DELIMITER))
        });
        attrs.push(if has_children {
            "\\HasChildren"
        } else {
            "\\HasNoChildren"
        });
    }
    if st.subscribed.contains(name) {
        attrs.push("\\Subscribed");
    }
    if let Some(use_) = mailbox.and_then(|m| m.special_use) {
        attrs.push(use_.attr());
    }
    let utf8 = s.enabled.is_utf8();
    let wire = s.encode_mailbox(name);
    s.out.raw(b"* LIST (");
    s.out.raw(attrs.join(" ").as_bytes());
    s.out.raw(b") \"/\" ");
    s.out.string(&wire, utf8);
    if let Some(old) = old {
        // RFC 5465 §5.4 / RFC 9051 §7.3.1 OLDNAME extended data item.
        let old_wire = s.encode_mailbox(old);
        s.out.raw(b" (\"OLDNAME\" (");
        s.out.string(&old_wire, utf8);
        s.out.raw(b"))");
    }
    s.out.raw(b"\r\n");
}

/// After each command of this session: fold the changes it made into the snapshots without
/// announcing them (RFC 5465 §5: events caused by this client SHOULD NOT be notified).
pub(crate) async fn after_command(s: &mut Session, command: &str) {
    let Some(account) = s.account.as_ref().map(|a| a.id) else {
        // UNAUTHENTICATE (RFC 8437): nothing is watched any more.
        s.notify = None;
        return;
    };
    let Some(mut st) = s.notify.take() else {
        return;
    };
    let store = s.ctx.store.clone();
    let result = async {
        match command {
            "CREATE" | "DELETE" | "RENAME" | "SUBSCRIBE" | "UNSUBSCRIBE" => {
                st.reload_list(store.as_ref(), account).await?;
                st.refresh_statuses(store.as_ref(), account).await?;
            }
            // These may change any mailbox: refresh every watched one.
            "APPEND" | "COPY" | "MOVE" | "REPLACE" => {
                for (id, w) in st.watched.iter_mut() {
                    match store.status(account, *id).await {
                        Ok(now) => w.status = Some(now),
                        Err(loft_store::StoreError::NotFound(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            _ => {}
        }
        if let Some(sel) = s.selected.as_ref() {
            let id = sel.mailbox.id;
            if let Ok(now) = store.highest_modseq(account, id).await {
                st.selected_modseq = Some((id, now));
            }
            // The selected mailbox may also be watched by name (for after it is closed):
            // its snapshot follows what this session did to it.
            if let Some(w) = st.watched.get_mut(&id)
                && w.status.as_ref().is_none_or(|known| {
                    known.highest_modseq
                        != st
                            .selected_modseq
                            .map(|(_, m)| m)
                            .unwrap_or(known.highest_modseq)
                })
            {
                match store.status(account, id).await {
                    Ok(now) => w.status = Some(now),
                    Err(loft_store::StoreError::NotFound(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        } else {
            st.selected_modseq = None;
        }
        Ok::<(), loft_store::StoreError>(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(peer = %s.peer, error = %e, "NOTIFY snapshot refresh failed");
    }
    s.notify = Some(st);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let subs: BTreeSet<String> = ["a".to_string()].into_iter().collect();
        assert!(Filter::Personal.matches("x", &subs));
        assert!(Filter::Subscribed.matches("a", &subs));
        assert!(!Filter::Subscribed.matches("b", &subs));
        let tree = Filter::Subtree(vec!["Lists".into()]);
        assert!(tree.matches("Lists", &subs));
        assert!(tree.matches("Lists/Lemonade", &subs));
        assert!(!tree.matches("Listsx", &subs));
        let exact = Filter::Mailboxes(vec!["a*".into()]);
        assert!(exact.matches("a*", &subs));
        assert!(!exact.matches("ab", &subs));
    }
}
