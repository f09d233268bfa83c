//! Dates from git: a module file that sets no `updated` gets the date of the last commit
//! that touched it, read in one pass over the history.
//!
//! At most three `git` processes per build, whatever the number of modules: `git
//! rev-parse` (is this a repository with commits, a shallow clone, is the site in a
//! subdirectory of it, which commit is `HEAD`), `git merge-base --is-ancestor` when the
//! cache below is from another commit, and one `git log -z --name-status` of the site's
//! history, newest commit first, read as it comes. The first time a path shows up is its
//! last commit. Reading stops (and git is stopped) once every module that needs a date has
//! been seen, or once the commits are older than the `created` of every module not seen
//! yet (see below: they could not date it).
//!
//! Its cost is git's: each commit's tree of `modules/` compared with its parent's, which
//! grows with commits times module files (`benches/gitdates.py`: 0.5 s of `git log` for
//! 10,000 module files across 2,000 commits, 1.2 s across 5,000). Hence two things: the
//! build runs the pass beside the Markdown ([`read`], then [`Dates::apply`]), and what a
//! pass found is kept in `.marketplace-cache/git-dates.json` with its commit, so that the
//! next build at that commit reads no history and one at a later commit reads only the
//! commits since (see [`last_commits`]). `serve`'s updates of edited files reuse what the
//! last build's pass found: an edit is no commit.
//!
//! The rules:
//! - the date is the committer date (when the change landed: a rebase or a cherry-pick
//!   moves it, the author's date does not), as a calendar day in UTC, so that a build
//!   gives the same bytes wherever it runs;
//! - merge commits are skipped (`--no-merges`): a file's date is that of the commit that
//!   changed it; renames are not followed (`--no-renames`): a renamed module file is a
//!   new slug, a new page, dated by the rename;
//! - a module file that git does not know (untracked, new), or whose last commit deleted
//!   it (it was added again and not committed), gets no date, and neither does one whose
//!   last commit is older than its `created` (`created` is the floor: such a date is the
//!   file's history before the module was published, not an update); a file edited and
//!   not committed yet keeps the date of its last commit;
//! - in a shallow clone every file's last commit would be the clone's one commit: no
//!   dates at all, and one warning saying how to fetch the history;
//! - outside a repository, in a repository without commits, or without a `git` binary,
//!   nothing happens; any other failure of git is a warning, never an error.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use chrono::NaiveDate;

use crate::cachedir;
use crate::diagnostics::{Diagnostic, Severity};
use crate::module::Module;
use crate::site::Site;

/// The pseudo-file of the warnings about the repository as a whole.
const WHOLE: &str = "modules";

/// What a pass over a site's history learnt of module files (paths relative to the site
/// root): the day of each one's last commit, `None` when git has none for it (never
/// committed, deleted by its last commit, or no usable history at all). A path the pass
/// stopped before (its commits would be older than its `created`) is not here.
type Known = HashMap<String, Option<NaiveDate>>;

/// The last full pass ([`Dates::apply`]) of this process, by site root, for `serve`'s updates.
static LAST_PASS: Mutex<Option<(PathBuf, Known)>> = Mutex::new(None);

/// What one pass over the history found for a site's module files: see [`read`].
pub struct Dates {
    root: PathBuf,
    known: Known,
    warnings: Vec<Diagnostic>,
}

/// Reads the dates of the module files of `site` that set no `updated`, without touching
/// the site, so that the build runs it beside the Markdown (it waits on git, which works
/// on a core of its own); [`Dates::apply`] fills them in.
pub fn read(root: &Path, site: &Site) -> Dates {
    let wanted = site.modules.iter().filter(|m| m.updated.is_none()).map(|m| (m.path.as_str(), m.created)).collect();
    let (known, warnings) = pass(root, wanted);
    Dates { root: root.to_path_buf(), known, warnings }
}

impl Dates {
    /// Fills `updated` where a module file sets none; returns the warnings (a shallow
    /// clone, whose dates would all be the clone's; a failing git).
    pub fn apply(self, site: &mut Site) -> Vec<Diagnostic> {
        for m in site.modules.iter_mut().filter(|m| m.updated.is_none()) {
            m.updated = self.known.get(&m.path).and_then(|day| at_least_created(*day, m));
        }
        *LAST_PASS.lock().unwrap_or_else(|e| e.into_inner()) = Some((self.root, self.known));
        self.warnings
    }
}

