use thiserror::Error;

/// Store failures. The protocol layer maps the expected ones (NotFound, AlreadyExists,
/// Invalid, ...) to NO with a response code, the rest to NO [SERVERBUG] after logging.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("{0} already exists")]
    AlreadyExists(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("mailbox has children")]
    HasChildren,
    #[error("over quota")]
    OverQuota,
    #[error("database: {0}")]
    Db(String),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("store corrupt: {0}")]
    Corrupt(String),
}
