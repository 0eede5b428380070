//! `loft export --user alice maildir DIR` and `loft export --user alice mbox DIR`: every
//! mailbox with flags, keywords and internal dates, so any user can always leave.
//!
//! - maildir: a Maildir++ tree (INBOX at the root, `.Sub.Folder/` for the rest), flags in
//!   the file names, keywords in `dovecot-keywords`, internal dates as mtimes. Files are
//!   named after UIDVALIDITY and UID: exporting again replaces, never duplicates.
//! - mbox: one mboxrd file per mailbox, `DIR/<name>.mbox` (`Sub/Folder` ->
//!   `DIR/Sub/Folder.mbox`), flags in Status/X-Status/X-Keywords headers.
//!
//! Bounded memory: messages are read `CHUNK` at a time.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::Location;
use super::existing_data_dir;
use super::import::Progress;
use crate::mailio::{maildir, mbox};

const CHUNK: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Maildir,
    Mbox,
}

pub async fn run(
    location: Location,
    user: &str,
    format: Format,
    dir: PathBuf,
) -> anyhow::Result<ExitCode> {
    let config = location.config()?;
    existing_data_dir(&config)?;
    let store = crate::store::open(&config.data_dir).await?;
    let account = store
        .account(user)
        .await?
        .with_context(|| format!("no such user {user}"))?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mailboxes = store.mailboxes(account.id).await?;
    let mut snapshots = Vec::new();
    for m in &mailboxes {
        snapshots.push(store.snapshot(account.id, m.id).await?);
    }
    let mut progress = Progress::new();
    progress.start(
        snapshots.iter().map(|s| s.messages.len() as u64).sum(),
        "messages",
    );
    let (mut done, mut dropped_keywords) = (0u64, 0u64);
    for snap in &snapshots {
        let name = &snap.mailbox.name;
        let uids: Vec<_> = snap.messages.iter().map(|m| m.uid).collect();
        let uid_validity = snap.status.uid_validity.get();
        let keywords = snap.keywords.clone();
        let mut mbox_out = None;
        let folder = match format {
            Format::Maildir => {
                let d = maildir::create_folder(&dir, name)
                    .with_context(|| format!("cannot create folder for {name}"))?;
                maildir::write_keywords(&d, &keywords)?;
                d
            }
            Format::Mbox => {
                let path = dir.join(format!("{name}.mbox"));
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let f = std::fs::File::create(&path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                mbox_out = Some(BufWriter::new(f));
                path
            }
        };
        for chunk in uids.chunks(CHUNK) {
            for r in store.records(account.id, snap.mailbox.id, chunk).await? {
                let bytes = store
                    .blob(account.id, &r.blob)
                    .await
                    .with_context(|| format!("cannot read message {name} UID {}", r.uid.get()))?;
                match &mut mbox_out {
                    Some(out) => mbox::write_message(out, &bytes, &r.flags, r.internal_date)?,
                    None => {
                        let unique = format!("{uid_validity}_{}", r.uid.get());
                        let lost = maildir::write_message(
                            &folder,
                            &unique,
                            &bytes,
                            &r.flags,
                            &keywords,
                            r.internal_date,
                        )?;
                        dropped_keywords += lost.len() as u64;
                    }
                }
                done += 1;
                progress.set(done);
            }
        }
        if let Some(mut out) = mbox_out {
            out.flush()?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        progress.note(&format!(
            "{name}: {} messages -> {}",
            uids.len(),
            folder.display()
        ));
    }
    progress.finish();
    println!(
        "exported {user}: {} mailboxes, {done} messages to {}",
        snapshots.len(),
        dir.display()
    );
    if dropped_keywords > 0 {
        println!(
            "note: {dropped_keywords} keyword uses beyond Maildir's 26 letters per folder were not written"
        );
    }
    Ok(ExitCode::SUCCESS)
}
