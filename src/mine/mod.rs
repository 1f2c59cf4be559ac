//! Template mining: every event gets a template id; similar messages share one.
//!
//! Promises: one configuration for every input; ids are dense (0..n) in order of first
//! appearance, so the same input always gets the same ids.
//!
//! Modules: `mask` (tokenizing and variable masking), `drain` (the tree and the templates),
//! `hash` (a deterministic fast hasher), `stats` (merging a word into a masked sibling's slot, or a slot many names fill).

mod batch;
mod drain;
mod mask;
mod stats;

use crate::ingest::Corpus;
use crate::parallel::{Job, Parallel};
use batch::Batch;

/// Events masked per job by [`Miner::mine_corpus_in`] at most: fixed, so the cut never depends
/// on the runner (and masking is pure per message, so no cut changes the ids anyway).
const CHUNK: usize = 1 << 12;
/// Message bytes per job at most (past its first message): a run of long messages (JSON
/// documents, stack traces) is cut short, so the masked text held at once stays small whatever
/// the messages' length (4,096 messages of 5 KB held 40 MB of masked text at once).
const CHUNK_BYTES: usize = 1 << 18;
/// Jobs masked while the tree takes the run before: bounds the masked text held at once.
const CHUNKS_PER_ROUND: usize = 4;
use serde::Serialize;

/// One mined template.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MinedTemplate {
    pub id: u32,
    /// Template text with variables shown as `<*>`.
    pub text: String,
    pub count: u64,
}

/// All templates of a corpus, indexed by id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Templates {
    pub templates: Vec<MinedTemplate>,
}

/// An incremental miner: feed messages, get template ids.
#[derive(Debug, Default)]
pub struct Miner {
    drain: drain::Drain,
    masked: mask::Masked,
}

impl Miner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one message and returns its template id.
    pub fn add(&mut self, message: &str) -> u32 {
        mask::mask_into(message, &mut self.masked);
        self.drain.add(&self.masked)
    }

    /// Adds every event's message in input order and sets [`crate::Event::template`].
    pub fn mine_corpus(&mut self, corpus: &mut Corpus) {
        self.mine_corpus_with(corpus, &mut |_| {});
    }

    /// [`Miner::mine_corpus`] calling `tick(events mined)` every few thousand events.
    pub(crate) fn mine_corpus_with(&mut self, corpus: &mut Corpus, tick: &mut dyn FnMut(usize)) {
        let ids: Vec<u32> = corpus
            .events
            .iter()
            .enumerate()
            .map(|(i, ev)| {
                if i % crate::progress::EVENTS_STEP == 0 {
                    tick(i);
                }
                self.add(corpus.message(ev))
            })
            .collect();
        for (ev, id) in corpus.events.iter_mut().zip(ids) {
            ev.template = id;
        }
    }

    /// [`Miner::mine_corpus`] with masking, which is pure per message, done by `par` in fixed
    /// runs of events while the tree takes the runs before them in input order: the same ids
    /// whatever `par` runs at once. `tick(events mined)` is called after each run.
    pub(crate) fn mine_corpus_in(
        &mut self,
        corpus: &mut Corpus,
        par: &dyn Parallel,
        tick: &mut dyn FnMut(usize),
    ) {
        let n = corpus.events.len();
        let mut ids: Vec<u32> = Vec::with_capacity(n);
        {
            let corpus: &Corpus = corpus;
            let chunks = |from: usize| runs(corpus, from);
            let mask = |r: std::ops::Range<usize>| {
                let events = &corpus.events[r];
                let bytes = events.iter().map(|ev| corpus.message(ev).len()).sum();
                Batch::mask(events.iter().map(|ev| corpus.message(ev)), bytes)
            };
            let mut pending = crate::parallel::map(par, chunks(0), |r| r.len() as u64, mask);
            let mut at = 0;
            while at < n {
                // The runs being fed to the tree now end where the next round starts.
                let next = at + pending.iter().map(Batch::len).sum::<usize>();
                let later = chunks(next);
                let mut masked: Vec<Option<Batch>> = later.iter().map(|_| None).collect();
                let (drain, out, now) = (&mut self.drain, &mut ids, &pending);
                let mut jobs: Vec<Job<'_>> = vec![Box::new(move || {
                    for b in now {
                        out.extend(b.iter().map(|(text, spans)| drain.add_tokens(text, spans)));
                    }
                })];
                for (slot, r) in masked.iter_mut().zip(later) {
                    let mask = &mask;
                    jobs.push(Box::new(move || *slot = Some(mask(r))));
                }
                par.run(jobs);
                pending = masked
                    .into_iter()
                    .map(|b| b.expect("the runner ran every job"))
                    .collect();
                at = next;
                tick(at);
            }
        }
        for (ev, id) in corpus.events.iter_mut().zip(ids) {
            ev.template = id;
        }
    }

    /// Number of templates so far.
    pub fn len(&self) -> usize {
        self.drain.clusters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.drain.clusters.is_empty()
    }

    /// Current text of template `id` (it may still generalise as messages arrive).
    pub fn template_text(&self, id: u32) -> String {
        self.drain.text(id)
    }

    /// Finishes with the sibling pass: clusters that differ only at one position, where one of
    /// them holds a masked value (`name=<*>`) the others' values fit, merge. Returns the
    /// templates and `remap[old id] = new id` for ids already handed out by [`Miner::add`] (new
    /// ids stay dense and in first-appearance order).
    pub fn finish_merged(mut self) -> (Templates, Vec<u32>) {
        let remap = self.drain.merge_variables();
        (self.finish(), remap)
    }

    /// Finishes without the statistical pass: ids are exactly those [`Miner::add`] returned.
    pub fn finish(self) -> Templates {
        let templates = (0..self.drain.clusters.len() as u32)
            .map(|id| MinedTemplate {
                id,
                text: self.drain.text(id),
                count: self.drain.clusters[id as usize].count,
            })
            .collect();
        Templates { templates }
    }
}

