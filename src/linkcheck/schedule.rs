//! Runs the checks side by side within each host's limits: at most `per_host` requests at
//! once to a host and `interval` between the starts of two of them. Every request goes
//! through here, each redirect hop and each retry included, so no hop escapes the limits
//! and each hop's host decides on its own headers (`http::token_header`).
//!
//! Here too: 429 and 503 asked again after their `Retry-After` (capped), a bounded number
//! of times; redirects followed, a bounded number of hops; a host that timed out once is
//! not asked again in this run (its other requests time out at once), so a dead host
//! costs one timeout per worker, not one per link.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use url::Url;

use super::http::{Answer, Client, Failure, Reply, Request};
use super::report::Outcome;

/// Redirects followed for one request before giving up (browsers follow about 20).
pub const MAX_REDIRECTS: u32 = 10;
/// Requests in flight at once, all hosts together.
pub const WORKERS: usize = 16;

/// One check: a URL, or a Docker image's lookup. It asks one request at a time and is
/// told each answer once its redirects and retries are done.
pub trait Task: Send {
    fn start(&mut self) -> Request;
    /// `reply` came from `at`, the last hop of the request.
    fn answer(&mut self, reply: Reply, at: &Url) -> Next;
}

pub enum Next {
    Ask(Request),
    Done(Outcome),
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub per_host: usize,
    pub interval: Duration,
    pub retries: u32,
    pub max_wait: Duration,
    /// Status codes that are an answer, not a redirect to follow, beside 2xx.
    pub accept: Vec<u16>,
}

struct Pending {
    id: usize,
    task: Box<dyn Task>,
    req: Request,
    hops: u32,
    tries: u32,
    not_before: Instant,
}

#[derive(Default)]
struct Host {
    in_flight: usize,
    next_start: Option<Instant>,
    /// A request to it timed out.
    dead: bool,
}

struct State {
    queue: VecDeque<Pending>,
    hosts: HashMap<String, Host>,
    active: usize,
    results: Vec<Option<Outcome>>,
}

/// Runs every task to its outcome, in the order given. `done` is called once per task
/// finished (for a progress bar).
pub fn run(tasks: Vec<Box<dyn Task>>, client: &Client, limits: &Limits, done: &(dyn Fn() + Sync)) -> Vec<Outcome> {
    let now = Instant::now();
    let n = tasks.len();
    let queue = tasks
        .into_iter()
        .enumerate()
        .map(|(id, mut task)| {
            let req = task.start();
            Pending { id, task, req, hops: 0, tries: 0, not_before: now }
        })
        .collect();
    let state = Mutex::new(State { queue, hosts: HashMap::new(), active: 0, results: (0..n).map(|_| None).collect() });
    let wake = Condvar::new();
    std::thread::scope(|s| {
        for _ in 0..WORKERS.min(n) {
            s.spawn(|| worker(&state, &wake, client, limits, done));
        }
    });
    let state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    state
        .results
        .into_iter()
        .map(|r| r.unwrap_or(Outcome::Failed { failure: Failure::Other("not run".into()), at: None }))
        .collect()
}

fn worker(state: &Mutex<State>, wake: &Condvar, client: &Client, limits: &Limits, done: &(dyn Fn() + Sync)) {
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let mut st = lock();
    loop {
        let now = Instant::now();
        let mut pick = None;
        let mut next_wake: Option<Instant> = None;
        for (i, p) in st.queue.iter().enumerate() {
            let host = st.hosts.get(&p.req.host_key());
            if host.is_some_and(|h| h.dead) {
                pick = Some(i);
                break;
            }
            let (in_flight, next_start) = host.map_or((0, None), |h| (h.in_flight, h.next_start));
            if in_flight >= limits.per_host {
                continue;
            }
            let ready = next_start.map_or(p.not_before, |t| t.max(p.not_before));
            if ready <= now {
                pick = Some(i);
                break;
            }
            next_wake = Some(next_wake.map_or(ready, |w| w.min(ready)));
        }
        let Some(i) = pick else {
            if st.queue.is_empty() && st.active == 0 {
                wake.notify_all();
                return;
            }
            st = match next_wake {
                Some(t) => wake.wait_timeout(st, t.saturating_duration_since(now)).unwrap_or_else(|e| e.into_inner()).0,
                None => wake.wait(st).unwrap_or_else(|e| e.into_inner()),
            };
            continue;
        };
        let Some(p) = st.queue.remove(i) else { continue };
        let key = p.req.host_key();
        let host = st.hosts.entry(key.clone()).or_default();
        let reply = if host.dead {
            Reply::Failed(Failure::Timeout)
        } else {
            host.in_flight += 1;
            host.next_start = Some(now + limits.interval);
            st.active += 1;
            drop(st);
            let reply = client.send(&p.req);
            st = lock();
            st.active -= 1;
            let host = st.hosts.entry(key).or_default();
            host.in_flight -= 1;
            if matches!(reply, Reply::Failed(Failure::Timeout)) {
                host.dead = true;
            }
            reply
        };
        match step(p, reply, limits) {
            Ok(p) => st.queue.push_back(p),
            Err((id, outcome)) => {
                st.results[id] = Some(outcome);
                done();
            }
        }
        wake.notify_all();
    }
}

