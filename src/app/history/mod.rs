//! Past analyses kept in this browser (IndexedDB): listed newest first, reopened without
//! re-analysis, deleted (with undo) or cleared; and the past incidents most like the current one,
//! scored by the engine's [`crate::similarity`].
//!
//! Every finished analysis is saved once (a reopened one is not saved again). A narrative written
//! on the page is saved with the entry of the report it was written for, its check included
//! (flags, a root-cause disagreement): the list says so, and a reopened report shows it. Storage that fails
//! (private mode, a full quota, no IndexedDB) gives a message in the History tab and changes
//! nothing else: the report never depends on history.

mod store;

use super::engine::Engine;
use super::model::Analysis;
use super::nav::{Nav, View};
use crate::{similarity, IncidentProfile};
use leptos::prelude::*;
use std::sync::Arc;
use store::Entry;

/// Saved analyses kept; the oldest beyond this are dropped, so history never fills the quota.
const MAX_ENTRIES: usize = 200;
/// How many similar past incidents the block next to the export bar lists.
const SIMILAR_SHOWN: usize = 3;

/// Copyable handle shared through context.
#[derive(Clone, Copy)]
pub struct History {
    /// Saved entries, newest first (`None` until first read).
    entries: RwSignal<Option<Vec<Entry>>>,
    error: RwSignal<Option<String>>,
    /// The entry of the analysis on screen.
    current: RwSignal<Option<f64>>,
    /// The analysis last shown from history (not saved again).
    reopened: StoredValue<Option<Arc<Analysis>>>,
    /// The JSON of the last analysis saved (or found already saved): the same run again is
    /// not saved twice.
    last_saved: StoredValue<Option<Arc<str>>>,
    /// Saved entries whose report is the one on screen, byte for byte: never "similar".
    same: RwSignal<Vec<f64>>,
    /// The last deleted entry and its JSON, for undo.
    deleted: RwSignal<Option<(Entry, String)>>,
    /// Whether "clear all" waits for its confirmation.
    confirm_clear: RwSignal<bool>,
    last_id: StoredValue<f64>,
    engine: Engine,
    nav: Nav,
}

impl History {
    /// Reads the list and saves every analysis the engine finishes from now on.
    pub fn start(engine: Engine, nav: Nav) -> History {
        let h = History {
            entries: RwSignal::new(None),
            error: RwSignal::new(None),
            current: RwSignal::new(None),
            reopened: StoredValue::new(None),
            last_saved: StoredValue::new(None),
            same: RwSignal::new(Vec::new()),
            deleted: RwSignal::new(None),
            confirm_clear: RwSignal::new(false),
            last_id: StoredValue::new(0.0),
            engine,
            nav,
        };
        h.reload();
        Effect::new(move |_| {
            let Some(a) = engine.report.get() else { return };
            let again = h
                .reopened
                .with_value(|r| r.as_ref().is_some_and(|r| Arc::ptr_eq(r, &a)));
            if !again {
                h.save(&a, engine.shown.get_untracked().unwrap_or_default());
            }
        });
        h
    }

    fn reload(self) {
        leptos::task::spawn_local(async move {
            match store::list().await {
                Ok(mut list) => {
                    for old in list.split_off(list.len().min(MAX_ENTRIES)) {
                        if let Err(e) = store::delete(old.id).await {
                            self.fail("changed", e);
                        }
                    }
                    self.entries.set(Some(list));
                }
                Err(e) => self.fail("read", e),
            }
        });
    }

    fn fail(self, what: &str, e: String) {
        self.error.set(Some(format!(
            "History could not be {what} in this browser ({e}). Reports still work; they are just not kept."
        )));
        if self.entries.get_untracked().is_none() {
            self.entries.set(Some(Vec::new()));
        }
    }

