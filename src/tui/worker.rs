//! Store work off the input path. A [`Worker`] is a thread with its own
//! [`Store`] (its own SQLite connection) and a queue of jobs, one per
//! [`Slot`]: submitting a job for a slot that already has one waiting replaces
//! it, so only the newest pending query of a pane is ever run. Replies come
//! back over a channel that the console drains on every tick.

use crate::store::Store;
use std::any::Any;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

/// What a job returns: the page type of the pane that asked, boxed.
pub type Reply = Box<dyn Any + Send>;

/// A piece of store work: runs on the worker's connection.
pub type Job = Box<dyn FnOnce(&mut Store) -> Reply + Send>;

/// Who asked: replies are routed by slot, and a slot holds one pending job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// progress counters of every town and village (header, towns, dashboard)
    Progress,
    /// payments per day of the year (dashboard)
    Daily,
    /// a residents list's count, for the main view or the outstanding view
    Count(Lane),
    /// a residents list's rows around the visible ones
    Page(Lane),
    /// where a resident stands in a list (after a search)
    Locate(Lane),
    /// every id of a list, to mark them all
    MarkAll(Lane),
    /// one resident's detail
    Detail,
    /// the full ID number, with its audit row
    FullId,
    Search,
    /// the payment form's fresh detail of the resident
    PayForm,
    /// the payment form's receipt number, checked as typed
    PayCheck,
    Payment,
    AuditCount,
    AuditPage,
    /// the remittance view's agent-days
    Remittance,
    /// a refund, reversal, cash handed in or a day closed
    Prompt,
}

/// Which residents list: the main view's or the outstanding view's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    Main,
    Outstanding,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<(Slot, Job)>,
    /// the slot whose job is running
    running: Option<Slot>,
    closed: bool,
}

impl Slot {
    /// A read whose running query may be interrupted when a newer one of the
    /// same slot arrives (a town's list the clerk has already moved past).
    fn interruptible(self) -> bool {
        matches!(
            self,
            Slot::Page(_) | Slot::Count(_) | Slot::Locate(_) | Slot::Search
        )
    }
}

struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    /// queued and running jobs, and replies not yet taken
    in_flight: AtomicUsize,
}

pub struct Worker {
    shared: Arc<Shared>,
    interrupt: rusqlite::InterruptHandle,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Start a worker on `store`; replies go to `replies`.
    pub fn start(name: &str, mut store: Store, replies: Sender<(Slot, Reply)>) -> Worker {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            in_flight: AtomicUsize::new(0),
        });
        let inner = Arc::clone(&shared);
        let interrupt = store.conn().get_interrupt_handle();
        // ZHENGJIAO_TRACE_JOBS=1: each job's time on stderr (benchmarks)
        let trace = std::env::var_os("ZHENGJIAO_TRACE_JOBS").is_some();
        let thread = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                loop {
                    let (slot, job) = {
                        let mut q = inner.queue.lock().unwrap_or_else(|e| e.into_inner());
                        q.running = None;
                        loop {
                            if let Some(next) = q.jobs.pop_front() {
                                q.running = Some(next.0);
                                break next;
                            }
                            if q.closed {
                                return;
                            }
                            q = inner.ready.wait(q).unwrap_or_else(|e| e.into_inner());
                        }
                    };
                    let started = trace.then(std::time::Instant::now);
                    let reply = job(&mut store);
                    if let Some(t) = started {
                        eprintln!("job {slot:?} {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
                    }
                    // Still in flight until the console takes the reply
                    // (`taken`): one sent just after the console looked
                    // would otherwise wait for its next idle wake-up.
                    if replies.send((slot, reply)).is_err() {
                        inner.in_flight.fetch_sub(1, Ordering::SeqCst);
                        return;
                    }
                }
            })
            .expect("spawn a worker thread");
        Worker {
            shared,
            interrupt,
            thread: Some(thread),
        }
    }

    /// Queue a job, replacing the one waiting for the same slot (if any). A
    /// read of the same slot that is running is interrupted: its answer is
    /// no longer wanted (its reply then carries an error the pane ignores).
    pub fn submit(&self, slot: Slot, job: Job) {
        let mut q = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        // under the lock: the worker cannot move on to another slot's job
        if q.running == Some(slot) && slot.interruptible() {
            self.interrupt.interrupt();
        }
        match q.jobs.iter_mut().find(|(s, _)| *s == slot) {
            Some(waiting) => waiting.1 = job,
            None => {
                q.jobs.push_back((slot, job));
                self.shared.in_flight.fetch_add(1, Ordering::SeqCst);
            }
        }
        drop(q);
        self.shared.ready.notify_one();
    }

    /// The console took one of this worker's replies.
    pub fn taken(&self) {
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    /// Jobs queued or running, and replies not yet taken.
    pub fn busy(&self) -> bool {
        self.shared.in_flight.load(Ordering::SeqCst) > 0
    }
}

