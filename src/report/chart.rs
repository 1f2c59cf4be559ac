//! Pure geometry for the page's report charts: the time axis and lanes of the timeline, and the
//! layered layout of the service graph.
//!
//! Lives with the engine (no web-sys, no Leptos) so its tests run natively; only the page
//! (`crate::app::report`) uses it. Promises: deterministic (same report, same picture), no
//! physics, and node boxes in one row never overlap (widths come from the label length in the
//! monospace font the page draws them with).

use chrono::{DateTime, SecondsFormat};

/// Milliseconds since the Unix epoch of an RFC 3339 time, as the report writes them.
pub fn parse_time_ms(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// Maps times (ms) onto `x0..x1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeAxis {
    pub start: i64,
    pub end: i64,
    pub x0: f64,
    pub x1: f64,
}

/// Tick steps tried, smallest first (ms).
const STEPS: [i64; 22] = [
    100,
    250,
    500,
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
    604_800_000,
];

impl TimeAxis {
    /// The axis over the earliest..latest of `times`; `None` when there are none. A single
    /// instant gets a second either side so it lands in the middle.
    pub fn over(times: impl IntoIterator<Item = i64>, x0: f64, x1: f64) -> Option<TimeAxis> {
        let (lo, hi) = times.into_iter().fold(None, |acc: Option<(i64, i64)>, t| {
            Some(acc.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))))
        })?;
        let (start, end) = if lo == hi {
            (lo - 1_000, hi + 1_000)
        } else {
            (lo, hi)
        };
        Some(TimeAxis { start, end, x0, x1 })
    }

    /// Where `t` goes; times outside the range are clamped to its ends.
    pub fn x(&self, t: i64) -> f64 {
        let span = (self.end - self.start) as f64;
        let f = ((t - self.start) as f64 / span).clamp(0.0, 1.0);
        self.x0 + f * (self.x1 - self.x0)
    }

    /// Round instants inside the range, at most `max` of them, each with a UTC label
    /// (`HH:MM:SS`, `.mmm` added under a second, the date added past a day).
    pub fn ticks(&self, max: usize) -> Vec<(i64, String)> {
        let span = self.end - self.start;
        let max = max.max(1) as i64;
        let step = STEPS
            .iter()
            .copied()
            .find(|s| span / s < max)
            .unwrap_or_else(|| (span / max).max(1));
        let first = self.start.div_euclid(step) * step
            + if self.start.rem_euclid(step) == 0 {
                0
            } else {
                step
            };
        let mut out = Vec::new();
        let mut t = first;
        while t <= self.end {
            out.push((t, tick_label(t, step, span)));
            t += step;
        }
        out
    }
}

fn tick_label(t: i64, step: i64, span: i64) -> String {
    let Some(dt) = DateTime::from_timestamp_millis(t) else {
        return t.to_string();
    };
    if span >= 86_400_000 {
        dt.format("%m-%d %H:%M").to_string()
    } else if step < 1_000 {
        dt.format("%H:%M:%S%.3f").to_string()
    } else {
        dt.format("%H:%M:%S").to_string()
    }
}

/// An instant as the page prints it in lists: RFC 3339, UTC, milliseconds when present.
pub fn format_ms(t: i64) -> String {
    DateTime::from_timestamp_millis(t)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default()
}

/// The label of the lane for entries that name no service.
pub const NO_SERVICE: &str = "(no service)";

/// One lane per service: the propagation path first (in order), then services as the timeline
/// first names them, then affected services not seen yet; a lane for entries with no service
/// last, when there are any.
pub fn lanes<'a>(
    path: &'a [String],
    timeline: impl IntoIterator<Item = Option<&'a str>>,
    affected: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut none = false;
    let add = |s: &str, out: &mut Vec<String>| {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    for s in path {
        add(s, &mut out);
    }
    for s in timeline {
        match s {
            Some(s) => add(s, &mut out),
            None => none = true,
        }
    }
    for s in affected {
        add(s, &mut out);
    }
    if none {
        add(NO_SERVICE, &mut out);
    }
    out
}

/// Radius of a timeline mark for an entry of `count` events: grows with the log of the count,
/// bounded so bursts stay readable.
pub fn mark_radius(count: u64) -> f64 {
    let c = count.max(1) as f64;
    (4.0 + 2.0 * c.log2()).min(11.0)
}

