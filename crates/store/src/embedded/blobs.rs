//! Content-addressed blob files: `blobs/ab/cdef...` named by the SHA-256 (hex) of the raw
//! message, holding one zstd frame of it.
//!
//! Writes are crash-safe: temp file in `blobs/tmp/`, fsync, rename into place, fsync the
//! directory. Reference counts live in SQLite (`blobs.refcount`); this module only knows
//! files.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

pub(crate) type Hash = [u8; 32];

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

    /// Reads and decompresses a blob.
    pub(crate) fn read(&self, hash: &Hash) -> io::Result<Vec<u8>> {
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
