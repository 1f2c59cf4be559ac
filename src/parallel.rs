//! Independent pieces of work that a caller may run at once, with results that never depend on
//! whether, how, or in which order they ran.
//!
//! The engine starts no threads (it must run in a single Web Worker too): it hands a
//! [`Parallel`] a list of jobs, each writing into its own slot, and merges the slots in input
//! order once they are all done. The native CLI passes a rayon-backed runner; everyone else gets
//! [`Sequential`]. How the work is cut never depends on the runner (by file, by fixed-size chunk
//! of events), so the merged result is the same bytes for one thread or many.

/// One piece of work. It owns or mutably borrows its own output, never another job's.
pub type Job<'a> = Box<dyn FnOnce() + Send + 'a>;

/// Runs every job to completion before returning, in any order, possibly at once.
pub trait Parallel: Sync {
    fn run<'a>(&self, jobs: Vec<Job<'a>>);
}

/// Runs the jobs one after another on the calling thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sequential;

impl Parallel for Sequential {
    fn run<'a>(&self, jobs: Vec<Job<'a>>) {
        for job in jobs {
            job();
        }
    }
}

/// `f` over every item, results in the items' order whatever the runner did. Jobs are handed
/// over largest `cost` first, so a runner that takes them in order balances its threads.
pub(crate) fn map<T, R, F>(
    par: &dyn Parallel,
    items: Vec<T>,
    cost: impl Fn(&T) -> u64,
    f: F,
) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let mut slots: Vec<Option<R>> = items.iter().map(|_| None).collect();
    let mut order: Vec<(u64, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, t)| (cost(&t), i, t))
        .collect();
    // Stable and total: equal costs keep input order, so the hand-over order is fixed too.
    crate::sort::sort_by(&mut order, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut outs: Vec<Option<&mut Option<R>>> = slots.iter_mut().map(Some).collect();
    let f = &f;
    let mut jobs: Vec<Job<'_>> = Vec::with_capacity(order.len());
    for (_, i, item) in order {
        let slot = outs[i].take().expect("each item has one slot");
        jobs.push(Box::new(move || *slot = Some(f(item))));
    }
    par.run(jobs);
    slots
        .into_iter()
        .map(|s| s.expect("the runner ran every job"))
        .collect()
}

/// `f` over `items` cut into runs of `run` (the last may be shorter), the runs' results
/// joined in the items' order: one job per run, so a per-item closure costs one job per run.
pub(crate) fn map_runs<T, R, F>(par: &dyn Parallel, items: &[T], run: usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T]) -> Vec<R> + Sync,
{
    let runs: Vec<&[T]> = items.chunks(run.max(1)).collect();
    let done = map(par, runs, |r| r.len() as u64, f);
    // Sized once: collecting the flattened runs would double its way up, slack included.
    let mut out = Vec::with_capacity(done.iter().map(Vec::len).sum());
    for part in done {
        out.extend(part);
    }
    out
}

/// Runs `a` and `b`, possibly at once, and returns both results.
pub(crate) fn join<A, B, FA, FB>(par: &dyn Parallel, a: FA, b: FB) -> (A, B)
where
    A: Send,
    B: Send,
    FA: FnOnce() -> A + Send,
    FB: FnOnce() -> B + Send,
{
    let (mut ra, mut rb) = (None, None);
    {
        let (sa, sb) = (&mut ra, &mut rb);
        par.run(vec![
            Box::new(move || *sa = Some(a())),
            Box::new(move || *sb = Some(b())),
        ]);
    }
    (
        ra.expect("the runner ran every job"),
        rb.expect("the runner ran every job"),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs the jobs last to first: what any runner is allowed to do.
    pub(crate) struct Backwards;
    impl Parallel for Backwards {
        fn run<'a>(&self, mut jobs: Vec<Job<'a>>) {
            while let Some(job) = jobs.pop() {
                job();
            }
        }
    }

    #[test]
    fn results_keep_input_order_whatever_the_run_order() {
        let items: Vec<u64> = vec![3, 9, 1, 9, 4];
        let a = map(&Sequential, items.clone(), |&x| x, |x| x * 10);
        let b = map(&Backwards, items, |&x| x, |x| x * 10);
        assert_eq!(a, [30, 90, 10, 90, 40]);
        assert_eq!(a, b);
    }

    #[test]
    fn jobs_are_handed_over_largest_first() {
        struct Record(std::sync::Mutex<Vec<u64>>);
        let seen = Record(std::sync::Mutex::new(Vec::new()));
        map(
            &Sequential,
            vec![2u64, 7, 5],
            |&x| x,
            |x| seen.0.lock().unwrap().push(x),
        );
        assert_eq!(*seen.0.lock().unwrap(), [7, 5, 2]);
    }

    #[test]
    fn join_returns_both() {
        assert_eq!(join(&Backwards, || 1, || "b"), (1, "b"));
    }
}
