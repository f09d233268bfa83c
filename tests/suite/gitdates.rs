//! Dates from git: a module file without `updated` shows the day of the last commit that
//! touched it, on its page, in the feeds, the sitemap and `catalogue.json`; commits of
//! other files do not count; a shallow clone warns once and gives no dates; outside git,
//! without git, or in a repository without commits nothing changes; a failing git is a
//! warning, never a failed build; `serve` keeps the dates across edits; what a pass found
//! is kept at its commit, and a later build reads only the commits since.
//!
//! The fixture is a real repository made here, with chosen commit dates. The site lives
//! in a subdirectory of it, whose name has a space and a non-ASCII letter.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::common::{self, copy_dir, module_text, read, run_in, Run, TestSite};
use crate::serve::Server;

/// The site's directory inside the repository.
const SITE: &str = "catalogue é";

/// Runs git in `dir` with no configuration but the repository's own, and the given
/// commit dates; panics when it fails.
fn git(dir: &Path, args: &[&str], dates: Option<(&str, &str)>) -> String {
    let mut c = Command::new("git");
    c.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE");
    if let Some((committer, author)) = dates {
        c.env("GIT_COMMITTER_DATE", committer).env("GIT_AUTHOR_DATE", author);
    }
    let out = c.output().expect("git runs (the tests of dates from git need it)");
    assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A repository whose top level holds a README and the site, in `catalogue é/`.
struct Repo {
    dir: TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::Builder::new().prefix("marketplace-git-").tempdir().unwrap();
        let repo = Repo { dir };
        git(repo.top(), &["init", "-q", "-b", "main"], None);
        for (key, value) in [("user.name", "Test"), ("user.email", "test@example.org"), ("commit.gpgsign", "false")] {
            git(repo.top(), &["config", key, value], None);
        }
        copy_dir(&Path::new(common::REPO).join("theme"), &repo.site().join("theme"));
        copy_dir(&Path::new(common::REPO).join("content"), &repo.site().join("content"));
        std::fs::create_dir_all(repo.site().join("modules")).unwrap();
        std::fs::write(repo.top().join("README.md"), "A catalogue.\n").unwrap();
        repo
    }

    fn top(&self) -> &Path {
        self.dir.path()
    }

    fn site(&self) -> PathBuf {
        self.top().join(SITE)
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.site().join(rel), text).unwrap();
    }

    /// Commits `paths` (relative to the site; all changes when empty) on `committer` date,
    /// with another author date, so that a test can tell which one is used.
    fn commit(&self, paths: &[&str], committer: &str, author: &str) {
        let paths: Vec<String> = paths.iter().map(|p| format!("{SITE}/{p}")).collect();
        let mut add = vec!["add", "--"];
        add.extend(if paths.is_empty() { vec!["."] } else { paths.iter().map(String::as_str).collect() });
        git(self.top(), &add, None);
        git(self.top(), &["commit", "-q", "-m", "a commit"], Some((committer, author)));
    }

    fn run(&self, args: &[&str]) -> Run {
        run_in(&self.site(), args, &[])
    }
}

/// Module files written by the tests: created 2024-01-01 unless said otherwise.
fn module(title: &str) -> String {
    module_text(title, "Words.")
}

