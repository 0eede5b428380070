//! `loft migrate --from imaps://user@host[:port] --user alice`: copy a whole account from
//! another IMAP server, live, with flags, keywords and internal dates.
//!
//! For each mailbox the source LISTs: EXAMINE it (read-only, RFC 9051 §6.3.3), read the
//! metadata of every message with `UID FETCH n:* (UID FLAGS INTERNALDATE RFC822.SIZE)`,
//! then the bodies in batches with `BODY.PEEK[]` (bounded memory: `BATCH_BYTES` of mail
//! at a time, one store call per batch).
//!
//! UIDs: when the target mailbox never held a message (UIDNEXT 1), it takes over the
//! source's UIDVALIDITY and every message keeps its UID (`Store::append_with_uids`), so a
//! client that already knew the source needs no full resync (RFC 9051 §2.3.1.1: the pair
//! UIDVALIDITY + UID names the same message). Otherwise messages get new UIDs, and the
//! report says so.
//!
//! Resumable: after each stored batch, the last copied source UID of the mailbox is written
//! to a small state file in the data directory (`migrate/`); a re-run fetches only what
//! is above it. What was stored but not yet recorded (a kill between the two) is found
//! again by UID (UIDs kept) or by content (renumbered), so nothing is ever copied twice.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, IsTerminal, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use loft_auth::Secret;
use loft_store::{
    AccountId, DELIMITER, Flags, MailboxId, NewMessage, SpecialUse, Store, StoreError, Uid,
    UidValidity, content_address,
};

use super::{Location, existing_data_dir};
use crate::UsageError;
use crate::imapclient::{Client, ListEntry, MessageMeta, Security, tls::Verify};
use crate::mailio::maildir::decode_mutf7;

/// Messages per batch (one UID FETCH, one store call).
pub const BATCH_MESSAGES: usize = 200;
/// Bytes of mail per batch (by RFC822.SIZE), whichever limit comes first; a larger message
/// is a batch of its own.
pub const BATCH_BYTES: u64 = 32 * 1024 * 1024;
/// At most one plain progress line per this many seconds (besides one per mailbox).
const PROGRESS_SECS: u64 = 2;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The source account: imaps://user@host[:port] (TLS, port 993) or
    /// imap://user@host[:port] (STARTTLS, port 143). A user with `@` is written %40.
    #[arg(long, value_name = "URL")]
    from: String,
    /// The Loft account to copy into (create it first with `loft user add`).
    #[arg(long)]
    user: String,
    /// Read the source password as one line from standard input instead of prompting.
    #[arg(long)]
    password_stdin: bool,
    /// Accept any server certificate (testing against a self-signed server only).
    #[arg(long, conflicts_with = "ca_file")]
    insecure: bool,
    /// Verify the server certificate against the CA certificates in this PEM file instead
    /// of the system's roots.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// imap:// without any TLS; only to a loopback address (tests).
    #[arg(long)]
    allow_plaintext: bool,
    /// Messages per batch.
    #[arg(long, hide = true, default_value_t = BATCH_MESSAGES)]
    batch_messages: usize,
    #[command(flatten)]
    location: Location,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let url = SourceUrl::parse(&args.from, args.allow_plaintext)?;
    let verify = match (&args.ca_file, args.insecure) {
        (_, true) => Verify::Insecure,
        (Some(f), false) => Verify::CaFile(f.clone()),
        (None, false) => Verify::SystemRoots,
    };
    let config = args.location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let account = store.account(&args.user).await?.with_context(|| {
        format!(
            "no such user {} (create it first with `loft user add`)",
            args.user
        )
    })?;
    let password = read_password(args.password_stdin, &url)?;

    let mut client = Client::connect(&url.host, url.port, url.security, &verify)
        .await
        .with_context(|| format!("cannot connect to {}", url.display()))?;
    client
        .login(&url.user, &password)
        .await
        .with_context(|| format!("cannot log in to {}", url.display()))?;
    drop(password);
    let entries = client.list().await.context("LIST failed on the source")?;
    let subscribed: HashSet<Vec<u8>> = client
        .subscribed()
        .await
        .context("listing subscriptions failed on the source")?
        .into_iter()
        .collect();

    let state_path = config
        .data_dir
        .join("migrate")
        .join(state_file_name(&args.user, &url));
    let mut state = State::load(&state_path)?;
    let mut migration = Migration {
        store,
        account: account.id,
        client,
        batch_messages: args.batch_messages.max(1),
        report: Report::default(),
        last_line: Instant::now(),
    };
    eprintln!(
        "migrating {} -> {}: {} mailboxes",
        url.display(),
        args.user,
        entries.len()
    );
    for entry in &entries {
        let target = target_name(entry, migration.client.is_utf8);
        // RFC 9051 §7.3.1: \Noselect / \NonExistent names hold no messages; their
        // children are created with their parents, as the hierarchy requires.
        if entry.has_attribute("\\Noselect") || entry.has_attribute("\\NonExistent") {
            continue;
        }
        let is_subscribed = subscribed.contains(&entry.raw_name);
        let counts = migration
            .copy_mailbox(entry, &target, is_subscribed, &mut state)
            .await
            .with_context(|| format!("copying mailbox {target}"))?;
        migration.report.mailboxes.push((target, counts));
    }
    migration.client.logout().await;
    migration.report.print(&url.display(), &args.user);
    Ok(ExitCode::SUCCESS)
}

