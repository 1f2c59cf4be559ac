//! The parts of the engine's report the page shows, read back from the worker's message.
//!
//! The engine's `Report` is `Serialize` only; these mirrors are `Deserialize` and tolerant
//! (`#[serde(default)]`), so a new report field never breaks the page.

use serde::Deserialize;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReportView {
    pub input: InputView,
    pub root_cause: RootCauseView,
    pub severity: Option<String>,
    pub templates: Vec<TemplateView>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct InputView {
    pub files: Vec<FileView>,
    pub lines: u64,
    pub events: u64,
    pub unparsed_lines: u64,
    pub timestamped_events: u64,
    pub bytes: u64,
    pub formats: Vec<CountView>,
    pub levels: Vec<CountView>,
    pub services: Vec<CountView>,
    pub time_range: Option<TimeRangeView>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct FileView {
    pub name: String,
    pub format: String,
    pub lines: u64,
    pub bytes: u64,
    pub gzip: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CountView {
    pub name: String,
    pub events: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TimeRangeView {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RootCauseView {
    pub service: Option<String>,
    pub failure_class: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TemplateView {
    pub id: u32,
    pub template: String,
    pub count: u64,
}

impl RootCauseView {
    /// The headline sentence, or `None` while the engine has not determined a cause.
    pub fn sentence(&self) -> Option<String> {
        let class = self
            .failure_class
            .as_deref()
            .filter(|c| !c.is_empty() && *c != "unknown")?;
        let class = class.replace('_', " ");
        Some(match &self.service {
            Some(s) => format!("{class} in {s}"),
            None => class,
        })
    }
}