    /// Saves a finished analysis, once: not when its report is the one saved last in this
    /// page, nor when it is identical to the newest saved entry (a reload re-running the demo).
    fn save(self, a: &Analysis, label: String) {
        if self
            .last_saved
            .with_value(|l| l.as_deref() == Some(&*a.json))
        {
            return;
        }
        self.last_saved.set_value(Some(a.json.clone()));
        let now = js_sys::Date::now();
        // Unique and increasing even for two analyses in the same millisecond.
        let id = now.max(self.last_id.get_value() + 1.0);
        self.last_id.set_value(id);
        let rc = &a.report.root_cause;
        let profile = IncidentProfile::of(&a.report);
        let entry = Entry {
            id,
            label,
            analyzed_at: now,
            root_cause: if rc.statement.is_empty() {
                "not yet determined".into()
            } else {
                rc.statement.clone()
            },
            severity: a.report.severity.clone(),
            failure_class: rc.failure_class.clone(),
            fingerprint: profile.fingerprint(),
            profile,
            narrative: None,
        };
        self.current.set(Some(id));
        self.same.set(Vec::new());
        let json = a.json.clone();
        leptos::task::spawn_local(async move {
            let saved = store::list().await.unwrap_or_default();
            let same = same_report(&saved, &entry.fingerprint, &json).await;
            if let Some(newest) = saved.first().filter(|n| same.contains(&n.id)) {
                // The newest saved run is this very report: show it as the current entry.
                self.current.set(Some(newest.id));
                self.same.set(same);
                self.reload();
                return;
            }
            match store::put(&entry, &json).await {
                Ok(()) => {
                    self.error.set(None);
                    self.same.set(same);
                    self.reload();
                }
                Err(e) => self.fail("saved", e),
            }
        });
    }

    /// Shows entry `id`'s saved report, without re-analysis.
    fn open(self, entry: Entry) {
        let (engine, nav) = (self.engine, self.nav);
        leptos::task::spawn_local(async move {
            let json = match store::report(entry.id).await {
                Ok(Some(json)) => json,
                Ok(None) => return self.fail("read", "the saved report is missing".into()),
                Err(e) => return self.fail("read", e),
            };
            match Analysis::from_json(json) {
                Ok(mut a) => {
                    // The saved JSON is the engine's, verbatim; the narrative rides beside it.
                    a.report.narrative = entry.narrative.clone();
                    let a = Arc::new(a);
                    self.reopened.set_value(Some(a.clone()));
                    self.current.set(Some(entry.id));
                    let saved = self.entries.get_untracked().unwrap_or_default();
                    let json = a.json.clone();
                    let fingerprint = entry.fingerprint.clone();
                    leptos::task::spawn_local(async move {
                        let same = same_report(&saved, &fingerprint, &json).await;
                        self.same.set(same);
                    });
                    engine.report.set(Some(a));
                    engine
                        .shown
                        .set(Some(format!("{} (from history)", entry.label)));
                    nav.view.set(View::Report);
                }
                Err(e) => self.fail("read", format!("the saved report is unreadable: {e}")),
            }
        });
    }

    /// Saves `n`, the narrative written for the report on screen, with that report's entry
    /// (replacing an earlier one). Nothing happens when the shown report has no saved entry.
    pub fn attach_narrative(self, n: crate::report::Narrative) {
        let Some(id) = self.current.get_untracked() else {
            return;
        };
        let Some(mut entry) = self
            .entries
            .with_untracked(|l| l.as_ref()?.iter().find(|e| e.id == id).cloned())
        else {
            return;
        };
        entry.narrative = Some(n);
        leptos::task::spawn_local(async move {
            let json = match store::report(id).await {
                Ok(Some(json)) => json,
                Ok(None) => return self.fail("saved", "the saved report is missing".into()),
                Err(e) => return self.fail("saved", e),
            };
            match store::put(&entry, &json).await {
                Ok(()) => self.reload(),
                Err(e) => self.fail("saved", e),
            }
        });
    }

    fn delete(self, entry: Entry) {
        leptos::task::spawn_local(async move {
            // Keep what undo needs before it is gone.
            let json = store::report(entry.id).await.ok().flatten();
            match store::delete(entry.id).await {
                Ok(()) => {
                    self.deleted.set(json.map(|j| (entry, j)));
                    self.reload();
                    // The focused Delete button is gone with its row: keep keyboard users
                    // where the next action is.
                    request_animation_frame(|| focus("history-undo"));
                }
                Err(e) => self.fail("changed", e),
            }
        });
    }

    fn undo(self) {
        let Some((entry, json)) = self.deleted.get_untracked() else {
            return;
        };
        self.deleted.set(None);
        leptos::task::spawn_local(async move {
            match store::put(&entry, &json).await {
                Ok(()) => self.reload(),
                Err(e) => self.fail("changed", e),
            }
        });
    }

