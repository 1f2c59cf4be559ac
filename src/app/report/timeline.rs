//! The timeline: an SVG with one lane per service and time across, a mark per timed entry
//! (size by count; errors a red diamond, warnings an amber circle, the rest grey; patient zero
//! ringed and labelled), each mark focusable and opening its evidence line; then every entry,
//! timed or not, as a list.

use super::section::{or_dash, words, Empty, Section};
use crate::app::model::Analysis;
use crate::app::nav::{EvidenceLink, LineRef, Nav};
use crate::report::chart::{self, TimeAxis, NO_SERVICE};
use crate::report::TimelineEntry;
use leptos::prelude::*;
use std::sync::Arc;

/// The SVG's user units: it scales to its box, and scrolls under a minimum width.
const WIDTH: f64 = 1000.0;
const AXIS_H: f64 = 30.0;
const LANE_H: f64 = 38.0;
const RIGHT_PAD: f64 = 24.0;
/// Event lists longer than this start collapsed.
pub const EVENTS_OPEN: usize = 15;

#[component]
pub fn Timeline(a: Arc<Analysis>) -> impl IntoView {
    let r = &a.report;
    let entries = r.timeline.clone();
    view! {
        <Section id="timeline" title="Timeline">
            {if entries.is_empty() {
                view! { <Empty text="No abnormal events to put on a timeline." /> }.into_any()
            } else {
                view! {
                    <TimelineChart a=a.clone() />
                    <EventList entries=entries />
                }
                .into_any()
            }}
        </Section>
    }
}

fn is_error(level: Option<&str>) -> bool {
    matches!(
        level.map(str::to_ascii_lowercase).as_deref(),
        Some("error" | "fatal" | "critical" | "crit" | "alert" | "emerg" | "panic")
    )
}

fn is_warn(level: Option<&str>) -> bool {
    matches!(
        level.map(str::to_ascii_lowercase).as_deref(),
        Some("warn" | "warning")
    )
}

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

