//! Maildir and Maildir++ (the layout Dovecot and Courier use): `cur/ new/ tmp/` for
//! INBOX at the root, one `.Sub.Folder/` directory per other folder (`.` is the
//! hierarchy separator; names in modified UTF-7, RFC 3501 §5.1.3). Flags are the
//! `:2,` suffix of a file name (`D F P R S T`, sorted), keywords the letters `a`-`z`
//! indexed by Dovecot's `dovecot-keywords` file. The internal date is the file's mtime.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset, Utc};
use loft_store::{DELIMITER, Flags};

/// Keyword letters a Maildir file name can carry.
pub const MAX_KEYWORDS: usize = 26;
pub const KEYWORDS_FILE: &str = "dovecot-keywords";

/// A folder found under a Maildir++ root.
#[derive(Debug, Clone)]
pub struct Folder {
    /// The Loft mailbox name (`INBOX`, `Sub/Folder`).
    pub name: String,
    pub path: PathBuf,
    /// Keyword letter index -> keyword, from `dovecot-keywords`.
    pub keywords: Vec<Option<String>>,
}

/// One message file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub path: PathBuf,
    pub flags: Flags,
}

/// Every folder under `root`: the root itself as INBOX (when it has `cur` or `new`),
/// then each `.Name` directory, sorted by name.
pub fn folders(root: &Path) -> io::Result<Vec<Folder>> {
    let mut out = Vec::new();
    if is_maildir(root) {
        out.push(Folder {
            name: "INBOX".into(),
            path: root.to_path_buf(),
            keywords: read_keywords(root)?,
        });
    }
    let mut subs = Vec::new();
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        if name.len() > 1 && name.starts_with('.') && name != ".." && is_maildir(&entry.path()) {
            subs.push((name[1..].to_string(), entry.path()));
        }
    }
    subs.sort();
    for (raw, path) in subs {
        let name = raw
            .split('.')
            .map(decode_mutf7)
            .collect::<Vec<_>>()
            .join(&DELIMITER.to_string());
        let name = if name.eq_ignore_ascii_case("INBOX") {
            "INBOX".to_string()
        } else {
            name
        };
        let keywords = read_keywords(&path)?;
        out.push(Folder {
            name,
            path,
            keywords,
        });
    }
    Ok(out)
}

fn is_maildir(dir: &Path) -> bool {
    dir.join("cur").is_dir() || dir.join("new").is_dir()
}

/// `dovecot-keywords`: lines `<index> <keyword>`.
fn read_keywords(dir: &Path) -> io::Result<Vec<Option<String>>> {
    let text = match fs::read_to_string(dir.join(KEYWORDS_FILE)) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = vec![None; MAX_KEYWORDS];
    for line in text.lines() {
        if let Some((i, kw)) = line.split_once(' ')
            && let Ok(i) = i.trim().parse::<usize>()
            && i < MAX_KEYWORDS
            && super::is_keyword(kw.trim())
        {
            out[i] = Some(kw.trim().to_string());
        }
    }
    Ok(out)
}

/// The message files of a folder (`new/` then `cur/`, each by name: Maildir names
/// start with the delivery time, so this is arrival order).
pub fn entries(folder: &Folder) -> io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    for sub in ["cur", "new"] {
        let dir = folder.path.join(sub);
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for entry in rd {
            let entry = entry?;
            if !entry.file_type()?.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let flags = if sub == "new" {
                Flags::default()
            } else {
                flags_from_name(&name, &folder.keywords)
            };
            out.push((
                name,
                Entry {
                    path: entry.path(),
                    flags,
                },
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, e)| e).collect())
}

/// Flags of a `cur/` file name: `...:2,FRS` plus keyword letters.
pub fn flags_from_name(name: &str, keywords: &[Option<String>]) -> Flags {
    let mut f = Flags::default();
    let Some((_, info)) = name.rsplit_once(":2,") else {
        return f;
    };
    for c in info.chars() {
        match c {
            'S' => f.bits |= Flags::SEEN,
            'R' => f.bits |= Flags::ANSWERED,
            'F' => f.bits |= Flags::FLAGGED,
            'T' => f.bits |= Flags::DELETED,
            'D' => f.bits |= Flags::DRAFT,
            'a'..='z' => {
                if let Some(Some(kw)) = keywords.get((c as u8 - b'a') as usize) {
                    f.add_keyword(kw);
                }
            }
            _ => {}
        }
    }
    f
}

/// The file's bytes and its mtime as the internal date.
pub fn read(entry: &Entry) -> io::Result<(Vec<u8>, Option<DateTime<FixedOffset>>)> {
    let bytes = fs::read(&entry.path)?;
    let date = fs::metadata(&entry.path)?
        .modified()
        .ok()
        .map(|t| DateTime::<Utc>::from(t).fixed_offset());
    Ok((bytes, date))
}

/// Where a Loft mailbox goes in a Maildir++ export; creates `cur new tmp`.
pub fn create_folder(root: &Path, name: &str) -> io::Result<PathBuf> {
    let dir = if name == "INBOX" {
        root.to_path_buf()
    } else {
        let parts: Vec<String> = name.split(DELIMITER).map(encode_mutf7).collect();
        root.join(format!(".{}", parts.join(".")))
    };
    for sub in ["cur", "new", "tmp"] {
        fs::create_dir_all(dir.join(sub))?;
    }
    Ok(dir)
}

