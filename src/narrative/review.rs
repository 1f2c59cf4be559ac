//! A finished answer as the page shows it: split into sections, checked as a whole and section
//! by section, as data the worker computes and the page draws.
//!
//! Promises: the sections come in [`Section::ALL`] order, present ones only, each with its own
//! check by the same [`Checker`]; only the narrative itself is compared on the root cause (a
//! follow-up answer discussing another service is not a competing diagnosis).

use super::answer::{parse_answer, Answer, Section};
use super::check::{Check, Checker};
use serde::{Deserialize, Serialize};

/// A restored answer, parsed and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub answer: Answer,
    /// The whole answer's check.
    pub check: Check,
    /// `(section, its text, its check)` for the sections the answer has.
    pub sections: Vec<(Section, String, Check)>,
}

impl Review {
    /// Reviews `text`, a complete restored answer. `root`: it is the narrative (not a
    /// follow-up), so a root cause other than the engine's is reported.
    pub fn new(checker: &Checker, text: &str, root: bool) -> Review {
        let mut check = checker.check(text);
        if !root {
            check.disagreement = None;
        }
        Review::with_check(checker, text, check)
    }

    /// Reviews `text` keeping `check` as the whole answer's (a narrative saved with its check,
    /// made when it was written); the sections are checked by `checker`.
    pub fn with_check(checker: &Checker, text: &str, check: Check) -> Review {
        let answer = parse_answer(text);
        let sections = Section::ALL
            .into_iter()
            .filter_map(|s| {
                let t = answer.get(s)?.to_string();
                let c = checker.check(&t);
                Some((s, t, c))
            })
            .collect();
        Review {
            answer,
            check,
            sections,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, AnalyzeOptions, InputFile};

    fn report() -> crate::Report {
        let log = "2024-05-01T10:00:00Z ERROR orders-api db pool exhausted\n\
                   2024-05-01T10:00:01Z ERROR orders-api db pool exhausted\n";
        analyze(
            &[InputFile::new("app.log", log.as_bytes().to_vec())],
            &AnalyzeOptions::default(),
        )
        .unwrap()
    }

    const ANSWER: &str = "## Summary\nThe quartz-gateway retried 7777 times.\n\
                          ## Root cause\nThe fulfillment-worker ran out of memory.\n\
                          ## Postmortem\nRaise limits.";

    #[test]
    fn sections_come_in_order_each_checked() {
        let r = report();
        let checker = Checker::new(&r);
        let review = Review::new(&checker, ANSWER, true);
        let order: Vec<Section> = review.sections.iter().map(|(s, _, _)| *s).collect();
        assert_eq!(
            order,
            [Section::Summary, Section::RootCause, Section::Postmortem]
        );
        let (_, text, check) = &review.sections[0];
        assert!(text.contains("quartz-gateway"));
        // The summary's unknown service and number are flagged within the summary's text.
        let flagged: Vec<&str> = check.flags.iter().map(|f| &text[f.start..f.end]).collect();
        assert!(flagged.contains(&"quartz-gateway") && flagged.contains(&"7777"));
        assert_eq!(review.check, checker.check(ANSWER));
        assert!(review.answer.structured);
    }

    #[test]
    fn only_the_narrative_is_compared_on_the_root_cause() {
        let r = report();
        let checker = Checker::new(&r);
        let root = Review::new(&checker, ANSWER, true);
        assert!(root.check.disagreement.is_some(), "{:?}", root.check);
        let follow_up = Review::new(&checker, ANSWER, false);
        assert!(follow_up.check.disagreement.is_none());
        assert_eq!(follow_up.check.flags, root.check.flags);
    }

    #[test]
    fn a_saved_check_is_kept_as_made() {
        let r = report();
        let checker = Checker::new(&r);
        let saved = Check {
            flags: Vec::new(),
            disagreement: None,
            checked: 0,
        };
        let review = Review::with_check(&checker, ANSWER, saved.clone());
        assert_eq!(review.check, saved);
        assert_eq!(review.sections.len(), 3);
    }

    #[test]
    fn plain_text_has_no_sections_and_keeps_the_whole_answer() {
        let r = report();
        let review = Review::new(&Checker::new(&r), "orders-api failed.", true);
        assert!(!review.answer.structured);
        assert!(review.sections.is_empty());
        assert_eq!(review.answer.text, "orders-api failed.");
    }
}
