//! The threads that run guests: a fixed number (`--max-instances`), each
//! taking the next request's guest from one queue, first come first served.
//!
//! The preview1 host is synchronous, so a guest needs a thread of its own
//! while it runs. Threads that stay and take their next job from the queue
//! themselves cost less per request than a semaphore permit plus tokio's
//! blocking pool: under load a thread that finishes a guest finds the next
//! one waiting and runs it without any thread being woken, where a permit
//! handed back wakes a waiting task, which then wakes a blocking thread.
//! The queue is also the concurrency limit and keeps arrival order.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

/// A guest's run, queued.
type Work = Box<dyn FnOnce() + Send>;

/// A fixed set of threads running queued work in arrival order.
pub struct Pool {
    queue: Sender<Work>,
}

impl Pool {
    /// Starts `threads` threads (at least one) of `stack_size` bytes of stack.
    pub fn new(threads: usize, stack_size: usize) -> std::io::Result<Pool> {
        let (queue, jobs) = channel::<Work>();
        let jobs = Arc::new(Mutex::new(jobs));
        for _ in 0..threads.max(1) {
            let jobs = jobs.clone();
            std::thread::Builder::new()
                .name("capwasi guest".into())
                .stack_size(stack_size)
                .spawn(move || work(&jobs))?;
        }
        Ok(Pool { queue })
    }

    /// Queues `work` behind what is already waiting.
    pub fn run(&self, work: impl FnOnce() + Send + 'static) {
        // The threads only end when the queue does, which is when `self` is dropped.
        let _ = self.queue.send(Box::new(work));
    }
}

/// A thread's life: the next job, until the pool is dropped.
fn work(jobs: &Mutex<Receiver<Work>>) {
    loop {
        // One thread waits on the queue, the others on the lock; the lock is
        // released before the job runs.
        let next = match jobs.lock() {
            Ok(jobs) => jobs.recv(),
            Err(_) => return,
        };
        match next {
            // A job that panics loses its request (whose response then says the
            // guest's thread ended without a report), not the thread.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}
