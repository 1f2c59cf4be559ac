//! The narrative engine on a real report: payload (budget, redaction, determinism, follow-ups)
//! and the check of answers (unknown names and numbers flagged in place, root-cause
//! disagreement shown with evidence for both sides, a parroted prompt injection caught).
#![cfg(not(target_arch = "wasm32"))] // native only: reads fixture files

use faultline::{
    analyze, check_answer, AnalyzeOptions, Conversation, FlagKind, InputFile, LlmSettings,
    Provider, Report, Role,
};

fn report() -> Report {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/narrative/checkout.log"
    );
    let bytes = std::fs::read(path).unwrap();
    analyze(
        &[InputFile::new("checkout.log", bytes)],
        &AnalyzeOptions::default(),
    )
    .unwrap()
}

fn settings(budget: usize) -> LlmSettings {
    let mut s = LlmSettings::new(Provider::OpenAi, "http://127.0.0.1:9/v1", "m");
    s.budget_tokens = budget;
    s
}

#[test]
fn payload_is_deterministic_redacted_and_within_budget() {
    let r = report();
    let a = Conversation::start(&r, settings(6000)).unwrap();
    let b = Conversation::start(&r, settings(6000)).unwrap();
    assert_eq!(a.payload(), b.payload());
    assert_eq!(a.request().unwrap(), b.request().unwrap());
    let p = a.payload();
    assert!(p.evidence_included >= 8, "{}", p.evidence_included);
    assert_eq!(p.evidence_dropped, 0);
    assert!(p.tokens <= p.budget);
    let user = &p.messages[0].content;
    assert!(
        !user.contains("4111 1111 1111 1111") && user.contains("<CARD_1>"),
        "{user}"
    );
    assert!(
        !user.contains("<EMAIL_1>"),
        "the e-mail line is INFO, not evidence: {user}"
    );
    // Root cause evidence comes first.
    let e1 = user.lines().find(|l| l.starts_with("E1 ")).unwrap();
    assert!(e1.contains("[root cause]"), "{e1}");

    let small = Conversation::start(&r, settings(2100)).unwrap();
    let sp = small.payload();
    assert!(sp.evidence_included < p.evidence_included);
    assert_eq!(
        sp.evidence_included + sp.evidence_dropped,
        p.evidence_included
    );
    assert!(sp.tokens <= 2100, "{}", sp.tokens);
    assert!(sp.evidence_included > 0);
}

#[test]
fn follow_ups_reuse_placeholders_and_keep_history() {
    let r = report();
    let mut c = Conversation::start(&r, settings(6000)).unwrap();
    c.record_answer("fare-api failed; see <EMAIL_1>.");
    c.ask("Was mara.quist@example.org charged twice? Card 4111 1111 1111 1111?");
    let m = &c.payload().messages;
    assert_eq!(m.len(), 3);
    assert_eq!(m[1].role, Role::Assistant);
    assert_eq!(m[2].role, Role::User);
    assert!(m[2].content.contains("<EMAIL_1>") && m[2].content.contains("<CARD_1>"));
    assert!(!m[2].content.contains("mara.quist"));
    assert_eq!(
        c.restore("ask <EMAIL_1> about <CARD_1>"),
        "ask mara.quist@example.org about 4111 1111 1111 1111"
    );
    let n = c.narrative(&r, "From <IP_1>.");
    assert_eq!(n.source, "openai");
    assert!(!n.text.contains("<IP_1>"));
}

