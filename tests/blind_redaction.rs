//! The blind secrets sets (tests/fixtures/secrets/blind, blind-2 ... blind-7, each written from public
//! scanner rules and id specifications by someone who never read the redactor; see their
//! README.md files): every file
//! goes through the same whole-log redaction as `faultline redact`, and each half of the
//! lines (even, odd: tuning looked at one half only) is scored on its own:
//! - leaked: secrets whose text is still in the output line verbatim;
//! - recall: secrets whose every byte was replaced by a placeholder;
//! - mangled: must-keep tokens that were touched.
//!
//! `BLIND_SHOW=even` (or `odd`) prints that half's misses and mangled tokens.
#![cfg(not(target_arch = "wasm32"))] // native only: reads fixture files

#[path = "support/markers.rs"]
mod markers;

use faultline::{LogRedactor, Redactor};
use markers::{masked_ranges, parse, Line};
use std::collections::BTreeMap;

#[derive(Default)]
struct Score {
    secrets: usize,
    leaked: usize,
    covered: usize,
    keep: usize,
    mangled: usize,
    per_kind: BTreeMap<String, (usize, usize)>,
    notes: Vec<String>,
}

impl Score {
    fn recall(&self) -> f64 {
        self.covered as f64 / self.secrets.max(1) as f64
    }
    fn mangled_rate(&self) -> f64 {
        self.mangled as f64 / self.keep.max(1) as f64
    }
}

fn blind_files(set: &str) -> Vec<(String, Vec<Line>)> {
    let dir = format!(
        "{}/tests/fixtures/secrets/{set}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("blind set")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let raw = std::fs::read_to_string(format!("{dir}/{n}")).unwrap();
            (n, raw.lines().map(parse).collect())
        })
        .collect()
}

/// Scores both halves: `[even, odd]`, by line index within each file.
fn score(set: &str) -> [Score; 2] {
    let mut halves = [Score::default(), Score::default()];
    let mut lr = LogRedactor::new(Redactor::new(&[]).unwrap());
    for (name, lines) in blind_files(set) {
        let text: String = lines.iter().map(|l| format!("{}\n", l.text)).collect();
        let out = lr.redact_text(&text);
        let out_lines: Vec<&str> = out.lines().collect();
        assert_eq!(out_lines.len(), lines.len(), "{name}: line count changed");
        for (i, (l, o)) in lines.iter().zip(&out_lines).enumerate() {
            let h = &mut halves[i % 2];
            let masked = masked_ranges(&l.text, o);
            let inside = |s: usize, e: usize| {
                (s..e).all(|b| masked.iter().any(|&(ms, me)| ms <= b && b < me))
            };
            for (kind, s, e) in &l.secrets {
                let value = &l.text[*s..*e];
                h.secrets += 1;
                let k = h.per_kind.entry(kind.clone()).or_default();
                k.0 += 1;
                if o.contains(value) {
                    h.leaked += 1;
                    h.notes
                        .push(format!("LEAK {kind} {value:?} in {name}:{}: {o}", i + 1));
                } else if inside(*s, *e) {
                    h.covered += 1;
                    k.1 += 1;
                } else {
                    h.notes
                        .push(format!("PART {kind} {value:?} in {name}:{}: {o}", i + 1));
                }
            }
            for &(s, e) in &l.keep {
                h.keep += 1;
                let value = &l.text[s..e];
                if !o.contains(value) || masked.iter().any(|&(ms, me)| ms < e && s < me) {
                    h.mangled += 1;
                    h.notes
                        .push(format!("KEEP {value:?} in {name}:{}: {o}", i + 1));
                }
            }
        }
    }
    halves
}

/// The figures a set reaches, at most or at least (a ratchet: raise them, never lower them).
struct Ratchet {
    max_leaked: usize,
    min_recall: f64,
    max_mangled: f64,
}

