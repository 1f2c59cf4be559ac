//! The input facts the report gives: line and event counts, time range, files, counts by
//! format, level and service, and the mined templates.

use super::engine::Engine;
use super::model::{CountView, InputView, TemplateView};
use leptos::prelude::*;

/// Templates shown before "show all".
const TEMPLATES_SHOWN: usize = 50;

#[component]
pub fn InputFacts() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let input = Memo::new(move |_| engine.report.with(|r| r.as_ref().map(|r| r.input.clone())));
    move || {
        input.get().map(|i| {
            view! {
                <section class="panel facts">
                    <h2>"Input"</h2>
                    <Numbers input=i.clone() />
                    <div class="tables">
                        <CountTable title="Formats" testid="formats" rows=i.formats.clone() />
                        <CountTable title="Levels" testid="levels" rows=i.levels.clone() />
                        <CountTable title="Services" testid="services" rows=i.services.clone() />
                    </div>
                    <Files input=i />
                </section>
            }
        })
    }
}

#[component]
fn Numbers(input: InputView) -> impl IntoView {
    let range = input
        .time_range
        .as_ref()
        .map(|r| format!("{} → {}", r.start, r.end))
        .unwrap_or_else(|| "no timestamps recognised".into());
    view! {
        <dl class="numbers">
            <div><dt>"Lines"</dt><dd data-testid="input-lines">{input.lines}</dd></div>
            <div><dt>"Events"</dt><dd data-testid="input-events">{input.events}</dd></div>
            <div><dt>"Unparsed lines"</dt><dd data-testid="input-unparsed">{input.unparsed_lines}</dd></div>
            <div><dt>"Timestamped events"</dt><dd data-testid="input-timestamped">{input.timestamped_events}</dd></div>
            <div class="wide"><dt>"Time range"</dt><dd data-testid="time-range">{range}</dd></div>
        </dl>
    }
}

#[component]
fn CountTable(title: &'static str, testid: &'static str, rows: Vec<CountView>) -> impl IntoView {
    view! {
        <table class="counts" data-testid=testid>
            <caption>{title}</caption>
            <tbody>
                {rows
                    .into_iter()
                    .map(|c| view! { <tr><td class="name">{c.name}</td><td class="num">{c.events}</td></tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Files(input: InputView) -> impl IntoView {
    view! {
        <table class="files" data-testid="files">
            <caption>"Files"</caption>
            <thead>
                <tr><th>"Name"</th><th>"Format"</th><th class="num">"Lines"</th><th class="num">"Bytes"</th></tr>
            </thead>
            <tbody>
                {input
                    .files
                    .into_iter()
                    .map(|f| {
                        let name = if f.gzip { format!("{} (gzip)", f.name) } else { f.name };
                        view! {
                            <tr>
                                <td class="name">{name}</td>
                                <td>{f.format}</td>
                                <td class="num">{f.lines}</td>
                                <td class="num">{f.bytes}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The mined templates, most frequent first.
#[component]
pub fn Templates() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let templates: Memo<Option<Vec<TemplateView>>> = Memo::new(move |_| {
        engine
            .report
            .with(|r| r.as_ref().map(|r| r.templates.clone()))
    });
    let show_all = RwSignal::new(false);
    move || {
        templates.get().map(|all| {
            let total = all.len();
            let shown: Vec<TemplateView> = if show_all.get() {
                all
            } else {
                all.into_iter().take(TEMPLATES_SHOWN).collect()
            };
            view! {
                <section class="panel templates">
                    <h2>"Templates " <span class="muted">{format!("({total})")}</span></h2>
                    <ol data-testid="templates">
                        {shown
                            .into_iter()
                            .map(|t| {
                                view! {
                                    <li>
                                        <span class="num count">{t.count}</span>
                                        <code>{t.template}</code>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    {(total > TEMPLATES_SHOWN && !show_all.get()).then(|| view! {
                        <button on:click=move |_| show_all.set(true)>{format!("Show all {total}")}</button>
                    })}
                </section>
            }
        })
    }
}