#[component]
fn TimelineChart(a: Arc<Analysis>) -> impl IntoView {
    let nav = expect_context::<Nav>();
    let r = &a.report;
    let pz = r
        .forensic
        .patient_zero
        .as_ref()
        .map(|p| (p.evidence.file.clone(), p.evidence.line));
    let timed: Vec<(i64, &TimelineEntry)> = r
        .timeline
        .iter()
        .filter_map(|e| Some((chart::parse_time_ms(e.time.as_deref()?)?, e)))
        .collect();
    let spans: Vec<(String, i64, i64)> = r
        .affected_services
        .iter()
        .filter_map(|s| {
            let first = chart::parse_time_ms(s.first_signal.as_deref()?)?;
            let last = s
                .last_signal
                .as_deref()
                .and_then(chart::parse_time_ms)
                .unwrap_or(first);
            Some((s.name.clone(), first, last))
        })
        .collect();
    // Patient zero as its own mark when no timeline entry is its line (and it has a time).
    let lone_pz = r.forensic.patient_zero.as_ref().filter(|p| {
        !timed
            .iter()
            .any(|(_, e)| e.evidence.file == p.evidence.file && e.evidence.line == p.evidence.line)
    });
    let lone_pz = lone_pz.and_then(|p| Some((chart::parse_time_ms(p.time.as_deref()?)?, p)));
    let lanes = chart::lanes(
        &r.forensic.propagation_path,
        r.timeline
            .iter()
            .map(|e| e.service.as_deref())
            .chain(lone_pz.map(|(_, p)| p.service.as_deref())),
        r.affected_services.iter().map(|s| s.name.as_str()),
    );
    let label_w = lanes
        .iter()
        .map(|l| l.chars().count().min(26) as f64 * 7.0 + 18.0)
        .fold(90.0, f64::max);
    let times = timed
        .iter()
        .map(|(t, _)| *t)
        .chain(spans.iter().flat_map(|(_, a, b)| [*a, *b]))
        .chain(lone_pz.map(|(t, _)| t));
    let Some(axis) = TimeAxis::over(times, label_w + 12.0, WIDTH - RIGHT_PAD) else {
        return view! { <Empty text="No timeline entry has a time, so there is nothing to chart; the list below has them all." /> }
            .into_any();
    };
    let height = AXIS_H + lanes.len() as f64 * LANE_H + 8.0;
    let lane_y = |service: Option<&str>| {
        let name = service.unwrap_or(NO_SERVICE);
        let i = lanes.iter().position(|l| l == name).unwrap_or(0);
        AXIS_H + i as f64 * LANE_H + LANE_H / 2.0
    };
    let ticks = axis.ticks(8);
    let lane_views = lanes
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let y = AXIS_H + i as f64 * LANE_H;
            let shown: String = if l.chars().count() > 26 {
                l.chars().take(25).chain(['…']).collect()
            } else {
                l.clone()
            };
            view! {
                <g class="lane" data-testid="timeline-lane" data-service=l.clone()>
                    <rect class=if i % 2 == 0 { "lane-bg even" } else { "lane-bg" } x="0" y=fmt(y) width=fmt(WIDTH) height=fmt(LANE_H) />
                    <text class="lane-label" x="8" y=fmt(y + LANE_H / 2.0 + 4.0)>
                        <title>{l.clone()}</title>
                        {shown}
                    </text>
                </g>
            }
        })
        .collect_view();
    let span_views = spans
        .iter()
        .map(|(name, first, last)| {
            let (x0, x1) = (axis.x(*first), axis.x(*last));
            let y = lane_y(Some(name));
            view! {
                <rect class="signal-span" x=fmt(x0 - 2.0) y=fmt(y - 7.0) width=fmt((x1 - x0).max(0.0) + 4.0) height="14" rx="7">
                    <title>{format!("{name}: abnormal signals from {} to {}", chart::format_ms(*first), chart::format_ms(*last))}</title>
                </rect>
            }
        })
        .collect_view();
    let tick_views = ticks
        .into_iter()
        .map(|(t, label)| {
            let x = axis.x(t);
            // Labels near the right edge end at their tick, so none is cut off.
            let anchor = if x > WIDTH - 45.0 { "end" } else { "middle" };
            view! {
                <g class="tick">
                    <line x1=fmt(x) x2=fmt(x) y1=fmt(AXIS_H - 6.0) y2=fmt(height - 8.0) />
                    <text x=fmt(x) y=fmt(AXIS_H - 12.0) text-anchor=anchor>{label}</text>
                </g>
            }
        })
        .collect_view();
    let mark_views = timed
        .iter()
        .map(|(t, e)| {
            let x = axis.x(*t);
            let y = lane_y(e.service.as_deref());
            let rad = chart::mark_radius(e.count);
            let level = e.level.as_deref();
            let is_pz = pz.as_ref().is_some_and(|(f, l)| *f == e.evidence.file && *l == e.evidence.line);
            let kind = if is_error(level) { "error" } else if is_warn(level) { "warn" } else { "other" };
            let target = LineRef { file: e.evidence.file.clone(), line: e.evidence.line };
            let target2 = target.clone();
            let title = format!(
                "{}{} {} {}: {} (×{}) — {}:{}",
                if is_pz { "Patient zero. " } else { "" },
                e.time.clone().unwrap_or_default(),
                e.service.clone().unwrap_or_else(|| NO_SERVICE.into()),
                e.level.clone().unwrap_or_else(|| "no level".into()),
                e.text,
                e.count,
                e.evidence.file,
                e.evidence.line
            );
            let aria = title.clone();
            let shape = if kind == "error" {
                let d = rad * 1.3;
                view! {
                    <polygon class="shape" points=format!("{},{} {},{} {},{} {},{}", fmt(x), fmt(y - d), fmt(x + d), fmt(y), fmt(x), fmt(y + d), fmt(x - d), fmt(y)) />
                }
                .into_any()
            } else {
                view! { <circle class="shape" cx=fmt(x) cy=fmt(y) r=fmt(rad) /> }.into_any()
            };
            view! {
                <g
                    class=format!("mark mark-{kind}{}", if is_pz { " patient-zero" } else { "" })
                    tabindex="0"
                    role="button"
                    aria-label=aria
                    data-testid="timeline-mark"
                    data-file=e.evidence.file.clone()
                    data-line=e.evidence.line
                    data-level=kind
                    data-patient-zero=is_pz.then_some("true")
                    on:click=move |_| nav.open_line(target.clone())
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            nav.open_line(target2.clone());
                        }
                    }
                >
                    <title>{title}</title>
                    <circle class="focus-ring" cx=fmt(x) cy=fmt(y) r=fmt(rad + 6.0) />
                    {is_pz.then(|| view! {
                        <circle class="pz-ring" cx=fmt(x) cy=fmt(y) r=fmt(rad + 4.0) />
                    })}
                    {shape}
                    {is_pz.then(|| view! {
                        <text class="pz-label" x=fmt(x) y=fmt(y - rad - 8.0) text-anchor="middle">"patient zero"</text>
                    })}
                </g>
            }
        })
        .collect_view();
    let pz_view = lone_pz.map(|(t, p)| {
        let (x, y) = (axis.x(t), lane_y(p.service.as_deref()));
        let target = LineRef { file: p.evidence.file.clone(), line: p.evidence.line };
        let target2 = target.clone();
        let title = format!(
            "Patient zero. {} {}: {}:{}",
            p.time.clone().unwrap_or_default(),
            p.service.clone().unwrap_or_else(|| NO_SERVICE.into()),
            p.evidence.file,
            p.evidence.line
        );
        let aria = title.clone();
        view! {
            <g
                class="mark mark-other patient-zero"
                tabindex="0"
                role="button"
                aria-label=aria
                data-testid="timeline-pz"
                data-file=p.evidence.file.clone()
                data-line=p.evidence.line
                data-patient-zero="true"
                on:click=move |_| nav.open_line(target.clone())
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        ev.prevent_default();
                        nav.open_line(target2.clone());
                    }
                }
            >
                <title>{title}</title>
                <circle class="focus-ring" cx=fmt(x) cy=fmt(y) r="14" />
                <circle class="pz-ring" cx=fmt(x) cy=fmt(y) r="8" />
                <circle class="shape" cx=fmt(x) cy=fmt(y) r="4" />
                <text class="pz-label" x=fmt(x) y=fmt(y - 12.0) text-anchor="middle">"patient zero"</text>
            </g>
        }
    });
    let untimed = r.timeline.len() - timed.len();
    let summary = format!(
        "{} timed event(s) across {} service lane(s), {} to {}.",
        timed.len(),
        lanes.len(),
        chart::format_ms(axis.start),
        chart::format_ms(axis.end)
    );
    let skip = move |_| {
        if let Some(el) = document().get_element_by_id("timeline-events-summary") {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    };
    view! {
        // Every mark is a stop for the keyboard: one step past them all.
        <button type="button" class="link skip-chart" data-testid="timeline-skip" on:click=skip>
            {format!("Skip the chart ({} marks) to the event list", timed.len() + usize::from(lone_pz.is_some()))}
        </button>
        <div class="chart-scroll" data-testid="timeline-scroll">
            <svg
                class="timeline-chart"
                data-testid="timeline-svg"
                viewBox=format!("0 0 {} {}", fmt(WIDTH), fmt(height))
                role="group"
                aria-label=format!("Timeline chart. {summary} Each mark opens its log line.")
            >
                {lane_views}
                {tick_views}
                {span_views}
                {mark_views}
                {pz_view}
            </svg>
        </div>
        <Legend />
        <p class="hint">
            {summary}
            {(untimed > 0).then(|| format!(" {untimed} entr(y/ies) without a time are in the list only."))}
        </p>
    }
    .into_any()
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <ul class="legend" aria-label="Legend">
            <li><svg viewBox="0 0 16 16" aria-hidden="true" class="mark mark-error"><polygon class="shape" points="8,1 15,8 8,15 1,8" /></svg>"error / fatal"</li>
            <li><svg viewBox="0 0 16 16" aria-hidden="true" class="mark mark-warn"><circle class="shape" cx="8" cy="8" r="6" /></svg>"warning"</li>
            <li><svg viewBox="0 0 16 16" aria-hidden="true" class="mark mark-other"><circle class="shape" cx="8" cy="8" r="6" /></svg>"other level"</li>
            <li><svg viewBox="0 0 16 16" aria-hidden="true" class="mark patient-zero"><circle class="pz-ring" cx="8" cy="8" r="6.5" /><circle class="shape" cx="8" cy="8" r="3" /></svg>"patient zero"</li>
            <li><svg viewBox="0 0 24 16" aria-hidden="true"><rect class="signal-span" x="1" y="4" width="22" height="8" rx="4" /></svg>"first to last signal of an affected service"</li>
            <li class="muted">"Bigger marks: more events collapsed into one entry."</li>
        </ul>
    }
}

