//! The command line: `new` -> `check` -> `build` for a contributor, and refusals with the
//! documented exit codes (1 for content, 2 for usage).

use std::fs;

use crate::common::{self, TestSite};

#[test]
fn new_check_build() {
    let site = TestSite::new();
    site.run(&["new", "my-module", "--title", "My module", "--category", "biomedical"])
        .expect(0)
        .stdout_has("modules/my-module.md");
    let fm = common::front_matter(&common::read(&site.path("modules/my-module.md")));
    assert_eq!(fm["title"].as_str(), Some("My module"));
    assert_eq!(fm["category"].as_str(), Some("biomedical"));

    // The template is valid but incomplete: warnings, not errors.
    let check = site.run(&["check"]);
    check.expect(0).stderr_has("warning: ").stderr_has("0 errors");
    site.build().expect(0).stderr_has("built 1 modules");
    let page = site.page("modules/my-module/index.html");
    assert!(page.contains("<h1>My module</h1>"));
    common::file_contains(&site.public().join("categories/biomedical/index.html"), "modules/my-module/index.html");
}

#[test]
fn new_defaults_to_general_purpose_and_a_title_from_the_slug() {
    let site = TestSite::new();
    site.run(&["new", "speech-to-text"]).expect(0);
    let fm = common::front_matter(&common::read(&site.path("modules/speech-to-text.md")));
    assert_eq!(fm["title"].as_str(), Some("Speech to text"));
    assert_eq!(fm["category"].as_str(), Some("general-purpose"));
}

#[test]
fn new_refuses_an_invalid_slug() {
    let site = TestSite::new();
    site.run(&["new", "My_Module"]).expect(1).stderr_has("`My_Module` is not a valid slug").stderr_has("`my-module`");
    assert_eq!(fs::read_dir(site.path("modules")).unwrap().count(), 0, "nothing written");
}

#[test]
fn new_refuses_an_unknown_category_and_lists_the_known_ones() {
    let site = TestSite::new();
    site.run(&["new", "miner", "--category", "space-mining"])
        .expect(1)
        .stderr_has("unknown category `space-mining`")
        .stderr_has("biomedical, citizen-science, cyber-security, earth-observation, general-purpose");
    assert!(!site.path("modules/miner.md").exists());
}

#[test]
fn new_never_overwrites() {
    let site = TestSite::new();
    site.module("taken.md", "my own work\n");
    site.run(&["new", "taken"]).expect(1).stderr_has("already exists");
    assert_eq!(common::read(&site.path("modules/taken.md")), "my own work\n");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let site = TestSite::new();
    site.run(&["build", "--frobnicate"]).expect(2).stderr_has("--frobnicate");
    site.run(&["check", "--format", "xml"]).expect(2);
    site.run(&["launch"]).expect(2);
}

#[test]
fn missing_root_is_a_usage_error() {
    let site = TestSite::new();
    site.run(&["build", "--root", "no-such-dir"]).expect(2).stderr_has("no-such-dir");
    site.run(&["check", "--root", "no-such-dir"]).expect(2).stderr_has("no-such-dir");
}

#[test]
fn check_of_a_clean_site_says_so() {
    let site = TestSite::new();
    site.module("clean.md", common::module_text("Clean", "Nothing to say."));
    site.run(&["check"]).expect(0).stderr_has("no problems found");
    site.check("json").expect(0);
    assert_eq!(site.check("json").stdout.trim(), "[]");
    assert_eq!(site.check("github").stdout, "");
}

/// Warnings point at what visitors will miss; they do not fail `check` or `build`.
#[test]
fn check_warns_about_what_visitors_miss() {
    let site = TestSite::new();
    let summary = "word ".repeat(50);
    site.module(
        "sparse.md",
        format!(
            "+++\ntitle = \"Sparse\"\nsummary = \"{}\"\ncategory = \"general-purpose\"\nlicense = \"MIT\"\n\
             created = 2020-01-01\nupdated = 2999-01-01\n+++\nBody.\n",
            summary.trim()
        ),
    );
    let run = site.check("json");
    run.expect(0);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let mut found: Vec<(String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["severity"], "warning", "{d}");
            assert_eq!(d["file"], "modules/sparse.md");
            (d["code"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap())
        })
        .collect();
    found.sort();
    let expected = [("future-date", 7), ("long-summary", 3), ("missing-docker", 1), ("missing-source", 1)];
    assert_eq!(found, expected.map(|(c, l)| (c.to_string(), l)).to_vec());
    site.check("github").expect(0).stdout_has("::warning file=modules/sparse.md,line=7,col=11,");
    site.build().expect(0).stderr_has("warning: `updated` is in the future");
}
