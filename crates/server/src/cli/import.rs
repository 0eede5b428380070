//! `loft import --user alice mbox FILE...` and `loft import --user alice maildir DIR`.
//!
//! Streaming and batched: messages are read one at a time and stored `BATCH_MESSAGES` per
//! store call (one transaction, one fsync of the database), so memory stays bounded
//! whatever the size of the source. Idempotent: a message whose exact bytes the target
//! mailbox already holds is skipped, so an interrupted import is simply run again.

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use loft_store::{AccountId, MailboxId, NewMessage, Store, StoreError, content_address};

use super::{Location, existing_data_dir};
use crate::mailio::{maildir, mbox};

/// Messages per store call.
pub const BATCH_MESSAGES: usize = 500;
/// Bytes per store call, whichever limit comes first.
pub const BATCH_BYTES: usize = 32 * 1024 * 1024;
const PLAIN_PROGRESS_SECS: u64 = 5;

pub enum Source {
    Mbox {
        files: Vec<PathBuf>,
        format: mbox::Format,
        mailbox: Option<String>,
    },
    Maildir {
        dir: PathBuf,
    },
}

pub struct Options {
    pub user: String,
    pub source: Source,
    pub location: Location,
}

#[derive(Debug, Default)]
struct Counts {
    read: u64,
    imported: u64,
    present: u64,
    too_large: u64,
    unreadable: u64,
}

#[derive(Default)]
struct Report {
    folders: Vec<(String, Counts)>,
    folders_created: u64,
}

pub async fn run(opts: Options) -> anyhow::Result<ExitCode> {
    let config = opts.location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let account = store
        .account(&opts.user)
        .await?
        .with_context(|| format!("no such user {}", opts.user))?;
    let max = config.lmtp.service.max_message_bytes;
    let mut report = Report::default();
    let mut importer = Importer {
        store: store.clone(),
        account: account.id,
        progress: Progress::new(),
        batch: Vec::new(),
        batch_bytes: 0,
    };

    match opts.source {
        Source::Mbox {
            files,
            format,
            mailbox,
        } => {
            let files = expand_mbox_paths(&files)?;
            let total: u64 = files
                .iter()
                .filter_map(|(f, _)| std::fs::metadata(f).ok())
                .map(|m| m.len())
                .sum();
            importer.progress.start(total, "bytes");
            let mut done_before = 0u64;
            for (file, default_name) in &files {
                let name = mailbox.clone().unwrap_or_else(|| default_name.clone());
                let (mailbox_id, created) = ensure_mailbox(&*store, account.id, &name).await?;
                report.folders_created += u64::from(created);
                let mut counts = Counts::default();
                let f =
                    File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
                let mut reader =
                    mbox::Reader::new(BufReader::with_capacity(1 << 20, f), format, max);
                loop {
                    let item = reader
                        .next_item()
                        .with_context(|| format!("cannot read {}", file.display()))?;
                    let Some(item) = item else { break };
                    counts.read += 1;
                    match item {
                        mbox::Item::TooLarge { bytes } => {
                            importer.progress.note(&format!("skipped message {} of {}: {bytes} bytes is over the limit of {max}", counts.read, file.display()));
                            counts.too_large += 1;
                        }
                        mbox::Item::Message(m) => {
                            let content = loft_lmtp::decoder::normalize_crlf(m.content);
                            importer
                                .push(
                                    mailbox_id,
                                    NewMessage {
                                        content,
                                        flags: m.flags,
                                        internal_date: m.internal_date,
                                    },
                                    &mut counts,
                                )
                                .await?;
                        }
                    }
                    importer.progress.set(done_before + reader.position);
                }
                importer.flush(mailbox_id, &mut counts).await?;
                done_before += reader.position;
                importer
                    .progress
                    .note(&format!("{name}: {} imported", counts.imported));
                report.folders.push((name, counts));
            }
        }
        Source::Maildir { dir } => {
            let folders =
                maildir::folders(&dir).with_context(|| format!("cannot read {}", dir.display()))?;
            if folders.is_empty() {
                anyhow::bail!(
                    "{} is not a Maildir (no cur/ or new/ and no .Folder/ inside)",
                    dir.display()
                );
            }
            let mut listed = Vec::new();
            for folder in folders {
                let entries = maildir::entries(&folder)
                    .with_context(|| format!("cannot read {}", folder.path.display()))?;
                listed.push((folder, entries));
            }
            importer
                .progress
                .start(listed.iter().map(|(_, e)| e.len() as u64).sum(), "messages");
            let mut done = 0u64;
            for (folder, entries) in listed {
                let (mailbox_id, created) =
                    ensure_mailbox(&*store, account.id, &folder.name).await?;
                report.folders_created += u64::from(created);
                let mut counts = Counts::default();
                for entry in entries {
                    counts.read += 1;
                    done += 1;
                    match std::fs::metadata(&entry.path) {
                        Ok(m) if m.len() > max as u64 => counts.too_large += 1,
                        Ok(_) => match maildir::read(&entry) {
                            Ok((bytes, date)) => {
                                let content = loft_lmtp::decoder::normalize_crlf(bytes);
                                let message = NewMessage {
                                    content,
                                    flags: entry.flags,
                                    internal_date: date,
                                };
                                importer.push(mailbox_id, message, &mut counts).await?;
                            }
                            Err(e) => {
                                importer
                                    .progress
                                    .note(&format!("skipped {}: {e}", entry.path.display()));
                                counts.unreadable += 1;
                            }
                        },
                        Err(e) => {
                            importer
                                .progress
                                .note(&format!("skipped {}: {e}", entry.path.display()));
                            counts.unreadable += 1;
                        }
                    }
                    importer.progress.set(done);
                }
                importer.flush(mailbox_id, &mut counts).await?;
                importer
                    .progress
                    .note(&format!("{}: {} imported", folder.name, counts.imported));
                report.folders.push((folder.name, counts));
            }
        }
    }
    importer.progress.finish();
    print_report(&opts.user, &report);
    Ok(ExitCode::SUCCESS)
}

