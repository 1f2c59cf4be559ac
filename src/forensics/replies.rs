//! A server's own error reply, relayed by its client.
//!
//! A client library hands the caller the server's reply word for word: Redis answers a write
//! it refuses with `OOM command not allowed when used memory > 'maxmemory'` or `READONLY You
//! can't write against a read only replica`, PostgreSQL with `sorry, too many clients already`
//! or `cannot execute INSERT in a read-only transaction`, MySQL with `running with the
//! --read-only option`. The client logs the error, but the state it describes is the
//! server's: the server is full, read-only, loading or shutting down.
//!
//! Promises: a reply is recognised only by the protocol's own wording (never by a product word
//! such as "redis" alone, which stack frames and pool names carry too); the server it points
//! at is the one known service of that kind by name, and none when the corpus has no such
//! service or more than one; a service of that kind relaying the reply stays the one blamed.

use super::roles;

/// Replies of a cache server (the Redis protocol's error replies, minus their code word, which
/// some clients drop: redis-py turns `OOM ...` into `OutOfMemoryError: command not allowed...`).
const CACHE_REPLIES: &[&str] = &[
    "command not allowed when used memory",
    "you can't write against a read only replica",
    "you can't write against a read only slave",
    "is loading the dataset in memory",
    "link with master is down",
    "configured to save rdb snapshots",
    "busy running a script",
    "not enough good replicas",
    "the cluster is down",
    "max number of clients reached",
];

/// Replies of a relational database server (PostgreSQL and MySQL error messages).
const RELATIONAL_REPLIES: &[&str] = &[
    "sorry, too many clients already",
    "remaining connection slots are reserved",
    "in a read-only transaction",
    "the database system is in recovery mode",
    "the database system is shutting down",
    "the database system is starting up",
    "running with the --read-only option",
    "running with the --super-read-only option",
];

/// Bytes of an event's text read for a reply (the message and the exception it carries).
const MAX_TEXT: usize = 4096;

/// The kind of server whose reply `text` relays, if any, as the role [`roles`] gives such a
/// server's name.
pub(crate) fn server_role(text: &str) -> Option<&'static str> {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let lower = text[..end].to_ascii_lowercase();
    if CACHE_REPLIES.iter().any(|p| lower.contains(p)) {
        roles::role_from_name("redis")
    } else if RELATIONAL_REPLIES.iter().any(|p| lower.contains(p)) {
        roles::role_from_name("postgresql")
    } else {
        None
    }
}

/// The servers a reply can be pinned on: per role, the one known service of that role by
/// name (none when two or more share it).
#[derive(Debug, Default, Clone)]
pub(crate) struct Servers {
    cache: Option<String>,
    relational: Option<String>,
}

impl Servers {
    pub(crate) fn new(known: &[String]) -> Servers {
        let only = |role: &str| {
            let mut of = known
                .iter()
                .filter(|n| roles::role_from_name(n) == Some(role));
            match (of.next(), of.next()) {
                (Some(one), None) => Some(one.clone()),
                _ => None,
            }
        };
        Servers {
            cache: server_role("max number of clients reached").and_then(only),
            relational: server_role("sorry, too many clients already").and_then(only),
        }
    }

    /// Whether any reply can be pinned on a server (else no event's text need be read).
    pub(crate) fn any(&self) -> bool {
        self.cache.is_some() || self.relational.is_some()
    }

    /// The server whose reply `text` relays, when `emitter` is not itself of that kind.
    pub(crate) fn replying(&self, text: &str, emitter: &str) -> Option<&str> {
        let role = server_role(text)?;
        if roles::role_from_name(emitter) == Some(role) {
            return None;
        }
        let cache = server_role("max number of clients reached");
        if Some(role) == cache {
            self.cache.as_deref()
        } else {
            self.relational.as_deref()
        }
        .filter(|s| *s != emitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn protocol_replies_are_told_from_product_words() {
        assert_eq!(
            server_role("ReplyError: OOM command not allowed when used memory > 'maxmemory'."),
            roles::role_from_name("redis")
        );
        assert_eq!(
            server_role("READONLY You can't write against a read only replica."),
            roles::role_from_name("valkey")
        );
        assert_eq!(
            server_role("FATAL: sorry, too many clients already"),
            roles::role_from_name("mysql")
        );
        assert_eq!(
            server_role("ERROR: cannot execute UPDATE in a read-only transaction"),
            roles::role_from_name("mariadb")
        );
        // A product word, a pool's name or a timeout is not a reply.
        assert_eq!(server_role("redis pool stats hits=10"), None);
        assert_eq!(server_role("Redis command timed out"), None);
        assert_eq!(server_role("postgres connection refused"), None);
    }

    #[test]
    fn a_reply_points_at_the_one_server_of_its_kind() {
        let s = Servers::new(&names(&["till-api", "sessions-redis", "ledger-db"]));
        let oom = "write failed: OOM command not allowed when used memory > 'maxmemory'";
        assert_eq!(s.replying(oom, "till-api"), Some("sessions-redis"));
        let ro = "ERROR: cannot execute INSERT in a read-only transaction";
        assert_eq!(s.replying(ro, "till-api"), Some("ledger-db"));
        // The server relaying its own reply, or a text with no reply, blames nobody else.
        assert_eq!(s.replying(oom, "sessions-redis"), None);
        assert_eq!(s.replying("request failed", "till-api"), None);
    }

    #[test]
    fn two_servers_of_a_kind_leave_the_reply_unpinned() {
        let s = Servers::new(&names(&["till-api", "redis-a", "redis-b"]));
        let oom = "OOM command not allowed when used memory > 'maxmemory'";
        assert_eq!(s.replying(oom, "till-api"), None);
        assert_eq!(
            Servers::new(&names(&["till-api"])).replying(oom, "till-api"),
            None
        );
    }
}