/// Writes the keywords file of an exported folder.
pub fn write_keywords(dir: &Path, keywords: &[String]) -> io::Result<()> {
    if keywords.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for (i, k) in keywords.iter().enumerate().take(MAX_KEYWORDS) {
        text.push_str(&format!("{i} {k}\n"));
    }
    fs::write(dir.join(KEYWORDS_FILE), text)
}

/// Writes one message into `dir/cur` (via `tmp/`) named after its UID, so exporting
/// again replaces rather than duplicates; mtime = internal date. `keywords` is the
/// folder's keyword list (index = letter). Returns the keywords that had no letter.
pub fn write_message(
    dir: &Path,
    unique: &str,
    content: &[u8],
    flags: &Flags,
    keywords: &[String],
    date: DateTime<FixedOffset>,
) -> io::Result<Vec<String>> {
    let mut info = String::new();
    for (c, bit) in [
        ('D', Flags::DRAFT),
        ('F', Flags::FLAGGED),
        ('R', Flags::ANSWERED),
        ('S', Flags::SEEN),
        ('T', Flags::DELETED),
    ] {
        if flags.has(bit) {
            info.push(c);
        }
    }
    let mut dropped = Vec::new();
    let mut letters: Vec<char> = Vec::new();
    for k in &flags.keywords {
        match keywords
            .iter()
            .position(|x| x.eq_ignore_ascii_case(k))
            .filter(|&i| i < MAX_KEYWORDS)
        {
            Some(i) => letters.push((b'a' + i as u8) as char),
            None => dropped.push(k.clone()),
        }
    }
    letters.sort_unstable();
    info.extend(letters);
    let secs = date.timestamp().max(0);
    let name = format!("{secs}.{unique}.loft:2,{info}");
    let tmp = dir.join("tmp").join(&name);
    let mut f = fs::File::create(&tmp)?;
    f.write_all(content)?;
    let mtime = UNIX_EPOCH + Duration::from_secs(secs as u64);
    f.set_modified(mtime)?;
    drop(f);
    // A previous export of the same message may carry other flags: replace it.
    let cur = dir.join("cur");
    let prefix = format!("{secs}.{unique}.loft:2,");
    if let Ok(rd) = fs::read_dir(&cur) {
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(e.path());
            }
        }
    }
    fs::rename(&tmp, cur.join(&name))?;
    Ok(dropped)
}

/// RFC 3501 §5.1.3 modified UTF-7 -> UTF-8; malformed input is kept as it is.
pub fn decode_mutf7(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find('-') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let b64 = &after[..end];
        if b64.is_empty() {
            out.push('&');
        } else {
            match decode_b64_utf16(b64) {
                Some(text) => out.push_str(&text),
                None => out.push_str(&rest[i..i + 2 + end]),
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// UTF-8 -> modified UTF-7.
pub fn encode_mutf7(s: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&encode_b64(&bytes));
        out.push('-');
        pending.clear();
    };
    for c in s.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

fn encode_b64(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn decode_b64_utf16(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut bytes = Vec::new();
    for c in s.bytes() {
        let v = B64.iter().position(|&x| x == c)? as u32;
        bits = bits << 6 | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            bytes.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutf7() {
        assert_eq!(decode_mutf7("Entw&APw-rfe"), "Entwürfe");
        assert_eq!(encode_mutf7("Entwürfe"), "Entw&APw-rfe");
        assert_eq!(decode_mutf7("A&-B"), "A&B");
        assert_eq!(encode_mutf7("A&B"), "A&-B");
        assert_eq!(decode_mutf7(&encode_mutf7("日本語 ✓")), "日本語 ✓");
    }

    #[test]
    fn name_flags() {
        let kws = vec![Some("$Work".to_string()), None, Some("Later".to_string())];
        let f = flags_from_name("123.M1P2.host,S=10:2,FSac", &kws);
        assert_eq!(f.bits, Flags::FLAGGED | Flags::SEEN);
        assert_eq!(f.keywords, vec!["$Work", "Later"]);
        assert_eq!(flags_from_name("123.x", &kws), Flags::default());
    }

    #[test]
    fn write_then_read() {
        let dir = tempfile::tempdir().unwrap();
        let date = DateTime::parse_from_rfc3339("2020-05-06T07:08:09+00:00").unwrap();
        let d = create_folder(dir.path(), "Sub/Entwürfe").unwrap();
        let kws = vec!["$Work".to_string()];
        write_keywords(&d, &kws).unwrap();
        let flags = Flags {
            bits: Flags::SEEN | Flags::ANSWERED,
            keywords: kws.clone(),
        };
        write_message(&d, "1_5", b"Subject: x\r\n\r\nb\r\n", &flags, &kws, date).unwrap();
        // Exporting again replaces the file.
        write_message(&d, "1_5", b"Subject: x\r\n\r\nb\r\n", &flags, &kws, date).unwrap();
        let folders = folders(dir.path()).unwrap();
        assert_eq!(folders.len(), 1);
        assert_eq!(folders[0].name, "Sub/Entwürfe");
        let es = entries(&folders[0]).unwrap();
        assert_eq!(es.len(), 1);
        assert_eq!(es[0].flags, flags);
        let (bytes, got) = read(&es[0]).unwrap();
        assert_eq!(bytes, b"Subject: x\r\n\r\nb\r\n");
        assert_eq!(got, Some(date));
    }
}
