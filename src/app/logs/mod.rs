//! The log view (every input line, virtualized, filtered, searchable, evidence lines focused)
//! and the templates view.
//!
//! The lines stay in the engine worker (see [`crate::worker`]): the view asks it for the window
//! of rows around what is visible (`lines`) and for where an evidence line sits (`locate`), so
//! the page never holds a second copy of the input. Rows have a fixed height and only the
//! fetched window (the visible rows plus a margin) is in the DOM. Continuation lines of a
//! multi-line event (stack frames) are rows of their own, marked and indented, carrying their
//! event's level and service: one row per input line keeps `file:line` and the scroll position
//! exact, and a level filter keeps a stack trace with its error. Log text is only ever a text
//! node.

mod templates;

use crate::app::engine::{Answer, Engine, Phase};
use crate::app::nav::{Nav, View};
use crate::app::status::thousands;
use crate::worker::protocol::{self, kind};
use crate::{Filter, Located, Page, RowView};
use js_sys::Object;
use leptos::html::Div;
use leptos::prelude::*;
use std::time::Duration;
pub use templates::TemplatesView;

/// Row height in px; style/logs.css sets the same.
const ROW_H: f64 = 22.0;
/// Rows fetched above and below the visible ones.
const MARGIN: u64 = 60;
/// Browsers cap element heights (Chromium near 33.5M px, Firefox near 17.9M): past this the
/// scrollbar maps proportionally onto the rows instead of one row per 22 px.
const MAX_PX: f64 = 8_000_000.0;
/// Template choices offered (the most frequent).
const MAX_TEMPLATE_OPTIONS: usize = 300;
/// Quiet time after typing before the search runs.
const SEARCH_DELAY: Duration = Duration::from_millis(250);
/// Viewport height assumed while the panel is hidden (0 px tall).
const FALLBACK_VIEWPORT: f64 = 600.0;

/// What the view shows besides rows.
#[derive(Clone, PartialEq)]
enum State {
    Loading,
    Ready,
    /// No lines to show, and why.
    Empty(String),
}

