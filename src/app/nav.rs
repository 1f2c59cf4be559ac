//! Which view is shown, and the log line an evidence link asked for.
//!
//! Every evidence reference on the page is an [`EvidenceLink`]: clicking it switches to the
//! log view with that line focused (scrolled to and highlighted). Views read [`Nav`] from
//! context; nothing else moves between them.

use crate::Evidence;
use leptos::prelude::*;

/// The page's views, one tab each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Report,
    Logs,
    Templates,
    History,
    Narrative,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Report,
        View::Logs,
        View::Templates,
        View::History,
        View::Narrative,
    ];

    pub fn label(self) -> &'static str {
        match self {
            View::Report => "Report",
            View::Logs => "Logs",
            View::Templates => "Templates",
            View::History => "History",
            View::Narrative => "Narrative",
        }
    }

    /// The `data-testid` suffix and element id part.
    pub fn key(self) -> &'static str {
        match self {
            View::Report => "report",
            View::Logs => "logs",
            View::Templates => "templates",
            View::History => "history",
            View::Narrative => "narrative",
        }
    }
}

/// A line of an input file: what an evidence link points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRef {
    pub file: String,
    /// 1-based.
    pub line: u32,
}

/// Copyable handle shared through context.
#[derive(Clone, Copy)]
pub struct Nav {
    pub view: RwSignal<View>,
    /// The line the log view should scroll to and highlight.
    pub focus: RwSignal<Option<LineRef>>,
}

impl Nav {
    pub fn new() -> Nav {
        Nav {
            view: RwSignal::new(View::Report),
            focus: RwSignal::new(None),
        }
    }

    /// Opens the log view at `line`.
    pub fn open_line(self, line: LineRef) {
        self.focus.set(Some(line));
        self.view.set(View::Logs);
    }
}

/// `file:line` as a button that opens the log view there. The verbatim text, when given, is
/// shown after it as plain text (never markup).
#[component]
pub fn EvidenceLink(evidence: Evidence, #[prop(optional)] with_text: bool) -> impl IntoView {
    let nav = expect_context::<Nav>();
    let target = LineRef {
        file: evidence.file.clone(),
        line: evidence.line,
    };
    let label = format!("{}:{}", evidence.file, evidence.line);
    let aria = format!("Open {label} in the log view");
    view! {
        <span class="evidence">
            <button
                type="button"
                class="evidence-link"
                data-testid="evidence-link"
                data-file=evidence.file.clone()
                data-line=evidence.line
                aria-label=aria
                on:click=move |_| nav.open_line(target.clone())
            >
                {label}
            </button>
            {with_text.then(|| view! { <code class="evidence-text">{evidence.text.clone()}</code> })}
        </span>
    }
}
