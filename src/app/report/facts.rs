//! The input facts the report gives: line and event counts (unparsed and invalid UTF-8
//! included), time range, baseline, files, counts by format, level and service.

use crate::app::engine::Engine;
use crate::report::{Count, InputSummary};
use leptos::prelude::*;

#[component]
pub fn InputFacts() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let input = Memo::new(move |_| {
        engine
            .report
            .with(|a| a.as_ref().map(|a| a.report.input.clone()))
    });
    move || {
        input.get().map(|i| {
            view! {
                <section class="panel facts" id="input" data-testid="section-input" aria-labelledby="input-heading">
                    <h2 id="input-heading">"Input"</h2>
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
fn Numbers(input: InputSummary) -> impl IntoView {
    let range = input
        .time_range
        .as_ref()
        .map(|r| format!("{} → {}", r.start, r.end))
        .unwrap_or_else(|| "no timestamps recognised".into());
    let baseline = match &input.baseline {
        Some(b) => format!(
            "{} file(s), {} lines, {} events; {} incident template(s) never seen in it",
            b.files, b.lines, b.events, b.new_templates
        ),
        None => "none given (nothing to contrast the incident with)".into(),
    };
    view! {
        <dl class="numbers">
            <div><dt>"Lines"</dt><dd data-testid="input-lines">{input.lines}</dd></div>
            <div><dt>"Events"</dt><dd data-testid="input-events">{input.events}</dd></div>
            <div><dt>"Unparsed lines"</dt><dd data-testid="input-unparsed">{input.unparsed_lines}</dd></div>
            <div><dt>"Timestamped events"</dt><dd data-testid="input-timestamped">{input.timestamped_events}</dd></div>
            <div><dt>"Invalid UTF-8 lines"</dt><dd data-testid="input-invalid-utf8">{input.invalid_utf8}</dd></div>
            <div><dt>"Bytes"</dt><dd data-testid="input-bytes">{input.bytes}</dd></div>
            <div class="wide"><dt>"Time range"</dt><dd data-testid="time-range">{range}</dd></div>
            <div class="wide">
                <dt>"Baseline"</dt>
                <dd data-testid="baseline">{baseline}</dd>
            </div>
        </dl>
    }
}

#[component]
fn CountTable(title: &'static str, testid: &'static str, rows: Vec<Count>) -> impl IntoView {
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
fn Files(input: InputSummary) -> impl IntoView {
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