#[component]
pub fn LogView() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let nav = expect_context::<Nav>();

    let service = RwSignal::new(String::new());
    let level = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let regex = RwSignal::new(String::new());
    let filter = Memo::new(move |_| Filter {
        services: one(service.get()),
        levels: one(level.get()),
        templates: template.get().parse::<u32>().ok().into_iter().collect(),
        regex: regex.get(),
    });

    let state = RwSignal::new(State::Loading);
    let total = RwSignal::new(None::<u64>);
    let events = RwSignal::new(0u64);
    let rows = RwSignal::new(Vec::<RowView>::new());
    let window = RwSignal::new((0u64, 0u64));
    let scroll_top = RwSignal::new(0.0f64);
    let regex_error = RwSignal::new(None::<String>);
    let note = RwSignal::new(None::<String>);
    let highlight = RwSignal::new(None::<(String, u32)>);
    let serial = StoredValue::new(0u64);
    // A row index to scroll to once its page has arrived.
    let scroll_to = StoredValue::new(None::<u64>);
    let viewport: NodeRef<Div> = NodeRef::new();

    let viewport_h = move || {
        // A hidden panel has no height, and asking for it would force a layout of the whole
        // page (tens of ms in the task that draws a big report while another tab is shown).
        if nav.view.get_untracked() != View::Logs {
            return FALLBACK_VIEWPORT;
        }
        viewport
            .get_untracked()
            .map(|el| el.client_height() as f64)
            .filter(|h| *h > 0.0)
            .unwrap_or(FALLBACK_VIEWPORT)
    };
    let visible = move || (viewport_h() / ROW_H).ceil() as u64 + 1;
    let geometry = move |n: u64| Geometry::new(n, viewport_h());

    // Fetches the window around `first`; answers to older requests are dropped.
    let fetch = move |first: u64| {
        let s = serial.get_value() + 1;
        serial.set_value(s);
        let offset = first.saturating_sub(MARGIN);
        let limit = visible() + 2 * MARGIN;
        let f = filter.get_untracked();
        let fields = Object::new();
        protocol::set(&fields, "filter", &json(&f).into());
        protocol::set(&fields, "offset", &(offset as f64).into());
        protocol::set(&fields, "limit", &(limit as f64).into());
        engine.query(kind::LINES, &fields, move |answer: Answer| {
            if serial.get_value() != s {
                return;
            }
            match answer.map(|j| serde_json::from_str::<Page>(&j)) {
                Ok(Ok(page)) => {
                    regex_error.set(None);
                    total.set(Some(page.total));
                    events.set(page.events);
                    window.set((page.offset, page.rows.len() as u64));
                    rows.set(page.rows);
                    state.set(State::Ready);
                    if let Some(at) = scroll_to.try_update_value(Option::take).flatten() {
                        request_animation_frame(move || {
                            if let Some(el) = viewport.get_untracked() {
                                let g = geometry(total.get_untracked().unwrap_or(0));
                                el.set_scroll_top(g.scroll_for(at) as _);
                                scroll_top.set(el.scroll_top() as f64);
                                // Bring the view (filters and lines) onto the screen.
                                if let Some(section) = el.parent_element() {
                                    section.scroll_into_view_with_bool(true);
                                }
                                // Keyboard users land where the link pointed: on the row.
                                focus_row(&el);
                            }
                        });
                    }
                }
                Ok(Err(e)) => state.set(State::Empty(format!("Unreadable answer: {e}"))),
                Err((message, true)) => {
                    rows.set(Vec::new());
                    total.set(None);
                    state.set(State::Empty(message));
                }
                Err((message, false)) => {
                    // A pattern that does not compile: say so where it was typed.
                    rows.set(Vec::new());
                    total.set(Some(0));
                    events.set(0);
                    window.set((0, 0));
                    regex_error.set(Some(message));
                    state.set(State::Ready);
                }
            }
        });
    };

    // A new report, lost lines, or a new filter: start over from the top (or at a located line).
    Effect::new(move |_| {
        let live = engine.has_lines();
        engine.generation.track();
        filter.track();
        rows.set(Vec::new());
        window.set((0, 0));
        if !live {
            total.set(None);
            serial.update_value(|s| *s += 1);
            let working = matches!(engine.phase.get_untracked(), Phase::Working(_));
            let had = engine.report.with_untracked(Option::is_some);
            state.set(State::Empty(if working {
                "Analyzing… the lines appear with the report.".into()
            } else if had {
                "The engine does not hold the shown report's lines (it was restarted, or the report was not made in this session). Analyze again to browse them.".into()
            } else {
                "No analysis yet.".into()
            }));
            return;
        }
        state.set(State::Loading);
        let at = scroll_to.get_value();
        if at.is_none() {
            if let Some(el) = viewport.get_untracked() {
                el.set_scroll_top(0 as _);
            }
            scroll_top.set(0.0);
        }
        fetch(at.unwrap_or(0));
    });

    // An evidence link was clicked: find the line, relax what hides it, scroll to it. A click
    // waits for the lines if the engine does not hold them yet, and is handled once (a later
    // analysis does not jump to an old click).
    let wanted = StoredValue::new(None::<crate::app::nav::LineRef>);
    let locate = move || {
        if !engine.has_lines_untracked() {
            return;
        }
        let Some(target) = wanted.try_update_value(Option::take).flatten() else {
            return;
        };
        let f = filter.get_untracked();
        let fields = Object::new();
        protocol::set(&fields, "file", &target.file.clone().into());
        protocol::set(&fields, "line", &target.line.into());
        protocol::set(&fields, "filter", &json(&f).into());
        engine.query(kind::LOCATE, &fields, move |answer| {
            let Ok(Ok(at)) = answer.map(|j| serde_json::from_str::<Located>(&j)) else {
                return;
            };
            let label = format!("{}:{}", target.file, target.line);
            let Some(index) = at.index else {
                note.set(Some(format!("{label} is not in the analyzed input.")));
                return;
            };
            highlight.set(Some((target.file.clone(), target.line)));
            note.set((!at.cleared.is_empty()).then(|| {
                format!(
                    "Cleared the {} filter{} to show {label}.",
                    at.cleared.join(" and "),
                    if at.cleared.len() == 1 { "" } else { "s" }
                )
            }));
            scroll_to.set_value(Some(index));
            if at.filter == f {
                fetch(index);
            } else {
                // Setting the filter refetches from `scroll_to`.
                service.set(at.filter.services.first().cloned().unwrap_or_default());
                level.set(at.filter.levels.first().cloned().unwrap_or_default());
                template.set(
                    at.filter
                        .templates
                        .first()
                        .map(u32::to_string)
                        .unwrap_or_default(),
                );
                if at.filter.regex != regex.get_untracked() {
                    search.set(at.filter.regex.clone());
                    regex.set(at.filter.regex.clone());
                }
            }
        });
    };
    Effect::new(move |_| {
        wanted.set_value(nav.focus.get());
        locate();
    });
    Effect::new(move |_| {
        engine.generation.track();
        if engine.has_lines() {
            locate();
        }
    });

    let on_scroll = move |_| {
        let Some(el) = viewport.get_untracked() else {
            return;
        };
        let top = el.scroll_top() as f64;
        scroll_top.set(top);
        let Some(n) = total.get_untracked() else {
            return;
        };
        let first = geometry(n).first_row(top);
        let (off, len) = window.get_untracked();
        let need_end = (first + visible()).min(n);
        if !(off <= first && need_end <= off + len) {
            fetch(first);
        }
    };

    // Typing searches after a pause; Enter searches at once.
    let typed = StoredValue::new(0u64);
    let on_search = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        search.set(v.clone());
        let t = typed.get_value() + 1;
        typed.set_value(t);
        set_timeout(
            move || {
                if typed.get_value() == t && regex.get_untracked() != v {
                    regex.set(v);
                }
            },
            SEARCH_DELAY,
        );
    };
    let on_search_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" {
            typed.update_value(|t| *t += 1);
            let v = search.get_untracked();
            if regex.get_untracked() != v {
                regex.set(v);
            }
        }
    };
    let clear = move |_| {
        service.set(String::new());
        level.set(String::new());
        template.set(String::new());
        search.set(String::new());
        regex.set(String::new());
        note.set(None);
    };

    let options = Memo::new(move |_| {
        engine.report.with(|a| {
            a.as_ref().map_or_else(Options::default, |a| {
                let r = &a.report;
                let mut templates: Vec<_> = r.templates.iter().collect();
                crate::sort::sort_by(&mut templates, |x, y| {
                    y.count.cmp(&x.count).then(x.id.cmp(&y.id))
                });
                Options {
                    services: counted(&r.input.services),
                    levels: counted(&r.input.levels),
                    templates: templates
                        .into_iter()
                        .take(MAX_TEMPLATE_OPTIONS)
                        .map(|t| {
                            let text = short(&t.template, 70);
                            let label = format!("#{} {text} ({})", t.id, thousands(t.count as f64));
                            (t.id.to_string(), label)
                        })
                        .collect(),
                }
            })
        })
    });

    let block_top = move || {
        let n = total.get().unwrap_or(0);
        let (off, _) = window.get();
        geometry(n).top_of(off, scroll_top.get())
    };
    let spacer_h = move || geometry(total.get().unwrap_or(0)).height;
    let searching = move || !regex.get().is_empty();

    view! {
        <section class="panel logs">
            <h2>"Logs"</h2>
            <div class="log-filters" role="search" aria-label="Filter the log lines">
                <FilterSelect label="Service" testid="logs-service" all="All services" value=service
                    options=Signal::derive(move || options.with(|o| o.services.clone())) />
                <FilterSelect label="Level" testid="logs-level" all="All levels" value=level
                    options=Signal::derive(move || options.with(|o| o.levels.clone())) />
                <FilterSelect label="Template" testid="logs-template" all="All templates" value=template
                    grow=true options=Signal::derive(move || options.with(|o| o.templates.clone())) />
                <label class="grow">
                    <span>"Search (regex)"</span>
                    <input
                        type="search"
                        data-testid="logs-regex"
                        placeholder="e.g. pool (exhausted|timeout)"
                        spellcheck="false"
                        autocomplete="off"
                        aria-invalid=move || regex_error.get().is_some().to_string()
                        aria-describedby="logs-regex-error"
                        prop:value=move || search.get()
                        on:input=on_search
                        on:keydown=on_search_key
                    />
                </label>
                <button type="button" data-testid="logs-clear" on:click=clear>
                    "Clear filters"
                </button>
            </div>
            <p id="logs-regex-error" class="error inline" role="alert" data-testid="logs-regex-error"
                hidden=move || regex_error.get().is_none()>
                {move || regex_error.get()}
            </p>
            <p class="log-summary" aria-live="polite">
                <span data-testid="logs-total">
                    {move || total.get().map_or_else(|| "…".to_string(), |n| n.to_string())}
                </span>
                {move || if searching() { " matching lines, " } else { " lines, " }}
                <span data-testid="logs-events">{move || events.get().to_string()}</span>
                " events"
                {move || {
                    note.get().map(|n| view! { <span class="note" data-testid="logs-note">{n}</span> })
                }}
            </p>
            {move || match state.get() {
                State::Empty(msg) => Some(view! { <p class="hint" data-testid="logs-empty">{msg}</p> }),
                _ => None,
            }}
            <div
                class="log-viewport"
                node_ref=viewport
                data-testid="log-viewport"
                tabindex="0"
                role="list"
                aria-label="Log lines (arrow keys and Page Up/Down scroll)"
                aria-busy=move || (state.get() == State::Loading).to_string()
                on:scroll=on_scroll
            >
                <div class="log-spacer" role="presentation" style:height=move || format!("{}px", spacer_h())>
                    <div
                        class="log-block"
                        role="presentation"
                        style:transform=move || format!("translateY({}px)", block_top())
                    >
                        {move || {
                            let n = total.get().unwrap_or(0);
                            let hl = highlight.get();
                            rows.get()
                                .into_iter()
                                .map(|r| row_view(r, n, hl.as_ref()))
                                .collect_view()
                        }}
                    </div>
                </div>
            </div>
        </section>
    }
}