/// The next round of masking jobs from event `from`: up to [`CHUNKS_PER_ROUND`] runs of
/// consecutive events, each ending after [`CHUNK`] events or once its messages pass
/// [`CHUNK_BYTES`]. Depends on the messages only, never on the runner.
fn runs(corpus: &Corpus, from: usize) -> Vec<std::ops::Range<usize>> {
    let n = corpus.events.len();
    let mut out = Vec::with_capacity(CHUNKS_PER_ROUND);
    let mut a = from;
    while a < n && out.len() < CHUNKS_PER_ROUND {
        let mut b = a;
        let mut bytes = 0;
        while b < n && b - a < CHUNK && (b == a || bytes < CHUNK_BYTES) {
            bytes += corpus.message(&corpus.events[b]).len();
            b += 1;
        }
        out.push(a..b);
        a = b;
    }
    out
}

/// Mines every event of the corpus, setting [`crate::Event::template`].
pub fn mine(corpus: &mut Corpus) -> Templates {
    let mut miner = Miner::new();
    miner.mine_corpus(corpus);
    let (templates, remap) = miner.finish_merged();
    remap_events(corpus, &remap);
    templates
}

/// Rewrites every event's template id through `remap` (from [`Miner::finish_merged`]).
pub fn remap_events(corpus: &mut Corpus, remap: &[u32]) {
    for ev in &mut corpus.events {
        ev.template = remap[ev.template as usize];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(lines: &[&str]) -> (Vec<u32>, Templates) {
        let mut m = Miner::new();
        let ids = lines.iter().map(|l| m.add(l)).collect();
        (ids, m.finish())
    }

    #[test]
    fn variables_share_a_template() {
        let (ids, t) = ids(&[
            "Connection from 10.0.0.1:443 closed after 12ms",
            "Connection from 10.0.0.2:8080 closed after 3.5s",
            "Connection from 192.168.1.1:22 closed after 900ms",
        ]);
        assert_eq!(ids, [0, 0, 0]);
        assert_eq!(
            t.templates[0].text,
            "Connection from <*>:<*> closed after <*>"
        );
        assert_eq!(t.templates[0].count, 3);
    }

    #[test]
    fn no_over_merge_on_a_constant_word() {
        let (ids, _) = ids(&[
            "instance 7 VM Started (Lifecycle Event)",
            "instance 8 VM Paused (Lifecycle Event)",
            "instance 9 VM Started (Lifecycle Event)",
            "cupsd startup succeeded",
            "cupsd shutdown succeeded",
            "Location icon should now be in state 'Active'",
            "Location icon should now be in state 'Inactive'",
        ]);
        assert_eq!(ids, [0, 1, 0, 2, 3, 4, 5]);
    }

    #[test]
    fn identifiers_merge_but_words_do_not() {
        let (ids, t) = ids(&[
            "com.apple.heartbeat: job deferred",
            "com.apple.safari.Update: job deferred",
            "com.apple.heartbeat: job started",
        ]);
        assert_eq!(ids, [0, 0, 1]);
        assert_eq!(t.templates[0].text, "<*> job deferred");
    }

    #[test]
    fn variable_leading_templates_do_not_explode() {
        let mut lines = Vec::new();
        for i in 0..200 {
            lines.push(format!("worker-{i} finished task {i}"));
            lines.push(format!("10.0.{}.{}:{} connected", i % 7, i, 1000 + i));
            lines.push(format!("/srv/data/part-{i}.bin opened read-only"));
            lines.push(format!("node_{i}.example.internal: heartbeat ok"));
        }
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (ids, t) = ids(&refs);
        assert_eq!(t.templates.len(), 4, "{:?}", t.templates);
        assert_eq!(&ids[..8], &[0, 1, 2, 3, 0, 1, 2, 3]);
    }

    #[test]
    fn ids_are_dense_in_first_appearance_order_and_deterministic() {
        let lines = [
            "b failed 1",
            "a started",
            "b failed 2",
            "c done in 5ms",
            "a started",
            "d x=1 y=2",
            "c done in 7ms",
            "e",
        ];
        let (first, t1) = ids(&lines);
        let (second, t2) = ids(&lines);
        assert_eq!(first, second);
        assert_eq!(t1.templates, t2.templates);
        let mut next = 0;
        for &id in &first {
            assert!(id <= next, "id {id} appears before {next}");
            if id == next {
                next += 1;
            }
        }
        assert_eq!(next as usize, t1.templates.len());
        for (i, t) in t1.templates.iter().enumerate() {
            assert_eq!(t.id as usize, i);
        }
        assert_eq!(
            t1.templates.iter().map(|t| t.count).sum::<u64>(),
            lines.len() as u64
        );
    }

    #[test]
    fn many_templates_stay_fast_and_separate() {
        // 5,000 distinct constant words: 5,000 templates, each found by hashing, not scanning.
        let mut m = Miner::new();
        let words: Vec<String> = (0..5000).map(|i| format!("event{}", alpha(i))).collect();
        for round in 0..3 {
            for (i, w) in words.iter().enumerate() {
                assert_eq!(m.add(&format!("{w} happened on shard {round}")), i as u32);
            }
        }
        assert_eq!(m.len(), 5000);
    }

    fn alpha(mut i: usize) -> String {
        let mut s = String::new();
        loop {
            s.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
            if i == 0 {
                return s;
            }
        }
    }

    fn merged(lines: &[&str]) -> (Vec<u32>, Templates) {
        let mut m = Miner::new();
        let ids: Vec<u32> = lines.iter().map(|l| m.add(l)).collect();
        let (t, remap) = m.finish_merged();
        (ids.iter().map(|&i| remap[i as usize]).collect(), t)
    }

    #[test]
    fn a_word_in_a_slot_that_also_holds_numbers_is_a_value() {
        let (ids, t) = merged(&[
            "wake lock acquired name=42 by system",
            "service state RUNNING",
            "wake lock acquired name=android by system",
            "service state STOPPED",
            "wake lock acquired name=audio by system",
            "service state RUNNING",
            "wake lock acquired name=7 by system",
            "service state STOPPED",
        ]);
        assert_eq!(ids, [0, 1, 0, 2, 0, 1, 0, 2]);
        assert_eq!(t.templates.len(), 3);
        assert_eq!(t.templates[0].text, "wake lock acquired name=<*> by system");
        assert_eq!(t.templates[0].count, 4);
        assert_eq!(t.templates[2].text, "service state STOPPED");
    }

    #[test]
    fn names_alone_do_not_prove_a_variable() {
        // Without a masked sibling, a run of distinct words is taken as distinct events.
        let (ids, _) = merged(&[
            "cupsd startup succeeded",
            "sshd startup succeeded",
            "cupsd startup succeeded",
        ]);
        assert_eq!(ids, [0, 1, 0]);
    }

    #[test]
    fn masking_in_runs_by_any_runner_gives_the_ids_of_one_pass() {
        // More events than one round, so several rounds and a short last chunk.
        let n = CHUNK * CHUNKS_PER_ROUND * 2 + 123;
        let mut text = String::new();
        for i in 0..n {
            let msg = match i % 5 {
                0 => format!("request {i} served in {}ms", i % 17),
                1 => format!("user u{} logged in from 10.0.{}.{}", i % 7, i % 3, i % 250),
                2 => "cache warmed".to_string(),
                3 => format!("job-{} failed: disk {} full", i % 11, i % 2),
                _ => format!("shard {} state {}", i % 4, ["up", "down"][i % 2]),
            };
            text.push_str(&format!("2024-05-01T10:00:00Z INFO {msg}\n"));
        }
        let files = [crate::InputFile::new("a.log", text.into_bytes())];
        let mut one = crate::ingest(&files, &Default::default()).unwrap();
        let mut runs = one.clone();
        let mut m = Miner::new();
        m.mine_corpus(&mut one);
        let mut r = Miner::new();
        let mut ticks = Vec::new();
        r.mine_corpus_in(&mut runs, &crate::parallel::tests::Backwards, &mut |n| {
            ticks.push(n)
        });
        let a: Vec<u32> = one.events.iter().map(|e| e.template).collect();
        let b: Vec<u32> = runs.events.iter().map(|e| e.template).collect();
        assert_eq!(a.len(), n);
        assert_eq!(a, b);
        assert_eq!(m.finish().templates, r.finish().templates);
        assert_eq!(ticks.last(), Some(&n));
    }

    #[test]
    fn long_messages_are_masked_in_short_runs_with_the_ids_of_one_pass() {
        // 5 KB messages: a run ends at CHUNK_BYTES long before CHUNK events.
        let mut text = String::new();
        for i in 0..600 {
            let pad = "x".repeat(5000 + i % 7);
            text.push_str(&format!(
                "2024-05-01T10:00:00Z INFO job {i} payload {pad}\n"
            ));
        }
        let files = [crate::InputFile::new("a.log", text.into_bytes())];
        let mut one = crate::ingest(&files, &Default::default()).unwrap();
        let mut runs_corpus = one.clone();
        let round = runs(&one, 0);
        assert_eq!(round.len(), CHUNKS_PER_ROUND);
        for r in &round {
            let bytes: usize = one.events[r.clone()]
                .iter()
                .map(|e| one.message(e).len())
                .sum();
            assert!(
                r.len() < CHUNK && bytes < CHUNK_BYTES + 6000,
                "{r:?} {bytes}"
            );
        }
        // Runs are consecutive from where they start.
        assert!(round.windows(2).all(|w| w[0].end == w[1].start));
        let mut m = Miner::new();
        m.mine_corpus(&mut one);
        let mut r = Miner::new();
        r.mine_corpus_in(
            &mut runs_corpus,
            &crate::parallel::tests::Backwards,
            &mut |_| {},
        );
        let a: Vec<u32> = one.events.iter().map(|e| e.template).collect();
        let b: Vec<u32> = runs_corpus.events.iter().map(|e| e.template).collect();
        assert_eq!(a.len(), 600);
        assert_eq!(a, b);
    }

    #[test]
    fn empty_and_blank_messages() {
        let (ids, t) = ids(&["", "   ", "x"]);
        assert_eq!(ids, [0, 0, 1]);
        assert_eq!(t.templates[0].text, "");
    }
}
