//! How far an analysis has come, reported through a callback at points in the work (every
//! ~1 MB of input, every few thousand events, between forensic tools), never at points in
//! time: the engine has no clock. The caller decides how often to show it (the page's worker
//! throttles with its own clock; the CLI ignores it).
//!
//! Promises: within one stage, `bytes_done` and `events_done` never decrease; `Parse` and
//! `Entities` alternate file by file (with [`crate::analyze_parallel`], files read at once
//! interleave their reports, one at a time, each stage counting over all of them), then `Mine`,
//! `Forensics` and `Report` follow in that order; the callback never changes what the analysis
//! computes.

/// The parts of an analysis, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Framing and decoding lines (`bytes_done` of `bytes_total`, `events_done` so far).
    Parse,
    /// Services, hosts, ids in each event (`bytes_done`: where in the input the pass is).
    Entities,
    /// Template mining (`events_done` of `events_total`).
    Mine,
    /// The forensic tools (`step` of `steps`; `events_done` within the long ones).
    Forensics,
    /// Building the report from the findings.
    Report,
    /// Indexing every line for browsing (only [`crate::analyze_for_browsing`]).
    Index,
}

impl Stage {
    /// A stable lower-case name (the worker protocol uses it).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Parse => "parse",
            Stage::Entities => "entities",
            Stage::Mine => "mine",
            Stage::Forensics => "forensics",
            Stage::Report => "report",
            Stage::Index => "index",
        }
    }

    pub fn from_name(name: &str) -> Option<Stage> {
        [
            Stage::Parse,
            Stage::Entities,
            Stage::Mine,
            Stage::Forensics,
            Stage::Report,
            Stage::Index,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// One progress report. Totals are 0 while unknown (events before parsing ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub stage: Stage,
    /// Bytes of decoded input text (gzip inflated) this stage has passed.
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub events_done: u64,
    pub events_total: u64,
    /// Forensic tool about to run (0-based) and how many there are; 0 of 0 outside forensics.
    pub step: u32,
    pub steps: u32,
}

/// Bytes of input between two reports while parsing.
pub(crate) const BYTES_STEP: usize = 1 << 20;
/// Events between two reports while mining or extracting entities.
pub(crate) const EVENTS_STEP: usize = 8192;

/// A callback that ignores every report, for the entry points that take none.
pub(crate) fn ignore(_: Progress) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, analyze_with_progress, AnalyzeOptions, InputFile};

    #[test]
    fn reports_are_ordered_fine_grained_and_change_nothing() {
        // ~3 MB over two files: several parse reports per file, mining and every forensic step.
        let mut a = String::new();
        for i in 0..40_000 {
            a.push_str(&format!(
                "2024-05-01T10:{:02}:{:02}Z INFO shop-api request {i} served in {}ms\n",
                (i / 60) % 60,
                i % 60,
                i % 97
            ));
        }
        let b = "2024-05-01T10:30:00Z ERROR shop-api db pool exhausted\n".repeat(20_000);
        let files = vec![
            InputFile::new("a.log", a.into_bytes()),
            InputFile::new("b.log", b.into_bytes()),
        ];
        let total: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
        let mut seen = Vec::new();
        let with = analyze_with_progress(&files, &AnalyzeOptions::default(), &mut |p| seen.push(p))
            .unwrap();
        assert_eq!(with, analyze(&files, &AnalyzeOptions::default()).unwrap());
        let mining = seen.iter().position(|p| p.stage == Stage::Mine).unwrap();
        assert!(seen[..mining].iter().all(|p| p.stage <= Stage::Entities));
        assert!(seen[mining..].windows(2).all(|w| w[0].stage <= w[1].stage));
        for s in [Stage::Parse, Stage::Entities, Stage::Mine] {
            let of: Vec<&Progress> = seen.iter().filter(|p| p.stage == s).collect();
            assert!(of.len() >= 3, "{s:?}: {} reports", of.len());
            assert!(of.windows(2).all(
                |w| w[0].bytes_done <= w[1].bytes_done && w[0].events_done <= w[1].events_done
            ));
        }
        let parse: Vec<&Progress> = seen.iter().filter(|p| p.stage == Stage::Parse).collect();
        assert!(parse.iter().all(|p| p.bytes_total == total));
        assert_eq!(parse.last().unwrap().bytes_done, total);
        let mut steps: Vec<u32> = seen
            .iter()
            .filter(|p| p.stage == Stage::Forensics)
            .map(|p| p.step)
            .collect();
        steps.dedup();
        assert_eq!(steps, [0, 1, 2, 3, 4, 5]);
        assert_eq!(seen.last().unwrap().stage, Stage::Report);
        assert_eq!(seen.last().unwrap().events_total, with.input.events);
        assert_eq!(Stage::from_name("mine"), Some(Stage::Mine));
    }
}