fn check(set: &str, r: Ratchet) {
    let halves = score(set);
    let show = std::env::var("BLIND_SHOW").unwrap_or_default();
    for (h, label) in halves.iter().zip(["even", "odd"]) {
        println!(
            "{set} {label}: {} secrets, leaked {}, recall {}/{} = {:.2}%, must-keep mangled {}/{} = {:.2}%",
            h.secrets,
            h.leaked,
            h.covered,
            h.secrets,
            100.0 * h.recall(),
            h.mangled,
            h.keep,
            100.0 * h.mangled_rate()
        );
        if show == label {
            for (k, (n, m)) in &h.per_kind {
                if m < n {
                    println!("  {k:<30} {m:>3}/{n:<3}");
                }
            }
            for n in &h.notes {
                println!("  {n}");
            }
        }
    }
    for (h, label) in halves.iter().zip(["even", "odd"]) {
        assert!(h.secrets >= 900 && h.keep >= 2000, "{label}: set too small");
        assert!(h.leaked <= r.max_leaked, "{label}: {} leaked", h.leaked);
        assert!(
            h.recall() >= r.min_recall,
            "{label}: recall {:.4}",
            h.recall()
        );
        assert!(
            h.mangled_rate() <= r.max_mangled,
            "{label}: mangled {:.4}",
            h.mangled_rate()
        );
    }
}

#[test]
fn blind_set_leaks_nothing_and_keeps_what_must_stay() {
    check(
        "blind",
        Ratchet {
            max_leaked: 3,
            min_recall: 0.997,
            max_mangled: 0.0033,
        },
    );
}

/// A second set written blind (tests/fixtures/secrets/blind-2, README there), kept from the
/// engineers who tuned on the first: it measures what holds on secrets nobody tuned for. Its
/// first run (redactor of 2026-12-06 evening): leaked 67 / 70, recall 93.04% / 92.85%. After
/// the mechanisms found on the even half (local id names, XML/SQL/mailbox structure, Secret
/// data, command-line and server-log passwords, provider prefixes): even 1 / 99.90% / 0.07%,
/// odd 10 / 98.67% / 0.22%. After blind-4's mechanisms (a national phone number that fills
/// a cell, a `vault login` token): even 0 / 100.00% / 0.07%, odd 8 / 98.95% / 0.22%. With
/// blind-6's mechanisms (national ids by their published checks, health and payment message
/// positions, device configs): odd 7 / 99.05% (1039/1049) / 0.22%. The ratchet keeps it from
/// getting worse.
#[test]
fn second_blind_set_does_not_get_worse() {
    check(
        "blind-2",
        Ratchet {
            max_leaked: 7,
            min_recall: 0.9904,
            max_mangled: 0.0022,
        },
    );
}

/// A third set written blind (tests/fixtures/secrets/blind-3, README there), from a longer list
/// of kinds (106), kept from the engineers who tuned on the first two. Its first run (redactor
/// of main b7ad617): leaked 71 / 76, recall 93.81% / 93.89%, must-keep mangled 0.09% / 0.05%
/// (even / odd). After the mechanisms found on the even half only (field words for compound
/// names, acronym key parts, short password spellings, driving licences, cookies named with a
/// leading dot, a quoted `Key: value`, IBANs in prose to their check, spaced digit runs,
/// Twilio/FCM/express-session/Azure DevOps shapes, AWS key pairs, token ends, WireGuard peers
/// kept), each kept only if the odd half confirmed it: even 2 / 99.63% / 0.00%, odd
/// 4 / 99.64% / 0.00%. With Salesforce session ids read whole across their `!`: even
/// 2 / 99.85%, odd unchanged. The ratchet keeps it from getting worse.
#[test]
fn third_blind_set_does_not_get_worse() {
    check(
        "blind-3",
        Ratchet {
            max_leaked: 4,
            min_recall: 0.9964,
            max_mangled: 0.0,
        },
    );
}

/// A fourth set written blind (tests/fixtures/secrets/blind-4, README there), with two new
/// families (mail protocol traces, Windows events), 143 kinds and JSON in unusual places, kept
/// from the engineers who tuned on the first three. Its first run (redactor of cf46f03, whose
/// output is byte-identical to main 157b2ca's): leaked 140 / 130, recall 91.98% / 92.47%,
/// must-keep mangled 1.12% / 1.37% (even / odd). After the mechanisms found on the even half
/// only (quoted CSV cells, COPY column lists, name/value records, `net use`,
/// ConvertTo-SecureString, IMAP LOGIN, POP3 PASS), each kept only if the odd half confirmed
/// it: leaked 66 / 61, recall 96.13% / 96.43%, mangled unchanged. Then (table rows that look
/// like headers, checked national ids, names by the key's last word, webhook signatures, form
/// bodies, backquoted columns, SASL answers, Vault secret_id, multilingual password keys,
/// shipping addresses, credential constructors; public signatures, certificates, message
/// ids, SIDs and the local end of a connection kept): leaked 12 / 11, recall 99.21% /
/// 99.27%, mangled 0.18% / 0.44%. Then (a card's security code after the number in its
/// list, values set by name through a call, positional `INSERT ... VALUES` judged by shape,
/// a record's value that opens with punctuation, `;` inside a generated secret, a comment's
/// `token:` to the blank, national phone numbers filling a cell): even 0 / 100.00% / 0.18%,
/// odd unchanged at 11 / 99.27% / 0.44%: by a count of the lines that match each layout,
/// the card calls, positional inserts, punctuated record values, `;` secrets and phone cells
/// are all on even lines, so the odd half can neither confirm nor refute them; blind-2's odd
/// half (phone cells, `vault login`) moved 9 -> 8 leaked. With blind-5's second round of
/// mechanisms (what it keeps: source locations, ssh targets, digests): mangled 0.13% / 0.40%.
/// The ratchet keeps it from getting worse.
#[test]
fn fourth_blind_set_does_not_get_worse() {
    check(
        "blind-4",
        Ratchet {
            max_leaked: 11,
            min_recall: 0.9927,
            max_mangled: 0.0040,
        },
    );
}