/// `serve`'s update of edited module files, parsed again: one that sets no `updated` gets
/// the day the last build found for it (an edit is no commit); one that build did not
/// look for (it set `updated` then) is looked for now, in one pass for all of them.
pub fn refill<'m>(root: &Path, modules: impl IntoIterator<Item = &'m mut Module>) -> Vec<Diagnostic> {
    let mut ask = Vec::new();
    {
        let last = LAST_PASS.lock().unwrap_or_else(|e| e.into_inner());
        let known = last.as_ref().filter(|(r, _)| r == root).map(|(_, k)| k);
        for m in modules.into_iter().filter(|m| m.updated.is_none()) {
            match known.and_then(|k| k.get(&m.path)) {
                Some(day) => m.updated = at_least_created(*day, m),
                None => ask.push(m),
            }
        }
    }
    let (known, warnings) = pass(root, ask.iter().map(|m| (m.path.as_str(), m.created)).collect());
    for m in ask {
        m.updated = known.get(&m.path).and_then(|day| at_least_created(*day, m));
    }
    warnings
}

/// What git says of the module files of `wanted` (path and `created`), and warnings.
fn pass(root: &Path, wanted: HashMap<&str, NaiveDate>) -> (Known, Vec<Diagnostic>) {
    if wanted.is_empty() {
        return (Known::new(), Vec::new());
    }
    match last_commits(root, &wanted) {
        Ok(known) => (known, Vec::new()),
        Err(warning) => (wanted.keys().map(|p| (p.to_string(), None)).collect(), warning.into_iter().collect()),
    }
}

/// `created` is the floor: a commit before it is the file's history before the module
/// was published, not an update.
fn at_least_created(day: Option<NaiveDate>, m: &Module) -> Option<NaiveDate> {
    day.filter(|d| *d >= m.created)
}

/// What git says of the paths of `wanted` (relative to `root`, `/`-separated, with their
/// module's `created`): see [`Known`]. `Err(None)`: no dates and nothing to say (no
/// repository, no git); `Err(Some(w))`: no dates, and why.
///
/// A pass's findings are kept in `.marketplace-cache/git-dates.json` with the commit they
/// were read at. At the same commit nothing is read again; at a later one (the cached
/// commit an ancestor of `HEAD`) only the commits since are read, and what they show
/// wins; anything else (a rebase, a cache that does not know a path it should) is a full
/// pass. So a long history costs its time once per checkout, not once per build.
fn last_commits(root: &Path, wanted: &HashMap<&str, NaiveDate>) -> Result<Known, Option<Diagnostic>> {
    let repo = repository(root)?;
    let cached = Cached::load(root);
    // The cache at this very commit, used as it is: nothing to write back.
    let mut unchanged = false;
    let found = match cached {
        Some(c) if c.head == repo.head => {
            unchanged = true;
            Some(c)
        }
        Some(c) if is_ancestor(root, &c.head, &repo.head) => {
            // Only what is new; no early stop: its commits are few, and the cache wants
            // every path they touched.
            let (newer, _) = log(root, &repo, Some(&c.head), None)?;
            let mut days = c.days;
            days.extend(newer);
            Some(Cached { head: repo.head.clone(), complete: c.complete, days })
        }
        _ => None,
    }
    .filter(|c| c.complete || wanted.keys().all(|p| c.days.contains_key(*p)));
    let found = match found {
        Some(c) => c,
        None => {
            unchanged = false;
            let (days, complete) = log(root, &repo, None, Some(wanted))?;
            Cached { head: repo.head.clone(), complete, days }
        }
    };
    if !unchanged {
        // Best effort: a read-only checkout builds as well, only without the shortcut.
        let _ = found.save(root);
    }
    let mut known = found.days;
    if found.complete {
        // The whole history was read: what it never showed, git does not know.
        for path in wanted.keys() {
            known.entry(path.to_string()).or_insert(None);
        }
    }
    Ok(known)
}

/// The repository a site is in, as [`repository`] found it.
struct Repository {
    /// The site is a subdirectory of the repository, not its top level.
    in_subdirectory: bool,
    /// The commit `HEAD` names.
    head: String,
}

