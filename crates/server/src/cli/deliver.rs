//! `loft deliver --user alice [--mailbox X] [--flags '\Seen'] [--from ADDR] < message`:
//! the local delivery agent for Postfix (`mailbox_command`), Exim (pipe transport),
//! fetchmail (`--mda`) and procmail. Exit codes are sysexits.h, which every MTA reads:
//! 0 delivered, 64 EX_USAGE, 65 EX_DATAERR, 67 EX_NOUSER, 75 EX_TEMPFAIL (try later).

use std::io::Read;
use std::process::ExitCode;

use loft_lmtp::{DeliverError, Recipients};

use super::Location;

pub const EX_USAGE: u8 = 64;
pub const EX_DATAERR: u8 = 65;
pub const EX_NOUSER: u8 = 67;
pub const EX_TEMPFAIL: u8 = 75;

pub struct Options {
    pub user: String,
    pub mailbox: Option<String>,
    pub flags: Option<String>,
    pub from: Option<String>,
    pub location: Location,
}

/// Never returns Err: every failure is an exit code the MTA understands.
pub async fn run(opts: Options) -> anyhow::Result<ExitCode> {
    let code = match deliver(opts).await {
        Ok(line) => {
            println!("{line}");
            0
        }
        Err((code, why)) => {
            eprintln!("loft deliver: {why}");
            code
        }
    };
    Ok(ExitCode::from(code))
}

async fn deliver(opts: Options) -> Result<String, (u8, String)> {
    let config = opts
        .location
        .config()
        .map_err(|e| (EX_USAGE, format!("{e:#}")))?;
    let flags = match &opts.flags {
        Some(f) => crate::mailio::parse_flag_list(f).map_err(|e| (EX_USAGE, e))?,
        None => Default::default(),
    };
    if !config.data_dir.is_dir() {
        // The server is not set up (or not yet mounted): the MTA should keep the mail.
        return Err((
            EX_TEMPFAIL,
            format!("no data directory at {}", config.data_dir.display()),
        ));
    }
    let max = config.lmtp.service.max_message_bytes;
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .take(max as u64 + 1)
        .read_to_end(&mut raw)
        .map_err(|e| (EX_TEMPFAIL, format!("cannot read the message: {e}")))?;
    if raw.len() > max {
        return Err((EX_DATAERR, format!("message larger than {max} bytes")));
    }
    // A leading mbox From_ line (Postfix with `flags=F`, procmail, fetchmail) is not part
    // of the message.
    if raw.starts_with(b"From ") {
        let end = raw
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| i + 1);
        raw.drain(..end);
    }
    if raw.iter().all(|b| b.is_ascii_whitespace()) {
        return Err((EX_DATAERR, "empty message".into()));
    }
    let message = loft_lmtp::decoder::normalize_crlf(raw);
    let store = crate::store::open(&config.data_dir)
        .await
        .map_err(|e| (EX_TEMPFAIL, format!("{e:#}")))?;

    // `--user` is an account name or an address: aliases, domains and sub-addressing
    // apply as for LMTP, with no domain check for a bare name.
    let recipients: &Recipients = &config.lmtp.service.recipients;
    let target = recipients
        .resolve(&*store, &opts.user)
        .await
        .map_err(|e| (code(&e), e.to_string()))?;
    let mut content = loft_lmtp::trace_headers(opts.from.as_deref(), None);
    content.extend_from_slice(&message);
    let (mailbox, uid) =
        loft_lmtp::deliver(&*store, &target, opts.mailbox.as_deref(), content, flags)
            .await
            .map_err(|e| (code(&e), e.to_string()))?;
    Ok(format!(
        "delivered to {} {mailbox} UID {}",
        target.account.name,
        uid.get()
    ))
}

fn code(e: &DeliverError) -> u8 {
    match e {
        DeliverError::NoUser => EX_NOUSER,
        DeliverError::Data(_) => EX_DATAERR,
        // A full mailbox may drain: let the MTA retry, as Dovecot's LDA does by default.
        DeliverError::OverQuota | DeliverError::Temporary(_) => EX_TEMPFAIL,
    }
}