/// A fifth set written blind (tests/fixtures/secrets/blind-5, README there; its generator in
/// `gen/`), with sixteen families none of the first four had (cloud audit trails, journald
/// exports, CI consoles, Ansible, Terraform, Kafka Connect, HAR and GraphQL bodies, object
/// dumps of six languages, password hashes, seed phrases, 168 kinds), kept from the engineers
/// who tuned on the first four. Its first run (redactor of main b0e00ee): leaked 273 / 217,
/// recall 81.89% / 84.89%, must-keep mangled 1.98% / 1.84% (even / odd). After the mechanisms
/// found on the even half only (field names in other languages, tool options that take a
/// password, stored hash formats, values on the line after their name, ARM `{"value": ...}`
/// parameters, print_r records): leaked 101 / 85, recall 93.33% / 94.14%, mangled unchanged;
/// with blind-4's mechanisms merged in: leaked 95 / 76, recall 93.77% / 94.72%. Then (multipart
/// form parts, columns from an earlier `CREATE TABLE` for positional inserts, ICAO 9303 MRZ
/// check digits, MFA recovery-code lists and BIP39 mnemonics, percent-encoded form names,
/// header pairs printed as strings, LDAP common names and SAML attributes, `klist -K` keys,
/// minisign secret keys, Slack webhook paths, `password for X is Y`; kept: shadow fields
/// after a crypt hash, source locations, ssh targets, Kerberos principals, service accounts,
/// digests and public keys, numbered ids, settings about a secret), each kept only if the odd
/// half confirmed it or has no line of its layout: leaked 22 / 26, recall 98.54% / 98.18%,
/// mangled 0.42% / 0.51%; blind-4's mangled moved 0.18% / 0.44% -> 0.13% / 0.40%. The
/// ratchet keeps it from getting worse. With blind-7's mechanisms (written without this set):
/// odd leaked 26 -> 23, recall 98.37%.
#[test]
fn fifth_blind_set_does_not_get_worse() {
    check(
        "blind-5",
        Ratchet {
            max_leaked: 23,
            min_recall: 0.9837,
            max_mangled: 0.0051,
        },
    );
}

/// A sixth set written blind (tests/fixtures/secrets/blind-6, README there; its generator in
/// `gen/`), with fourteen families none of the first five had (Kubernetes audit and GitOps
/// controllers, curl/wget/git HTTP traces, package-manager and cloud-CLI debug output, data
/// pipelines, network-device configs, provisioning, IoT brokers, observability payloads, WAF
/// audit logs, mobile consoles, HL7/FHIR/EDI/SWIFT messages, exception reports with locals,
/// chat and ticket exports; 173 kinds, 21 national ids none of the others used), kept from the
/// engineers who tuned on the first five. Its first run (redactor of main 2354788): leaked
/// 315 / 337, recall 71.02% / 68.71%, must-keep mangled 1.03% / 1.65% (even / odd; the odd
/// rate is 42/2541 = 0.01653, so the first ratchet of 0.0165 never held). After the mechanisms
/// found on the even half only, each checked on the odd half's counts (HL7 v2 segment fields,
/// X12 elements, FHIR person resources and ISO 20022 parties by their standards' positions,
/// then 19 more national id types by their published checks, network-device and
/// wireless config keywords, Jira wiki tables, SWIFT party lines, Mosquitto and Bundler
/// credentials, `$7$`/`$8$`/`$9$` hashes): leaked 81 / 109, recall 92.71% / 89.92%, mangled
/// 1.03% / 1.65%. With account recovery codes listed after their name: leaked 77 / 105,
/// recall 93.07% / 90.27%. Merged with blind-5's mechanisms (written without this set): leaked
/// 77 / 105, mangled 0.99% / 1.57%. With blind-7's mechanisms (written without this set):
/// leaked 75 / 91, recall 93.24% / 91.50%. The ratchet keeps it from getting worse.
#[test]
fn sixth_blind_set_does_not_get_worse() {
    check(
        "blind-6",
        Ratchet {
            max_leaked: 91,
            min_recall: 0.9149,
            max_mangled: 0.0158,
        },
    );
}