/// One `git log` of the site's history from `HEAD` (back to `since`, excluded, if given),
/// read as it comes; with `wanted`, it stops early as [`parse_log`] says. Every path seen
/// (with its first sighting), and whether the log was read to its end.
fn log(
    root: &Path,
    repo: &Repository,
    since: Option<&str>,
    wanted: Option<&HashMap<&str, NaiveDate>>,
) -> Result<(Known, bool), Option<Diagnostic>> {
    let mut log = git(root);
    log.args(["log", "--no-merges", "--no-renames", "--relative", "--no-color", "-z", "--name-status"])
        .arg("--format=%x01%ct")
        .arg(&repo.head);
    if let Some(since) = since {
        log.arg(format!("^{since}"));
    }
    if repo.in_subdirectory {
        // Only the site's part of the repository's history (whatever else the repository
        // holds). At the top level no path is given: a path makes git compare each
        // commit's tree twice (once to choose the commits, once to list their files).
        log.args(["--", "."]);
    }
    let mut child = log
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failed(format!("`git log` could not start: {e}")))?;
    // stderr on a thread, so that a chatty git never blocks on a full pipe.
    let mut stderr = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut s = String::new();
            err.read_to_string(&mut s).ok();
            s
        })
    });
    let stdout = child.stdout.take().expect("stdout is piped");
    let parsed = parse_log(BufReader::with_capacity(1 << 16, stdout), wanted);
    let complete = matches!(parsed, Ok((_, true)));
    if !complete {
        // Everything needed is known (or the output is not understood): the rest of the
        // history is not read.
        let _ = child.kill();
        stderr = None;
    }
    let status = child.wait();
    let message = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    let parsed = parsed.map_err(|e| failed(format!("the output of `git log` is not understood: {e}")))?;
    match status {
        Ok(s) if s.success() || !complete => Ok(parsed),
        Ok(s) => Err(failed(format!("`git log` failed ({s}): {}", first_line(&message)))),
        Err(e) => Err(failed(format!("`git log` failed: {e}"))),
    }
}

/// `git merge-base --is-ancestor`: whether `old` is in the history of `new`.
fn is_ancestor(root: &Path, old: &str, new: &str) -> bool {
    git(root).args(["merge-base", "--is-ancestor", old, new]).output().is_ok_and(|o| o.status.success())
}

/// `git` with what makes its output the same everywhere: English messages (matched
/// below), no lazy fetching of missing objects in a partial clone, no signatures.
fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C")
        .arg(root)
        .args(["-c", "log.showSignature=false", "-c", "core.quotePath=false"])
        .env("LC_ALL", "C")
        .env("GIT_NO_LAZY_FETCH", "1")
        .stdin(Stdio::null());
    c
}

/// Whether `root` is a subdirectory of a repository with commits and a whole history.
/// `Err(None)` when it is in no repository, one without commits, or there is no git;
/// `Err(Some(w))` in a shallow clone, or when git fails.
fn repository(root: &Path) -> Result<Repository, Option<Diagnostic>> {
    let out = match git(root).args(["rev-parse", "--is-shallow-repository", "--show-prefix", "HEAD", "--"]).output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(None),
        Err(e) => return Err(failed(format!("`git rev-parse` could not start: {e}"))),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    let (shallow, prefix, head) = (lines.next(), lines.next(), lines.next());
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // Not a repository; or one whose `HEAD` names no commit yet (a new repository):
        // the first line, printed before `HEAD` failed, says it is one.
        if stderr.contains("not a git repository") || matches!(shallow, Some("true" | "false")) {
            return Err(None);
        }
        return Err(failed(format!("`git rev-parse` failed ({}): {}", out.status, first_line(&stderr))));
    }
    match (shallow, head) {
        (Some("false"), Some(head)) if !head.is_empty() => {
            Ok(Repository { in_subdirectory: prefix.is_some_and(|p| !p.is_empty()), head: head.to_string() })
        }
        (Some("true"), _) => Err(Some(shallow_warning())),
        _ => Err(failed(format!(
            "`git rev-parse --is-shallow-repository` said {:?} (git 2.15 or later is needed)",
            stdout.trim()
        ))),
    }
}