/// What follows an answer: the same request again (a retry), its next hop (a redirect),
/// the task's next request, or the task's outcome.
fn step(mut p: Pending, reply: Reply, limits: &Limits) -> Result<Pending, (usize, Outcome)> {
    let now = Instant::now();
    if let Reply::Status(a) = &reply {
        if matches!(a.status, 429 | 503) && p.tries < limits.retries {
            p.tries += 1;
            p.not_before = now + retry_wait(a, p.tries, limits.max_wait);
            return Ok(p);
        }
        let redirect = matches!(a.status, 301 | 302 | 303 | 307 | 308) && !limits.accept.contains(&a.status);
        if let (true, Some(location)) = (redirect, &a.location) {
            let next = p.req.url.join(location);
            let failure = match next {
                _ if p.hops >= MAX_REDIRECTS => Some(Failure::TooManyRedirects),
                Ok(ref u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => None,
                _ => Some(Failure::BadRedirect(location.clone())),
            };
            match (failure, next) {
                (None, Ok(next)) => {
                    if super::http::host_key(&next) != p.req.host_key() || next.scheme() != p.req.url.scheme() {
                        // A credential of the asker (a registry token) is for its host only.
                        p.req.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
                    }
                    p.req.url = next;
                    p.hops += 1;
                    p.tries = 0;
                    p.not_before = now;
                    return Ok(p);
                }
                (failure, _) => {
                    let failure = failure.unwrap_or(Failure::TooManyRedirects);
                    let at = p.req.url.clone();
                    return finish(p, Reply::Failed(failure), &at, now);
                }
            }
        }
    }
    let at = p.req.url.clone();
    finish(p, reply, &at, now)
}

fn finish(mut p: Pending, reply: Reply, at: &Url, now: Instant) -> Result<Pending, (usize, Outcome)> {
    match p.task.answer(reply, at) {
        Next::Ask(req) => Ok(Pending { req, hops: 0, tries: 0, not_before: now, ..p }),
        Next::Done(outcome) => Err((p.id, outcome)),
    }
}

/// `Retry-After` in seconds or as an HTTP date, at most `max`; without one, 1 s, 2 s,
/// 4 s... by try.
pub fn retry_wait(a: &Answer, tries: u32, max: Duration) -> Duration {
    let asked = a.retry_after.as_deref().and_then(|v| {
        if let Ok(secs) = v.trim().parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let at = chrono::DateTime::parse_from_rfc2822(v.trim()).ok()?;
        let secs = (at.timestamp() - chrono::Utc::now().timestamp()).max(0);
        Some(Duration::from_secs(secs as u64))
    });
    let backoff = Duration::from_secs(1u64 << tries.saturating_sub(1).min(6));
    asked.unwrap_or(backoff).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let max = Duration::from_secs(60);
        let a = |v: Option<&str>| Answer { status: 429, retry_after: v.map(str::to_string), ..Answer::default() };
        assert_eq!(retry_wait(&a(Some("3")), 1, max), Duration::from_secs(3));
        assert_eq!(retry_wait(&a(Some("86400")), 1, max), max);
        assert_eq!(retry_wait(&a(None), 1, max), Duration::from_secs(1));
        assert_eq!(retry_wait(&a(None), 3, max), Duration::from_secs(4));
        assert_eq!(retry_wait(&a(Some("Wed, 21 Oct 2015 07:28:00 GMT")), 1, max), Duration::ZERO);
        assert_eq!(retry_wait(&a(Some("soon")), 2, max), Duration::from_secs(2));
    }
}
