//! The page's built-in demos (src/app/demo.rs, included here as plain data): each one's files
//! are the whole fixture folder minus `expected.json`, sorted by name as the CLI reads a folder,
//! and the engine's root cause for them is the service and failure class the picker shows.
#![cfg(not(target_arch = "wasm32"))] // native only: reads fixture folders

#[path = "../src/app/demo.rs"]
#[allow(dead_code)]
mod demo;

use faultline::{analyze, AnalyzeOptions, InputFile};
use std::collections::BTreeSet;

#[test]
fn at_least_four_demos_of_different_classes() {
    let classes: BTreeSet<&str> = demo::DEMOS.iter().map(|d| d.failure_class).collect();
    assert!(demo::DEMOS.len() >= 4);
    assert_eq!(
        classes.len(),
        demo::DEMOS.len(),
        "one demo per failure class"
    );
    let keys: BTreeSet<&str> = demo::DEMOS.iter().map(|d| d.key).collect();
    assert_eq!(keys.len(), demo::DEMOS.len(), "keys are unique");
}

#[test]
fn each_demo_has_the_root_cause_it_promises() {
    for d in demo::DEMOS {
        let files: Vec<InputFile> = d
            .files
            .iter()
            .map(|(name, text)| InputFile::new(*name, text.as_bytes().to_vec()))
            .collect();
        let report = analyze(&files, &AnalyzeOptions::default()).expect("demo analyzes");
        assert_eq!(
            report.root_cause.failure_class, d.failure_class,
            "{}",
            d.key
        );
        assert_eq!(
            report.root_cause.service.as_deref(),
            Some(d.service),
            "{}",
            d.key
        );
        assert!(report.severity.is_some(), "{}: a severity", d.key);
        assert!(report.input.lines > 30, "{}: a real incident", d.key);
    }
}

#[test]
fn each_demo_is_its_whole_fixture_folder_in_name_order() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for d in demo::DEMOS {
        let names: Vec<&str> = d.files.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "{}: files sorted by name", d.key);
        // Find the folder by its first file and compare with what is on disk.
        let dir = ["demo".to_string()]
            .into_iter()
            .chain(
                std::fs::read_dir(root.join("incidents"))
                    .unwrap()
                    .map(|e| format!("incidents/{}", e.unwrap().file_name().to_string_lossy())),
            )
            .find(|dir| {
                d.files.iter().all(|(n, text)| {
                    std::fs::read_to_string(root.join(dir).join(n))
                        .ok()
                        .as_deref()
                        == Some(*text)
                })
            })
            .unwrap_or_else(|| panic!("{}: no fixture folder holds these files", d.key));
        let mut on_disk: Vec<String> = std::fs::read_dir(root.join(&dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "expected.json")
            .collect();
        on_disk.sort();
        assert_eq!(names, on_disk, "{}: every log file of {dir}", d.key);
    }
}