/// `imaps://user@host[:port]` or `imap://user@host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SourceUrl {
    security: Security,
    user: String,
    host: String,
    port: u16,
}

impl SourceUrl {
    fn parse(s: &str, allow_plaintext: bool) -> Result<SourceUrl, UsageError> {
        let bad = |why: &str| UsageError(format!("--from {s}: {why} (imaps://user@host[:port])"));
        let (security, rest, default_port) = if let Some(r) = s.strip_prefix("imaps://") {
            (Security::Implicit, r, 993)
        } else if let Some(r) = s.strip_prefix("imap://") {
            let security = if allow_plaintext {
                Security::Plaintext
            } else {
                Security::StartTls
            };
            (security, r, 143)
        } else {
            return Err(bad("not an imap:// or imaps:// URL"));
        };
        let rest = rest.trim_end_matches('/');
        let (user, hostport) = rest.rsplit_once('@').ok_or_else(|| bad("no user@"))?;
        let user = percent_decode(user).ok_or_else(|| bad("bad %-escape in the user"))?;
        if user.is_empty() {
            return Err(bad("empty user"));
        }
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(|| bad("unclosed ["))?;
            match after.strip_prefix(':') {
                Some(p) => (host.to_string(), p.parse().map_err(|_| bad("bad port"))?),
                None if after.is_empty() => (host.to_string(), default_port),
                None => return Err(bad("junk after ]")),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.parse().map_err(|_| bad("bad port"))?),
                None => (hostport.to_string(), default_port),
            }
        };
        if host.is_empty() {
            return Err(bad("empty host"));
        }
        if security == Security::Plaintext && !is_loopback(&host) {
            return Err(bad(
                "--allow-plaintext only to a loopback address: the password would cross the network in clear",
            ));
        }
        Ok(SourceUrl {
            security,
            user,
            host,
            port,
        })
    }

    fn display(&self) -> String {
        let scheme = if self.security == Security::Implicit {
            "imaps"
        } else {
            "imap"
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        format!("{scheme}://{}@{host}:{}", self.user, self.port)
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A terminal prompt, or one line of standard input with `--password-stdin`.
fn read_password(password_stdin: bool, url: &SourceUrl) -> anyhow::Result<Secret<String>> {
    let stdin = std::io::stdin();
    if !password_stdin && stdin.is_terminal() {
        let p = rpassword::prompt_password(format!("Password for {}: ", url.display()))
            .context("cannot read the password")?;
        return Ok(Secret::new(p));
    }
    if !password_stdin {
        return Err(UsageError(
            "no terminal to ask for the source password: use --password-stdin".into(),
        )
        .into());
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err(UsageError("empty password on standard input".into()).into());
    }
    Ok(Secret::new(p))
}

/// The Loft name of a source mailbox: names decoded (modified UTF-7 unless UTF8=ACCEPT,
/// RFC 3501 §5.1.3), the source's hierarchy delimiter replaced by `/`, INBOX upper-case.
fn target_name(entry: &ListEntry, is_utf8: bool) -> String {
    let raw = String::from_utf8_lossy(&entry.raw_name);
    let name = if is_utf8 {
        raw.into_owned()
    } else {
        decode_mutf7(&raw)
    };
    let name = match entry.delimiter {
        Some(d) if d != DELIMITER => name
            .split(d)
            .map(|part| part.replace(DELIMITER, "_"))
            .collect::<Vec<_>>()
            .join("/"),
        _ => name,
    };
    // RFC 9051 §5.1: INBOX is case-insensitive, also as the top of a hierarchy.
    match name.split_once(DELIMITER) {
        Some((top, rest)) if top.eq_ignore_ascii_case("INBOX") => format!("INBOX/{rest}"),
        None if name.eq_ignore_ascii_case("INBOX") => "INBOX".into(),
        _ => name,
    }
}

/// Whether UIDs are being kept in a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Kept,
    Renumbered,
}

#[derive(Debug, Default)]
struct Counts {
    copied: u64,
    /// Already in the target from an earlier run.
    present: u64,
    /// Expunged on the source between listing and fetching.
    vanished: u64,
    bytes: u64,
    uids_kept: bool,
    resumed: bool,
}

#[derive(Default)]
struct Report {
    mailboxes: Vec<(String, Counts)>,
    created: u64,
}

impl Report {
    fn print(&self, from: &str, user: &str) {
        println!("migrated {from} -> {user}:");
        let (mut copied, mut skipped, mut bytes) = (0, 0, 0);
        for (name, c) in &self.mailboxes {
            println!(
                "  {name}: {} copied, {} skipped{}, {}{}",
                c.copied,
                c.present + c.vanished,
                if c.vanished > 0 {
                    format!(" ({} gone from the source)", c.vanished)
                } else {
                    String::new()
                },
                if c.uids_kept {
                    "UIDs kept"
                } else {
                    "new UIDs (clients re-download this mailbox)"
                },
                if c.resumed { ", resumed" } else { "" },
            );
            copied += c.copied;
            skipped += c.present + c.vanished;
            bytes += c.bytes;
        }
        println!(
            "mailboxes: {} copied, {} created; messages: {copied} copied, {skipped} skipped; bytes: {bytes}",
            self.mailboxes.len(),
            self.created
        );
    }
}

struct Migration {
    store: Arc<dyn Store>,
    account: AccountId,
    client: Client,
    batch_messages: usize,
    report: Report,
    last_line: Instant,
}

impl Migration {
    async fn copy_mailbox(
        &mut self,
        entry: &ListEntry,
        name: &str,
        is_subscribed: bool,
        state: &mut State,
    ) -> anyhow::Result<Counts> {
        let info = self.client.examine(&entry.raw_name).await?;
        let source_uv = info
            .uid_validity
            .and_then(UidValidity::new)
            .with_context(|| "the source sent no UIDVALIDITY".to_string())?;
        let mailbox = self.target_mailbox(entry, name).await?;
        if is_subscribed {
            self.store.set_subscribed(self.account, name, true).await?;
        }
        let status = self.store.status(self.account, mailbox).await?;
        let previous = state
            .get(name)
            .filter(|r| r.uid_validity == source_uv.get());
        let mut counts = Counts {
            resumed: previous.is_some(),
            ..Counts::default()
        };
        // The UIDs can be kept in a mailbox that never held a message, and still are in
        // one that took over the source's UIDVALIDITY in an earlier run (as the state
        // says: an equal UIDVALIDITY alone proves nothing, Loft's are times in seconds).
        let was_kept =
            previous.is_some_and(|r| r.mode == Mode::Kept) && status.uid_validity == source_uv;
        let mut mode = if status.uid_next == 1 || was_kept {
            Mode::Kept
        } else {
            Mode::Renumbered
        };
        if mode == Mode::Kept && !was_kept {
            // Take over the UIDVALIDITY now, so even an empty mailbox keeps it, and say so
            // in the state before any message is stored.
            self.store
                .append_with_uids(self.account, mailbox, source_uv, Vec::new())
                .await?;
            state.set(
                name,
                Record {
                    uid_validity: source_uv.get(),
                    mode,
                    last_uid: 0,
                },
            )?;
        }

        let from = previous.map_or(1, |r| r.last_uid.saturating_add(1));
        let mut metas: Vec<MessageMeta> = Vec::new();
        self.client.fetch_meta(from, &mut |m| metas.push(m)).await?;
        metas.sort_by_key(|m| m.uid);
        metas.dedup_by_key(|m| m.uid);

        // Source UIDs the target already uses: normally what a killed run stored after its
        // last state write, but possibly mail delivered here meanwhile. They are compared
        // by content and copied with new UIDs when different.
        let mut held_metas = Vec::new();
        if mode == Mode::Kept {
            let held: HashSet<u32> = self
                .store
                .snapshot(self.account, mailbox)
                .await?
                .messages
                .iter()
                .map(|m| m.uid.get())
                .collect();
            let (held_part, new_part): (Vec<_>, Vec<_>) =
                metas.into_iter().partition(|m| held.contains(&m.uid));
            held_metas = held_part;
            metas = new_part;
        }
        let total = metas.len() + held_metas.len();
        eprintln!(
            "{name}: {total} messages to copy{}",
            if mode == Mode::Kept {
                ", UIDs kept"
            } else {
                ", new UIDs"
            }
        );
        let mut done = 0;
        self.copy_all(
            name,
            mailbox,
            source_uv,
            &held_metas,
            Mode::Renumbered,
            &mut counts,
            None,
            (&mut done, total),
        )
        .await?;
        let uid_next = self.store.status(self.account, mailbox).await?.uid_next;
        if mode == Mode::Kept && metas.first().is_some_and(|m| m.uid < uid_next) {
            // Mail arrived in the target meanwhile: the source's UIDs are taken.
            mode = Mode::Renumbered;
        }
        counts.uids_kept = mode == Mode::Kept;
        self.copy_all(
            name,
            mailbox,
            source_uv,
            &metas,
            mode,
            &mut counts,
            Some(state),
            (&mut done, total),
        )
        .await?;
        if state
            .get(name)
            .is_none_or(|r| r.uid_validity != source_uv.get())
        {
            state.set(
                name,
                Record {
                    uid_validity: source_uv.get(),
                    mode,
                    last_uid: 0,
                },
            )?;
        }
        Ok(counts)
    }

    /// Copy `metas` in batches; with `state`, record the last copied UID after each batch.
    #[allow(clippy::too_many_arguments)]
    async fn copy_all(
        &mut self,
        name: &str,
        mailbox: MailboxId,
        source_uv: UidValidity,
        metas: &[MessageMeta],
        mut mode: Mode,
        counts: &mut Counts,
        mut state: Option<&mut State>,
        (done, total): (&mut usize, usize),
    ) -> anyhow::Result<()> {
        let mut rest = metas;
        while !rest.is_empty() {
            let mut n = 0;
            let mut bytes = 0u64;
            while n < rest.len()
                && n < self.batch_messages
                && (n == 0 || bytes + rest[n].size <= BATCH_BYTES)
            {
                bytes += rest[n].size;
                n += 1;
            }
            let (batch, tail) = rest.split_at(n);
            rest = tail;
            mode = self
                .copy_batch(mailbox, source_uv, batch, mode, counts)
                .await?;
            if let Some(state) = state.as_deref_mut() {
                counts.uids_kept = mode == Mode::Kept;
                // `batch` is non-empty: n >= 1 because `rest` was.
                let last_uid = batch[batch.len() - 1].uid;
                state.set(
                    name,
                    Record {
                        uid_validity: source_uv.get(),
                        mode,
                        last_uid,
                    },
                )?;
            }
            let first = *done == 0;
            *done += batch.len();
            if first
                || *done == total
                || self.last_line.elapsed() >= Duration::from_secs(PROGRESS_SECS)
            {
                self.last_line = Instant::now();
                eprintln!(
                    "progress: {name} {}/{total} messages, {} bytes",
                    *done, counts.bytes
                );
            }
        }
        Ok(())
    }

    /// Fetch and store one batch; returns the mode for the next batch.
    async fn copy_batch(
        &mut self,
        mailbox: MailboxId,
        source_uv: UidValidity,
        batch: &[MessageMeta],
        mode: Mode,
        counts: &mut Counts,
    ) -> anyhow::Result<Mode> {
        let uids: Vec<u32> = batch.iter().map(|m| m.uid).collect();
        let mut bodies: HashMap<u32, Vec<u8>> = HashMap::with_capacity(batch.len());
        self.client
            .fetch_bodies(&uids, &mut |uid, body| {
                bodies.insert(uid, body);
            })
            .await?;
        let mut messages = Vec::with_capacity(batch.len());
        for meta in batch {
            let (Some(body), Some(uid)) = (bodies.remove(&meta.uid), Uid::new(meta.uid)) else {
                counts.vanished += 1;
                continue;
            };
            messages.push((
                uid,
                NewMessage {
                    content: body,
                    flags: flags(&meta.flags),
                    internal_date: meta.internal_date,
                },
            ));
        }
        if messages.is_empty() {
            return Ok(mode);
        }
        let bytes: u64 = messages.iter().map(|(_, m)| m.content.len() as u64).sum();
        if mode == Mode::Kept {
            let n = messages.len() as u64;
            match self
                .store
                .append_with_uids(self.account, mailbox, source_uv, messages.clone())
                .await
            {
                Ok(_) => {
                    counts.copied += n;
                    counts.bytes += bytes;
                    return Ok(Mode::Kept);
                }
                // The store refuses when UIDs can no longer be kept (mail arrived
                // meanwhile): go on with new UIDs rather than stop.
                Err(StoreError::Invalid(why)) => {
                    eprintln!("note: cannot keep the source's UIDs ({why}); copying with new UIDs");
                }
                Err(e) => return Err(e.into()),
            }
        }
        // New UIDs: skip what the mailbox already holds byte for byte (a killed run).
        let ids: Vec<_> = messages
            .iter()
            .map(|(_, m)| content_address(&m.content))
            .collect();
        let present = self
            .store
            .mailbox_has_blobs(self.account, mailbox, &ids)
            .await?;
        let new: Vec<NewMessage> = messages
            .into_iter()
            .zip(present)
            .filter_map(|((_, m), is_present)| (!is_present).then_some(m))
            .collect();
        counts.present += (ids.len() - new.len()) as u64;
        if !new.is_empty() {
            counts.copied += new.len() as u64;
            counts.bytes += new.iter().map(|m| m.content.len() as u64).sum::<u64>();
            self.store.append(self.account, mailbox, new).await?;
        }
        Ok(Mode::Renumbered)
    }

    /// The target mailbox, created when missing, with the source's special use when no
    /// other mailbox of the account has it yet (RFC 6154 §2: one \Sent is what clients
    /// expect).
    async fn target_mailbox(&mut self, entry: &ListEntry, name: &str) -> anyhow::Result<MailboxId> {
        if let Some(m) = self.store.mailbox(self.account, name).await? {
            return Ok(m.id);
        }
        let special_use = entry
            .attributes
            .iter()
            .find_map(|a| SpecialUse::from_attr(a));
        let special_use = match special_use {
            Some(u) => {
                let taken = self
                    .store
                    .mailboxes(self.account)
                    .await?
                    .iter()
                    .any(|m| m.special_use == Some(u));
                if taken {
                    eprintln!(
                        "note: {name} is {} on the source, but another mailbox here already is",
                        u.attr()
                    );
                    None
                } else {
                    Some(u)
                }
            }
            None => None,
        };
        match self
            .store
            .create_mailbox(self.account, name, special_use)
            .await
        {
            Ok(id) => {
                self.report.created += 1;
                Ok(id)
            }
            Err(StoreError::AlreadyExists(_)) => Ok(self
                .store
                .mailbox(self.account, name)
                .await?
                .with_context(|| format!("mailbox {name} vanished"))?
                .id),
            Err(e) => Err(e).with_context(|| format!("cannot create mailbox {name}")),
        }
    }
}

/// IMAP flags to stored flags: the system flags as bits, keywords kept as they are;
/// `\Recent` is session state (RFC 9051 dropped it) and unknown `\` flags cannot be set.
fn flags(list: &[String]) -> Flags {
    let mut f = Flags::default();
    for flag in list {
        let bit = match flag.to_ascii_lowercase().as_str() {
            "\\seen" => Flags::SEEN,
            "\\answered" => Flags::ANSWERED,
            "\\flagged" => Flags::FLAGGED,
            "\\deleted" => Flags::DELETED,
            "\\draft" => Flags::DRAFT,
            _ => 0,
        };
        if bit != 0 {
            f.bits |= bit;
        } else if !flag.starts_with('\\')
            && !flag.is_empty()
            && !flag.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            f.add_keyword(flag);
        }
    }
    f
}

