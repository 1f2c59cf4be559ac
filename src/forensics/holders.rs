//! Who holds what the others wait for.
//!
//! A database that makes sessions wait says which session holds the lock (PostgreSQL:
//! `Process holding the lock: 4711.`, `blocked by process 4711.`), and its session lines say
//! which application each session belongs to (`application_name=reporter` when a session is
//! authorized, or the application field of the line prefix, `[4711] user@db reporter LOG:`).
//! The waiting sessions fail, the database logs their failures, and their callers log theirs;
//! all of them are victims of the application that holds the lock, which may log nothing wrong.
//! A database that refuses sessions for want of slots (`too many clients`, `remaining connection
//! slots are reserved`) was likewise filled by someone: the application that opened most of the
//! sessions in the minutes before the first refusal.
//!
//! The application of a session may also come from what `psql` printed about the server's
//! sessions (the server's activity view: `pid` and `application_name`, as a table or one `-x` record per
//! session), pasted beside the log.
//!
//! Promises: a process id is resolved first inside the file that logged it, then from pasted
//! session listings; a holder is reported only when its application is written somewhere; the
//! result does not depend on input order.

use super::shared::Suspect;
use super::{Class, Findings};
use crate::hash::FxHashSet;
use crate::ingest::Corpus;
use crate::parallel::Parallel;
use std::collections::{BTreeMap, BTreeSet};

/// How far back before the first refusal sessions count as the ones that filled the slots.
const FILL_WINDOW_NS: i64 = 15 * 60 * 1_000_000_000;
/// Sessions one application must have opened in that window to be said to fill the slots.
const MIN_FILLING: usize = 5;

/// Suspects that hold a lock or the connection slots others fail for. Files are searched for
/// their cues one job each (possibly at once) and merged in file order.
pub(crate) fn holders(corpus: &Corpus, f: &Findings, par: &dyn Parallel) -> Vec<Suspect> {
    // Only a file with failures in it can be a database whose sessions fail; its text is
    // searched for the cues, not every file's.
    let failing: Vec<u32> = f
        .signals
        .iter()
        .map(|s| corpus.events[s.event].file)
        .collect::<BTreeSet<u32>>()
        .into_iter()
        .collect();
    let text_len = |&file: &u32| corpus.files[file as usize].text.len() as u64;
    let cued: Vec<u32> = crate::parallel::map(par, failing, text_len, |file| {
        let text = &corpus.files[file as usize].text;
        (text.contains("holding the lock")
            || text.contains("blocked by process")
            || refusal(text).is_some())
        .then_some(file)
    })
    .into_iter()
    .flatten()
    .collect();
    if cued.is_empty() {
        return Vec::new();
    }
    let signal: FxHashSet<usize> = f.signals.iter().map(|s| s.event).collect();
    let listed = listed_sessions(corpus, par);
    let per_file = events_of(corpus, &cued);
    let mut out: Vec<Suspect> = crate::parallel::map(
        par,
        cued.into_iter().zip(per_file).collect(),
        |(_, events)| events.len() as u64,
        |(file, events)| in_file(corpus, f, &signal, &listed, file, &events),
    )
    .into_iter()
    .flatten()
    .collect();
    crate::sort::sort_by(&mut out, |a, b| {
        a.service.cmp(&b.service).then(a.class.cmp(&b.class))
    });
    out
}

/// The events of each of `files` (sorted, distinct), in input order: one pass over the events
/// whatever the number of files.
fn events_of(corpus: &Corpus, files: &[u32]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (i, ev) in corpus.events.iter().enumerate() {
        if let Ok(k) = files.binary_search(&ev.file) {
            out[k].push(i);
        }
    }
    out
}

/// The sessions of one file and what they say about each other.
fn in_file(
    corpus: &Corpus,
    f: &Findings,
    signal: &FxHashSet<usize>,
    listed: &BTreeMap<u32, String>,
    file: u32,
    events: &[usize],
) -> Vec<Suspect> {
    let mut app_of: BTreeMap<u32, &str> = BTreeMap::new();
    for &i in events {
        let msg = corpus.first_line(&corpus.events[i]);
        if let (Some(pid), Some(app)) = (session_pid(msg), application(msg)) {
            app_of.entry(pid).or_insert(app);
        }
    }
    for (&pid, app) in listed {
        app_of.entry(pid).or_insert(app.as_str());
    }
    let db = super::graph::service_of(corpus, events.first().copied().unwrap_or(0));
    debug_assert!(events.iter().all(|&i| corpus.events[i].file == file));
    let mut out = lock_holders(corpus, f, signal, events, &app_of, db);
    out.extend(slot_filler(corpus, f, signal, events, db));
    out
}