struct Importer {
    store: Arc<dyn Store>,
    account: AccountId,
    progress: Progress,
    batch: Vec<NewMessage>,
    batch_bytes: usize,
}

impl Importer {
    async fn push(
        &mut self,
        mailbox: MailboxId,
        message: NewMessage,
        counts: &mut Counts,
    ) -> anyhow::Result<()> {
        self.batch_bytes += message.content.len();
        self.batch.push(message);
        if self.batch.len() >= BATCH_MESSAGES || self.batch_bytes >= BATCH_BYTES {
            self.flush(mailbox, counts).await?;
        }
        Ok(())
    }

    /// Stores the batch, minus what the mailbox already holds, in one store call.
    async fn flush(&mut self, mailbox: MailboxId, counts: &mut Counts) -> anyhow::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        self.batch_bytes = 0;
        let ids: Vec<_> = batch.iter().map(|m| content_address(&m.content)).collect();
        let present = self
            .store
            .mailbox_has_blobs(self.account, mailbox, &ids)
            .await
            .context("cannot check for duplicates")?;
        let new: Vec<NewMessage> = batch
            .into_iter()
            .zip(present)
            .filter_map(|(m, is_present)| (!is_present).then_some(m))
            .collect();
        counts.present += (ids.len() - new.len()) as u64;
        if !new.is_empty() {
            let n = new.len() as u64;
            self.store
                .append(self.account, mailbox, new)
                .await
                .context("cannot store messages")?;
            counts.imported += n;
        }
        Ok(())
    }
}

/// The mbox files to read with the mailbox each goes to by default. A directory (such as
/// one `loft export mbox DIR` wrote) is walked for `*.mbox` files and keeps its hierarchy:
/// `DIR/Sub/Folder.mbox` -> `Sub/Folder`. A file is named after itself alone.
fn expand_mbox_paths(paths: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk_mbox_dir(path, &mut found)
                .with_context(|| format!("cannot read {}", path.display()))?;
            found.sort();
            if found.is_empty() {
                anyhow::bail!("no *.mbox file in {}", path.display());
            }
            for file in found {
                let name = match file.strip_prefix(path) {
                    Ok(rel) => mailbox_for_relative(rel),
                    Err(_) => mailbox_for_file(&file),
                };
                out.push((file, name));
            }
        } else {
            out.push((path.clone(), mailbox_for_file(path)));
        }
    }
    Ok(out)
}

fn walk_mbox_dir(dir: &std::path::Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk_mbox_dir(&path, found)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("mbox"))
        {
            found.push(path);
        }
    }
    Ok(())
}