/// Width of one character of the graph's 12 px monospace labels.
pub const CHAR_W: f64 = 7.3;
/// Height of a node box.
pub const NODE_H: f64 = 30.0;
const ROW_H: f64 = 74.0;
const GAP: f64 = 28.0;
/// Room at each side for edges that bow around rows.
const MARGIN: f64 = 110.0;
const TOP: f64 = 16.0;

/// A service in the graph: centre `(x, y)`, width `w`.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeBox {
    pub name: String,
    pub layer: usize,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    /// 0-based position in the propagation path.
    pub step: Option<usize>,
}

impl NodeBox {
    pub fn left(&self) -> f64 {
        self.x - self.w / 2.0
    }
    pub fn top(&self) -> f64 {
        self.y - NODE_H / 2.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GraphLayout {
    pub nodes: Vec<NodeBox>,
    pub width: f64,
    pub height: f64,
}

impl GraphLayout {
    pub fn node(&self, name: &str) -> Option<&NodeBox> {
        self.nodes.iter().find(|n| n.name == name)
    }
}

/// Width of a node box for `name`: the label, padding, and room for the step badge.
pub fn node_width(name: &str, numbered: bool) -> f64 {
    let chars = name.chars().count() as f64;
    (chars * CHAR_W + 24.0 + if numbered { 26.0 } else { 0.0 }).max(70.0)
}

/// Layered, top-down layout. A service on the propagation path sits in the row of its position
/// on the path; every other service one row below its nearest already placed neighbour
/// (breadth-first over the dependency edges, either direction); parts of the graph that do not
/// touch the path start in the row below all of it. Rows are centred; within a row the path
/// service comes first, then the others by name.
pub fn layout_graph(path: &[String], edges: &[(String, String)], others: &[String]) -> GraphLayout {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};
    let mut names: BTreeSet<&str> = BTreeSet::new();
    names.extend(path.iter().map(String::as_str));
    for (a, b) in edges {
        names.insert(a);
        names.insert(b);
    }
    names.extend(others.iter().map(String::as_str));
    let mut step: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in path.iter().enumerate() {
        step.entry(s.as_str()).or_insert(i);
    }
    let mut layer: BTreeMap<&str, usize> = step.clone();
    let mut adj: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (a, b) in edges {
        adj.entry(a).or_default().insert(b);
        adj.entry(b).or_default().insert(a);
    }
    // Seeds in path order so breadth-first runs from the start of the path outwards.
    let mut queue: VecDeque<&str> = path.iter().map(String::as_str).collect();
    // Row where parts of the graph that do not touch the path start: below all of it.
    let mut detached: Option<usize> = None;
    loop {
        while let Some(n) = queue.pop_front() {
            let l = layer[n];
            for &m in adj.get(n).into_iter().flatten() {
                if !layer.contains_key(m) {
                    layer.insert(m, l + 1);
                    queue.push_back(m);
                }
            }
        }
        match names.iter().find(|n| !layer.contains_key(*n)) {
            Some(&n) => {
                let row = *detached
                    .get_or_insert_with(|| layer.values().copied().max().map_or(0, |m| m + 1));
                layer.insert(n, row);
                queue.push_back(n);
            }
            None => break,
        }
    }
    let rows = layer.values().copied().max().map_or(0, |m| m + 1);
    let mut by_row: Vec<Vec<&str>> = vec![Vec::new(); rows];
    for (&n, &l) in &layer {
        by_row[l].push(n);
    }
    for row in &mut by_row {
        crate::sort::sort_by_key(row, |n| (!step.contains_key(n), step.get(n).copied(), *n));
    }
    let row_width = |row: &[&str]| -> f64 {
        row.iter()
            .map(|n| node_width(n, step.contains_key(n)))
            .sum::<f64>()
            + GAP * row.len().saturating_sub(1) as f64
    };
    let inner = by_row.iter().map(|r| row_width(r)).fold(0.0, f64::max);
    let width = inner + 2.0 * MARGIN;
    let mut nodes = Vec::new();
    for (l, row) in by_row.iter().enumerate() {
        let mut x = MARGIN + (inner - row_width(row)) / 2.0;
        for n in row {
            let w = node_width(n, step.contains_key(n));
            nodes.push(NodeBox {
                name: n.to_string(),
                layer: l,
                x: x + w / 2.0,
                y: TOP + NODE_H / 2.0 + l as f64 * ROW_H,
                w,
                step: step.get(n).copied(),
            });
            x += w + GAP;
        }
    }
    GraphLayout {
        nodes,
        width,
        height: TOP * 2.0 + NODE_H + rows.saturating_sub(1) as f64 * ROW_H,
    }
}

/// An SVG path from `a` to `b`. With `bow == 0` it is straight, box edge to box edge (the
/// propagation path: adjacent rows). Otherwise it leaves `a` and enters `b` by their sides
/// (left when `bow` is negative) and curves out sideways, further the more rows it crosses
/// (bounded by the layout's margin), so it never hides under a straight edge nor crosses the
/// boxes between.
pub fn edge_path(a: &NodeBox, b: &NodeBox, bow: f64) -> String {
    if a.layer == b.layer {
        // Same row: leave from the bottom, dip below the row, come back up.
        let (sx, sy) = (a.x, a.y + NODE_H / 2.0);
        let (ex, ey) = (b.x, b.y + NODE_H / 2.0);
        let c = ((sx + ex) / 2.0, sy + 26.0 + bow.abs() / 4.0);
        return format!("M{sx:.1},{sy:.1} Q{:.1},{:.1} {ex:.1},{ey:.1}", c.0, c.1);
    }
    if bow == 0.0 {
        let down = b.layer > a.layer;
        let half = NODE_H / 2.0;
        let (sx, sy) = (a.x, if down { a.y + half } else { a.y - half });
        let (ex, ey) = (b.x, if down { b.y - half } else { b.y + half });
        return format!("M{sx:.1},{sy:.1} L{ex:.1},{ey:.1}");
    }
    let span = a.layer.abs_diff(b.layer) as f64;
    let side = |n: &NodeBox| if bow < 0.0 { n.left() } else { n.left() + n.w };
    let (sx, sy) = (side(a), a.y);
    let (ex, ey) = (side(b), b.y);
    let out = (bow.abs() * (1.0 + 0.5 * (span - 1.0))).min(MARGIN - 20.0);
    let cx = if bow < 0.0 {
        sx.min(ex) - out
    } else {
        sx.max(ex) + out
    };
    format!("M{sx:.1},{sy:.1} C{cx:.1},{sy:.1} {cx:.1},{ey:.1} {ex:.1},{ey:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_report_times() {
        assert_eq!(
            parse_time_ms("2024-03-12T14:03:28.171Z"),
            Some(1_710_252_208_171)
        );
        assert_eq!(
            parse_time_ms("2024-03-12T14:03:28Z"),
            Some(1_710_252_208_000)
        );
        assert_eq!(parse_time_ms("yesterday"), None);
        assert_eq!(format_ms(1_710_252_208_171), "2024-03-12T14:03:28.171Z");
    }

    #[test]
    fn axis_maps_ends_and_clamps() {
        let a = TimeAxis::over([5_000, 1_000, 3_000], 100.0, 500.0).unwrap();
        assert_eq!((a.start, a.end), (1_000, 5_000));
        assert_eq!(a.x(1_000), 100.0);
        assert_eq!(a.x(3_000), 300.0);
        assert_eq!(a.x(5_000), 500.0);
        assert_eq!(a.x(9_000), 500.0);
        assert!(TimeAxis::over([], 0.0, 1.0).is_none());
        let one = TimeAxis::over([7_000], 0.0, 100.0).unwrap();
        assert_eq!(one.x(7_000), 50.0);
    }

    #[test]
    fn ticks_are_round_bounded_and_labelled() {
        // 14:00:01.114 .. 14:13:37.201: 13.6 minutes, at most 8 ticks -> every 2 minutes.
        let a = TimeAxis::over([1_710_252_001_114, 1_710_252_817_201], 0.0, 1.0).unwrap();
        let t = a.ticks(8);
        let labels: Vec<&str> = t.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["14:02:00", "14:04:00", "14:06:00", "14:08:00", "14:10:00", "14:12:00"]
        );
        assert!(t.iter().all(|(x, _)| *x >= a.start && *x <= a.end));
        let short = TimeAxis::over([0, 900], 0.0, 1.0).unwrap().ticks(8);
        assert_eq!(short[1].1, "00:00:00.250");
        let long = TimeAxis::over([0, 3 * 86_400_000], 0.0, 1.0)
            .unwrap()
            .ticks(6);
        assert!(long.len() <= 6 && long[0].1 == "01-01 00:00", "{long:?}");
    }