/// The state file's name: one per target user and source account (not per port or
/// scheme: the same account reached another way is the same source).
fn state_file_name(user: &str, url: &SourceUrl) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "{}--{}@{}.state",
        safe(user),
        safe(&url.user),
        safe(&url.host)
    )
}

/// Per target mailbox: the source's UIDVALIDITY, the mode and the last copied source UID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Record {
    uid_validity: u32,
    mode: Mode,
    last_uid: u32,
}

/// The resume state: a small text file, one line per mailbox
/// (`uidvalidity TAB kept|renumbered TAB last-uid TAB name`, name %-escaped), replaced
/// atomically (write, fsync, rename) after every batch.
struct State {
    path: PathBuf,
    records: Vec<(String, Record)>,
}

impl State {
    fn load(path: &Path) -> anyhow::Result<State> {
        let mut records = Vec::new();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                for line in text.lines() {
                    let mut parts = line.splitn(4, '\t');
                    let parsed = (|| {
                        let uid_validity = parts.next()?.parse().ok()?;
                        let mode = match parts.next()? {
                            "kept" => Mode::Kept,
                            "renumbered" => Mode::Renumbered,
                            _ => return None,
                        };
                        let last_uid = parts.next()?.parse().ok()?;
                        let name = percent_decode(parts.next()?)?;
                        Some((
                            name,
                            Record {
                                uid_validity,
                                mode,
                                last_uid,
                            },
                        ))
                    })();
                    // A line that does not parse only costs a re-check of that mailbox.
                    records.extend(parsed);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
        Ok(State {
            path: path.to_path_buf(),
            records,
        })
    }

    fn get(&self, name: &str) -> Option<Record> {
        self.records
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| *r)
    }

