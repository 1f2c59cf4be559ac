//! Why a store could not give the engine its input, said so the user knows what to do.

use std::fmt;

/// The kind of a [`SourceError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceErrorKind {
    /// The source URL does not parse or names no table.
    BadUrl,
    /// A `--from`/`--to`/`--baseline-offset` value does not parse, or the window is empty.
    BadWindow,
    /// Nothing answered at the address (refused, unknown host, TLS).
    Unreachable,
    /// The store answered too slowly.
    Timeout,
    /// The store refused the credentials (HTTP 401/403).
    Auth,
    /// The table (or database) does not exist.
    UnknownTable,
    /// A column named in the source URL does not exist, or no column fits a role.
    UnknownColumn,
    /// The time column's type is not a time.
    NotATime,
    /// The window holds no rows.
    EmptyWindow,
    /// More WARN-and-above lines than the cap: the report would be partial.
    CapReached,
    /// Something answered that is not the store's HTTP interface, or the store failed.
    Server,
    /// The page's origin is not allowed by the store (a browser-only failure).
    Cors,
}

/// Why a store could not give the engine its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub kind: SourceErrorKind,
    pub message: String,
}

impl SourceError {
    pub(crate) fn new(kind: SourceErrorKind, message: impl Into<String>) -> Self {
        SourceError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SourceError {}
