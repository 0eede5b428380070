//! Message bytes: one zstd frame per distinct message (content-addressed by the SHA-256
//! of the raw message), held either inline in SQLite (`blob_data`, schema.rs) or in a blob
//! file `blobs/ab/cdef...` named by the hash (hex).
//!
//! A frame of at most [`INLINE_MAX_BYTES`] goes inline, written in the same transaction
//! as its `blobs` row: one WAL fsync makes it durable (issue 6). Larger frames are files,
//! written crash-safely: temp file in `blobs/tmp/`, fsync, rename into place, fsync the
//! directory. A store may hold both kinds (stores from before inline blobs hold only
//! files); readers look for inline data first, then the file ([`read_blob`]). Reference
//! counts live in SQLite (`blobs.refcount`).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};

pub(crate) type Hash = [u8; 32];

/// Compressed frames up to this size are stored inline in the database.
///
/// Writing one inline costs a share of the group commit's WAL fsync instead of a file
/// create + fdatasync + rename + directory fsync (three sequential fsyncs per APPEND and
/// ext4 inode allocation were ~25-30% of the server's CPU under load, issue 6). Reading
/// one is a B-tree lookup on the reader thread instead of open + read. SQLite's own
/// measurements (sqlite.org/intern-v-extern-blob.html) put the read break-even between
/// internal and external BLOBs between 50 and 100 KB at the default 4 KiB page size; 64
/// KiB compressed is below it and covers nearly all mail without big attachments
/// (typically 5-30 KB raw, a third of that compressed), while big messages stay files so
/// the database and the WAL (which copies every page twice) stay small.
pub(crate) const INLINE_MAX_BYTES: usize = 64 * 1024;

const ZSTD_LEVEL: i32 = 3;
/// Threads writing and fsyncing blob files of one batch in parallel.
const WRITE_THREADS: usize = 16;
/// Temp files older than this are leftovers of a crash. Younger ones may belong to another
/// process (the CLI next to the server) that is writing right now, so they are kept.
const STALE_TEMP_SECS: u64 = 600;

#[derive(Debug)]
pub(crate) struct BlobDir {
    root: PathBuf,
}

impl BlobDir {
    /// Creates `root` and `root/tmp` and removes stale temp files.
    pub(crate) fn open(root: PathBuf) -> io::Result<BlobDir> {
        fs::create_dir_all(root.join("tmp"))?;
        let dir = BlobDir { root };
        dir.clean_temp(Duration::from_secs(STALE_TEMP_SECS))?;
        Ok(dir)
    }