/// The fixture: commits on chosen dates, one untracked module.
///
/// | module | history | expected `updated` |
/// |---|---|---|
/// | alpha | added 2024-02-10, edited 2024-03-15 23:30 -05:00 (2024-03-16 in UTC) | 2024-03-16 |
/// | beta | added 2024-02-10; later commits touch other files only | 2024-02-10 |
/// | gamma | sets `updated = 2024-01-15`; edited 2024-04-20 | 2024-01-15 (its own) |
/// | early | `created = 2024-05-01`, committed 2024-02-10 (before it was created) | none |
/// | eta | added 2024-02-10 as `zeta.md`, renamed (and edited) 2024-05-10 | 2024-05-10 |
/// | delta | never committed | none |
fn fixture() -> Repo {
    let repo = Repo::new();
    repo.write("modules/alpha.md", &module("Alpha"));
    repo.write("modules/beta.md", &module("Beta"));
    let gamma = module("Gamma").replace("created = 2024-01-01\n", "created = 2024-01-01\nupdated = 2024-01-15\n");
    repo.write("modules/gamma.md", &gamma);
    repo.write("modules/early.md", &module("Early").replace("created = 2024-01-01", "created = 2024-05-01"));
    repo.write("modules/zeta.md", &module_text("Zeta", "Words, and a file to rename."));
    repo.commit(&[], "2024-02-10T12:00:00Z", "2024-02-10T12:00:00Z");

    repo.write("modules/alpha.md", &module_text("Alpha", "Words, and more words."));
    // The author wrote it long before it was committed: the committer's date counts.
    repo.commit(&["modules/alpha.md"], "2024-03-15T23:30:00-05:00", "2024-02-20T08:00:00Z");

    // Commits that touch no module file (the README, a content page) count for none.
    std::fs::write(repo.top().join("README.md"), "A catalogue of modules.\n").unwrap();
    let about = repo.site().join("content/pages/about.md");
    std::fs::write(&about, read(&about) + "\nOne more line.\n").unwrap();
    git(repo.top(), &["add", "README.md"], None);
    repo.commit(&["content/pages/about.md"], "2024-04-01T10:00:00Z", "2024-04-01T10:00:00Z");

    repo.write("modules/gamma.md", &(gamma + "\nAn edit.\n"));
    repo.commit(&["modules/gamma.md"], "2024-04-20T10:00:00Z", "2024-04-20T10:00:00Z");

    // A module file renamed, and edited a little on the way.
    std::fs::remove_file(repo.site().join("modules/zeta.md")).unwrap();
    repo.write("modules/eta.md", &module_text("Zeta", "Words, and a renamed file."));
    repo.commit(&["modules/zeta.md", "modules/eta.md"], "2024-05-10T10:00:00Z", "2024-05-10T10:00:00Z");

    repo.write("modules/delta.md", &module("Delta"));
    repo
}

/// What every output says of one module's `updated`: the page's "Updated", the date of
/// its entry in `atom.xml` and in its category's feed, its sitemap `lastmod`, and its
/// `updated` in `catalogue.json` and its own `index.json`. The feeds and the sitemap fall
/// back on `created`; the others say nothing.
#[derive(Debug, PartialEq, Eq)]
struct Dates {
    page: Option<String>,
    atom: String,
    category_atom: String,
    lastmod: String,
    catalogue: Option<String>,
    json: Option<String>,
}

impl Dates {
    /// What a module with `updated` (or none) and `created` should show everywhere.
    fn expected(updated: Option<&str>, created: &str) -> Dates {
        let shown = updated.unwrap_or(created);
        Dates {
            page: updated.map(str::to_string),
            atom: format!("{shown}T00:00:00Z"),
            category_atom: format!("{shown}T00:00:00Z"),
            lastmod: shown.to_string(),
            catalogue: updated.map(str::to_string),
            json: updated.map(str::to_string),
        }
    }
}