/// A seventh set written blind (tests/fixtures/secrets/blind-7, README there; its generator in
/// `gen/`) by a stranger who read only the earlier sets' READMEs and blind-6's checker, with
/// fourteen families none of the first six had (database servers and their audit plugins,
/// auditd with hex-encoded arguments, identity providers, VPN gateways, payment and shop
/// platforms, Java app servers, SIP telephony, backup tools, secret-manager tooling, HR/CRM/ERP
/// exports, game and desktop crash reports, file transfer, DNS/DHCP/ACME, serverless; 161
/// kinds). Its first run (redactor of main 7c08c52): leaked 288 / 290, recall 75.10% / 75.58%,
/// must-keep mangled 1.58% / 1.68% (even / odd). With values found again on every line of
/// their text: leaked 288 / 285. After the mechanisms found on the even half, each checked on
/// the odd half's counts (auditd's hex-encoded command lines read as lines, what was typed
/// after a password prompt or not echoed, GECOS fields, login names no account could have,
/// OpenVPN static keys, borg key exports, Vault CLI tables, credentials files by their
/// layouts, national-id and SAP HR field names, ids never read as timestamps, coordinates,
/// change records, unquoted addresses to the next pair, SIP and caller-id display names, SAML
/// friendly names, database rows printed without columns, more tool syntaxes): leaked
/// 119 / 161, recall 89.08% / 86.00%, mangled unchanged. Then (personal documents' file
/// names, national ids with a birth date and a check found bare, ids and birth dates in a
/// database row that holds a person's name, a JSON member named only `value`/`ID` under an
/// object named for an id, a person named before their id pairs, PIDF-LO locations, caller-id
/// names of E.164 numbers, SMS/voice API parties, provisioning files named by a MAC, URL path
/// parameters ending at the query), each checked on the odd half's counts: leaked 50 / 108,
/// recall 94.29% / 90.14%, mangled 1.46% / 1.64%. The ratchet keeps it from getting worse.
#[test]
fn seventh_blind_set_does_not_get_worse() {
    check(
        "blind-7",
        Ratchet {
            max_leaked: 108,
            min_recall: 0.9013,
            max_mangled: 0.0165,
        },
    );
}

/// An eighth set written blind (tests/fixtures/secrets/blind-8, README there; its generator in
/// gen/): fourteen families none of the first seven had (mail stacks, directory services and
/// Kerberos, build agents, infrastructure-as-code deploys, artifact registries, broker
/// administration, telemetry agents, API gateways, warehouse and ETL tools, printing and fax,
/// HPC and research computing, LLM application traces, CMS platforms, virtualization and BMCs),
/// 16 national-id types and token prefixes none of them used. Its first run, before any code
/// change for it (0ba0bec): leaked 252 / 269, recall 76.98% / 76.60%, must-keep mangled
/// 2.57% / 2.26% (even / odd). With options named for a secret taking the next argument,
/// `pass` after an account (`smtppass`) and PHP's `define`: leaked 232 / 259, recall
/// 78.78% / 77.46%, mangled unchanged. With blind-7's second round (written without this
/// set): leaked 216 / 246, recall 80.22% / 78.58%. With refused-login names in more
/// phrasings, secret-store set commands, SNMP communities, htdigest and ZooKeeper digests,
/// klist keys after two spaces and `version` fields kept: leaked 190 / 229, recall
/// 82.19% / 79.71%, mangled 2.06% / 1.76%. The ratchet keeps it from getting worse.
#[test]
fn eighth_blind_set_does_not_get_worse() {
    check(
        "blind-8",
        Ratchet {
            max_leaked: 229,
            min_recall: 0.7970,
            max_mangled: 0.0207,
        },
    );
}
