//! Message-broker logs that print a client's credentials by position: Mosquitto's verbose
//! connection line, `Received CONNECT from <client> (p<proto>, c<clean>, k<keepalive>,
//! u'<username>', p'<password>')`, where the `p'…'` after the username is the password.

use super::needle::{needle, Needle};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of the passwords a broker's connection line prints.
pub(crate) fn find(line: &str, out: &mut Vec<super::Span>) {
    static CONNECT: Needle = needle!("Received CONNECT");
    if !CONNECT.is_in(line) {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re =
        RE.get_or_init(|| Regex::new(r"u'[^']*', p'([^']+)'\)").expect("mosquitto connect regex"));
    super::first_groups(re, line, |_| true, out);
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn mosquitto_connect_password() {
        let line =
            "1700000000: Received CONNECT from probe-1 (p2, c1, k30, u'meter', p'pa55w0rd!')";
        assert_eq!(masked_by(find, line), ["pa55w0rd!"]);
        let anon = "1700000000: Received CONNECT from probe-1 (p2, c1, k30)";
        assert!(masked_by(find, anon).is_empty());
    }
}
