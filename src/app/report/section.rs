//! Pieces every section uses: the section frame (heading, id, test id), the "nothing here"
//! line, evidence lists and small number formats.

use crate::app::nav::EvidenceLink;
use crate::Evidence;
use leptos::prelude::*;

/// A report section: `<section id=… data-testid="section-…">` with an `<h2>` that names it.
#[component]
pub fn Section(
    id: &'static str,
    title: &'static str,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section
            class=format!("panel report-section {class}")
            id=id
            data-testid=format!("section-{id}")
            aria-labelledby=format!("{id}-heading")
        >
            <h2 id=format!("{id}-heading")>{title}</h2>
            {children()}
        </section>
    }
}

/// Said where a section or list has no data, so its absence is a fact, not a bug.
#[component]
pub fn Empty(text: &'static str) -> impl IntoView {
    view! { <p class="empty" data-testid="empty">{text}</p> }
}

/// Evidence links in a row; with `with_text`, one per line with the verbatim text.
#[component]
pub fn EvidenceList(
    evidence: Vec<Evidence>,
    #[prop(optional)] with_text: bool,
    #[prop(optional)] what: &'static str,
) -> impl IntoView {
    if evidence.is_empty() {
        let text = if what.is_empty() {
            "No evidence lines."
        } else {
            what
        };
        return view! { <p class="empty" data-testid="empty">{text}</p> }.into_any();
    }
    let class = if with_text {
        "evidence-list lines"
    } else {
        "evidence-list inline"
    };
    view! {
        <ul class=class>
            {evidence
                .into_iter()
                .map(|e| view! { <li><EvidenceLink evidence=e with_text=with_text /></li> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// An optional evidence line as a link, or a dash.
pub fn maybe_link(e: Option<Evidence>) -> AnyView {
    match e {
        Some(e) => view! { <EvidenceLink evidence=e /> }.into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// `0.739` -> `74%`.
pub fn percent(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).clamp(0.0, 100.0))
}

/// `snake_case` class names as words.
pub fn words(class: &str) -> String {
    crate::report::class_words(class)
}

/// An optional string, or a dash.
pub fn or_dash(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())
}

/// Seconds as a short human duration: `321.952` -> `5 min 22 s`.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return "—".into();
    }
    let s = secs.round() as u64;
    match s {
        0 => format!("{:.1} s", secs),
        1..=59 => format!("{s} s"),
        60..=3599 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// Under a capped list: "Showing 50 of 812 dependencies. Show all 812" until `all` is set.
#[component]
pub fn ShowAll(
    total: usize,
    shown: usize,
    all: RwSignal<bool>,
    what: &'static str,
    testid: &'static str,
) -> impl IntoView {
    move || {
        (total > shown && !all.get()).then(|| {
            view! {
                <p class="capped">
                    {format!("Showing {shown} of {total} {what}. ")}
                    <button type="button" class="link" data-testid=testid on:click=move |_| all.set(true)>
                        {format!("Show all {total}")}
                    </button>
                </p>
            }
        })
    }
}
