//! Hands the memory the engine freed back to the OS between its stages.
//!
//! glibc's allocator keeps freed blocks inside its heap for reuse and returns only the free
//! top of the heap, so a stage's temporary buffers (parts merged, masked runs, a tool's
//! tables) stay resident for the rest of the run, in holes between live blocks. `malloc_trim`
//! returns every free page, holes included. The CLI calls it once as each of the later stages
//! starts: the engine itself never touches the allocator (it runs in a Web Worker too). It
//! also chooses how many heaps the threads share and which blocks are mapped on their own
//! ([`heaps`]), so freed blocks are not spread over one heap per thread.

use faultline::Stage;

/// Remembers which stage the analysis is in, to trim once when a new one starts.
#[derive(Default)]
pub struct Trimmer {
    last: Option<Stage>,
}

impl Trimmer {
    /// Called with every progress report; trims when mining, the tools or the report start.
    /// True when it trimmed.
    pub fn update(&mut self, stage: Stage) -> bool {
        if self.last == Some(stage) {
            return false;
        }
        self.last = Some(stage);
        let later = matches!(stage, Stage::Mine | Stage::Forensics | Stage::Report);
        if later {
            release();
        }
        later
    }
}

/// Returns the allocator's free pages to the OS (glibc on Linux; elsewhere nothing).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release() {
    extern "C" {
        fn malloc_trim(pad: usize) -> std::ffi::c_int;
    }
    // SAFETY: malloc_trim only reads and updates the allocator's own state, under its locks;
    // it is safe to call from any thread at any time.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release() {}

/// Sets glibc's allocator for `threads` threads running at once. Each heap (arena) has one
/// lock: with every thread on the main heap, two threads allocating at once waited on that
/// lock (`futex` in the profile) and bounced its state between the cores, which cost a 105 MB
/// analysis on two threads ~20-25% more CPU than on one. One heap per thread (glibc's default)
/// kept each heap's freed blocks apart: the error-dense 100 MB corpus peaked at 2.02x its size
/// against 1.95x. So, for more than one thread: at most two heaps, which takes most of the
/// waiting away, and blocks of [`MMAP_THRESHOLD`] bytes or more mapped on their own, so a freed
/// large block (a file's events, merged parts, a tool's table) gives its pages back instead of
/// leaving a hole in a heap, which more than pays for the second heap's memory. Measured with
/// no other process running (2 cores, 105 MB corpus, two threads): 0.772 s on one heap,
/// 0.670 s on two, 0.643 s on two with the threshold; peak 1.91x, 1.99x, 1.83x of the input.
/// For one thread (and for commands that run no jobs at once) every thread stays on the main
/// heap with glibc's own threshold: mapping large blocks anew cost `templates` ~3% there, and
/// there is no lock to share. Called once, before any thread starts. True when the allocator
/// took the settings.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn heaps(threads: usize) -> bool {
    extern "C" {
        fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
    }
    // glibc's malloc.h: M_ARENA_MAX and M_MMAP_THRESHOLD.
    const M_ARENA_MAX: std::ffi::c_int = -8;
    const M_MMAP_THRESHOLD: std::ffi::c_int = -3;
    // SAFETY: mallopt only updates the allocator's own settings, under its lock.
    unsafe {
        if threads <= 1 {
            return mallopt(M_ARENA_MAX, 1) == 1;
        }
        mallopt(M_ARENA_MAX, HEAPS) == 1 && mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    }
}

/// Heaps the threads share (see [`heaps`]).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const HEAPS: std::ffi::c_int = 2;

/// Blocks this large or larger are mapped on their own (see [`heaps`]). Fixed: glibc's default
/// threshold grows to the size of the largest block freed, up to 32 MB, so the per-file event
/// buffers would come back from the heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: std::ffi::c_int = 256 * 1024;

/// Elsewhere the allocator is left as it is.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn heaps(_threads: usize) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn the_allocator_takes_the_heap_settings() {
        assert!(heaps(1));
        assert!(heaps(2));
    }

    #[test]
    fn trims_once_as_each_later_stage_starts() {
        use Stage::*;
        let mut t = Trimmer::default();
        let seen = [
            Parse, Entities, Parse, Entities, Mine, Mine, Forensics, Forensics, Report,
        ];
        let trimmed: Vec<bool> = seen.into_iter().map(|s| t.update(s)).collect();
        let expected = [false, false, false, false, true, false, true, false, true];
        assert_eq!(trimmed, expected);
    }
}
