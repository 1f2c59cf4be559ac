//! Template mining: every event gets a template id; similar messages share one.
//!
//! Promises: one configuration for every input; ids are dense (0..n) in order of first
//! appearance, so the same input always gets the same ids.

use crate::ingest::Corpus;
use serde::Serialize;
use std::collections::HashMap;

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
    index: HashMap<String, u32>,
    templates: Vec<MinedTemplate>,
}

impl Miner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one message and returns its template id.
    pub fn add(&mut self, message: &str) -> u32 {
        let key: Vec<&str> = message
            .split_whitespace()
            .map(|t| {
                if t.bytes().any(|b| b.is_ascii_digit()) {
                    "<*>"
                } else {
                    t
                }
            })
            .collect();
        let key = key.join(" ");
        if let Some(&id) = self.index.get(&key) {
            self.templates[id as usize].count += 1;
            return id;
        }
        let id = self.templates.len() as u32;
        self.templates.push(MinedTemplate {
            id,
            text: key.clone(),
            count: 1,
        });
        self.index.insert(key, id);
        id
    }

    pub fn finish(self) -> Templates {
        Templates {
            templates: self.templates,
        }
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