    /// Removes temp files not modified for `min_age`.
    pub(crate) fn clean_temp(&self, min_age: Duration) -> io::Result<usize> {
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in fs::read_dir(self.root.join("tmp"))? {
            let entry = entry?;
            let modified = entry.metadata()?.modified()?;
            if now.duration_since(modified).unwrap_or_default() >= min_age {
                match fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(removed)
    }

    pub(crate) fn path(&self, hash: &Hash) -> PathBuf {
        let hex = hex::encode(hash);
        self.root.join(&hex[..2]).join(&hex[2..])
    }

    pub(crate) fn exists(&self, hash: &Hash) -> bool {
        self.path(hash).is_file()
    }

    /// The database file next to the blob directory (`data_dir/loft.db`), for readers that
    /// have no connection at hand ([`Self::read`]).
    fn db_path(&self) -> Option<PathBuf> {
        Some(self.root.parent()?.join(super::DB_FILE))
    }

    /// Durably writes the files of many already compressed blobs but leaves the fsync of
    /// their directories to the caller (the group commit in db.rs syncs the directories
    /// of a whole batch at once, before the commit that makes rows refer to the files).
    /// Returns those directories. File fsyncs run on up to `WRITE_THREADS` threads.
    pub(crate) fn write_files(&self, items: &[(Hash, Vec<u8>)]) -> io::Result<Vec<PathBuf>> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut new_dir = false;
        for (hash, _) in items {
            let dir = self.root.join(&hex::encode(hash)[..2]);
            if !dirs.contains(&dir) {
                if !dir.is_dir() {
                    fs::create_dir_all(&dir)?;
                    new_dir = true;
                }
                dirs.push(dir);
            }
        }
        if new_dir {
            sync_dir(&self.root)?;
        }
        if items.len() <= 1 {
            items.iter().try_for_each(|(h, c)| self.write_file(h, c))?;
            return Ok(dirs);
        }
        let threads = WRITE_THREADS.min(items.len());
        let per = items.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = items
                .chunks(per)
                .map(|chunk| {
                    scope.spawn(move || chunk.iter().try_for_each(|(h, c)| self.write_file(h, c)))
                })
                .collect();
            handles.into_iter().try_for_each(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("blob writer panicked")))
            })
        })?;
        Ok(dirs)
    }

    /// Temp file, fsync, rename into place; the directory is fsynced by the caller.
    fn write_file(&self, hash: &Hash, compressed: &[u8]) -> io::Result<()> {
        let hex = hex::encode(hash);
        let tmp = self.root.join("tmp").join(format!(
            "{hex}.{}.{:016x}",
            std::process::id(),
            rand::random::<u64>()
        ));
        let result = (|| {
            let mut f = File::create(&tmp)?;
            f.write_all(compressed)?;
            f.sync_data()?;
            drop(f);
            fs::rename(&tmp, self.root.join(&hex[..2]).join(&hex[2..]))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// Reads and decompresses a blob without a connection at hand: its file, else its
    /// inline data through a connection opened for the purpose. For rare paths (a parse
    /// result that no longer deserializes); hot paths use [`read_blob`].
    pub(crate) fn read(&self, hash: &Hash) -> io::Result<Vec<u8>> {
        match self.read_file(hash) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let Some(db) = self.db_path() else {
                    return Err(e);
                };
                let conn = Connection::open_with_flags(
                    db,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(io::Error::other)?;
                conn.busy_timeout(Duration::from_millis(super::db::BUSY_TIMEOUT_MS))
                    .map_err(io::Error::other)?;
                match inline_data(&conn, hash)? {
                    Some(compressed) => decompress(&compressed),
                    None => Err(e),
                }
            }
            other => other,
        }
    }

    /// Reads and decompresses a blob file.
    pub(crate) fn read_file(&self, hash: &Hash) -> io::Result<Vec<u8>> {
        let compressed = fs::read(self.path(hash))?;
        decompress(&compressed)
    }

    /// Removes a blob file; a missing file is not an error.
    pub(crate) fn remove(&self, hash: &Hash) -> io::Result<()> {
        match fs::remove_file(self.path(hash)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes many blob files, on up to `WRITE_THREADS` threads; missing files are not
    /// an error.
    pub(crate) fn remove_many(&self, hashes: &[Hash]) -> io::Result<()> {
        if hashes.len() <= 1 {
            return hashes.iter().try_for_each(|h| self.remove(h));
        }
        let threads = WRITE_THREADS.min(hashes.len());
        let per = hashes.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = hashes
                .chunks(per)
                .map(|chunk| scope.spawn(move || chunk.iter().try_for_each(|h| self.remove(h))))
                .collect();
            handles.into_iter().try_for_each(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(io::Error::other("blob remover panicked")))
            })
        })
    }

    /// Every blob file present, and the paths of files that are not blobs.
    pub(crate) fn list(&self) -> io::Result<(Vec<Hash>, Vec<PathBuf>)> {
        let mut hashes = Vec::new();
        let mut strays = Vec::new();
        for entry in fs::read_dir(&self.root)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(prefix) = name.to_str() else {
                strays.push(entry.path());
                continue;
            };
            if prefix == "tmp" {
                continue;
            }
            if !entry.file_type()?.is_dir() || prefix.len() != 2 {
                strays.push(entry.path());
                continue;
            }
            for file in fs::read_dir(entry.path())? {
                let file = file?;
                let hash = file
                    .file_name()
                    .to_str()
                    .and_then(|rest| parse_hex(&format!("{prefix}{rest}")));
                match hash {
                    Some(h) if file.file_type()?.is_file() => hashes.push(h),
                    _ => strays.push(file.path()),
                }
            }
        }
        Ok((hashes, strays))
    }
}

/// Reads and decompresses a blob: its inline data if the database holds it, else its file.
/// `NotFound` when neither exists.
pub(crate) fn read_blob(conn: &Connection, blobs: &BlobDir, hash: &Hash) -> io::Result<Vec<u8>> {
    match inline_data(conn, hash)? {
        Some(compressed) => decompress(&compressed),
        None => blobs.read_file(hash),
    }
}

