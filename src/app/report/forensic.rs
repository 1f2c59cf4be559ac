//! The forensic report: patient zero, propagation path, trigger, time to impact, blast radius,
//! user-impact lines, the ranked alternative candidates and the dependencies seen.

use super::section::{duration, maybe_link, or_dash, percent, words, Empty, EvidenceList, Section};
use crate::app::model::Analysis;
use crate::app::nav::EvidenceLink;
use crate::report::{BlastEntity, Candidate, Dependency, PatientZero, Trigger};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn ForensicReport(a: Arc<Analysis>) -> impl IntoView {
    let f = a.report.forensic.clone();
    let candidates = a.report.candidates.clone();
    let deps = a.report.dependencies.clone();
    view! {
        <Section id="forensic" title="Forensic report" class="forensic">
            <div class="forensic-grid">
                <div>
                    <h3 id="patient-zero-heading">"Patient zero"</h3>
                    <PatientZeroView pz=f.patient_zero />
                </div>
                <div>
                    <h3>"Propagation path"</h3>
                    {if f.propagation_path.is_empty() {
                        view! { <Empty text="No propagation path: the failure did not spread across services." /> }.into_any()
                    } else {
                        view! {
                            <ol class="path" data-testid="propagation-path">
                                {f.propagation_path
                                    .into_iter()
                                    .map(|s| view! { <li class="name">{s}</li> })
                                    .collect_view()}
                            </ol>
                        }
                        .into_any()
                    }}
                </div>
                <div>
                    <h3>"Trigger"</h3>
                    <TriggerView t=f.trigger />
                </div>
                <div>
                    <h3>"Time to impact"</h3>
                    <p data-testid="time-to-impact">
                        {match f.time_to_impact_seconds {
                            Some(s) => format!("{} ({s} s) from patient zero to the first user-facing impact", duration(s)),
                            None => "Unknown: patient zero or the first user-facing impact has no time.".into(),
                        }}
                    </p>
                </div>
            </div>
            <h3>"Blast radius"</h3>
            <Blast rows=f.blast_radius />
            <h3>"User impact"</h3>
            <div data-testid="user-impact">
                <EvidenceList evidence=f.user_impact with_text=true what="No line shows user-facing impact." />
            </div>
            <h3>"Other candidates"</h3>
            <Candidates rows=candidates />
            <h3>"Dependencies"</h3>
            <Deps rows=deps />
        </Section>
    }
}

#[component]
fn PatientZeroView(pz: Option<PatientZero>) -> impl IntoView {
    let Some(pz) = pz else {
        return view! {
            <div data-testid="patient-zero"><Empty text="No abnormal signal, so no patient zero." /></div>
        }
        .into_any();
    };
    let (file, line) = (pz.evidence.file.clone(), pz.evidence.line);
    view! {
        <dl class="kv" data-testid="patient-zero" data-file=file data-line=line>
            <div><dt>"Service"</dt><dd class="name">{or_dash(pz.service)}</dd></div>
            <div><dt>"Time"</dt><dd class="time">{or_dash(pz.time)}</dd></div>
            <div><dt>"Class"</dt><dd>{or_dash(pz.failure_class.map(|c| words(&c)))}</dd></div>
            <div class="wide"><dt>"Evidence"</dt><dd><EvidenceLink evidence=pz.evidence with_text=true /></dd></div>
        </dl>
    }
    .into_any()
}

#[component]
fn TriggerView(t: Trigger) -> impl IntoView {
    view! {
        <dl class="kv" data-testid="trigger" data-kind=t.kind.clone()>
            <div><dt>"Kind"</dt><dd>{words(&t.kind)}</dd></div>
            <div><dt>"Confidence"</dt><dd>{percent(t.confidence)}</dd></div>
            <div class="wide"><dt>"Summary"</dt><dd>{t.summary}</dd></div>
            <div class="wide">
                <dt>"Evidence"</dt>
                <dd><EvidenceList evidence=t.evidence with_text=true what="No line shows a trigger." /></dd>
            </div>
        </dl>
    }
}

#[component]
fn Blast(rows: Vec<BlastEntity>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <Empty text="Nothing beyond the root cause was affected." /> }.into_any();
    }
    view! {
        <table class="stack" data-testid="blast-radius">
            <thead>
                <tr><th scope="col">"Kind"</th><th scope="col">"Name"</th><th scope="col">"Impact"</th><th scope="col">"Evidence"</th></tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|b| view! {
                        <tr>
                            <td data-label="Kind">{b.kind}</td>
                            <td data-label="Name" class="name">{b.name}</td>
                            <td data-label="Impact">{b.impact}</td>
                            <td data-label="Evidence">{maybe_link(b.evidence)}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Candidates(rows: Vec<Candidate>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <Empty text="No alternative candidates: one explanation only." /> }
            .into_any();
    }
    view! {
        <ol class="candidates" data-testid="candidates">
            {rows
                .into_iter()
                .map(|c| view! {
                    <li data-testid="candidate">
                        <div class="candidate-head">
                            <span class="name">{or_dash(c.service)}</span>
                            " · "
                            <span>{words(&c.failure_class)}</span>
                            " · "
                            <span class="score">{format!("score {:.3}", c.score)}</span>
                        </div>
                        {(!c.reasons.is_empty()).then(|| view! {
                            <ul class="reasons-list small">
                                {c.reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}
                            </ul>
                        })}
                        <EvidenceList evidence=c.evidence />
                    </li>
                })
                .collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Deps(rows: Vec<Dependency>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <Empty text="No dependencies were seen in the logs." /> }.into_any();
    }
    view! {
        <table class="stack" data-testid="dependencies">
            <thead>
                <tr><th scope="col">"Caller"</th><th scope="col">"Callee"</th><th scope="col">"Evidence"</th></tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|d| view! {
                        <tr>
                            <td data-label="Caller" class="name">{d.from}</td>
                            <td data-label="Callee" class="name">{d.to}</td>
                            <td data-label="Evidence"><EvidenceLink evidence=d.evidence /></td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