/// Applications said to hold a lock that sessions of other applications wait for.
fn lock_holders(
    corpus: &Corpus,
    f: &Findings,
    signal: &FxHashSet<usize>,
    events: &[usize],
    app_of: &BTreeMap<u32, &str>,
    db: &str,
) -> Vec<Suspect> {
    // holder pid -> (waiting pids, lines naming the holder)
    let mut held: BTreeMap<u32, (BTreeSet<u32>, Vec<usize>)> = BTreeMap::new();
    for &i in events {
        let msg = corpus.first_line(&corpus.events[i]);
        let Some(holder) = holder_pid(msg) else {
            continue;
        };
        let e = held.entry(holder).or_default();
        e.0.extend(session_pid(msg));
        e.1.push(i);
    }
    let mut by_app: BTreeMap<&str, Suspect> = BTreeMap::new();
    for (holder, (waiters, naming)) in held {
        let Some(&app) = app_of.get(&holder) else {
            continue;
        };
        let s = by_app.entry(app).or_insert_with(|| Suspect {
            service: app.to_string(),
            class: Class::LockContention,
            events: Vec::new(),
            reporters: BTreeSet::new(),
            reason: format!(
                "holds what others wait for: {db} says its session (process {holder}) holds the \
                 lock other sessions wait for"
            ),
        });
        s.reporters.insert(db.to_string());
        // Those who blame the database suffer from what holds it.
        s.reporters.extend(
            f.signals
                .iter()
                .filter(|x| x.blamed == db && x.emitter != app)
                .map(|x| x.emitter.clone()),
        );
        for w in &waiters {
            if let Some(&a) = app_of.get(w).filter(|&&a| a != app && is_service(f, a)) {
                s.reporters.insert(a.to_string());
            }
        }
        // The waiters' own lines in the database's log: the wait (logged before it fails, often
        // at an ordinary level) and the failures. The lines that name the holder are details
        // of those; they stand in only when the waits themselves were not logged.
        let waits: Vec<usize> = events
            .iter()
            .copied()
            .filter(|&i| {
                let line = corpus.first_line(&corpus.events[i]);
                (signal.contains(&i) || line.contains("waiting for"))
                    && session_pid(line).is_some_and(|p| waiters.contains(&p))
            })
            .collect();
        s.events
            .extend(if waits.is_empty() { naming } else { waits });
    }
    by_app
        .into_values()
        .filter(|s| !s.events.is_empty())
        .map(|mut s| {
            s.events.sort_unstable();
            s.events.dedup();
            s
        })
        .collect()
}

/// The application that opened most sessions in the minutes before the database first refused
/// one for want of slots, if it opened most of them.
fn slot_filler(
    corpus: &Corpus,
    f: &Findings,
    signal: &FxHashSet<usize>,
    events: &[usize],
    db: &str,
) -> Option<Suspect> {
    let refused: Vec<usize> = events
        .iter()
        .copied()
        .filter(|&i| refusal(corpus.first_line(&corpus.events[i])).is_some())
        .collect();
    let first = refused.iter().filter_map(|&i| f.times[i]).min()?;
    let mut opened: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in events {
        let Some(t) = f.times[i] else { continue };
        if t > first || t < first - FILL_WINDOW_NS {
            continue;
        }
        let msg = corpus.first_line(&corpus.events[i]);
        if let Some(app) = authorized_application(msg) {
            *opened.entry(app).or_default() += 1;
        }
    }
    let total: usize = opened.values().sum();
    let (&app, &n) = opened
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    if n < MIN_FILLING || 2 * n <= total {
        return None;
    }
    let mut reporters: BTreeSet<String> = f
        .signals
        .iter()
        .filter(|s| s.class == Class::DbPoolExhaustion && s.emitter != app)
        .map(|s| s.emitter.clone())
        .collect();
    reporters.insert(db.to_string());
    let events: Vec<usize> = refused.into_iter().filter(|i| signal.contains(i)).collect();
    if events.is_empty() {
        return None;
    }
    Some(Suspect {
        service: app.to_string(),
        class: Class::DbPoolExhaustion,
        events,
        reporters,
        reason: format!(
            "holds what others wait for: it opened {n} of the {total} sessions {db} authorized \
             before it first refused one for want of slots"
        ),
    })
}