/// Reads `git log -z --name-status --format=%x01%ct`, newest commit first: the first
/// sighting of each path is its last commit. With `wanted`, stops once every path of it is
/// seen, or once the commits are older than the `created` of every path of it not seen
/// yet (they could not date it: see [`at_least_created`]). Every path seen till then, and
/// whether it read to the end.
fn parse_log(mut input: impl BufRead, wanted: Option<&HashMap<&str, NaiveDate>>) -> Result<(Known, bool), String> {
    let mut days = Known::new();
    // The `created` dates of the wanted paths not seen yet, with their counts.
    let mut floor: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for created in wanted.iter().flat_map(|w| w.values()) {
        *floor.entry(*created).or_default() += 1;
    }
    let mut day: Option<NaiveDate> = None;
    let mut status: Option<u8> = None;
    let mut token = Vec::new();
    loop {
        token.clear();
        if input.read_until(0, &mut token).map_err(|e| e.to_string())? == 0 {
            return Ok((days, true));
        }
        if token.last() == Some(&0) {
            token.pop();
        }
        // The file list of a commit starts on a new line after its header.
        let t = token.strip_prefix(b"\n").unwrap_or(&token);
        if t.is_empty() {
            continue;
        }
        if let Some(stamp) = t.strip_prefix(b"\x01") {
            let secs: i64 = std::str::from_utf8(stamp)
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| format!("a commit time {:?}", String::from_utf8_lossy(stamp)))?;
            let time = chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| format!("a commit time {secs}"))?;
            let this = time.date_naive();
            if wanted.is_some() && floor.first_key_value().is_none_or(|(oldest, _)| this < *oldest) {
                return Ok((days, false));
            }
            day = Some(this);
            status = None;
            continue;
        }
        let Some(s) = status.take() else {
            // A status letter (A, M, D, T; no R or C: renames are off), then its path.
            status = t.first().copied();
            continue;
        };
        let Some(day) = day else { return Err("a file before any commit".into()) };
        // Paths that are not UTF-8 are no module's.
        let Ok(path) = std::str::from_utf8(t) else { continue };
        if days.contains_key(path) {
            continue;
        }
        days.insert(path.to_string(), (s != b'D').then_some(day));
        if let Some(created) = wanted.and_then(|w| w.get(path)) {
            if let Some(n) = floor.get_mut(created) {
                *n -= 1;
                if *n == 0 {
                    floor.remove(created);
                }
            }
        }
    }
}

/// `.marketplace-cache/git-dates.json`: what a pass found, at which commit.
struct Cached {
    head: String,
    /// The pass read the whole history: a path it does not hold, git does not know.
    complete: bool,
    days: Known,
}

const CACHE_FILE: &str = "git-dates.json";
const CACHE_VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize)]
struct OnDisk {
    version: u32,
    head: String,
    complete: bool,
    /// Path -> the day of its last commit (`YYYY-MM-DD`), or null (deleted by it).
    days: BTreeMap<String, Option<String>>,
}

impl Cached {
    fn load(root: &Path) -> Option<Cached> {
        let disk: OnDisk = serde_json::from_slice(&cachedir::read(root, CACHE_FILE)?).ok()?;
        if disk.version != CACHE_VERSION {
            return None;
        }
        let mut days = Known::with_capacity(disk.days.len());
        for (path, day) in disk.days {
            let day = match day {
                Some(d) => Some(d.parse().ok()?),
                None => None,
            };
            days.insert(path, day);
        }
        Some(Cached { head: disk.head, complete: disk.complete, days })
    }

    fn save(&self, root: &Path) -> std::io::Result<()> {
        let days = self.days.iter().map(|(p, d)| (p.clone(), d.map(|d| d.to_string()))).collect();
        let disk = OnDisk { version: CACHE_VERSION, head: self.head.clone(), complete: self.complete, days };
        let mut json = serde_json::to_vec(&disk).map_err(std::io::Error::other)?;
        json.push(b'\n');
        cachedir::write(root, CACHE_FILE, &json)
    }
}

fn shallow_warning() -> Diagnostic {
    Diagnostic::file(
        Severity::Warning,
        "shallow-clone",
        WHOLE,
        "this is a shallow clone: every file's last commit would be the clone's, so no module gets its `updated` date from git",
    )
    .with_help(
        "fetch the whole history: `git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout; or set `updated` in the module files",
    )
}