#[test]
fn a_faithful_answer_passes_and_unknowns_are_flagged_in_place() {
    let r = report();
    let good = "## Root cause\nfare-api exhausted its pool (50/50 connections) after seat-db slowed to 2300ms; gate-gw saw 504s after 5000ms.";
    let c = check_answer(&r, good);
    assert!(c.is_clean(), "{:?}", c);
    assert!(c.checked >= 6);

    let bad = "## Root cause\nfare-api exhausted its pool after payments-db on db7.prod.example.net hit 9999 connections.";
    let c = check_answer(&r, bad);
    let got: Vec<(FlagKind, &str)> = c.flags.iter().map(|f| (f.kind, f.value.as_str())).collect();
    assert!(got.contains(&(FlagKind::Service, "payments-db")), "{got:?}");
    assert!(
        got.contains(&(FlagKind::Host, "db7.prod.example.net")),
        "{got:?}"
    );
    assert!(got.contains(&(FlagKind::Number, "9999")), "{got:?}");
    for f in &c.flags {
        assert_eq!(&bad[f.start..f.end], f.value);
    }
    let joined: String = c.segments(bad).iter().map(|(s, _)| *s).collect();
    assert_eq!(joined, bad);
    // The engine's service is named: no disagreement.
    assert!(c.disagreement.is_none());

    // Times must be times the report shows; their digits are not free numbers.
    let t = "Checkout failed between 10:00 and 10:04 UTC on 2026-04-02 (first error 10:00:04).";
    let c = check_answer(&r, t);
    let got: Vec<&str> = c.flags.iter().map(|f| f.value.as_str()).collect();
    assert_eq!(got, ["10:04"], "{:?}", c.flags);
}

#[test]
fn a_parroted_injection_is_flagged_and_both_root_causes_are_shown() {
    let r = report();
    let before = r.clone();
    let answer = "## Summary\nCheckout failed.\n## Root cause\nThe root cause is ledger-proxy, which ran out of memory.";
    let c = check_answer(&r, answer);
    assert_eq!(r, before, "checking never touches the report");
    assert!(c
        .flags
        .iter()
        .any(|f| f.kind == FlagKind::Service && f.value == "ledger-proxy"));
    let d = c.disagreement.expect("disagreement");
    assert_eq!(d.engine.service.as_deref(), Some("fare-api"));
    assert_eq!(
        d.engine.failure_class.as_deref(),
        Some("db_pool_exhaustion")
    );
    assert!(!d.engine.evidence.is_empty());
    assert_eq!(d.answer.service.as_deref(), Some("ledger-proxy"));
    assert_eq!(d.answer.failure_class.as_deref(), Some("oom"));
    assert!(
        d.answer.evidence.is_empty(),
        "no service ledger-proxy logged anything"
    );

    // Blaming a real runner-up: its own evidence is shown.
    let c = check_answer(
        &r,
        "## Root cause\nseat-db slow queries (lock wait) caused it.",
    );
    let d = c.disagreement.expect("disagreement");
    assert_eq!(d.answer.service.as_deref(), Some("seat-db"));
    assert_eq!(d.answer.failure_class.as_deref(), Some("slow_query"));
    assert!(d
        .answer
        .evidence
        .iter()
        .any(|e| e.text.contains("slow query 2300ms")));
}

#[test]
fn a_tight_budget_shortens_the_timeline_before_giving_up() {
    let r = report();
    let full = Conversation::start(&r, settings(6000)).unwrap();
    let tight = Conversation::start(&r, settings(1000)).unwrap();
    let count = |c: &Conversation| {
        c.payload().messages[0]
            .content
            .matches("\"count\":")
            .count()
    };
    assert!(
        count(&tight) < count(&full),
        "{} vs {}",
        count(&tight),
        count(&full)
    );
    assert!(tight.payload().tokens < full.payload().tokens);
    assert_eq!(tight.payload().evidence_included, 0);
    assert!(tight.payload().messages[0]
        .content
        .contains("(no evidence lines fit the budget)"));
}

#[test]
fn the_payload_previews_before_the_endpoint_is_set_and_the_request_says_what_is_missing() {
    let r = report();
    let mut s = LlmSettings::new(Provider::Anthropic, "", "");
    s.redact_patterns = vec!["seat-db".into()];
    let c = Conversation::start(&r, s).unwrap();
    assert!(c.payload().messages[0].content.contains("<CUSTOM_1>"));
    let e = c.request().unwrap_err();
    assert_eq!(e.kind(), &faultline::NarrativeErrorKind::InvalidSettings);
    assert!(e.message().contains("model"), "{e}");
}