    fn clear(self) {
        self.confirm_clear.set(false);
        self.deleted.set(None);
        leptos::task::spawn_local(async move {
            match store::clear().await {
                Ok(()) => self.reload(),
                Err(e) => self.fail("changed", e),
            }
        });
    }

    /// The saved incidents most like the one on screen (itself excluded), best first.
    /// Runs of the same incident (same template fingerprint) count once, as their newest run,
    /// with how many runs there were.
    fn similar(self) -> Vec<(Entry, crate::Similarity, usize)> {
        let Some(profile) = self
            .engine
            .report
            .with(|a| a.as_ref().map(|a| IncidentProfile::of(&a.report)))
        else {
            return Vec::new();
        };
        let current = self.current.get();
        let same = self.same.get();
        let mut scored: Vec<_> = self
            .entries
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| Some(e.id) != current && !same.contains(&e.id))
            .map(|e| {
                let s = similarity(&profile, &e.profile);
                (e, s)
            })
            .filter(|(_, s)| s.score > 0.0)
            .collect();
        // Best first; the newer of two equal scores first (the list is newest first already).
        crate::sort::sort_by(&mut scored, |a, b| b.1.score.total_cmp(&a.1.score));
        let mut shown: Vec<(Entry, crate::Similarity, usize)> = Vec::new();
        for (e, s) in scored {
            match shown
                .iter_mut()
                .find(|(k, _, _)| k.fingerprint == e.fingerprint)
            {
                Some((_, _, runs)) => *runs += 1,
                None => shown.push((e, s, 1)),
            }
        }
        shown.truncate(SIMILAR_SHOWN);
        shown
    }
}

/// Ids of the saved entries whose report JSON is `json` (only entries with the same template
/// fingerprint can be, so only theirs are read).
async fn same_report(saved: &[Entry], fingerprint: &str, json: &str) -> Vec<f64> {
    let mut out = Vec::new();
    for e in saved.iter().filter(|e| e.fingerprint == fingerprint) {
        if store::report(e.id).await.ok().flatten().as_deref() == Some(json) {
            out.push(e.id);
        }
    }
    out
}

/// The History tab: every saved analysis, newest first.
#[component]
pub fn HistoryView() -> impl IntoView {
    let h = expect_context::<History>();
    let count = move || h.entries.with(|e| e.as_ref().map_or(0, Vec::len));
    view! {
        <section class="panel history" aria-labelledby="history-title">
            <div class="history-head">
                <h2 id="history-title">"History"</h2>
                <span class="muted">"Kept in this browser only."</span>
                <Show
                    when=move || h.confirm_clear.get()
                    fallback=move || view! {
                        <button
                            type="button"
                            data-testid="history-clear"
                            disabled=move || count() == 0
                            on:click=move |_| h.confirm_clear.set(true)
                        >
                            "Clear all"
                        </button>
                    }
                >
                    <span class="confirm" role="group" aria-label="Confirm clearing history">
                        {move || format!("Delete all {} saved analyses?", count())}
                        <button type="button" class="danger" data-testid="history-clear-confirm" on:click=move |_| h.clear()>
                            "Delete all"
                        </button>
                        <button type="button" data-testid="history-clear-cancel" on:click=move |_| h.confirm_clear.set(false)>
                            "Cancel"
                        </button>
                    </span>
                </Show>
            </div>
            {move || h.error.get().map(|e| view! { <p class="error" role="alert" data-testid="history-error">{e}</p> })}
            {move || h.deleted.get().map(|(e, _)| view! {
                <p class="history-undo" role="status">
                    {format!("Deleted \u{201c}{}\u{201d}. ", e.label)}
                    <button type="button" class="link" id="history-undo" data-testid="history-undo" on:click=move |_| h.undo()>"Undo"</button>
                </p>
            })}
            {move || match h.entries.get() {
                None => view! { <p class="muted">"Reading history\u{2026}"</p> }.into_any(),
                Some(list) if list.is_empty() => view! {
                    <p class="muted" data-testid="history-empty">"No saved analyses yet. Every analysis you run is kept here."</p>
                }.into_any(),
                Some(list) => view! {
                    <ol class="history-list" data-testid="history-list">
                        {list.into_iter().map(|e| view! { <Row entry=e h=h /> }).collect_view()}
                    </ol>
                }.into_any(),
            }}
            <h3>"Most like the report on screen"</h3>
            <SimilarList h=h />
        </section>
    }
}

