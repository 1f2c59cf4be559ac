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