fn dates_of(public: &Path, slug: &str) -> Dates {
    let page = read(&public.join(format!("modules/{slug}/index.html")));
    let dd = &page[page.find("<dt>Updated</dt>").expect("the page has an Updated entry")..];
    let dd = &dd[..dd.find("</dd>").unwrap()];
    let page_date = if dd.contains("not stated") {
        None
    } else {
        Some(dd.split("datetime=\"").nth(1).and_then(|r| r.split('"').next()).expect(dd).to_string())
    };
    let entry_updated = |feed: &str| {
        let feed = read(&public.join(feed));
        let entry = feed
            .split("<entry>")
            .find(|e| e.contains(&format!("/modules/{slug}/</id>")))
            .unwrap_or_else(|| panic!("{slug} has no entry in {feed}"));
        entry.split("<updated>").nth(1).and_then(|r| r.split("</updated>").next()).unwrap().to_string()
    };
    let sitemap = read(&public.join("sitemap.xml"));
    let after = sitemap.split(&format!("/modules/{slug}/</loc>")).nth(1).expect("the module is in the sitemap");
    let lastmod = after.strip_prefix("<lastmod>").and_then(|r| r.split("</lastmod>").next()).expect(after);
    let catalogue: serde_json::Value = serde_json::from_str(&read(&public.join("catalogue.json"))).unwrap();
    let entry = catalogue["modules"].as_array().unwrap().iter().find(|m| m["slug"] == slug).unwrap().clone();
    let json: serde_json::Value =
        serde_json::from_str(&read(&public.join(format!("modules/{slug}/index.json")))).unwrap();
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    Dates {
        page: page_date,
        atom: entry_updated("atom.xml"),
        category_atom: entry_updated("categories/general-purpose/atom.xml"),
        lastmod: lastmod.to_string(),
        catalogue: text(&entry["updated"]),
        json: text(&json["updated"]),
    }
}

#[track_caller]
fn assert_no_warning(run: &Run) {
    assert!(!run.stderr.contains("warning"), "no warning expected\n--- stderr\n{}", run.stderr);
}