impl Drop for Worker {
    /// Stop taking jobs; a running job finishes on its own (a payment is one
    /// transaction either way), and the thread is not waited for, so quitting
    /// never hangs on a slow query.
    fn drop(&mut self) {
        let mut q = self.shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        q.jobs.clear();
        q.closed = true;
        drop(q);
        self.shared.ready.notify_all();
        drop(self.thread.take());
    }
}

/// The console's workers and the channel their replies come back on.
pub struct Workers {
    /// residents pages (the pane the clerk looks at)
    pub list: Worker,
    /// residents counts and the daily trend (slow at town and district
    /// level: kept off the way of pages, details and searches)
    pub count: Worker,
    /// everything small: progress, detail, search, payments, audit
    pub quick: Worker,
    replies: Receiver<(Slot, Reply)>,
}

impl Workers {
    /// Start the three workers; `open(big)` opens one store per worker, with
    /// a big page cache for the one that pages through lists.
    pub fn start(
        mut open: impl FnMut(bool) -> crate::store::Result<Store>,
    ) -> crate::store::Result<Workers> {
        let (tx, rx) = channel();
        Ok(Workers {
            list: Worker::start("list", open(true)?, tx.clone()),
            count: Worker::start("count", open(false)?, tx.clone()),
            quick: Worker::start("quick", open(false)?, tx),
            replies: rx,
        })
    }

    /// The worker a slot's jobs go to.
    pub fn for_slot(&self, slot: Slot) -> &Worker {
        match slot {
            Slot::Page(_) | Slot::Locate(_) | Slot::MarkAll(_) => &self.list,
            Slot::Count(_) | Slot::AuditCount | Slot::Daily => &self.count,
            _ => &self.quick,
        }
    }

    pub fn submit(&self, slot: Slot, job: Job) {
        self.for_slot(slot).submit(slot, job);
    }

    pub fn busy(&self) -> bool {
        self.list.busy() || self.count.busy() || self.quick.busy()
    }

    /// A finished job's reply, if one is waiting.
    pub fn try_reply(&self) -> Option<(Slot, Reply)> {
        let (slot, reply) = self.replies.try_recv().ok()?;
        self.for_slot(slot).taken();
        Some((slot, reply))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("w.db")).unwrap();
        (dir, s)
    }

    #[test]
    fn only_the_newest_waiting_job_of_a_slot_runs() {
        let (tx, rx) = channel();
        let (_dir, s) = store();
        let w = Worker::start("t", s, tx);
        let gate = Arc::new(Mutex::new(()));
        let held = gate.lock().unwrap();
        let g = Arc::clone(&gate);
        // the first job blocks the worker until the gate opens
        w.submit(
            Slot::Detail,
            Box::new(move |_| {
                let _g = g.lock().unwrap();
                Box::new(0u32)
            }),
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        for n in 1..=5u32 {
            w.submit(Slot::Search, Box::new(move |_| Box::new(n)));
        }
        assert!(w.busy());
        drop(held);
        let mut got = Vec::new();
        for _ in 0..2 {
            let (_, r) = rx.recv().unwrap();
            w.taken();
            got.push(*r.downcast::<u32>().unwrap());
        }
        assert_eq!(got, vec![0, 5]);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!w.busy());
    }

    #[test]
    fn busy_until_the_reply_is_taken() {
        let (tx, rx) = channel();
        let (_dir, s) = store();
        let w = Worker::start("t", s, tx);
        w.submit(Slot::Detail, Box::new(|_| Box::new(1u32)));
        // the job is done and its reply waits in the channel: the console
        // must still tick fast to take it, not sleep until its next poll
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(w.busy(), "a reply not yet taken counts as work out");
        let (_, r) = rx.recv().unwrap();
        w.taken();
        assert_eq!(*r.downcast::<u32>().unwrap(), 1);
        assert!(!w.busy());
    }

    #[test]
    fn a_newer_read_of_the_same_slot_interrupts_the_running_one() {
        let (tx, rx) = channel();
        let (_dir, s) = store();
        let w = Worker::start("t", s, tx);
        // a query that runs for a long time unless interrupted
        w.submit(
            Slot::Count(Lane::Main),
            Box::new(|store| {
                let r: rusqlite::Result<i64> = store.conn().query_row(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000)
                     SELECT count(*) FROM n",
                    [],
                    |r| r.get(0),
                );
                Box::new(r.is_err()) as Reply
            }),
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
        let started = std::time::Instant::now();
        w.submit(
            Slot::Count(Lane::Main),
            Box::new(|_| Box::new(false) as Reply),
        );
        let (_, first) = rx.recv().unwrap();
        assert!(
            *first.downcast::<bool>().unwrap(),
            "the first query was interrupted"
        );
        let (_, second) = rx.recv().unwrap();
        assert!(!*second.downcast::<bool>().unwrap());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