/// Focuses the highlighted row in the log view's viewport `el`, if it is drawn.
fn focus_row(el: &web_sys::HtmlElement) {
    use wasm_bindgen::JsCast;
    if let Ok(Some(row)) = el.query_selector(".log-row.focused") {
        if let Ok(row) = row.dyn_into::<web_sys::HtmlElement>() {
            let _ = row.focus();
        }
    }
}

fn row_view(r: RowView, total: u64, highlight: Option<&(String, u32)>) -> impl IntoView {
    let focused = highlight.is_some_and(|(f, l)| *f == r.file && *l == r.line);
    let level = r.level.clone().unwrap_or_default();
    let level_class = format!("lvl lvl-{}", if r.continuation { "" } else { &level });
    let time_short = r.time.as_deref().map(clock).unwrap_or_default();
    view! {
        <div
            class="log-row"
            class:focused=focused
            class:cont=r.continuation
            class:unparsed=r.unparsed
            role="listitem"
            data-testid="log-row"
            data-file=r.file.clone()
            data-line=r.line
            aria-current=focused.then_some("true")
            tabindex=focused.then_some("-1")
            aria-posinset=r.index + 1
            aria-setsize=total
        >
            <span class="loc">{format!("{}:{}", r.file, r.line)}</span>
            <span class="time" title=r.time.clone().unwrap_or_default()>{time_short}</span>
            <span class=level_class>{if r.continuation { String::new() } else { level }}</span>
            <span class="svc">{if r.continuation { None } else { r.service.clone() }}</span>
            <span class="msg">{r.text}</span>
        </div>
    }
}

