//! Recommendations and the five whys, from a playbook keyed by failure class, filled with the
//! real names the logs gave (service, pod, namespace, host).
//!
//! Promises: every command names things that appear in the input; nothing is recommended for a
//! class the evidence does not show.

use super::Class;

/// Names from the logs that commands can use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    pub service: String,
    pub namespace: Option<String>,
    pub pod: Option<String>,
}

/// One recommendation.
#[derive(Debug, Clone)]
pub(crate) struct Rec {
    pub title: String,
    pub why: String,
    pub commands: Vec<String>,
}

fn ns(n: &Names) -> String {
    n.namespace
        .as_ref()
        .map_or(String::new(), |ns| format!(" -n {ns}"))
}

/// Ranked actions for a root cause of `class` in `n.service`.
/// `deployed`: the service whose deploy triggered the incident, when the trigger is a deploy:
/// the root or a service it depends on (the trigger tool never names a caller), so a rollback
/// is only recommended on the root's causal chain.
pub(crate) fn recommend(class: Class, n: &Names, deployed: Option<&str>) -> Vec<Rec> {
    let s = &n.service;
    let nsf = ns(n);
    let pod = n.pod.clone().unwrap_or_else(|| format!("deploy/{s}"));
    let r = |title: &str, why: &str, commands: Vec<String>| Rec {
        title: title.into(),
        why: why.into(),
        commands,
    };
    let inspect = r(
        &format!("Inspect {s} now"),
        "Confirm the state the logs describe before changing anything.",
        vec![
            format!("kubectl get pods{nsf} -o wide | grep {s}"),
            format!("kubectl describe {pod}{nsf}"),
            format!("kubectl logs {pod}{nsf} --previous --tail=200"),
        ],
    );
    let mut out = match class {
        Class::DbPoolExhaustion | Class::ConnectionLeak => vec![
            r(&format!("Relieve the connection pool of {s}"), "The pool is full: new requests wait and time out. Find who holds connections before raising the limit.", vec![
                "SELECT state, count(*) FROM pg_stat_activity GROUP BY state ORDER BY 2 DESC;".into(),
                "SELECT pid, now() - query_start AS age, state, left(query, 80) FROM pg_stat_activity WHERE state <> 'idle' ORDER BY age DESC LIMIT 20;".into(),
            ]),
            r("Bound how long work may hold a connection", "Long transactions and leaked connections keep the pool full.", vec![
                "ALTER DATABASE <db> SET idle_in_transaction_session_timeout = '30s';".into(),
                "ALTER DATABASE <db> SET statement_timeout = '5s';".into(),
            ]),
            r(&format!("Size the pool of {s} against the database's max_connections"), "Pool size x replicas must stay below max_connections; add leak detection.", vec![
                "SHOW max_connections;".into(),
                format!("kubectl set env deploy/{s}{nsf} DB_POOL_MAX=<size> DB_POOL_LEAK_DETECTION_MS=30000"),
            ]),
        ],
        Class::SlowQuery | Class::LockContention => vec![
            r("Find the slow or blocking queries", "Slow statements and lock waits hold connections and stall callers.", vec![
                "SELECT pid, wait_event_type, wait_event, now() - query_start AS age, left(query, 80) FROM pg_stat_activity WHERE wait_event IS NOT NULL ORDER BY age DESC;".into(),
                "SELECT blocked.pid, blocking.pid AS blocking_pid, left(blocked.query, 60) FROM pg_stat_activity blocked JOIN pg_stat_activity blocking ON blocking.pid = ANY(pg_blocking_pids(blocked.pid));".into(),
            ]),
            r("Add the missing index or a statement timeout", "Stop one query from taking the database down with it.", vec!["EXPLAIN (ANALYZE, BUFFERS) <the slow query>;".into()]),
        ],
        Class::Oom | Class::MemoryPressure => vec![
            r(&format!("Give {s} memory headroom, then find the growth"), "The process hit its memory limit; raising it buys time, a heap profile finds the cause.", vec![
                format!("kubectl top pod{nsf} | grep {s}"),
                format!("kubectl set resources deploy/{s}{nsf} --limits=memory=<higher>"),
            ]),
            r("Bound per-request memory", "Large batches or unbounded caches grow the heap under load.", vec![]),
        ],
        Class::CrashLoop => vec![r(&format!("Read why {s} exits on start"), "A crash loop restarts with back-off; the previous container's log has the reason.", vec![
            format!("kubectl logs {pod}{nsf} --previous"),
            format!("kubectl rollout undo deploy/{s}{nsf}"),
        ])],
        Class::ImagePull => vec![r(&format!("Fix the image reference of {s}"), "The image cannot be pulled: wrong tag, missing pull secret or registry unreachable.", vec![
            format!("kubectl get deploy/{s}{nsf} -o jsonpath='{{.spec.template.spec.containers[*].image}}'"),
            format!("kubectl get deploy/{s}{nsf} -o jsonpath='{{.spec.template.spec.imagePullSecrets}}'"),
            format!("kubectl rollout undo deploy/{s}{nsf}"),
        ])],
        Class::Scheduling => vec![r(&format!("Make room for {s} to schedule"), "No node satisfies the pod's requests, selectors, affinity or tolerations.", vec![
            format!("kubectl describe {pod}{nsf} | sed -n '/Events/,$p'"),
            "kubectl describe nodes | grep -A5 -E 'Taints|Allocated resources'".into(),
            format!("kubectl get deploy/{s}{nsf} -o jsonpath='{{.spec.template.spec.nodeSelector}} {{.spec.template.spec.affinity}} {{.spec.template.spec.tolerations}}'"),
        ])],
        Class::QuotaExceeded => vec![r("Raise or free the namespace quota", "The namespace's ResourceQuota refuses new pods.", vec![format!("kubectl describe resourcequota{nsf}")])],
        Class::ProbeFailure => vec![r(&format!("Check the probes of {s}"), "Probes on the wrong port, protocol or timing kill or unroute a healthy container.", vec![
            format!("kubectl get deploy/{s}{nsf} -o jsonpath='{{.spec.template.spec.containers[*].livenessProbe}} {{.spec.template.spec.containers[*].readinessProbe}}'"),
            format!("kubectl describe {pod}{nsf} | grep -i -A3 probe"),
        ])],
        Class::ConfigError => vec![r(&format!("Fix the configuration of {s}"), "A missing or invalid setting stops the service from working.", vec![
            format!("kubectl get deploy/{s}{nsf} -o yaml | grep -A20 env:"),
            format!("kubectl rollout undo deploy/{s}{nsf}"),
        ])],
        Class::DnsFailure => vec![r("Check name resolution", "Callers cannot resolve a host name.", vec![
            "kubectl -n kube-system get pods -l k8s-app=kube-dns".into(),
            format!("kubectl get svc,endpoints{nsf} | grep {s}"),
        ])],
        Class::ClockSkew => vec![r(&format!("Resynchronise the clock of {s}"), "A host clock that jumped makes tokens and certificates look expired or not yet valid to other hosts.", vec![
            "chronyc tracking".into(),
            "chronyc sources -v".into(),
            "timedatectl status".into(),
        ])],
        Class::AuthFailure => vec![r(&format!("Check the keys and credentials of {s}"), "Tokens or credentials were rejected: a signing key missing from the published key set, an expired token, or a secret that no longer matches.", vec![
            format!("curl -s https://{s}/.well-known/openid-configuration | jq .jwks_uri"),
            format!("curl -s https://{s}/.well-known/jwks.json | jq '.keys[].kid'"),
        ])],
        Class::TlsExpiry => vec![r("Renew the certificate", "An expired or untrusted certificate fails every handshake.", vec![format!("echo | openssl s_client -connect {s}:443 2>/dev/null | openssl x509 -noout -dates")])],
        Class::DiskFull => vec![r(&format!("Free disk on {s}"), "Writes fail when the volume is full.", vec![format!("kubectl exec {pod}{nsf} -- df -h"), format!("kubectl exec {pod}{nsf} -- du -xh / --max-depth=2")])],
        Class::FdExhaustion => vec![r(&format!("Find what holds the file descriptors of {s}"), "Accepts, dials and file opens fail once a process reaches its open-files limit: usually sockets that are never closed (many in CLOSE_WAIT), sometimes a limit set too low.", vec![
            format!("kubectl exec {pod}{nsf} -- sh -c 'ls /proc/1/fd | wc -l; grep \"open files\" /proc/1/limits'"),
            format!("kubectl exec {pod}{nsf} -- sh -c 'ss -tan state close-wait | wc -l'"),
        ])],
        Class::RateLimited => vec![r("Back off and raise the limit where it is safe", "A quota or rate limit rejects calls; retries without back-off make it worse.", vec![])],
        Class::Overload => vec![r(&format!("Add capacity to {s} or shed load"), "The service cannot keep up with the offered load.", vec![format!("kubectl scale deploy/{s}{nsf} --replicas=<more>"), format!("kubectl top pod{nsf} | grep {s}")])],
        Class::QueueBacklog => vec![r("Drain the backlog", "Consumers fall behind producers.", vec![format!("kubectl scale deploy/{s}{nsf} --replicas=<more>")])],
        Class::CacheUnavailable => vec![r(&format!("Restore the cache {s}"), "Callers fail when the cache is down; they should degrade instead.", vec![
            format!("kubectl exec {pod}{nsf} -- redis-cli cluster info"),
            format!("kubectl exec {pod}{nsf} -- redis-cli info memory"),
        ])],
        Class::CacheEviction => vec![r("Size the cache for its working set", "Evictions push load onto the database.", vec![format!("kubectl exec {pod}{nsf} -- redis-cli info stats")])],
        Class::CodeException => vec![r(&format!("Roll back or fix the failing code path in {s}"), "The service throws on a code path; the stack trace names it.", vec![format!("kubectl rollout history deploy/{s}{nsf}"), format!("kubectl rollout undo deploy/{s}{nsf}")])],
        Class::Latency => vec![r(&format!("Find what holds up the work of {s}"), "Its calls got slow; callers that wait on it without a timeout fill their own threads and pools.", vec![
            format!("kubectl top pod{nsf} | grep {s}"),
            format!("kubectl rollout history deploy/{s}{nsf}"),
        ])],
        Class::DependencyUnavailable | Class::Network | Class::Timeout => vec![r(&format!("Restore {s} for its callers"), "Callers time out or are refused; check the endpoints behind the name.", vec![
            format!("kubectl get svc,endpoints{nsf} | grep {s}"),
            format!("kubectl get pods{nsf} -o wide | grep {s}"),
        ])],
    };
    out.push(inspect);
    if let Some(d) = deployed {
        // The trigger was a deploy: rolling it back is the first mitigation.
        let dn = ns(&Names {
            service: d.to_string(),
            namespace: n.namespace.clone(),
            pod: None,
        });
        let undo = format!("kubectl rollout undo deployment/{d}{dn}");
        let has_undo = out
            .iter()
            .flat_map(|r| &r.commands)
            .any(|c| c.starts_with(&format!("kubectl rollout undo deploy/{d}{dn}")));
        if !has_undo {
            out.insert(
                0,
                r(
                    &format!("Roll back {d} to the previous version"),
                    "A deploy set the failure off: rolling back restores the last known-good version while the change is investigated.",
                    vec![
                        format!("kubectl rollout history deployment/{d}{dn}"),
                        undo,
                        format!("kubectl rollout status deployment/{d}{dn}"),
                    ],
                ),
            );
        }
    }
    out.push(r(
        "Alert on the first signal, not the last",
        &format!(
            "An alert on {} in {s} pages before users notice.",
            class.as_str()
        ),
        vec![],
    ));
    out
}