#[component]
fn Row(entry: Entry, h: History) -> impl IntoView {
    let id = entry.id;
    let when = when(entry.analyzed_at);
    let class = crate::report::class_words(&entry.failure_class);
    let severity = entry
        .severity
        .clone()
        .unwrap_or_else(|| "no severity".into());
    let (open, del) = (entry.clone(), entry.clone());
    let narrative = entry.narrative.as_ref().map(narrative_note);
    let shown = move || h.current.get() == Some(id);
    view! {
        <li class="history-item" data-testid="history-item" data-id=id.to_string() class:current=shown>
            <div class="history-main">
                <span class="history-label" data-testid="history-label">{entry.label.clone()}</span>
                <span class="history-cause" data-testid="history-cause">{entry.root_cause.clone()}</span>
                <span class="muted">
                    <time>{when}</time>
                    " \u{b7} "<span data-testid="history-severity">{severity}</span>
                    " \u{b7} "<span data-testid="history-class">{class}</span>
                    " \u{b7} templates "<code title="template fingerprint">{entry.fingerprint.clone()}</code>
                </span>
                {narrative.map(|(text, flags, differs)| view! {
                    <span class="muted" data-testid="history-narrative" data-flags=flags
                        data-disagrees=differs.to_string()>{text}</span>
                })}
            </div>
            <div class="history-actions">
                <button
                    type="button"
                    data-testid="history-open"
                    aria-label=format!("Open the report of {}", entry.label)
                    on:click=move |_| h.open(open.clone())
                >
                    {move || if shown() { "Shown" } else { "Open" }}
                </button>
                <button
                    type="button"
                    data-testid="history-delete"
                    aria-label=format!("Delete {} from history", entry.label)
                    on:click=move |_| h.delete(del.clone())
                >
                    "Delete"
                </button>
            </div>
        </li>
    }
}

/// What the list says about a saved narrative's check: the sentence, the flag count, and
/// whether the narrative names another root cause than the engine.
fn narrative_note(n: &crate::report::Narrative) -> (String, usize, bool) {
    let Some(c) = &n.check else {
        return (format!("Narrative by {} (not checked)", n.model), 0, false);
    };
    let flags = c.flags.len();
    let mut s = match flags {
        0 => format!("Narrative by {}: every name and number backed", n.model),
        1 => format!("Narrative by {}: 1 name or number flagged", n.model),
        _ => format!("Narrative by {}: {flags} names or numbers flagged", n.model),
    };
    if c.disagreement.is_some() {
        s.push_str("; it names another root cause than the engine");
    }
    (s, flags, c.disagreement.is_some())
}

/// The "Similar past incidents" block shown above the report.
#[component]
pub fn SimilarBlock() -> impl IntoView {
    let h = expect_context::<History>();
    view! {
        <section class="similar" aria-labelledby="similar-title" data-testid="similar-block">
            <h2 id="similar-title" class="label">"Similar past incidents"</h2>
            <SimilarList h=h />
        </section>
    }
}

#[component]
fn SimilarList(h: History) -> impl IntoView {
    move || {
        let found = h.similar();
        if found.is_empty() {
            let saved = h.entries.with(|e| e.as_ref().is_some_and(|e| e.len() > 1));
            let why = if saved {
                "No saved incident shares this one's failure class, service or log templates."
            } else {
                "None yet: every analysis is saved in this browser and compared with the next."
            };
            return view! { <p class="muted" data-testid="similar-none">{why}</p> }.into_any();
        }
        view! {
            <ol class="similar-list" data-testid="similar-list">
                {found
                    .into_iter()
                    .map(|(e, s, runs)| {
                        let label = e.label.clone();
                        let aria = format!("Open the report of {label}");
                        let entry = e.clone();
                        let runs = (runs > 1).then(|| format!(" ({runs} runs)"));
                        view! {
                            <li data-testid="similar-item" data-id=e.id.to_string()>
                                <span class="score" data-testid="similar-score">{format!("{:.0}%", s.score * 100.0)}</span>
                                <button type="button" class="link" aria-label=aria on:click=move |_| h.open(entry.clone())>
                                    {label}
                                </button>
                                {runs}
                                <span class="similar-why muted">{s.reasons.join("; ")}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        }
        .into_any()
    }
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = document().get_element_by_id(id) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// The time an analysis ran, in the reader's locale.
fn when(ms: f64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}
