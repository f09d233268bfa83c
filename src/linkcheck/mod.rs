//! `check --links`: every absolute URL and Docker image of every module file, asked of the
//! outside world. Each distinct URL (or image) is asked once however many files hold it,
//! and each place that holds it gets the diagnostic.
//!
//! - `urls.rs`: the URLs of a module file with their places; `docker.rs`: its image, and
//!   how a registry is asked about it;
//! - `probe.rs`: one link's check (HEAD, then GET);
//! - `schedule.rs`: all checks side by side within each host's limits, with retries and
//!   redirects; `http.rs`: one request (ureq), and which hosts get `GITHUB_TOKEN`;
//! - `cache.rs`: the good results of earlier runs; `report.rs`: outcomes as diagnostics.

mod cache;
mod docker;
mod http;
mod probe;
mod report;
mod schedule;
mod urls;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use cache::FILE as CACHE_FILE;

use crate::cachedir::DIR as CACHE_DIR;
use crate::diagnostics::Diagnostic;
use crate::error::Result;
use crate::site::Site;

/// A distinct thing to ask about, and where it is written.
enum Target {
    /// Module, index of the link in its `ModuleRefs::links`.
    Link { url: url::Url, places: Vec<(usize, usize)> },
    /// Modules whose image it is.
    Image { places: Vec<usize> },
}

pub fn check(site: &Site, root: &Path) -> Result<Vec<Diagnostic>> {
    let cfg = &site.settings.check;
    let refs: Vec<urls::ModuleRefs> = site.modules.par_iter().filter_map(|m| urls::of_module(m, root)).collect();

    // Keys are what is asked: a URL without its fragment, or `docker <registry> <image>:<tag>`.
    let mut targets: BTreeMap<String, Target> = BTreeMap::new();
    for (mi, r) in refs.iter().enumerate() {
        for (li, link) in r.links.iter().enumerate() {
            if cfg
                .skip
                .iter()
                .any(|p| link.written.starts_with(p.as_str()) || link.url.as_str().starts_with(p.as_str()))
            {
                continue;
            }
            match targets
                .entry(link.url.to_string())
                .or_insert_with(|| Target::Link { url: link.url.clone(), places: Vec::new() })
            {
                Target::Link { places, .. } => places.push((mi, li)),
                Target::Image { .. } => {}
            }
        }
        if let Some(d) = &r.docker {
            match targets.entry(d.key(&cfg.docker_registry)).or_insert_with(|| Target::Image { places: Vec::new() }) {
                Target::Image { places } => places.push(mi),
                Target::Link { .. } => {}
            }
        }
    }

    let mut cache = cache::Cache::load(root, cfg.cache_max_age_hours);
    let now = chrono::Utc::now().timestamp();
    let accept: Arc<[u16]> = cfg.accept.clone().into();
    let mut asked: Vec<&str> = Vec::new();
    let mut tasks: Vec<Box<dyn schedule::Task>> = Vec::new();
    for (key, target) in &targets {
        if cache.fresh(key, now) {
            continue;
        }
        let task: Option<Box<dyn schedule::Task>> = match target {
            Target::Link { url, .. } => Some(Box::new(probe::LinkTask::new(url.clone(), Arc::clone(&accept)))),
            Target::Image { places } => {
                refs[places[0]].docker.as_ref().and_then(|d| docker::task(d, &cfg.docker_registry))
            }
        };
        if let Some(task) = task {
            asked.push(key);
            tasks.push(task);
        }
    }

    let client = http::Client::new(
        Duration::from_secs(cfg.timeout_seconds),
        std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.trim().is_empty()),
    );
    let limits = schedule::Limits {
        per_host: cfg.per_host,
        interval: Duration::from_millis(cfg.host_interval_ms),
        retries: cfg.retries,
        max_wait: Duration::from_secs(cfg.max_retry_wait_seconds),
        accept: cfg.accept.clone(),
    };
    let bar = progress(tasks.len());
    let outcomes = schedule::run(tasks, &client, &limits, &|| bar.inc(1));
    bar.finish_and_clear();

    let mut results: BTreeMap<&str, report::Outcome> = BTreeMap::new();
    for (key, outcome) in asked.into_iter().zip(outcomes) {
        if outcome.is_good() {
            cache.record(key.to_string(), now);
        }
        results.insert(key, outcome);
    }
    if let Err(e) = cache.save(now) {
        eprintln!("warning: cannot write {}/{}/{}: {e}", root.display(), CACHE_DIR, CACHE_FILE);
    }

    let mut diags = Vec::new();
    for (key, target) in &targets {
        let Some(outcome) = results.get(key.as_str()) else { continue };
        match target {
            Target::Link { places, .. } => {
                for &(mi, li) in places {
                    let (file, link) = (&refs[mi].file, &refs[mi].links[li]);
                    diags.extend(report::link(file, link.span.clone(), &link.written, outcome));
                }
            }
            Target::Image { places } => {
                for &mi in places {
                    if let Some(d) = &refs[mi].docker {
                        diags.extend(report::image(&refs[mi].file, d, outcome));
                    }
                }
            }
        }
    }
    Ok(diags)
}

/// A bar on stderr when it is a terminal and there is something to wait for; hidden (and
/// silent) otherwise.
fn progress(n: usize) -> indicatif::ProgressBar {
    if n == 0 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(n as u64), indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("checking links {bar:30} {pos}/{len} {elapsed}") {
        bar.set_style(style);
    }
    bar
}
