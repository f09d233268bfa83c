//! One link's check: HEAD, then GET where HEAD gets no good answer (servers that refuse
//! HEAD with 405 or 501, or mishandle it with 403, 404 or 500, or break the connection),
//! except a 429 or 503, which say "later" to any method.

use std::sync::Arc;

use url::Url;

use super::http::{Failure, Method, Reply, Request};
use super::report::Outcome;
use super::schedule::{Next, Task};

pub struct LinkTask {
    url: Url,
    method: Method,
    accept: Arc<[u16]>,
}

impl LinkTask {
    pub fn new(url: Url, accept: Arc<[u16]>) -> Self {
        LinkTask { url, method: Method::Head, accept }
    }
}

/// 2xx, and the codes of `[check] accept`.
pub fn accepted(status: u16, accept: &[u16]) -> bool {
    (200..300).contains(&status) || accept.contains(&status)
}

impl Task for LinkTask {
    fn start(&mut self) -> Request {
        Request::new(self.method, self.url.clone())
    }

    fn answer(&mut self, reply: Reply, at: &Url) -> Next {
        let retry_with_get = self.method == Method::Head
            && match &reply {
                // "Come back later" holds for GET too (and was retried already).
                Reply::Status(a) => !accepted(a.status, &self.accept) && !matches!(a.status, 429 | 503),
                Reply::Failed(f) => matches!(f, Failure::Other(_)),
            };
        if retry_with_get {
            self.method = Method::Get;
            return Next::Ask(self.start());
        }
        Next::Done(match reply {
            Reply::Status(a) if accepted(a.status, &self.accept) => Outcome::Good,
            Reply::Status(a) => Outcome::Status { status: a.status, at: at.clone() },
            Reply::Failed(failure) => Outcome::Failed { failure, at: Some(at.clone()) },
        })
    }
}