fn failed(why: String) -> Option<Diagnostic> {
    Some(
        Diagnostic::file(Severity::Warning, "git-dates", WHOLE, format!("no `updated` dates from git: {why}"))
            .with_help("set `updated` in the module files, or fix the repository (`git status` shows what git thinks)"),
    )
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Reads `text` for `wanted` paths, each created on 2024-01-01 unless given.
    fn log(text: &str, wanted: &[(&str, &str)]) -> (Known, bool) {
        let wanted: HashMap<&str, NaiveDate> = wanted.iter().map(|(p, c)| (*p, day(c))).collect();
        parse_log(text.as_bytes(), Some(&wanted)).unwrap()
    }

    // 1704240000 = 2024-01-03T00:00:00Z; 1704153600 = 2024-01-02T00:00:00Z.
    const LOG: &str = "\x011704240000\0\nM\0modules/a.md\0D\0modules/gone.md\0M\0content/x.md\0\
                       \x011704239999\0\nA\0modules/b.md\0M\0modules/a.md\0A\0modules/gone.md\0\
                       \x011704153600\0\nA\0modules/old.md\0";

    const ALL: &[(&str, &str)] = &[
        ("modules/a.md", "2024-01-01"),
        ("modules/b.md", "2024-01-01"),
        ("modules/gone.md", "2024-01-01"),
        ("modules/old.md", "2024-01-01"),
        ("modules/none.md", "2024-01-01"),
    ];

    #[test]
    fn the_first_sighting_of_a_path_is_its_last_commit_in_utc() {
        let (days, to_the_end) = log(LOG, ALL);
        assert!(to_the_end, "modules/none.md is never seen: the whole log is read");
        assert_eq!(days["modules/a.md"], Some(day("2024-01-03")));
        // One second before midnight UTC: the day before, whatever the local time zone.
        assert_eq!(days["modules/b.md"], Some(day("2024-01-02")));
        assert_eq!(days["modules/old.md"], Some(day("2024-01-02")));
        assert_eq!(days["modules/gone.md"], None, "last seen deleted");
        assert!(!days.contains_key("modules/none.md"));
        // Every path is kept, for the cache: a later build may want it.
        assert_eq!(days["content/x.md"], Some(day("2024-01-03")));
    }

    #[test]
    fn reading_stops_once_every_wanted_path_is_seen() {
        let (days, to_the_end) = log(LOG, &[("modules/a.md", "2024-01-01"), ("modules/b.md", "2024-01-01")]);
        assert!(!to_the_end);
        assert!(!days.contains_key("modules/old.md"), "the rest of the history is not read: {days:?}");
    }

    #[test]
    fn reading_stops_at_commits_older_than_every_unseen_created() {
        // `none` was created on 2024-01-03: the commits of 2024-01-02 could not date it.
        let (days, to_the_end) = log(LOG, &[("modules/a.md", "2024-01-01"), ("modules/none.md", "2024-01-03")]);
        assert!(!to_the_end);
        assert!(!days.contains_key("modules/b.md"), "{days:?}");
        // Created a day earlier, it keeps the log read to its end.
        let (_, to_the_end) = log(LOG, &[("modules/a.md", "2024-01-01"), ("modules/none.md", "2024-01-02")]);
        assert!(to_the_end);
    }

    #[test]
    fn without_wanted_paths_the_log_is_read_to_its_end() {
        let (days, to_the_end) = parse_log(LOG.as_bytes(), None).unwrap();
        assert!(to_the_end);
        assert_eq!(days.len(), 5);
        assert_eq!(days["modules/old.md"], Some(day("2024-01-02")));
    }

    #[test]
    fn output_that_is_not_a_log_is_an_error() {
        let wanted = HashMap::from([("modules/a.md", day("2024-01-01"))]);
        assert!(parse_log("M\0modules/a.md\0".as_bytes(), Some(&wanted)).is_err());
        assert!(parse_log("\x01soon\0".as_bytes(), Some(&wanted)).is_err());
        assert!(parse_log("".as_bytes(), Some(&wanted)).unwrap().0.is_empty());
    }
}
