//! Where an import's time goes, on standard error, when the environment
//! variable `ZHENGJIAO_IMPORT_TIMING` is set (for profiling; off otherwise):
//! per thread and phase, the time on the clock and the thread's own CPU time.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ZHENGJIAO_IMPORT_TIMING").is_some())
}

/// A moment: the clock's time and the thread's CPU time.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    wall: Instant,
    cpu: Duration,
}

/// Now, when timing is on (the CPU time costs a system call).
pub(crate) fn mark() -> Mark {
    Mark {
        wall: Instant::now(),
        cpu: if enabled() {
            thread_cpu()
        } else {
            Duration::ZERO
        },
    }
}

fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Time summed per phase of one thread, printed when dropped.
pub(crate) struct Phases {
    who: &'static str,
    start: Mark,
    sums: Vec<(&'static str, Duration, Duration)>,
}

impl Phases {
    pub fn new(who: &'static str) -> Self {
        Phases {
            who,
            start: mark(),
            sums: Vec::new(),
        }
    }

    /// Add the time since `since` to `phase`; returns now.
    pub fn add(&mut self, phase: &'static str, since: Mark) -> Mark {
        if !enabled() {
            return since;
        }
        let now = mark();
        let (wall, cpu) = (now.wall - since.wall, now.cpu.saturating_sub(since.cpu));
        match self.sums.iter_mut().find(|(p, _, _)| *p == phase) {
            Some((_, w, c)) => {
                *w += wall;
                *c += cpu;
            }
            None => self.sums.push((phase, wall, cpu)),
        }
        now
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        if enabled() {
            let parts: Vec<String> = self
                .sums
                .iter()
                .map(|(p, w, c)| format!("{p} {:.3}/{:.3}", w.as_secs_f64(), c.as_secs_f64()))
                .collect();
            let end = mark();
            eprintln!(
                "[{}] {:.3}/{:.3} s (wall/cpu): {}",
                self.who,
                (end.wall - self.start.wall).as_secs_f64(),
                end.cpu.saturating_sub(self.start.cpu).as_secs_f64(),
                parts.join(", ")
            );
        }
    }
}