/// `Sub/Folder.mbox` (relative to the directory given) -> `Sub/Folder`; a file at the top
/// is named as by `mailbox_for_file`.
fn mailbox_for_relative(rel: &std::path::Path) -> String {
    let parents: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parents.is_empty() {
        return mailbox_for_file(rel);
    }
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name = parents.join("/");
    name.push('/');
    name.push_str(&stem);
    name
}

/// `Sent.mbox` -> `Sent`; `inbox`, `mbox` and `INBOX.mbox` -> `INBOX`.
fn mailbox_for_file(file: &std::path::Path) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem.is_empty() || stem.eq_ignore_ascii_case("inbox") || stem.eq_ignore_ascii_case("mbox") {
        "INBOX".into()
    } else {
        stem
    }
}

/// The mailbox's id, creating it when missing; `true` when created.
pub async fn ensure_mailbox(
    store: &dyn Store,
    account: AccountId,
    name: &str,
) -> anyhow::Result<(MailboxId, bool)> {
    if let Some(m) = store.mailbox(account, name).await? {
        return Ok((m.id, false));
    }
    match store.create_mailbox(account, name, None).await {
        Ok(id) => {
            store.set_subscribed(account, name, true).await?;
            Ok((id, true))
        }
        Err(StoreError::AlreadyExists(_)) => {
            let m = store
                .mailbox(account, name)
                .await?
                .with_context(|| format!("mailbox {name} vanished"))?;
            Ok((m.id, false))
        }
        Err(e) => Err(e).with_context(|| format!("cannot create mailbox {name}")),
    }
}

fn print_report(user: &str, r: &Report) {
    let mut total = Counts::default();
    println!("imported into {user}:");
    for (name, c) in &r.folders {
        println!(
            "  {name}: {} read, {} imported, {} skipped",
            c.read,
            c.imported,
            c.present + c.too_large + c.unreadable
        );
        total.read += c.read;
        total.imported += c.imported;
        total.present += c.present;
        total.too_large += c.too_large;
        total.unreadable += c.unreadable;
    }
    println!(
        "folders: {} read, {} created; messages: {} read, {} imported, {} skipped ({} already present, {} too large, {} unreadable)",
        r.folders.len(),
        r.folders_created,
        total.read,
        total.imported,
        total.present + total.too_large + total.unreadable,
        total.present,
        total.too_large,
        total.unreadable
    );
}

/// A progress bar on a terminal, a plain line every few seconds otherwise (logs, cron).
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    unit: &'static str,
    current: u64,
    last_line: Instant,
}

impl Progress {
    pub fn new() -> Progress {
        Progress {
            bar: None,
            total: 0,
            unit: "",
            current: 0,
            last_line: Instant::now(),
        }
    }

    pub fn start(&mut self, total: u64, unit: &'static str) {
        self.total = total;
        self.unit = unit;
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            let template = if unit == "bytes" {
                "{bar:40} {bytes}/{total_bytes} {elapsed_precise} ETA {eta} {msg}"
            } else {
                "{bar:40} {pos}/{len} {elapsed_precise} ETA {eta} {msg}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    pub fn set(&mut self, current: u64) {
        self.current = current;
        match &self.bar {
            Some(bar) => bar.set_position(current),
            None => {
                if self.last_line.elapsed() >= Duration::from_secs(PLAIN_PROGRESS_SECS) {
                    self.last_line = Instant::now();
                    eprintln!("progress: {current}/{} {}", self.total, self.unit);
                }
            }
        }
    }

    pub fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `loft export mbox DIR` writes imports back with its hierarchy.
    #[test]
    fn mbox_directory_keeps_hierarchy() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("Sub/Deeper")).unwrap();
        for f in [
            "INBOX.mbox",
            "Sub/Folder.mbox",
            "Sub/Deeper/Leaf.mbox",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(f), "").unwrap();
        }
        let single = dir.path().join("Sub/Folder.mbox");
        let got = expand_mbox_paths(&[dir.path().to_path_buf(), single]).unwrap();
        let names: Vec<&str> = got.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["INBOX", "Sub/Deeper/Leaf", "Sub/Folder", "Folder"]);
        let empty = tempfile::tempdir().unwrap();
        assert!(expand_mbox_paths(&[empty.path().to_path_buf()]).is_err());
    }
}