fn is_service(f: &Findings, name: &str) -> bool {
    f.services.iter().any(|s| s.name == name)
}

/// Sessions as `psql` lists them from the server's activity view: pid -> application name.
/// Each file is read by its own job (possibly at once); the first name a pid gets, in file
/// order, stands, as in one pass over the files.
fn listed_sessions(corpus: &Corpus, par: &dyn Parallel) -> BTreeMap<u32, String> {
    let files: Vec<&crate::ingest::FileInfo> = corpus.files.iter().collect();
    let per_file = crate::parallel::map(
        par,
        files,
        |file| file.text.len() as u64,
        |file| {
            let mut out = BTreeMap::new();
            if file.text.contains("application_name") {
                expanded_records(&file.text, &mut out);
                aligned_rows(&file.text, &mut out);
            }
            out
        },
    );
    let mut out = BTreeMap::new();
    for listed in per_file {
        for (pid, app) in listed {
            out.entry(pid).or_insert(app);
        }
    }
    out
}

/// `psql -x` output: `-[ RECORD 1 ]---` then one `column | value` line per column.
fn expanded_records(text: &str, out: &mut BTreeMap<u32, String>) {
    let mut pid = None;
    let mut app = None;
    for line in text.lines() {
        if line.starts_with("-[ RECORD") {
            pid = None;
            app = None;
            continue;
        }
        let Some((k, v)) = line.split_once('|') else {
            continue;
        };
        match k.trim() {
            "pid" => pid = digits(v.trim()),
            "application_name" => app = Some(v.trim()),
            _ => continue,
        }
        if let (Some(p), Some(a)) = (pid, app.filter(|a| is_name(a))) {
            out.entry(p).or_insert_with(|| a.to_string());
        }
    }
}

/// `psql` aligned output: a header naming `pid` and `application_name` columns, then rows.
fn aligned_rows(text: &str, out: &mut BTreeMap<u32, String>) {
    let mut cols: Option<(usize, usize, usize)> = None;
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if let (Some(p), Some(a)) = (
            cells.iter().position(|c| *c == "pid"),
            cells.iter().position(|c| *c == "application_name"),
        ) {
            cols = Some((p, a, cells.len()));
            continue;
        }
        let Some((p, a, n)) = cols else { continue };
        if cells.len() != n {
            if !line.starts_with('-') {
                cols = None;
            }
            continue;
        }
        if let (Some(pid), app) = (digits(cells[p]), cells[a]) {
            if is_name(app) {
                out.entry(pid).or_insert_with(|| app.to_string());
            }
        }
    }
}

/// An application name that can name a service: one word.
fn is_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && !s.contains(char::is_whitespace)
}

/// The refusal text of a database out of connection slots, if the text holds one.
fn refusal(text: &str) -> Option<&'static str> {
    [
        "too many clients",
        "remaining connection slots are reserved",
    ]
    .into_iter()
    .find(|p| text.contains(p))
}

/// The process id a database line is about: `[4711]` (or `[4711-3]`, with a line counter) near
/// the line's start, or `pid=4711`.
fn session_pid(msg: &str) -> Option<u32> {
    let head = &msg.as_bytes()[..msg.len().min(64)];
    if let Some(k) = memchr::memmem::find(head, b"pid=") {
        return digits(&msg[k + 4..]);
    }
    let open = head.iter().position(|&b| b == b'[')?;
    let pid = digits(&msg[open + 1..])?;
    let after = msg[open + 1..].trim_start_matches(|c: char| c.is_ascii_digit());
    (after.starts_with(']') || after.starts_with('-')).then_some(pid)
}