/// Row positions in the scroll area, exact (one row per [`ROW_H`]) or, past [`MAX_PX`],
/// proportional.
struct Geometry {
    rows: u64,
    viewport: f64,
    height: f64,
}

impl Geometry {
    fn new(rows: u64, viewport: f64) -> Geometry {
        Geometry {
            rows,
            viewport,
            height: (rows as f64 * ROW_H).min(MAX_PX),
        }
    }

    fn scaled(&self) -> bool {
        self.rows as f64 * ROW_H > MAX_PX
    }

    /// Rows that fit in the viewport.
    fn page(&self) -> f64 {
        (self.viewport / ROW_H).floor()
    }

    /// The (fractional) row at the top of the viewport.
    fn first_exact(&self, top: f64) -> f64 {
        if !self.scaled() {
            return top / ROW_H;
        }
        let span = (self.height - self.viewport).max(1.0);
        (top / span).clamp(0.0, 1.0) * (self.rows as f64 - self.page()).max(0.0)
    }

    fn first_row(&self, top: f64) -> u64 {
        self.first_exact(top).floor() as u64
    }

    /// Where, in the spacer, the row `index` is drawn when the viewport is at `top`.
    fn top_of(&self, index: u64, top: f64) -> f64 {
        if !self.scaled() {
            return index as f64 * ROW_H;
        }
        top + (index as f64 - self.first_exact(top)) * ROW_H
    }

    /// The scroll position that puts row `index` in the middle of the viewport.
    fn scroll_for(&self, index: u64) -> f64 {
        let want = (index as f64 - self.page() / 2.0).max(0.0);
        if !self.scaled() {
            return want * ROW_H;
        }
        let rows = (self.rows as f64 - self.page()).max(1.0);
        (want / rows).clamp(0.0, 1.0) * (self.height - self.viewport).max(0.0)
    }
}

#[derive(Clone, Default, PartialEq)]
/// The filter choices: `(value, label)` per option, labels with their event counts.
struct Options {
    services: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    templates: Vec<(String, String)>,
}

fn counted(rows: &[crate::report::Count]) -> Vec<(String, String)> {
    rows.iter()
        .map(|c| {
            (
                c.name.clone(),
                format!("{} ({})", c.name, thousands(c.events as f64)),
            )
        })
        .collect()
}

/// One filter: a labelled select whose empty value means "all".
#[component]
fn FilterSelect(
    label: &'static str,
    testid: &'static str,
    all: &'static str,
    value: RwSignal<String>,
    options: Signal<Vec<(String, String)>>,
    #[prop(optional)] grow: bool,
) -> impl IntoView {
    view! {
        <label class:grow=grow>
            <span>{label}</span>
            <select
                data-testid=testid
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="">{all}</option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| view! { <option value=v>{text}</option> })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

fn one(v: String) -> Vec<String> {
    if v.is_empty() {
        Vec::new()
    } else {
        vec![v]
    }
}

fn json(f: &Filter) -> String {
    serde_json::to_string(f).unwrap_or_default()
}

/// `2024-05-01T10:00:01.250Z` -> `10:00:01.250`.
fn clock(t: &str) -> String {
    t.split_once('T')
        .map_or(t, |(_, c)| c)
        .trim_end_matches('Z')
        .to_string()
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}
