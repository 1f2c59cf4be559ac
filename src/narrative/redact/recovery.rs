//! Account recovery (backup) codes listed after their name: GitHub, GitLab and most 2FA
//! providers hand out a set of one-time codes of 8-10 lowercase letters and digits, printed in
//! two halves joined by `-` (`abc12-de34f`). After "recovery code(s)" or "backup code(s)" on a
//! line, every token of that shape is one of them.

use super::needle::{needle, Needle};
use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of the recovery codes listed on `line` after their name.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    static RECOVERY: Needle = needle!("ecovery code");
    static BACKUP: Needle = needle!("ackup code");
    // Every code has a `-`: one byte search before two substring searches.
    if memchr::memchr(b'-', line.as_bytes()).is_none() {
        return;
    }
    let Some(at) = RECOVERY.find(line).or_else(|| BACKUP.find(line)) else {
        return;
    };
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?-u:\b)[a-z0-9]{4,5}-[a-z0-9]{4,5}(?-u:\b)").expect("recovery code regex")
    });
    for m in re.find_iter(&line[at..]) {
        let (s, e) = (at + m.start(), at + m.end());
        let after = line.as_bytes().get(e);
        // Not a word in a hyphenated phrase or a path (`set-up`, `a-b/c`).
        if !matches!(after, Some(b'-' | b'/' | b'.' | b'_')) && !m.as_str().contains("code") {
            out.push(Span::new(s, e, SecretKind::Secret));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn codes_after_their_name() {
        let line = "your backup codes: 4f2a9-c81kd zzq7p-m0x3e (store them safely)";
        assert_eq!(masked_by(find, line), ["4f2a9-c81kd", "zzq7p-m0x3e"]);
        assert!(masked_by(find, "set-up done for user-42 in-place").is_empty());
    }
}