/// The application a session line names: `application_name=NAME`, else the word after
/// `user@database` in the prefix when a PostgreSQL severity follows it.
fn application(msg: &str) -> Option<&str> {
    if let Some(app) = authorized_application(msg) {
        return Some(app);
    }
    let mut words = msg
        .split_ascii_whitespace()
        .take(8)
        .skip_while(|w| !w.contains('@'));
    words.next()?;
    let app = words.next()?;
    let severity = words.next()?;
    (is_severity(severity) && !is_severity(app) && app.len() <= 64).then_some(app)
}

/// The application of a session being authorized (`application_name=NAME`).
fn authorized_application(msg: &str) -> Option<&str> {
    let k = msg.find("application_name=")? + "application_name=".len();
    let v = msg[k..]
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '"' | '\''))
        .next()?;
    (!v.is_empty() && v != "[unknown]").then_some(v)
}

/// A PostgreSQL message severity as the log prefix ends (`LOG:`, `DETAIL:`, ...).
fn is_severity(w: &str) -> bool {
    let Some(w) = w.strip_suffix(':') else {
        return false;
    };
    matches!(
        w,
        "LOG"
            | "ERROR"
            | "FATAL"
            | "PANIC"
            | "WARNING"
            | "NOTICE"
            | "INFO"
            | "DETAIL"
            | "HINT"
            | "CONTEXT"
            | "STATEMENT"
            | "QUERY"
            | "LOCATION"
    ) || w.strip_prefix("DEBUG").is_some_and(|n| n.len() == 1)
}

/// The process a line says holds the lock it waits for.
fn holder_pid(msg: &str) -> Option<u32> {
    for cue in ["holding the lock: ", "blocked by process "] {
        if let Some(k) = msg.find(cue) {
            return digits(&msg[k + cue.len()..]);
        }
    }
    None
}

