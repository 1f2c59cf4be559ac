//! How alike two incidents are, from their reports alone: the same failure class, the same
//! root-cause service, and how many masked template texts they share (Jaccard).
//!
//! Promises: pure and deterministic; symmetric; 1.0 for an incident compared with itself (when
//! its class is known), 0.0 when nothing matches; every point of the score has a reason in
//! words. The page keeps an [`IncidentProfile`] per saved analysis, so it never re-reads old
//! reports to compare them.

use super::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Weight of a shared (known) failure class.
const CLASS: f64 = 0.4;
/// Weight of a shared root-cause service.
const SERVICE: f64 = 0.3;
/// Weight of the template Jaccard index.
const TEMPLATES: f64 = 0.3;
/// Templates kept per profile: the most frequent ones carry the incident; a cap keeps saved
/// profiles small for huge inputs.
pub const MAX_TEMPLATES: usize = 300;

/// What similarity looks at in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentProfile {
    pub failure_class: String,
    pub service: Option<String>,
    /// Masked template texts (the most frequent [`MAX_TEMPLATES`]).
    pub templates: BTreeSet<String>,
}

/// A score in 0..=1 and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    pub score: f64,
    pub reasons: Vec<String>,
}

impl IncidentProfile {
    pub fn of(report: &Report) -> IncidentProfile {
        let mut rows: Vec<_> = report.templates.iter().collect();
        // Most frequent first; the text breaks ties so the cut is deterministic.
        crate::sort::sort_by(&mut rows, |a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.template.cmp(&b.template))
        });
        IncidentProfile {
            failure_class: report.root_cause.failure_class.clone(),
            service: report.root_cause.service.clone(),
            templates: rows
                .into_iter()
                .take(MAX_TEMPLATES)
                .map(|t| t.template.clone())
                .collect(),
        }
    }

    /// A short stable hex digest of the template set (FNV-1a 64): equal for the same templates.
    pub fn fingerprint(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for t in &self.templates {
            for b in t.bytes().chain([0u8]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{h:016x}")
    }
}

/// Scores how alike `a` and `b` are.
pub fn similarity(a: &IncidentProfile, b: &IncidentProfile) -> Similarity {
    let mut score = 0.0;
    let mut reasons = Vec::new();
    if a.failure_class == b.failure_class
        && !a.failure_class.is_empty()
        && a.failure_class != "unknown"
    {
        score += CLASS;
        reasons.push(format!(
            "same failure class ({})",
            super::class_words(&a.failure_class)
        ));
    }
    if let (Some(x), Some(y)) = (&a.service, &b.service) {
        if x == y {
            score += SERVICE;
            reasons.push(format!("same root-cause service ({x})"));
        }
    }
    let shared = a.templates.intersection(&b.templates).count();
    let union = a.templates.len() + b.templates.len() - shared;
    if shared > 0 {
        let jaccard = shared as f64 / union as f64;
        score += TEMPLATES * jaccard;
        reasons.push(format!(
            "{shared} of {union} log templates shared ({:.0}%)",
            jaccard * 100.0
        ));
    }
    Similarity {
        // Rounded so sums like 0.4 + 0.3 + 0.3 compare equal to 1.0.
        score: (score * 1e6).round() / 1e6,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(class: &str, service: Option<&str>, templates: &[&str]) -> IncidentProfile {
        IncidentProfile {
            failure_class: class.into(),
            service: service.map(Into::into),
            templates: templates.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn an_incident_is_fully_like_itself() {
        let a = p("oom", Some("thumb-svc"), &["heap at <*>%", "killed <*>"]);
        let s = similarity(&a, &a);
        assert_eq!(s.score, 1.0);
        assert_eq!(s.reasons.len(), 3);
        assert!(s.reasons[0].contains("out of memory"), "{}", s.reasons[0]);
        assert!(s.reasons[1].contains("thumb-svc"));
        assert!(s.reasons[2].contains("2 of 2"));
    }

    #[test]
    fn nothing_shared_scores_zero_with_no_reasons() {
        let a = p("oom", Some("thumb-svc"), &["heap at <*>%"]);
        let b = p("dns_failure", Some("name-svc"), &["NXDOMAIN <*>"]);
        assert_eq!(
            similarity(&a, &b),
            Similarity {
                score: 0.0,
                reasons: vec![]
            }
        );
    }

    #[test]
    fn unknown_class_and_missing_service_do_not_count_as_alike() {
        let a = p("unknown", None, &[]);
        assert_eq!(similarity(&a, &a).score, 0.0);
    }

    #[test]
    fn parts_add_up_and_order_makes_no_difference() {
        let a = p("disk_full", Some("vault-db"), &["a", "b", "c"]);
        let b = p("disk_full", Some("other-db"), &["b", "c", "d"]);
        let s = similarity(&a, &b);
        assert_eq!(s.score, 0.55); // 0.4 class + 0.3 * 2/4 templates
        assert_eq!(s, similarity(&b, &a));
        assert!(s.reasons[1].contains("2 of 4") && s.reasons[1].contains("50%"));
        // Same class and service beats same class alone.
        let c = p("disk_full", Some("vault-db"), &["x"]);
        assert!(similarity(&a, &c).score > similarity(&b, &c).score);
    }

    #[test]
    fn fingerprint_depends_on_templates_only() {
        let a = p("oom", Some("x"), &["a", "b"]);
        let b = p("dns_failure", None, &["b", "a"]);
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), p("oom", None, &["ab"]).fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
    }

    #[test]
    fn profile_keeps_the_most_frequent_templates() {
        let json = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/demo/orders-api.log"
        ))
        .unwrap();
        let files = [crate::InputFile::new("orders-api.log", json.into_bytes())];
        let report = crate::analyze(&files, &Default::default()).unwrap();
        let prof = IncidentProfile::of(&report);
        assert_eq!(prof.failure_class, report.root_cause.failure_class);
        assert_eq!(
            prof.templates.len(),
            report.templates.len().min(MAX_TEMPLATES)
        );
        assert!(prof
            .templates
            .iter()
            .all(|t| report.templates.iter().any(|r| &r.template == t)));
    }
}
