//! The service graph: services as boxes in rows (row = position on the propagation path, the
//! rest placed breadth-first under their neighbours; see [`crate::report::chart`]), dependency
//! edges as thin arrows, the propagation path as thick numbered arrows, the root-cause service
//! double-outlined. The same facts as a list follow for screen readers (and small screens).

use super::section::{Empty, Section, ShowAll};
use crate::app::model::Analysis;
use crate::app::nav::EvidenceLink;
use crate::report::chart::{self, NODE_H};
use leptos::prelude::*;
use std::sync::Arc;

/// Smallest scale the graph is drawn at; below it, it scrolls sideways instead of shrinking
/// its labels out of legibility.
const MIN_SCALE: f64 = 0.75;
/// Graphs wider than this (user units) take the section's full width, the lists below them.
const WIDE: f64 = 560.0;

/// Sideways bow per row crossed of a dependency edge, so it never hides under a path edge.
const BOW: f64 = 26.0;

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

/// Dependency edges drawn before "show all": the busiest (path ones first).
pub const EDGES_DRAWN: usize = 60;
/// Services drawn before "show all" that are on no drawn edge.
const LONE_DRAWN: usize = 30;
/// Dependencies listed before "show all".
pub const EDGES_LISTED: usize = 50;

/// The edges and lone services drawn: all, or (when there are many) the propagation path, the
/// [`EDGES_DRAWN`] busiest edges (those touching the path first) and a few lone services.
fn pick(
    path: &[String],
    edges: &[(String, String)],
    others: &[String],
    all: bool,
) -> (Vec<(String, String)>, Vec<String>) {
    use std::collections::{HashMap, HashSet};
    if all || (edges.len() <= EDGES_DRAWN && others.len() <= EDGES_DRAWN) {
        return (edges.to_vec(), others.to_vec());
    }
    let mut degree: HashMap<&str, usize> = HashMap::new();
    for (a, b) in edges {
        *degree.entry(a).or_default() += 1;
        *degree.entry(b).or_default() += 1;
    }
    let on_path: HashSet<&str> = path.iter().map(String::as_str).collect();
    let mut order: Vec<usize> = (0..edges.len()).collect();
    crate::sort::sort_by_key(&mut order, |&i| {
        let (a, b) = (&edges[i].0, &edges[i].1);
        let touches = on_path.contains(a.as_str()) || on_path.contains(b.as_str());
        (
            !touches,
            std::cmp::Reverse(degree[a.as_str()] + degree[b.as_str()]),
            i,
        )
    });
    order.truncate(EDGES_DRAWN);
    order.sort_unstable();
    let drawn: Vec<(String, String)> = order.into_iter().map(|i| edges[i].clone()).collect();
    let mut seen: HashSet<&str> = on_path;
    for (a, b) in &drawn {
        seen.insert(a);
        seen.insert(b);
    }
    let lone: Vec<String> = others
        .iter()
        .filter(|n| !seen.contains(n.as_str()))
        .take(LONE_DRAWN)
        .cloned()
        .collect();
    (drawn, lone)
}