    fn set(&mut self, name: &str, record: Record) -> anyhow::Result<()> {
        match self.records.iter_mut().find(|(n, _)| n == name) {
            Some((_, r)) => *r = record,
            None => self.records.push((name.to_string(), record)),
        }
        self.save()
    }

    fn save(&self) -> anyhow::Result<()> {
        let mut text = String::new();
        for (name, r) in &self.records {
            let mode = if r.mode == Mode::Kept {
                "kept"
            } else {
                "renumbered"
            };
            text.push_str(&format!(
                "{}\t{mode}\t{}\t{}\n",
                r.uid_validity,
                r.last_uid,
                escape(name)
            ));
        }
        let dir = self
            .path
            .parent()
            .context("state file without a directory")?;
        super::create_data_dir(dir)?;
        let tmp = self.path.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        Ok(())
    }
}

fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '%' | '\t' | '\n' | '\r' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = SourceUrl::parse("imaps://alice%40example.org@mail.example.org", false).unwrap();
        assert_eq!(
            (u.security, u.user.as_str(), u.host.as_str(), u.port),
            (
                Security::Implicit,
                "alice@example.org",
                "mail.example.org",
                993
            )
        );
        let u = SourceUrl::parse("imap://bob@[::1]:1143/", true).unwrap();
        assert_eq!(
            (u.security, u.host.as_str(), u.port),
            (Security::Plaintext, "::1", 1143)
        );
        assert_eq!(
            SourceUrl::parse("imap://bob@h:143", false)
                .unwrap()
                .security,
            Security::StartTls
        );
        assert!(
            SourceUrl::parse("imap://bob@mail.example.org", true).is_err(),
            "plaintext off loopback"
        );
        for bad in [
            "http://a@b",
            "imaps://b",
            "imaps://@b",
            "imaps://a@b:x",
            "imaps://a@",
            "imaps://a%zz@b",
        ] {
            assert!(SourceUrl::parse(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        let e = |raw: &str, d: Option<char>| ListEntry {
            raw_name: raw.as_bytes().to_vec(),
            delimiter: d,
            attributes: vec![],
        };
        assert_eq!(
            target_name(&e("INBOX.Lists.rust", Some('.')), false),
            "INBOX/Lists/rust"
        );
        assert_eq!(target_name(&e("inbox", Some('.')), false), "INBOX");
        assert_eq!(
            target_name(&e("Entw&APw-rfe/a", Some('/')), false),
            "Entwürfe/a"
        );
        assert_eq!(
            target_name(&e("Entw&APw-rfe", Some('/')), true),
            "Entw&APw-rfe"
        );
        assert_eq!(target_name(&e("a/b.c", Some('.')), false), "a_b/c");
    }

    #[test]
    fn flag_mapping() {
        let f = flags(&[
            "\\Seen".into(),
            "\\Recent".into(),
            "\\Draft".into(),
            "$Work".into(),
            "\\Weird".into(),
        ]);
        assert_eq!(f.bits, Flags::SEEN | Flags::DRAFT);
        assert_eq!(f.keywords, vec!["$Work".to_string()]);
    }

    #[test]
    fn state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("migrate/x.state");
        let mut s = State::load(&path).unwrap();
        s.set(
            "a%b\tc",
            Record {
                uid_validity: 7,
                mode: Mode::Kept,
                last_uid: 40,
            },
        )
        .unwrap();
        s.set(
            "INBOX",
            Record {
                uid_validity: 9,
                mode: Mode::Renumbered,
                last_uid: 2,
            },
        )
        .unwrap();
        s.set(
            "INBOX",
            Record {
                uid_validity: 9,
                mode: Mode::Renumbered,
                last_uid: 3,
            },
        )
        .unwrap();
        let s = State::load(&path).unwrap();
        assert_eq!(
            s.get("a%b\tc"),
            Some(Record {
                uid_validity: 7,
                mode: Mode::Kept,
                last_uid: 40
            })
        );
        assert_eq!(s.get("INBOX").map(|r| r.last_uid), Some(3));
        assert_eq!(s.get("nope"), None);
    }
}