#[test]
fn a_module_without_updated_shows_its_last_commit_everywhere() {
    let repo = fixture();
    let run = repo.run(&["build"]);
    run.expect(0);
    assert_no_warning(&run);
    let public = repo.site().join("public");
    assert_eq!(
        dates_of(&public, "alpha"),
        Dates::expected(Some("2024-03-16"), "2024-01-01"),
        "edited: its last commit, in UTC"
    );
    assert_eq!(
        dates_of(&public, "beta"),
        Dates::expected(Some("2024-02-10"), "2024-01-01"),
        "later commits are of other files"
    );
    assert_eq!(dates_of(&public, "gamma"), Dates::expected(Some("2024-01-15"), "2024-01-01"), "its own `updated` wins");
    assert_eq!(
        dates_of(&public, "early"),
        Dates::expected(None, "2024-05-01"),
        "a commit before `created` is no update"
    );
    assert_eq!(dates_of(&public, "delta"), Dates::expected(None, "2024-01-01"), "never committed");
    assert_eq!(dates_of(&public, "eta"), Dates::expected(Some("2024-05-10"), "2024-01-01"), "renames are not followed");
    // The page's structured data says it too.
    let alpha = read(&public.join("modules/alpha/index.html"));
    assert!(alpha.contains(r#""dateModified":"2024-03-16""#), "JSON-LD dateModified");

    // `check` reads the same dates, silently; a second build gives the same bytes.
    let check = repo.run(&["check"]);
    check.expect(0);
    assert_no_warning(&check);
    let first = common::tree(&public);
    repo.run(&["build"]).expect(0);
    common::assert_same_tree(&first, &common::tree(&public));

    // A commit of the untracked module gives it a date too; a module whose last commit
    // deleted it (added again, not committed) has none.
    repo.commit(&["modules/delta.md"], "2024-06-01T00:00:00Z", "2024-06-01T00:00:00Z");
    git(repo.top(), &["rm", "-q", "--", &format!("{SITE}/modules/beta.md")], None);
    git(repo.top(), &["commit", "-q", "-m", "drop beta"], Some(("2024-06-02T00:00:00Z", "2024-06-02T00:00:00Z")));
    repo.write("modules/beta.md", &module("Beta"));
    repo.run(&["build"]).expect(0);
    assert_eq!(dates_of(&public, "delta").page.as_deref(), Some("2024-06-01"));
    assert_eq!(dates_of(&public, "beta").page, None, "its last commit deleted it");
}

/// The site's cache of what the last pass over the history found.
fn cache_of(repo: &Repo) -> serde_json::Value {
    serde_json::from_str(&read(&repo.site().join(".marketplace-cache/git-dates.json"))).expect("the cache is JSON")
}

#[test]
fn a_build_at_the_same_commit_reads_no_history_and_a_later_one_only_the_new_commits() {
    let repo = fixture();
    repo.run(&["build"]).expect(0);
    let head = git(repo.top(), &["rev-parse", "HEAD"], None).trim().to_string();
    let cache = cache_of(&repo);
    assert_eq!(cache["head"], head.as_str());
    assert_eq!(cache["days"]["modules/beta.md"], "2024-02-10");
    assert!(
        git(repo.top(), &["status", "--porcelain", "--ignored"], None).contains(".marketplace-cache/"),
        "the cache is ignored by git"
    );

    // At the same commit the cache is all there is: a date put in it by hand shows.
    let path = repo.site().join(".marketplace-cache/git-dates.json");
    let forged = read(&path).replace(r#""modules/beta.md":"2024-02-10""#, r#""modules/beta.md":"2024-02-11""#);
    assert_ne!(forged, read(&path));
    std::fs::write(&path, &forged).unwrap();
    let run = repo.run(&["build"]);
    run.expect(0);
    assert_no_warning(&run);
    let public = repo.site().join("public");
    assert_eq!(dates_of(&public, "beta").page.as_deref(), Some("2024-02-11"), "no history was read");

    // A commit later, only the new commit is read: it dates alpha, the rest is kept.
    repo.write("modules/alpha.md", &module_text("Alpha", "Words, edited in July."));
    repo.commit(&["modules/alpha.md"], "2024-07-01T10:00:00Z", "2024-07-01T10:00:00Z");
    repo.run(&["build"]).expect(0);
    assert_eq!(dates_of(&public, "alpha").page.as_deref(), Some("2024-07-01"));
    assert_eq!(dates_of(&public, "beta").page.as_deref(), Some("2024-02-11"), "only the commits since were read");
    let head = git(repo.top(), &["rev-parse", "HEAD"], None).trim().to_string();
    assert_eq!(cache_of(&repo)["head"], head.as_str());

    // A rewritten history (the cached commit is no ancestor of HEAD any more) is read
    // again from the start: the forged date goes.
    git(
        repo.top(),
        &["commit", "-q", "--amend", "-m", "reworded"],
        Some(("2024-07-02T10:00:00Z", "2024-07-02T10:00:00Z")),
    );
    repo.run(&["build"]).expect(0);
    assert_eq!(dates_of(&public, "alpha").page.as_deref(), Some("2024-07-02"));
    assert_eq!(dates_of(&public, "beta").page.as_deref(), Some("2024-02-10"));

    // A cache that does not parse is as none, and is replaced.
    std::fs::write(&path, "{ not json").unwrap();
    let run = repo.run(&["build"]);
    run.expect(0);
    assert_no_warning(&run);
    assert_eq!(dates_of(&public, "beta").page.as_deref(), Some("2024-02-10"));
    assert_eq!(cache_of(&repo)["days"]["modules/alpha.md"], "2024-07-02");
}

#[test]
fn the_repository_top_level_can_be_the_site() {
    // The same history with the site at the top level: paths need no prefix there.
    let site = TestSite::new();
    let top = site.root();
    git(top, &["init", "-q"], None);
    git(top, &["config", "user.name", "Test"], None);
    git(top, &["config", "user.email", "test@example.org"], None);
    std::fs::write(top.join("modules/alpha.md"), module("Alpha")).unwrap();
    std::fs::write(top.join("modules/beta.md"), module("Beta")).unwrap();
    git(top, &["add", "."], None);
    git(top, &["commit", "-q", "-m", "one"], Some(("2024-02-10T12:00:00Z", "2024-02-10T12:00:00Z")));
    std::fs::write(top.join("modules/alpha.md"), module_text("Alpha", "Edited.")).unwrap();
    git(top, &["commit", "-q", "-am", "two"], Some(("2024-03-01T12:00:00Z", "2024-03-01T12:00:00Z")));
    let run = run_in(top, &["build"], &[]);
    run.expect(0);
    assert_no_warning(&run);
    let public = top.join("public");
    assert_eq!(dates_of(&public, "alpha").page.as_deref(), Some("2024-03-01"));
    assert_eq!(dates_of(&public, "beta").page.as_deref(), Some("2024-02-10"));
}

#[test]
fn a_shallow_clone_warns_once_and_uses_no_dates() {
    let repo = fixture();
    let clones = TempDir::new().unwrap();
    let url = format!("file://{}", repo.top().display());
    git(clones.path(), &["clone", "-q", "--depth", "1", &url, "clone"], None);
    let site = clones.path().join("clone").join(SITE);
    assert_eq!(git(&site, &["rev-parse", "--is-shallow-repository"], None).trim(), "true");

    let run = run_in(&site, &["build"], &[]);
    run.expect(0);
    assert_eq!(run.stderr.matches("warning: ").count(), 1, "one warning\n{}", run.stderr);
    run.stderr_has("shallow clone").stderr_has("git fetch --unshallow").stderr_has("fetch-depth: 0");
    let public = site.join("public");
    // The clone's one commit touched every file: none of its dates is used.
    for (slug, created) in [("alpha", "2024-01-01"), ("beta", "2024-01-01"), ("early", "2024-05-01")] {
        assert_eq!(dates_of(&public, slug), Dates::expected(None, created), "{slug}");
    }
    assert_eq!(dates_of(&public, "gamma").page.as_deref(), Some("2024-01-15"), "its own date stays");

    // `check` says it once as well, as a warning (exit 0), on GitHub too.
    let check = run_in(&site, &["check", "--format", "github"], &[]);
    check.expect(0);
    assert_eq!(check.stdout.matches("::warning").count(), 1, "{}", check.stdout);
    check.stdout_has("title=shallow-clone::");

    // Fetching the whole history brings the dates back.
    git(&site, &["fetch", "-q", "--unshallow"], None);
    run_in(&site, &["build"], &[]).expect(0);
    assert_eq!(dates_of(&public, "alpha").page.as_deref(), Some("2024-03-16"));
}

/// The objects of a repository's packs, as `git count-objects -v` counts them.
fn objects_in_packs(dir: &Path) -> String {
    let out = git(dir, &["count-objects", "-v"], None);
    out.lines().find(|l| l.starts_with("in-pack:")).unwrap_or_default().to_string()
}

#[test]
fn a_blobless_clone_gives_the_dates_without_fetching_anything() {
    // Netlify clones the whole history without file contents (`--filter=blob:none`): the
    // pass must need trees only (no rename detection), and fetch nothing.
    let repo = fixture();
    git(repo.top(), &["config", "uploadpack.allowFilter", "true"], None);
    let clones = TempDir::new().unwrap();
    let url = format!("file://{}", repo.top().display());
    git(clones.path(), &["clone", "-q", "--filter=blob:none", &url, "clone"], None);
    let top = clones.path().join("clone");
    assert_eq!(git(&top, &["config", "remote.origin.partialclonefilter"], None).trim(), "blob:none");
    let before = objects_in_packs(&top);
    let site = top.join(SITE);
    std::fs::write(site.join("modules/delta.md"), module("Delta")).unwrap();
    let run = run_in(&site, &["build"], &[]);
    run.expect(0);
    assert_no_warning(&run);
    let public = site.join("public");
    assert_eq!(dates_of(&public, "alpha").page.as_deref(), Some("2024-03-16"));
    assert_eq!(dates_of(&public, "beta").page.as_deref(), Some("2024-02-10"));
    assert_eq!(dates_of(&public, "eta").page.as_deref(), Some("2024-05-10"));
    assert_eq!(objects_in_packs(&top), before, "nothing was fetched");
}

#[test]
fn outside_git_without_git_or_before_the_first_commit_nothing_changes() {
    // Outside any repository: git may not look above the site's directory (whatever
    // holds the temporary directories).
    let site = TestSite::new();
    site.module("alpha.md", module("Alpha"));
    let ceiling = site.root().parent().unwrap().to_str().unwrap().to_string();
    let envs = [("GIT_CEILING_DIRECTORIES", ceiling.as_str())];
    let run = site.run_env(&["build"], &envs);
    run.expect(0);
    assert_no_warning(&run);
    assert_eq!(dates_of(&site.public(), "alpha"), Dates::expected(None, "2024-01-01"));

    // A repository without commits yet.
    git(site.root(), &["init", "-q"], None);
    let run = site.run_env(&["build"], &envs);
    run.expect(0);
    assert_no_warning(&run);
    assert_eq!(dates_of(&site.public(), "alpha").page, None);

    // No `git` on PATH: the fixture repository builds as if it were none.
    let repo = fixture();
    let empty = TempDir::new().unwrap();
    let run = run_in(&repo.site(), &["build"], &[("PATH", empty.path().to_str().unwrap())]);
    run.expect(0);
    assert_no_warning(&run);
    assert_eq!(dates_of(&repo.site().join("public"), "alpha").page, None);
}

#[test]
fn a_failing_git_is_a_warning_not_a_failed_build() {
    let repo = fixture();
    // A `git` that answers `rev-parse` as git does and fails on `log`.
    let bin = TempDir::new().unwrap();
    let real = String::from_utf8(Command::new("sh").args(["-c", "command -v git"]).output().unwrap().stdout).unwrap();
    let fake = bin.path().join("git");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = log ] && {{ echo 'fatal: the disk is on fire' >&2; exit 128; }}; done\nexec {} \"$@\"\n",
            real.trim()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.path().display(), std::env::var("PATH").unwrap_or_default());
    let run = run_in(&repo.site(), &["build"], &[("PATH", &path)]);
    run.expect(0);
    run.stderr_has("no `updated` dates from git").stderr_has("the disk is on fire");
    assert_eq!(run.stderr.matches("warning: ").count(), 1, "one warning\n{}", run.stderr);
    assert_eq!(dates_of(&repo.site().join("public"), "alpha").page, None);
}

/// The module's page once it shows `needle`, after serve's update in place of its file.
fn page_after_update(server: &Server, slug: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let page = server.raw("GET", &format!("/modules/{slug}/"));
        let updated = server.log.lock().unwrap().contains(&format!("(updated modules/{slug}.md)"));
        if page.contains(needle) && updated {
            return page;
        }
        let log = server.log.lock().unwrap().clone();
        assert!(start.elapsed() < Duration::from_secs(20), "no update in place of {slug}: {log}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn updated_of(page: &str) -> Option<String> {
    let dd = &page[page.find("<dt>Updated</dt>")?..];
    let dd = &dd[..dd.find("</dd>")?];
    dd.split("datetime=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_string)
}

#[test]
fn serve_keeps_the_dates_from_git_across_edits() {
    let repo = fixture();
    let server = Server::start_in(&repo.site());
    assert_eq!(updated_of(&server.raw("GET", "/modules/alpha/")).as_deref(), Some("2024-03-16"));

    // An edit (not committed) re-reads the file: its date from git stays.
    repo.write("modules/alpha.md", &module_text("Alpha edited", "Words, and more words."));
    let page = page_after_update(&server, "alpha", "Alpha edited");
    assert_eq!(updated_of(&page).as_deref(), Some("2024-03-16"), "the git date is kept");

    // An edit that drops gamma's own `updated`: its last commit's date shows.
    repo.write("modules/gamma.md", &module("Gamma edited"));
    let page = page_after_update(&server, "gamma", "Gamma edited");
    assert_eq!(updated_of(&page).as_deref(), Some("2024-04-20"), "the date from git replaces the dropped one");
    let log = server.log.lock().unwrap().clone();
    assert!(!log.contains("warning"), "{log}");
}