#[component]
pub fn Graph(a: Arc<Analysis>) -> impl IntoView {
    let r = &a.report;
    let deps = r.dependencies.clone();
    if r.forensic.propagation_path.is_empty() && deps.is_empty() && r.affected_services.is_empty() {
        return view! {
            <Section id="graph" title="Service graph">
                <Empty text="No services were seen in the logs, so there is no graph." />
            </Section>
        }
        .into_any();
    }
    let all_drawn = RwSignal::new(false);
    let all_listed = RwSignal::new(false);
    let total = deps.len();
    let deps = Arc::new(deps);
    let list =
        move || {
            let n = if all_listed.get() {
                total
            } else {
                total.min(EDGES_LISTED)
            };
            deps.iter()
            .take(n)
            .cloned()
            .map(|d| view! {
                <li>
                    <span class="name">{d.from}</span>" → "<span class="name">{d.to}</span>" "
                    <EvidenceLink evidence=d.evidence />
                </li>
            })
            .collect_view()
        };
    let list = StoredValue::new_local(list);
    let deps_block = move || {
        view! {
            <div>
                <h3>"Dependencies"</h3>
                // An edge is what the logs show: a signal of `from` naming `to`, or a
                // trace seen first in `from`; a database naming its client is one too.
                <p class="hint">"A → B: B appears in A's failure signals, or a trace passed from A to B."</p>
                {if total == 0 {
                    view! { <Empty text="No dependencies were seen in the logs." /> }.into_any()
                } else {
                    view! {
                        <ul class="edge-list" data-testid="graph-edges">{move || list.with_value(|l| l())}</ul>
                        <ShowAll total=total shown=EDGES_LISTED all=all_listed what="dependencies" testid="graph-edges-all" />
                    }
                    .into_any()
                }}
            </div>
        }
        .into_any()
    };
    view! {
        <Section id="graph" title="Service graph" class="graph">
            {move || chart(&a, all_drawn, deps_block())}
        </Section>
    }
    .into_any()
}