#[test]
fn the_check_is_stored_in_the_narrative_for_json_readers() {
    let r = report();
    let c = Conversation::start(&r, settings(6000)).unwrap();
    let n = c.narrative(
        &r,
        "## Root cause\nThe root cause is ledger-proxy, which ran out of memory.",
    );
    let check = n.check.as_ref().expect("check stored");
    assert!(check
        .flags
        .iter()
        .any(|f| f.kind == FlagKind::Service && f.value == "ledger-proxy"));
    assert!(check.disagreement.is_some());
    let mut with = r.clone();
    with.narrative = Some(n);
    let v: serde_json::Value = serde_json::to_value(&with).unwrap();
    let nv = &v["narrative"];
    for k in ["source", "model", "text"] {
        assert!(nv[k].is_string(), "{k} kept: {nv}");
    }
    assert_eq!(nv["check"]["flags"][0]["kind"], "service", "{nv}");
    assert_eq!(
        nv["check"]["disagreement"]["answer"]["failure_class"], "oom",
        "{nv}"
    );
    // A report written before the check was stored still reads.
    let mut old = v.clone();
    old["narrative"].as_object_mut().unwrap().remove("check");
    let back: Report = serde_json::from_value(old).unwrap();
    assert!(back.narrative.unwrap().check.is_none());
}

#[test]
fn classes_are_compared_by_meaning_not_by_label() {
    let r = report();
    assert_eq!(r.root_cause.failure_class, "db_pool_exhaustion");
    // A saturated pool is an exhausted pool; queueing and timeouts are what users saw.
    for same in [
        "## Root cause\nThe fare-api connection pool saturated, so requests queued and timed out.",
        "## Root cause\nfare-api had no free connections left; requests timed out.",
        // A leak that drained the pool tells the same story in the same family.
        "## Root cause\nfare-api leaked connections until the pool was exhausted.",
    ] {
        let c = check_answer(&r, same);
        assert!(c.disagreement.is_none(), "{same}: {:?}", c.disagreement);
    }
    // A different family is still a different root cause.
    for other in [
        "## Root cause\nfare-api was overloaded by a traffic spike.",
        "## Root cause\nfare-api ran out of memory and was OOMKilled.",
    ] {
        let c = check_answer(&r, other);
        let d = c.disagreement.expect(other);
        assert_eq!(d.answer.service.as_deref(), Some("fare-api"));
        assert_ne!(
            d.answer.failure_class.as_deref(),
            Some("db_pool_exhaustion")
        );
    }
}

#[test]
fn citations_are_checked_against_the_lines_they_name() {
    let r = report();
    let c = Conversation::start(&r, settings(6000)).unwrap();
    let sent = &c.payload().evidence;
    assert_eq!(sent.len(), c.payload().evidence_included);
    let id_of = |pred: &dyn Fn(&str) -> bool| {
        let i = sent.iter().position(|e| pred(&e.text)).expect("line sent");
        format!("E{}", i + 1)
    };
    let fare = id_of(&|t| t.contains("fare-api pool exhausted"));
    let gate = id_of(&|t| t.contains("gate-gw"));
    let seat = id_of(&|t| t.contains("seat-db slow query") && !t.contains("fare-api"));
    let checker = c.checker(&r);
    let citations = |text: &str| -> Vec<String> {
        checker
            .check(text)
            .flags
            .into_iter()
            .filter(|f| f.kind == FlagKind::Citation)
            .map(|f| f.value)
            .collect()
    };
    let good = format!("fare-api exhausted its pool ({fare}). gate-gw then timed out ({gate}).");
    assert!(citations(&good).is_empty(), "{good}");
    // Citing the database's line for the pool claim is wrong; so is an id that was never sent.
    let wrong = format!("fare-api exhausted its pool ({seat}). See also E99.");
    assert_eq!(
        citations(&wrong),
        vec![seat.clone(), "E99".to_string()],
        "{wrong}"
    );
    // Several ids for one sentence: one of them showing the service is enough.
    let both = format!("fare-api exhausted its pool ({seat}, {fare}).");
    assert!(citations(&both).is_empty(), "{both}");
    // The plain check (no payload) does not judge ids it cannot resolve.
    assert!(check_answer(&r, &wrong)
        .flags
        .iter()
        .all(|f| f.kind != FlagKind::Citation));
    // The stored narrative carries citation flags too.
    let n = c.narrative(&r, &wrong);
    assert!(n
        .check
        .unwrap()
        .flags
        .iter()
        .any(|f| f.kind == FlagKind::Citation && f.value == "E99"));
}