/// The compressed bytes of an inline blob; None when the blob has no row or is a file.
pub(crate) fn inline_data(conn: &Connection, hash: &Hash) -> io::Result<Option<Vec<u8>>> {
    conn.prepare_cached(
        "SELECT d.data FROM blobs b JOIN blob_data d ON d.blob_id = b.id WHERE b.sha256 = ?1",
    )
    .and_then(|mut s| s.query_row([&hash[..]], |r| r.get(0)).optional())
    .map_err(io::Error::other)
}

/// Whether a blob row needs the file of a hash: one exists and its bytes are not inline.
/// Cleanups remove a file only when this finds nothing (a file next to an inline row is a
/// leftover of an append that raced with the inline insert of the same bytes).
pub(crate) const FILE_REFERENCED: &str = "SELECT 1 FROM blobs b WHERE b.sha256 = ?1
     AND NOT EXISTS (SELECT 1 FROM blob_data d WHERE d.blob_id = b.id)";

/// Whether a blob is to be stored inline, from its compressed size.
pub(crate) fn is_inline_size(compressed: &[u8]) -> bool {
    compressed.len() <= INLINE_MAX_BYTES
}

pub(crate) fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

pub(crate) fn compress(bytes: &[u8]) -> io::Result<Vec<u8>> {
    zstd::bulk::compress(bytes, ZSTD_LEVEL)
}

/// One frame, decompressed with this thread's reused zstd context when the frame records
/// its content size (every frame `compress` writes does): creating a context allocates and
/// clears about 100 KB, a visible share of a small message's FETCH BODY[] (issue 6).
pub(crate) fn decompress(compressed: &[u8]) -> io::Result<Vec<u8>> {
    match zstd::zstd_safe::get_frame_content_size(compressed) {
        Ok(Some(size)) if size <= MAX_DECOMPRESSED_BYTES => {
            let size = usize::try_from(size).map_err(io::Error::other)?;
            DECOMPRESSOR.with(|cell| {
                let mut slot = cell.borrow_mut();
                let d = match slot.as_mut() {
                    Some(d) => d,
                    None => slot.insert(zstd::bulk::Decompressor::new()?),
                };
                let out = d.decompress(compressed, size)?;
                if out.len() == size {
                    Ok(out)
                } else {
                    Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "blob shorter than its recorded size",
                    ))
                }
            })
        }
        _ => zstd::stream::decode_all(compressed),
    }
}

/// The decompressed size a frame records (its compressed size when it records none).
pub(crate) fn content_size(compressed: &[u8]) -> usize {
    match zstd::zstd_safe::get_frame_content_size(compressed) {
        Ok(Some(size)) => usize::try_from(size).unwrap_or(usize::MAX),
        _ => compressed.len(),
    }
}

/// Above this recorded size the stream decoder is used (it grows its output as it goes
/// rather than trusting the header for one allocation).
const MAX_DECOMPRESSED_BYTES: u64 = 256 * 1024 * 1024;

thread_local! {
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// A lowercase or uppercase 64-digit hex SHA-256; anything else (like `../x`) is None.
pub(crate) fn parse_hex(s: &str) -> Option<Hash> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Fsyncs directories, in parallel when there are several (concurrent fsyncs share one
/// journal commit on ext4 and XFS).
pub(crate) fn sync_dirs(dirs: &[PathBuf]) -> io::Result<()> {
    if dirs.len() <= 1 {
        return dirs.iter().try_for_each(|d| sync_dir(d));
    }
    let threads = WRITE_THREADS.min(dirs.len());
    let per = dirs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = dirs
            .chunks(per)
            .map(|chunk| scope.spawn(move || chunk.iter().try_for_each(|d| sync_dir(d))))
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(io::Error::other("blob dir sync panicked")))
        })
    })
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decompress_reuses_a_context_and_reads_every_frame() {
        let big: Vec<u8> = (0..200_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        for raw in [&b""[..], b"Subject: hi\r\n\r\nbody\r\n", &big] {
            // Twice on one thread: the second call reuses the context.
            for _ in 0..2 {
                assert_eq!(decompress(&compress(raw).unwrap()).unwrap(), raw);
            }
            // A frame without a recorded content size (stream encoder).
            let streamed = zstd::stream::encode_all(raw, 3).unwrap();
            assert_eq!(decompress(&streamed).unwrap(), raw);
        }
        let mut bad = compress(&big).unwrap();
        bad.truncate(bad.len() / 2);
        assert!(decompress(&bad).is_err());
    }
}
