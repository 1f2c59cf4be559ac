//! Bundler's credentials for a gem source, set in the environment as documented
//! (`bundle config`): `BUNDLE_<HOST>=user:password`, the host's dots written `__` and dashes
//! `___` (`BUNDLE_GEMS__EXAMPLE__COM="deploy:s3cret"`). The part after the user is the
//! password (or the whole value when it is a single token).

use super::needle::{needle, Needle};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of the passwords in Bundler source-credential variables on `line`.
pub(crate) fn find(line: &str, out: &mut Vec<super::Span>) {
    static BUNDLE: Needle = needle!("BUNDLE_");
    if !BUNDLE.is_in(line) {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?-u:\b)BUNDLE_[A-Z0-9_]*[A-Z0-9]__[A-Z0-9_]+\s*[=:]\s*["']?(?:[^\s"':@]+:)?([^\s"']+)"#)
            .expect("bundler credential regex")
    });
    super::first_groups(re, line, |_| true, out);
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn source_credentials_by_host_variable() {
        assert_eq!(
            masked_by(find, r#"export BUNDLE_GEMS__ACME__TEST="ci:t0ps3cret""#),
            ["t0ps3cret"]
        );
        assert_eq!(
            masked_by(find, "BUNDLE_RUBYGEMS__PKG__TEST=abc123tok"),
            ["abc123tok"]
        );
        // Settings without a host are not credentials.
        assert!(masked_by(find, "BUNDLE_PATH=vendor/bundle BUNDLE_JOBS=4").is_empty());
    }
}
