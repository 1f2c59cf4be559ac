//! The Templates view: the mined templates, most frequent first, each with its count, a
//! sparkline of its events over the incident's time range, and a "new" badge when a baseline
//! never showed it. A filter box narrows the list; the first 50 are shown until "show all".

use crate::app::engine::Engine;
use crate::report::{TemplateRow, TimeRange};
use leptos::prelude::*;

/// Templates shown before "show all".
const TEMPLATES_SHOWN: usize = 50;
/// Sparkline size in CSS pixels.
const SPARK_W: f64 = 96.0;
const SPARK_H: f64 = 20.0;

#[derive(Clone, PartialEq)]
struct Data {
    rows: Vec<TemplateRow>,
    range: Option<TimeRange>,
    baseline: bool,
}

#[component]
pub fn TemplatesView() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let data: Memo<Option<Data>> = Memo::new(move |_| {
        engine.report.with(|a| {
            a.as_ref().map(|a| Data {
                rows: a.report.templates.clone(),
                range: a.report.input.time_range.clone(),
                baseline: a.report.input.baseline.is_some(),
            })
        })
    });
    let show_all = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    move || {
        data.get().map(|d| {
            let total = d.rows.len();
            let needle = filter.get().to_lowercase();
            let matching: Vec<TemplateRow> = d
                .rows
                .into_iter()
                .filter(|t| needle.is_empty() || t.template.to_lowercase().contains(&needle))
                .collect();
            let found = matching.len();
            let all = show_all.get();
            let shown: Vec<TemplateRow> = if all {
                matching
            } else {
                matching.into_iter().take(TEMPLATES_SHOWN).collect()
            };
            let range = d
                .range
                .as_ref()
                .map(|r| format!("Sparklines: events over {} → {}, in 24 equal slices.", r.start, r.end))
                .unwrap_or_else(|| "No timestamps recognised, so no sparklines.".into());
            view! {
                <section class="panel templates" aria-labelledby="templates-heading">
                    <h2 id="templates-heading">"Templates " <span class="muted">{format!("({total})")}</span></h2>
                    <div class="templates-tools">
                        <label for="template-filter">"Filter templates"</label>
                        <input
                            id="template-filter"
                            type="search"
                            data-testid="template-filter"
                            placeholder="text in the template"
                            prop:value=move || filter.get()
                            on:input=move |ev| filter.set(event_target_value(&ev))
                        />
                        <span class="muted" data-testid="templates-count" role="status">
                            {if needle.is_empty() {
                                format!("{total} template(s)")
                            } else {
                                format!("{found} of {total} match")
                            }}
                        </span>
                    </div>
                    <p class="hint">
                        {range}
                        {(!d.baseline).then_some(" No baseline given, so nothing is marked new.")}
                    </p>
                    {(found == 0).then(|| view! { <p class="empty">"No template matches the filter."</p> })}
                    <ol data-testid="templates">
                        {shown
                            .into_iter()
                            .map(|t| {
                                view! {
                                    <li data-testid="template" data-id=t.id data-new=t.new.then_some("true")>
                                        <span class="num count" title="events">{t.count}</span>
                                        <Sparkline counts=t.sparkline />
                                        {t.new.then(|| view! {
                                            <span class="badge new" data-testid="template-new">"new"</span>
                                        })}
                                        <code>{t.template}</code>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    {(found > TEMPLATES_SHOWN && !all).then(|| view! {
                        <button type="button" data-testid="templates-show-all" on:click=move |_| show_all.set(true)>
                            {format!("Show all {found}")}
                        </button>
                    })}
                </section>
            }
        })
    }
}

/// Bars of the template's events per time slice, scaled to its own busiest slice.
#[component]
fn Sparkline(counts: Vec<u32>) -> impl IntoView {
    if counts.is_empty() {
        return view! { <span class="spark spark-none" aria-hidden="true"></span> }.into_any();
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let w = SPARK_W / counts.len() as f64;
    let busiest = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, std::cmp::Reverse(*i)))
        .map(|(i, _)| i + 1)
        .unwrap_or(1);
    let label = format!(
        "Events over time in {} slices; busiest slice {busiest}.",
        counts.len()
    );
    let joined = counts
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let bars = counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| {
            let h = (*c as f64 / max * (SPARK_H - 2.0)).max(2.0);
            view! {
                <rect x=format!("{:.1}", i as f64 * w) y=format!("{:.1}", SPARK_H - h) width=format!("{:.1}", (w - 1.0).max(1.0)) height=format!("{h:.1}") />
            }
        })
        .collect_view();
    view! {
        <svg
            class="spark"
            data-testid="sparkline"
            data-counts=joined
            viewBox=format!("0 0 {SPARK_W} {SPARK_H}")
            width=SPARK_W.to_string()
            height=SPARK_H.to_string()
            role="img"
            aria-label=label
        >
            <line class="baseline" x1="0" x2=SPARK_W.to_string() y1=format!("{}", SPARK_H - 0.5) y2=format!("{}", SPARK_H - 0.5) />
            {bars}
        </svg>
    }
    .into_any()
}