    #[test]
    fn lanes_follow_the_path_then_the_timeline_then_the_rest() {
        let path = s(&["db", "api"]);
        let got = lanes(
            &path,
            [Some("web"), None, Some("api"), Some("queue")],
            ["cache", "web"],
        );
        assert_eq!(got, s(&["db", "api", "web", "queue", "cache", NO_SERVICE]));
        assert_eq!(lanes(&[], [Some("a")], []), s(&["a"]));
    }

    #[test]
    fn marks_grow_with_count_within_bounds() {
        assert_eq!(mark_radius(0), 4.0);
        assert_eq!(mark_radius(1), 4.0);
        assert!(mark_radius(8) > mark_radius(2));
        assert_eq!(mark_radius(1_000_000), 11.0);
    }

    #[test]
    fn graph_rows_follow_the_path_and_bfs() {
        let path = s(&["db", "api", "web"]);
        let edges = vec![
            ("api".to_string(), "db".to_string()),
            ("web".to_string(), "api".to_string()),
            ("worker".to_string(), "api".to_string()),
            ("batch".to_string(), "report".to_string()),
        ];
        let g = layout_graph(&path, &edges, &s(&["lonely"]));
        let layer = |n: &str| g.node(n).unwrap().layer;
        assert_eq!(
            (layer("db"), layer("api"), layer("web")),
            (0, 1, 2),
            "path position"
        );
        assert_eq!(layer("worker"), 2, "one below its neighbour api");
        // Parts that do not touch the path start below it.
        let alone = layout_graph(&[], &[], &s(&["x", "y"]));
        assert_eq!(
            alone.nodes.iter().map(|n| n.layer).collect::<Vec<_>>(),
            [0, 0]
        );
        assert_eq!(
            (layer("batch"), layer("report"), layer("lonely")),
            (3, 4, 3)
        );
        assert_eq!(g.node("api").unwrap().step, Some(1));
        assert_eq!(g.node("worker").unwrap().step, None);
        // The path service leads its row.
        let row2: Vec<&str> = g
            .nodes
            .iter()
            .filter(|n| n.layer == 2)
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(row2, ["web", "worker"]);
        assert_eq!(
            g,
            layout_graph(&path, &edges, &s(&["lonely"])),
            "deterministic"
        );
    }