#[component]
fn EventList(entries: Vec<TimelineEntry>) -> impl IntoView {
    let n = entries.len();
    let n_open = n <= EVENTS_OPEN;
    view! {
        // A long list starts collapsed: the chart and the sections below stay within reach.
        <details class="events" open=n_open data-testid="timeline-events-details">
        <summary id="timeline-events-summary" data-testid="timeline-events-summary"><h3>{format!("Events ({n})")}</h3></summary>
        <table class="stack events" data-testid="timeline-events">
            <thead>
                <tr>
                    <th scope="col">"Time"</th>
                    <th scope="col">"Service"</th>
                    <th scope="col">"Level"</th>
                    <th scope="col">"Class"</th>
                    <th scope="col">"Text"</th>
                    <th scope="col" class="num">"Count"</th>
                    <th scope="col">"Evidence"</th>
                </tr>
            </thead>
            <tbody>
                {entries
                    .into_iter()
                    .map(|e| {
                        let level = e.level.clone();
                        let kind = if is_error(level.as_deref()) { "error" } else if is_warn(level.as_deref()) { "warn" } else { "other" };
                        view! {
                            <tr data-testid="timeline-row" class=format!("row-{kind}")>
                                <td data-label="Time" class="time">{or_dash(e.time)}</td>
                                <td data-label="Service" class="name">{or_dash(e.service)}</td>
                                <td data-label="Level"><span class=format!("level level-{kind}")>{or_dash(level)}</span></td>
                                <td data-label="Class">{or_dash(e.failure_class.map(|c| words(&c)))}</td>
                                <td data-label="Text" class="text"><code>{e.text}</code></td>
                                <td data-label="Count" class="num">{e.count}</td>
                                <td data-label="Evidence"><EvidenceLink evidence=e.evidence /></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        </details>
    }
}
