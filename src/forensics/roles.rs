//! Roles: what part a service plays (gateway, api, worker, database, cache, queue, ...), from its
//! name's words and from what its own lines say it is.
//!
//! Promises: name rules match whole words of the name (`feedback-api` is an api, not a database
//! because of "db" inside "feedback"); message evidence only counts when the service's own
//! lines describe themselves ("Redis is starting", "Kafka consumer").

/// Roles in order of precedence when several words match.
const NAME_RULES: &[(&str, &[&str])] = &[
    // No product names: a resolver is `dns` or a word ending in it (glued, see
    // `is_compound_suffix`); a proxy says so in its own lines (`SELF_RULES`).
    ("dns", &["dns", "resolver"]),
    (
        "gateway",
        &["gateway", "gw", "ingress", "proxy", "lb", "edge"],
    ),
    ("frontend", &["frontend", "web", "ui", "www", "storefront"]),
    (
        "database",
        &[
            "db",
            "database",
            "postgres",
            "postgresql",
            "pg",
            "mysql",
            "mariadb",
            "mongo",
            "mongodb",
            "rds",
            "sql",
            "cassandra",
            "dynamodb",
            "cockroach",
            "oracle",
        ],
    ),
    (
        "cache",
        &["cache", "redis", "memcached", "memcache", "valkey"],
    ),
    (
        "queue",
        &[
            "queue", "kafka", "rabbitmq", "rabbit", "sqs", "nats", "pubsub", "broker", "mq",
        ],
    ),
    ("search", &["elasticsearch", "opensearch", "solr", "search"]),
    (
        "worker",
        &[
            "worker",
            "consumer",
            "job",
            "jobs",
            "cron",
            "scheduler",
            "processor",
            "batch",
        ],
    ),
    (
        "api",
        &["api", "svc", "service", "server", "backend", "app"],
    ),
];

/// Phrases a service's own messages use that say what it is.
const SELF_RULES: &[(&str, &[&str])] = &[
    (
        "cache",
        &[
            "redis is starting",
            "redis server",
            "ready to accept connections tcp",
            "memcached",
        ],
    ),
    (
        "database",
        &["database system is ready", "postgresql", "mysqld", "innodb"],
    ),
    ("queue", &["kafka server", "kafka consumer", "rabbitmq"]),
    ("gateway", &["upstream", "proxy_pass"]),
];

/// Role from a service or host name, by whole words (`-`, `_`, `.` separate words).
pub(crate) fn role_from_name(name: &str) -> Option<&'static str> {
    // A bare IPv4 address is a host, not a service.
    if is_ipv4(name) {
        return Some("host");
    }
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (role, keys) in NAME_RULES {
        if words.iter().any(|w| {
            keys.contains(w)
                || keys
                    .iter()
                    .any(|k| w.len() > k.len() + 2 && w.ends_with(k) && is_compound_suffix(k))
        }) {
            return Some(role);
        }
    }
    None
}

/// `10.8.1.20`: four dot-separated numbers of at most three digits, each up to 255.
pub(crate) fn is_ipv4(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            (1..=3).contains(&p.len())
                && p.bytes().all(|c| c.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|v| v <= 255)
        })
}

/// Suffixes that still name a role when glued to another word (`basketservice`, `adsvc`,
/// `paymentsworker`). Short ones like "db" or "ui" are excluded: "feedback" is not a database.
fn is_compound_suffix(k: &str) -> bool {
    matches!(
        k,
        "service"
            | "dns"
            | "svc"
            | "worker"
            | "gateway"
            | "cache"
            | "server"
            | "queue"
            | "consumer"
            | "frontend"
            | "redis"
            | "postgres"
            | "mysql"
            | "kafka"
    )
}

/// Role from a sample of the service's own messages (lower-cased).
pub(crate) fn role_from_messages<'a>(
    messages: impl Iterator<Item = &'a str>,
) -> Option<&'static str> {
    for m in messages {
        let m = m.to_ascii_lowercase();
        for (role, phrases) in SELF_RULES {
            if phrases.iter().any(|p| m.contains(p)) {
                return Some(role);
            }
        }
    }
    None
}

/// True for roles that users reach directly: their errors are user impact.
pub(crate) fn is_user_facing(role: &str) -> bool {
    matches!(role, "gateway" | "frontend")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_api_is_not_a_database() {
        assert_eq!(role_from_name("feedback-api"), Some("api"));
    }

    #[test]
    fn names_by_words() {
        assert_eq!(role_from_name("api-gateway"), Some("gateway"));
        assert_eq!(role_from_name("redis-cache"), Some("cache"));
        assert_eq!(role_from_name("db-primary.internal"), Some("database"));
        assert_eq!(role_from_name("ledger-worker"), Some("worker"));
        assert_eq!(role_from_name("basketservice"), Some("api"));
        assert_eq!(role_from_name("mystery"), None);
        // Bug (hosts as services): an IPv4 address is a host.
        assert_eq!(role_from_name("10.8.1.20"), Some("host"));
        assert_eq!(role_from_name("10.8.1"), None);
        assert_eq!(role_from_name("1.2.3.456"), None);
    }

    #[test]
    fn a_resolver_or_proxy_is_known_by_its_words_not_its_product() {
        // A word that ends in "dns" is a resolver, whatever the product is called.
        assert_eq!(role_from_name("clusterdns-7f9c"), Some("dns"));
        assert_eq!(role_from_name("edge-resolver"), Some("dns"));
        // A proxy says what it is in its own lines.
        assert_eq!(
            role_from_messages(["upstream timed out while reading response header"].into_iter()),
            Some("gateway")
        );
    }

    #[test]
    fn self_description_counts() {
        assert_eq!(
            role_from_messages(["Redis is starting oO0Oo"].into_iter()),
            Some("cache")
        );
    }
}