    #[test]
    fn boxes_in_a_row_never_overlap_and_fit_the_width() {
        let names: Vec<String> = (0..9)
            .map(|i| format!("service-with-a-long-name-{i}"))
            .collect();
        let edges: Vec<(String, String)> = names
            .iter()
            .map(|n| ("gateway".to_string(), n.clone()))
            .collect();
        let g = layout_graph(&s(&["gateway"]), &edges, &[]);
        for a in &g.nodes {
            assert!(a.left() >= 0.0 && a.left() + a.w <= g.width);
            assert!(a.top() >= 0.0 && a.top() + NODE_H <= g.height);
            for b in &g.nodes {
                if a.name < b.name && a.layer == b.layer {
                    let apart = a.left() + a.w <= b.left() || b.left() + b.w <= a.left();
                    assert!(apart, "{} overlaps {}", a.name, b.name);
                }
            }
        }
    }

    #[test]
    fn edges_are_straight_between_rows_and_bow_otherwise() {
        let g = layout_graph(&s(&["a", "b", "c"]), &[], &[]);
        let (a, b, c) = (
            g.node("a").unwrap(),
            g.node("b").unwrap(),
            g.node("c").unwrap(),
        );
        assert!(edge_path(a, b, 0.0).contains(" L"));
        let skip = edge_path(c, a, -30.0);
        assert!(skip.contains(" C"), "{skip}");
        // Leaves c by its left side; the curve's controls sit left of both ends, inside the
        // drawing.
        assert!(
            skip.starts_with(&format!("M{:.1},{:.1}", c.left(), c.y)),
            "{skip}"
        );
        let cx: f64 = skip
            .split('C')
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(cx < a.left().min(c.left()) - 30.0 && cx >= 0.0, "{skip}");
        let right = edge_path(a, c, 30.0);
        assert!(
            right.starts_with(&format!("M{:.1},", a.left() + a.w)),
            "{right}"
        );
    }
}