/// The drawn graph, the legend and the propagation path as text.
fn chart(a: &Analysis, all: RwSignal<bool>, deps_block: AnyView) -> AnyView {
    let r = &a.report;
    let path = r.forensic.propagation_path.clone();
    let edges: Vec<(String, String)> = r
        .dependencies
        .iter()
        .map(|d| (d.from.clone(), d.to.clone()))
        .collect();
    let others: Vec<String> = r.affected_services.iter().map(|s| s.name.clone()).collect();
    let root = r.root_cause.service.clone();
    let total_edges = edges.len();
    let total_services = {
        let mut n: std::collections::HashSet<&str> = path.iter().map(String::as_str).collect();
        n.extend(edges.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]));
        n.extend(others.iter().map(String::as_str));
        n.len()
    };
    let (edges, others) = pick(&path, &edges, &others, all.get());
    let capped = edges.len() < total_edges;
    let g = chart::layout_graph(&path, &edges, &others);
    let wide = g.width > WIDE;
    let dep_views = edges
        .iter()
        .filter_map(|(from, to)| {
            let (a, b) = (g.node(from)?, g.node(to)?);
            let bow = if b.layer < a.layer { -BOW } else { BOW };
            Some(view! {
                <path
                    class="dep-edge"
                    data-testid="dep-edge"
                    data-from=from.clone()
                    data-to=to.clone()
                    d=chart::edge_path(a, b, bow)
                    marker-end="url(#arrow-dep)"
                >
                    <title>{format!("{from} depends on {to}")}</title>
                </path>
            })
        })
        .collect_view();
    let path_views = path
        .windows(2)
        .enumerate()
        .filter_map(|(i, w)| {
            let (a, b) = (g.node(&w[0])?, g.node(&w[1])?);
            Some(view! {
                <path
                    class="path-edge"
                    data-testid="path-edge"
                    data-step=i + 1
                    data-from=w[0].clone()
                    data-to=w[1].clone()
                    d=chart::edge_path(a, b, 0.0)
                    marker-end="url(#arrow-path)"
                >
                    <title>{format!("step {}: the failure spread from {} to {}", i + 1, w[0], w[1])}</title>
                </path>
            })
        })
        .collect_view();
    let node_views = g
        .nodes
        .iter()
        .map(|n| {
            let is_root = root.as_deref() == Some(n.name.as_str());
            let class = format!(
                "node{}{}",
                if n.step.is_some() { " on-path" } else { "" },
                if is_root { " root" } else { "" }
            );
            let title = format!(
                "{}{}{}",
                n.name,
                n.step.map(|s| format!(", step {} of the propagation path", s + 1)).unwrap_or_default(),
                if is_root { ", the root-cause service" } else { "" }
            );
            let text_x = n.left() + 12.0 + if n.step.is_some() { 26.0 } else { 0.0 };
            view! {
                <g
                    class=class
                    data-testid="graph-node"
                    data-name=n.name.clone()
                    data-step=n.step.map(|s| s + 1)
                    data-root=is_root.then_some("true")
                >
                    <title>{title}</title>
                    {is_root.then(|| view! {
                        <rect class="root-outline" x=fmt(n.left() - 5.0) y=fmt(n.top() - 5.0) width=fmt(n.w + 10.0) height=fmt(NODE_H + 10.0) rx="9" />
                    })}
                    <rect class="box" x=fmt(n.left()) y=fmt(n.top()) width=fmt(n.w) height=fmt(NODE_H) rx="6" />
                    {n.step.map(|s| view! {
                        <circle class="step-badge" cx=fmt(n.left() + 16.0) cy=fmt(n.y) r="10" />
                        <text class="step-num" x=fmt(n.left() + 16.0) y=fmt(n.y + 4.0) text-anchor="middle">{s + 1}</text>
                    })}
                    <text class="node-label" x=fmt(text_x) y=fmt(n.y + 4.0)>{n.name.clone()}</text>
                </g>
            }
        })
        .collect_view();
    let desc = format!(
        "Service graph: {} service(s), {} dependency edge(s){}{}.",
        g.nodes.len(),
        edges.len(),
        if path.len() > 1 {
            format!("; the failure spread {}", path.join(" → "))
        } else {
            String::new()
        },
        if capped {
            format!(" (of {total_edges} edges and {total_services} services: the busiest drawn)")
        } else {
            String::new()
        }
    );
    view! {
            {capped.then(|| view! {
                <p class="capped" data-testid="graph-capped">
                    {format!(
                        "Drawn: the propagation path, the {} busiest of {} dependencies and their services ({} of {} services). ",
                        edges.len(),
                        total_edges,
                        g.nodes.len(),
                        total_services
                    )}
                    <button type="button" class="link" data-testid="graph-all" on:click=move |_| all.set(true)>
                        {format!("Draw all {total_edges} dependencies")}
                    </button>
                </p>
            })}
            <div class=if wide { "graph-layout wide" } else { "graph-layout" }>
                <div class="chart-scroll graph-scroll" data-testid="graph-scroll">
                    <svg
                        class="graph-chart"
                        data-testid="graph-svg"
                        viewBox=format!("0 0 {} {}", fmt(g.width), fmt(g.height))
                        style:max-width=format!("{:.0}px", g.width)
                        style:min-width=format!("{:.0}px", g.width * MIN_SCALE)
                        role="img"
                        aria-label=desc
                    >
                        <defs>
                            <marker id="arrow-dep" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse">
                                <path d="M0,0 L10,5 L0,10 z" class="arrow-dep" />
                            </marker>
                            <marker id="arrow-path" viewBox="0 0 10 10" refX="8" refY="5" markerUnits="userSpaceOnUse" markerWidth="13" markerHeight="13" orient="auto-start-reverse">
                                <path d="M0,0 L10,5 L0,10 z" class="arrow-path" />
                            </marker>
                        </defs>
                        {dep_views}
                        {path_views}
                        {node_views}
                    </svg>
                </div>
                <div class="graph-alt">
                    <div>
                        <ul class="legend" aria-label="Legend">
                            <li><svg viewBox="0 0 30 10" aria-hidden="true"><line class="path-edge" x1="1" y1="5" x2="29" y2="5" /></svg>"propagation path (numbered in order)"</li>
                            <li><svg viewBox="0 0 30 10" aria-hidden="true"><line class="dep-edge" x1="1" y1="5" x2="29" y2="5" /></svg>"dependency: caller → callee"</li>
                            <li><svg viewBox="0 0 30 16" aria-hidden="true"><rect class="legend-root" x="2" y="2" width="26" height="12" rx="3" /></svg>"root-cause service (double outline)"</li>
                        </ul>
                        <h3>"Propagation path"</h3>
                        {if path.is_empty() {
                            view! { <Empty text="No propagation path: the failure did not spread across services." /> }.into_any()
                        } else {
                            view! { <p data-testid="graph-path-text">{path.join(" → ")}</p> }.into_any()
                        }}
                    </div>
                    {deps_block}
                </div>
            </div>
        }
        .into_any()
}
