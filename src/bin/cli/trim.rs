//! Hands the memory the engine freed back to the OS between its stages.
//!
//! glibc's allocator keeps freed blocks inside its heap for reuse and returns only the free
//! top of the heap, so a stage's temporary buffers (parts merged, masked runs, a tool's
//! tables) stay resident for the rest of the run, in holes between live blocks. `malloc_trim`
//! returns every free page, holes included. The CLI calls it once as each of the later stages
//! starts: the engine itself never touches the allocator (it runs in a Web Worker too).

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

#[cfg(test)]
mod tests {
    use super::*;

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
