//! Template mining: every event gets a template id; similar messages share one.
//!
//! Promises: one configuration for every input; ids are dense (0..n) in order of first
//! appearance, so the same input always gets the same ids.
//!
//! Modules: `mask` (tokenizing and variable masking), `drain` (the tree and the templates),
//! `hash` (a deterministic fast hasher).

mod drain;
mod hash;
mod mask;

use crate::ingest::Corpus;
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

/// Mines every event of the corpus, setting [`crate::Event::template`].
pub fn mine(corpus: &mut Corpus) -> Templates {
    let mut miner = Miner::new();
    let ids: Vec<u32> = corpus
        .events
        .iter()
        .map(|ev| miner.add(corpus.message(ev)))
        .collect();
    for (ev, id) in corpus.events.iter_mut().zip(ids) {
        ev.template = id;
    }
    miner.finish()
}
