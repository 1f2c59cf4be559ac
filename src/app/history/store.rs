//! IndexedDB storage of past analyses, through web-sys directly (a few requests do not need a
//! wrapper crate).
//!
//! Two object stores, both keyed by the entry id: `incidents` holds the small [`Entry`] rows the
//! list and the similarity scores read; `reports` holds each report's JSON, read only when one
//! is reopened. Every operation opens the database, runs one transaction and closes it, so a
//! page never holds a connection that blocks `indexedDB.deleteDatabase` (tests, a newer page).
//! Errors come back as a sentence: private mode, a full quota or a missing IndexedDB are
//! expected, not bugs.

use crate::IncidentProfile;
use js_sys::{Array, Promise};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The database's name (tests delete it by this name).
pub const DB: &str = "faultline";
const VERSION: u32 = 1;
const INCIDENTS: &str = "incidents";
const REPORTS: &str = "reports";

/// One saved analysis, without its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Also the key of its JSON in `reports`.
    pub id: f64,
    pub label: String,
    /// Milliseconds since the Unix epoch.
    pub analyzed_at: f64,
    pub root_cause: String,
    pub severity: Option<String>,
    pub failure_class: String,
    /// Hex digest of the template set ([`IncidentProfile::fingerprint`]).
    pub fingerprint: String,
    pub profile: IncidentProfile,
    /// The LLM narrative written for this analysis on the page, with its check (flags, a
    /// root-cause disagreement); `None` when none was written, and in entries saved before.
    #[serde(default)]
    pub narrative: Option<crate::report::Narrative>,
}

/// Saves `entry` and its report JSON (replacing an entry with the same id).
pub async fn put(entry: &Entry, json: &str) -> Result<(), String> {
    let value = serde_wasm_bindgen::to_value(entry).map_err(|e| e.to_string())?;
    let key = JsValue::from_f64(entry.id);
    write(|tx| {
        tx.object_store(INCIDENTS)?.put_with_key(&value, &key)?;
        tx.object_store(REPORTS)?
            .put_with_key(&JsValue::from_str(json), &key)?;
        Ok(())
    })
    .await
}

/// Every saved entry, newest first.
pub async fn list() -> Result<Vec<Entry>, String> {
    let db = open().await?;
    let got = async {
        let tx = db.transaction_with_str(INCIDENTS).map_err(describe)?;
        let req = tx
            .object_store(INCIDENTS)
            .map_err(describe)?
            .get_all()
            .map_err(describe)?;
        request(&req).await
    }
    .await;
    db.close();
    let rows: Array = got?.unchecked_into();
    let mut entries: Vec<Entry> = rows
        .iter()
        // A row this version cannot read (written by a future one) is skipped, not fatal.
        .filter_map(|v| serde_wasm_bindgen::from_value(v).ok())
        .collect();
    crate::sort::sort_by(&mut entries, |a, b| {
        b.analyzed_at
            .total_cmp(&a.analyzed_at)
            .then(b.id.total_cmp(&a.id))
    });
    Ok(entries)
}

/// The saved report JSON of entry `id`.
pub async fn report(id: f64) -> Result<Option<String>, String> {
    let db = open().await?;
    let got = async {
        let tx = db.transaction_with_str(REPORTS).map_err(describe)?;
        let req = tx
            .object_store(REPORTS)
            .map_err(describe)?
            .get(&JsValue::from_f64(id))
            .map_err(describe)?;
        request(&req).await
    }
    .await;
    db.close();
    Ok(got?.as_string())
}

pub async fn delete(id: f64) -> Result<(), String> {
    let key = JsValue::from_f64(id);
    write(|tx| {
        tx.object_store(INCIDENTS)?.delete(&key)?;
        tx.object_store(REPORTS)?.delete(&key)?;
        Ok(())
    })
    .await
}

pub async fn clear() -> Result<(), String> {
    write(|tx| {
        tx.object_store(INCIDENTS)?.clear()?;
        tx.object_store(REPORTS)?.clear()?;
        Ok(())
    })
    .await
}

/// Runs `f` in a read-write transaction over both stores and waits until it commits.
async fn write(f: impl FnOnce(&IdbTransaction) -> Result<(), JsValue>) -> Result<(), String> {
    let db = open().await?;
    let done = async {
        let stores = Array::of2(&INCIDENTS.into(), &REPORTS.into());
        let tx = db
            .transaction_with_str_sequence_and_mode(&stores, IdbTransactionMode::Readwrite)
            .map_err(describe)?;
        let committed = transaction(&tx);
        if let Err(e) = f(&tx) {
            let _ = tx.abort();
            return Err(describe(e));
        }
        committed.await
    }
    .await;
    db.close();
    done
}

async fn open() -> Result<IdbDatabase, String> {
    let factory = window()
        .indexed_db()
        .map_err(describe)?
        .ok_or_else(|| "this browser offers no IndexedDB".to_string())?;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB, VERSION).map_err(describe)?;
    let upgrade = Closure::once_into_js({
        let req = req.clone();
        move |_: web_sys::Event| {
            if let Ok(db) = req.result() {
                let db: IdbDatabase = db.unchecked_into();
                // Version 1 is the only version: both stores are new.
                let _ = db.create_object_store(INCIDENTS);
                let _ = db.create_object_store(REPORTS);
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: IdbDatabase = request(&req).await?.unchecked_into();
    Ok(db)
}

/// Resolves with the request's result, or its error as a sentence.
async fn request(req: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = {
            let req = req.clone();
            Closure::once_into_js(move |_: web_sys::Event| {
                let _ = resolve.call1(&JsValue::NULL, &req.result().unwrap_or(JsValue::UNDEFINED));
            })
        };
        let fail = {
            let req = req.clone();
            Closure::once_into_js(move |_: web_sys::Event| {
                let err = req.error().ok().flatten().map(JsValue::from);
                let _ = reject.call1(&JsValue::NULL, &err.unwrap_or(JsValue::UNDEFINED));
            })
        };
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(fail.unchecked_ref()));
    });
    JsFuture::from(promise).await.map_err(describe)
}

/// Resolves when the transaction commits; rejects when it fails or aborts (quota).
async fn transaction(tx: &IdbTransaction) -> Result<(), String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let fail = {
            let tx = tx.clone();
            Closure::once_into_js(move |_: web_sys::Event| {
                let err = tx.error().map(JsValue::from);
                let _ = reject.call1(&JsValue::NULL, &err.unwrap_or(JsValue::UNDEFINED));
            })
        };
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        // A failed request (or a full quota) aborts the transaction: `abort` always follows.
        tx.set_onabort(Some(fail.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(describe)
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

fn describe(e: JsValue) -> String {
    if e.is_undefined() || e.is_null() {
        return "the browser gave no reason".into();
    }
    super::super::export::describe(&e)
}