/// The five whys for a root cause, as (question, answer) pairs; the caller attaches evidence.
pub(crate) fn whys(
    class: Class,
    service: &str,
    symptom: &str,
    first_signal: &str,
) -> (Vec<(String, String)>, String, String) {
    let mechanism = match class {
        Class::DbPoolExhaustion | Class::ConnectionLeak => {
            "every connection of its database pool was in use, so requests queued and timed out"
        }
        Class::Oom | Class::MemoryPressure => {
            "its memory grew past the container limit and the kernel killed it"
        }
        Class::SlowQuery | Class::LockContention => {
            "queries waited on slow statements or locks and held their connections"
        }
        Class::CrashLoop => "the container kept exiting on start",
        Class::ImagePull => "its image could not be pulled, so no container started",
        Class::Scheduling => "no node could take its pod, so it never ran",
        Class::ProbeFailure => {
            "its health probes failed, so it was restarted or removed from service"
        }
        Class::ConfigError | Class::QuotaExceeded => {
            "a configuration or policy prevented it from running correctly"
        }
        Class::DnsFailure => "a host name it needs did not resolve",
        Class::TlsExpiry => "a certificate it relies on was rejected",
        Class::ClockSkew => "its clock jumped, so times it issued or checked were wrong",
        Class::AuthFailure => "the tokens or credentials it issued or relies on were rejected",
        Class::DiskFull => "its disk filled up and writes failed",
        Class::FdExhaustion => {
            "it ran out of file descriptors, so it could not accept, dial or open anything"
        }
        Class::CacheUnavailable | Class::CacheEviction => "the cache it depends on stopped serving",
        Class::RateLimited | Class::Overload | Class::QueueBacklog => {
            "it received more work than it could absorb"
        }
        Class::CodeException => "a code path threw exceptions",
        Class::DependencyUnavailable | Class::Network | Class::Timeout => {
            "it stopped answering its callers"
        }
        Class::Latency => "its work slowed down, so its callers waited on it",
    };
    let guard = match class {
        Class::DbPoolExhaustion
        | Class::ConnectionLeak
        | Class::SlowQuery
        | Class::LockContention => "pool saturation and statement time had no alert and no timeout",
        Class::Oom | Class::MemoryPressure => "memory growth had no alert before the limit",
        Class::ImagePull
        | Class::Scheduling
        | Class::ConfigError
        | Class::CrashLoop
        | Class::ProbeFailure
        | Class::QuotaExceeded => "the rollout was not gated on the new pods becoming ready",
        _ => "nothing alerted on the first abnormal signal",
    };
    let steps = vec![
        ("Why did users or callers see failures?".to_string(), format!("Because {symptom}.")),
        (format!("Why did {service} fail?"), format!("Because {mechanism}.")),
        ("What was the first sign?".into(), format!("The earliest abnormal line: {first_signal}")),
        ("Why was it not caught earlier?".into(), format!("Because {guard}.")),
        ("Why could it spread?".into(), "Because callers waited on the failing service instead of failing fast (timeouts, circuit breakers, bulkheads).".into()),
    ];
    let systemic = format!(
        "{} in {service} could grow unnoticed and its callers had no isolation from it.",
        class.as_str().replace('_', " ")
    );
    let counterfactual = format!("Had {guard_short} in {service} alerted at the first signal, and callers failed fast, the incident would have stayed inside {service}.", guard_short = class.as_str().replace('_', " "));
    (steps, systemic, counterfactual)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_use_the_real_names() {
        let n = Names {
            service: "orders-api".into(),
            namespace: Some("shop".into()),
            pod: Some("orders-api-6d5f7c9b8-abcde".into()),
        };
        let recs = recommend(Class::Oom, &n, None);
        assert!(recs[0]
            .commands
            .iter()
            .any(|c| c.contains("deploy/orders-api -n shop")));
        assert!(recs
            .iter()
            .flat_map(|r| &r.commands)
            .all(|c| !c.contains("payments")));
    }

    /// Bug: no rollback step when the trigger kind is `deploy`.
    #[test]
    fn deploy_trigger_recommends_rollback() {
        let n = Names {
            service: "stock-db".into(),
            namespace: Some("shop".into()),
            pod: None,
        };
        let recs = recommend(Class::DbPoolExhaustion, &n, Some("cart-api"));
        assert!(
            recs[0].title.contains("Roll back cart-api"),
            "{:?}",
            recs[0]
        );
        assert!(recs[0]
            .commands
            .contains(&"kubectl rollout undo deployment/cart-api -n shop".to_string()));
        let none = recommend(Class::DbPoolExhaustion, &n, None);
        assert!(none
            .iter()
            .flat_map(|r| &r.commands)
            .all(|c| !c.contains("rollout undo")));
    }
}