/// The number a text starts with (a process id).
fn digits(s: &str) -> Option<u32> {
    let end = s.bytes().take_while(u8::is_ascii_digit).count();
    s[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)]) -> Vec<Suspect> {
        let (corpus, f) = super::super::analyzed(files, super::super::RankMethod::Engine);
        holders(&corpus, &f, &crate::parallel::tests::Backwards)
    }

    #[test]
    fn the_application_holding_a_lock_is_named_from_its_session() {
        // PostgreSQL with log_lock_waits and a `%m [%p] %u@%d %a ` prefix: a report job takes
        // row locks, a web app's updates wait behind it and time out.
        let db = "\
2024-03-02 09:00:01.100 UTC [700] rep@shop nightly-report LOG:  connection authorized: user=rep database=shop application_name=nightly-report
2024-03-02 09:01:02.000 UTC [811] web@shop storefront LOG:  process 811 still waiting for ShareLock on transaction 5001 after 1000.042 ms
2024-03-02 09:01:02.000 UTC [811] web@shop storefront DETAIL:  Process holding the lock: 700. Wait queue: 811.
2024-03-02 09:01:06.000 UTC [811] web@shop storefront ERROR:  canceling statement due to statement timeout
2024-03-02 09:02:02.000 UTC [812] web@shop storefront DETAIL:  Process holding the lock: 700. Wait queue: 812.
2024-03-02 09:02:06.000 UTC [812] web@shop storefront ERROR:  canceling statement due to statement timeout
";
        let web = "2024-03-02T09:01:06Z ERROR checkout failed: canceling statement due to statement timeout\n";
        let s = run(&[("shop-db.log", db), ("storefront.log", web)]);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].service, "nightly-report");
        assert_eq!(s[0].class, Class::LockContention);
        assert!(s[0].reporters.contains("storefront"), "{s:?}");
        assert_eq!(s[0].events.len(), 3, "the wait and two timeouts: {s:?}");
    }

    #[test]
    fn a_holder_whose_application_is_never_written_is_not_named() {
        let db = "\
2024-03-02 09:01:02.000 UTC [811] LOG:  process 811 still waiting for ShareLock on transaction 5001 after 1000.042 ms
2024-03-02 09:01:02.000 UTC [811] DETAIL:  Process holding the lock: 700. Wait queue: 811.
2024-03-02 09:01:06.000 UTC [811] ERROR:  canceling statement due to statement timeout
";
        assert!(run(&[("shop-db.log", db)]).is_empty());
    }

    #[test]
    fn the_application_that_opened_most_sessions_before_a_refusal_filled_the_slots() {
        let mut db = String::new();
        for k in 0..8 {
            db.push_str(&format!(
                "2024-03-02 02:00:0{k}.000 UTC [90{k}] etl@ledger LOG:  connection authorized: user=etl database=ledger application_name=ledger-export\n"
            ));
        }
        db.push_str("2024-03-02 02:00:09.000 UTC [950] api@ledger LOG:  connection authorized: user=api database=ledger application_name=wallet\n");
        db.push_str("2024-03-02 02:00:10.000 UTC [951] api@ledger FATAL:  sorry, too many clients already\n");
        db.push_str("2024-03-02 02:00:11.000 UTC [952] api@ledger FATAL:  sorry, too many clients already\n");
        let s = run(&[("ledger-db.log", &db)]);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].service, "ledger-export");
        assert_eq!(s[0].class, Class::DbPoolExhaustion);
    }

    #[test]
    fn sessions_spread_over_many_applications_name_no_filler() {
        let mut db = String::new();
        for k in 0..8 {
            db.push_str(&format!(
                "2024-03-02 02:00:0{k}.000 UTC [90{k}] u@ledger LOG:  connection authorized: user=u database=ledger application_name=app{k}\n"
            ));
        }
        db.push_str(
            "2024-03-02 02:00:10.000 UTC [951] u@ledger FATAL:  sorry, too many clients already\n",
        );
        assert!(run(&[("ledger-db.log", &db)]).is_empty());
    }

    #[test]
    fn a_holder_is_named_from_a_pasted_session_listing() {
        // The log prefix has no application; `psql -x` on the activity view says who pid 700 is.
        let db = "\
2024-03-02 09:01:02.000 UTC [811] web@shop LOG:  process 811 still waiting for AccessExclusiveLock on relation 1 after 1000.0 ms
2024-03-02 09:01:02.000 UTC [811] web@shop DETAIL:  Process holding the lock: 700. Wait queue: 811.
2024-03-02 09:03:02.000 UTC [811] web@shop ERROR:  canceling statement due to statement timeout
";
        let psql = "\
-[ RECORD 1 ]----+------------------
pid              | 700
application_name | schema-migrator
state            | active
";
        let s = run(&[("shop-db.log", db), ("psql.txt", psql)]);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].service, "schema-migrator");
    }

    #[test]
    fn session_listings_are_read_as_tables_and_records() {
        let mut out = BTreeMap::new();
        aligned_rows(
            "  pid  | usename | application_name | state\n-------+---------+------------------+-------\n 4711 | etl     | exporter         | active\n 4712 | web     | PostgreSQL JDBC Driver | idle\n(2 rows)\n",
            &mut out,
        );
        assert_eq!(out.get(&4711).map(String::as_str), Some("exporter"));
        assert_eq!(
            out.get(&4712),
            None,
            "a driver's default name is no service"
        );
        expanded_records(
            "-[ RECORD 1 ]\npid | 9\napplication_name | psql\n",
            &mut out,
        );
        assert_eq!(out.get(&9).map(String::as_str), Some("psql"));
    }

    #[test]
    fn session_fields_are_read_from_the_prefix() {
        assert_eq!(session_pid("[4711] u@d app LOG:  x"), Some(4711));
        assert_eq!(session_pid("[4711-3] u@d app LOG:  x"), Some(4711));
        assert_eq!(session_pid("pid=88 msg"), Some(88));
        assert_eq!(session_pid("[main] started"), None);
        assert_eq!(application("[4711] u@d billing LOG:  x"), Some("billing"));
        assert_eq!(application("[4711] u@d LOG:  x"), None);
        assert_eq!(
            application("LOG: connection authorized: user=a database=b application_name=psql"),
            Some("psql")
        );
        assert_eq!(
            holder_pid("DETAIL:  Process holding the lock: 700. Wait queue: 811."),
            Some(700)
        );
        assert_eq!(
            holder_pid("Process 811 waits for ShareLock on transaction 5; blocked by process 700."),
            Some(700)
        );
    }
}
