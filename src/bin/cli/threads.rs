//! The engine's independent jobs on every core: rayon's pool (`RAYON_NUM_THREADS` threads,
//! default one per core). The engine merges the jobs' results in input order, so the report is
//! the same bytes whatever the thread count.

/// Runs a batch of engine jobs on rayon's global pool, each job its own unit of stealing.
pub struct Threads;

impl faultline::Parallel for Threads {
    fn run<'a>(&self, jobs: Vec<faultline::Job<'a>>) {
        use rayon::prelude::*;
        jobs.into_par_iter().with_max_len(1).for_each(|job| job());
    }
}

/// Threads rayon's pool will run: `RAYON_NUM_THREADS` when it is a positive number, else one
/// per core (rayon's own rule), without starting the pool.
pub fn count() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
