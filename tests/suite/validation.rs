//! Every validation rule of a module file: one broken fixture each, reported with its
//! exact place (`file:line:column`), and nothing built.

use std::fs;

use crate::common::{self, Run, TestSite};

/// The errors of `check --format json`, as `(file, line, column, code)`.
fn json_errors(run: &Run) -> Vec<(String, u64, u64, String)> {
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("check --format json prints JSON");
    list.as_array()
        .expect("a JSON array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Asserts that a site holding only `file` (already written into `site`) fails to build
/// with exactly one error, `code`, at `line:column`, whose text says `message`.
#[track_caller]
fn assert_rejected(site: &TestSite, file: &str, line: u64, column: u64, code: &str, message: &str) {
    let build = site.build();
    build.expect(1);
    build.stderr_has(&format!("--> modules/{file}:{line}:{column}"));
    build.stderr_has(message);
    assert!(!site.public().exists(), "a failed build writes nothing");
    let check = site.check("json");
    check.expect(1);
    assert_eq!(
        json_errors(&check),
        vec![(format!("modules/{file}"), line, column, code.to_string())],
        "{}",
        check.stdout
    );
}

/// `tests/fixtures/validation/<file>` alone in a site is rejected as described.
#[track_caller]
fn rejects(file: &str, line: u64, column: u64, code: &str, message: &str) {
    let site = TestSite::new();
    site.fixture(&format!("validation/{file}"));
    assert_rejected(&site, file, line, column, code, message);
}

#[test]
fn unknown_key_suggests_the_right_one() {
    rejects("unknown-key.md", 6, 1, "unknown-key", "did you mean `license`?");
}

#[test]
fn missing_required_keys() {
    for key in ["title", "summary", "category", "created"] {
        rejects(&format!("missing-{key}.md"), 1, 1, "missing-key", &format!("missing required key `{key}`"));
    }
}

#[test]
fn empty_title() {
    rejects("empty-title.md", 2, 9, "empty", "`title` is empty");
}

#[test]
fn title_over_120_characters() {
    rejects("long-title.md", 2, 9, "too-long", "121 characters; at most 120");
}

#[test]
fn multi_line_summary() {
    rejects("multi-line-summary.md", 3, 11, "multi-line", "`summary` must be one line");
}

#[test]
fn summary_over_300_characters() {
    rejects("long-summary.md", 3, 11, "too-long", "301 characters; at most 300");
}

#[test]
fn unknown_category_lists_the_known_ones() {
    rejects("unknown-category.md", 4, 12, "unknown-category", "unknown category `space-mining`");
    let site = TestSite::new();
    site.fixture("validation/unknown-category.md");
    site.build().stderr_has("expected one of: ").stderr_has("general-purpose").stderr_has("earth-observation");
}

#[test]
fn tags_must_be_unique_after_case_folding() {
    rejects("duplicate-tags.md", 5, 18, "duplicate-tag", "duplicate tag `audio`");
}

#[test]
fn javascript_url_in_links() {
    rejects("link-javascript.md", 10, 10, "bad-url", "`javascript:` URLs are not allowed");
}

#[test]
fn data_url_in_links() {
    rejects("link-data.md", 10, 10, "bad-url", "`data:` URLs are not allowed");
}

#[test]
fn relative_url_in_links() {
    rejects("link-relative.md", 10, 17, "bad-url", "a relative URL");
}

#[test]
fn wrong_types_are_each_reported() {
    let site = TestSite::new();
    site.fixture("validation/wrong-types.md");
    let build = site.build();
    build.expect(1);
    for place in ["2:9", "5:8", "7:11", "8:11"] {
        build.stderr_has(&format!("--> modules/wrong-types.md:{place}"));
    }
    build.stderr_has("`title` must be a string").stderr_has("expected a date like 2024-05-01 (no quotes)");
    let errors = json_errors(&site.check("json"));
    let places: Vec<(u64, u64, &str)> = errors.iter().map(|(_, l, c, code)| (*l, *c, code.as_str())).collect();
    assert_eq!(places, [(2, 9, "wrong-type"), (5, 8, "wrong-type"), (7, 11, "wrong-type"), (8, 11, "wrong-type")]);
}

#[test]
fn toml_syntax_error() {
    // The caret sits where the closing quote is missing: just past the end of line 2.
    rejects("toml-syntax.md", 2, 22, "toml", "invalid TOML");
}

#[test]
fn updated_before_created() {
    rejects("updated-before-created.md", 8, 11, "updated-before-created", "`updated` is before `created`");
}

#[test]
fn license_must_be_spdx() {
    rejects("bad-license.md", 6, 11, "bad-license", "is not an SPDX license expression");
}

#[test]
fn kind_is_model_or_tool() {
    rejects("bad-kind.md", 8, 8, "bad-kind", "expected \"model\" or \"tool\"");
}

#[test]
fn docker_image_name() {
    rejects("docker-image.md", 10, 9, "bad-docker-image", "is not a Docker image name");
}

#[test]
fn docker_tag() {
    rejects("docker-tag.md", 11, 7, "bad-docker-tag", "is not a Docker tag");
}

#[test]
fn docker_port() {
    rejects("docker-port.md", 11, 8, "bad-port", "port 70000 is out of range");
}

#[test]
fn file_name_must_be_a_slug() {
    rejects("Bad_Slug.md", 1, 1, "bad-slug", "is not a valid module slug");
}

#[test]
fn front_matter_must_open_the_file() {
    rejects("no-front-matter.md", 1, 1, "front-matter", "does not start with TOML front matter");
}

#[test]
fn front_matter_must_be_closed() {
    rejects("unclosed-front-matter.md", 1, 1, "front-matter", "never closed");
}

#[test]
fn empty_file() {
    rejects("empty.md", 1, 1, "empty-file", "the module file is empty");
}

#[test]
fn more_than_50_tags() {
    // One tag a line: the 51st, the first over the limit, is on line 56.
    rejects("too-many-tags.md", 56, 3, "too-many-tags", "too many tags: 51 (at most 50)");
}

#[test]
fn tag_over_50_characters() {
    rejects("long-tag.md", 5, 9, "too-long", "tag is too long");
}

#[test]
fn broken_relative_link_in_description() {
    rejects(
        "broken-link.md",
        10,
        5,
        "bad-link",
        "relative link `./deep-oc-other.html` does not lead to a page of the site",
    );
}

/// The help of the one error of `check --format json` for a site holding only `file`.
#[track_caller]
fn help_of(file: &str) -> String {
    let site = TestSite::new();
    site.fixture(&format!("validation/{file}"));
    let run = site.check("json");
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("check --format json prints JSON");
    let errors: Vec<&serde_json::Value> =
        list.as_array().unwrap().iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    errors[0]["help"].as_str().unwrap_or_default().to_string()
}

#[test]
fn unknown_task_suggests_the_listed_one() {
    rejects("unknown-task.md", 8, 29, "unknown-value", "unknown task `Clasification` in `tasks`");
    assert!(help_of("unknown-task.md").starts_with("did you mean `Classification`?"));
}

#[test]
fn library_in_other_case_suggests_the_listed_spelling() {
    rejects("library-in-other-case.md", 8, 14, "unknown-value", "unknown library `pytorch` in `libraries`");
    assert!(help_of("library-in-other-case.md").starts_with("did you mean `PyTorch`?"));
}

#[test]
fn vocabulary_values_are_listed_once() {
    rejects("duplicate-data-type.md", 8, 33, "duplicate-value", "duplicate data type `Image` in `data_types`");
    let site = TestSite::new();
    site.fixture("validation/duplicate-data-type.md");
    site.build().stderr_has("already listed at line 8");
}

#[test]
fn negative_resource() {
    rejects("resource-negative.md", 10, 7, "negative-resource", "`resources.inference.cpu` cannot be negative");
    assert_eq!(help_of("resource-negative.md"), "write how much it needs, e.g. `cpu = 2`, or 0 for none");
}

#[test]
fn float_resource() {
    rejects("resource-float.md", 11, 13, "wrong-type", "`resources.inference.memory_mb` must be a whole number");
    assert_eq!(help_of("resource-float.md"), "amounts are whole MB: write `memory_mb = 1501`");
}

#[test]
fn string_resource() {
    rejects("resource-string.md", 10, 7, "wrong-type", "expected an integer, 0 or more; found a string");
    assert_eq!(help_of("resource-string.md"), "write the number without quotes: `gpu = 1`");
}

#[test]
fn unknown_resource_key() {
    // AI4OS spells it `memory_MB`; module files write keys in lowercase.
    rejects(
        "resource-unknown-key.md",
        11,
        1,
        "unknown-key",
        "unknown key `resources.inference.memory_MB` in [resources.inference]",
    );
    assert_eq!(help_of("resource-unknown-key.md"), "did you mean `memory_mb`?");
}

#[test]
fn gpu_memory_without_a_gpu() {
    rejects("gpu-memory-without-gpu.md", 12, 17, "gpu-memory-without-gpu", "gpu_memory_mb without a GPU");
    let site = TestSite::new();
    site.fixture("validation/gpu-memory-without-gpu.md");
    site.build().stderr_has("`gpu = 0` at line 11");
    assert!(help_of("gpu-memory-without-gpu.md").starts_with("add `gpu = 1`"));

    // Without `gpu` at all, too.
    let site = TestSite::new();
    let text = common::read(&common::fixture_path("validation/gpu-memory-without-gpu.md")).replace("gpu = 0\n", "");
    site.module("no-gpu.md", text);
    assert_rejected(&site, "no-gpu.md", 11, 17, "gpu-memory-without-gpu", "this table has no `gpu`");
}

#[test]
fn every_ai4os_field_builds_into_the_catalogue() {
    let site = TestSite::new();
    site.fixture("validation/ai4os-fields.md");
    site.build().expect(0);
    let catalogue: serde_json::Value = serde_json::from_str(&site.page("catalogue.json")).unwrap();
    let m = &catalogue["modules"][0];
    assert_eq!(m["slug"], "ai4os-fields");
    assert_eq!(m["tasks"], serde_json::json!(["Computer Vision", "Classification"]));
    assert_eq!(m["libraries"], serde_json::json!(["TensorFlow", "Keras"]));
    assert_eq!(m["data_types"], serde_json::json!(["Image"]));
    assert_eq!(
        m["resources"]["inference"],
        serde_json::json!({"cpu": 2, "gpu": 1, "memory_mb": 40000, "gpu_memory_mb": 16000, "storage_mb": 25000})
    );
    assert_eq!(
        m["resources"]["training"],
        serde_json::json!({"cpu": 8, "gpu": 1, "memory_mb": null, "gpu_memory_mb": null, "storage_mb": null})
    );
}

// Files that cannot be fixtures in git: generated here.

#[test]
fn non_utf8_file() {
    let site = TestSite::new();
    let mut bytes = common::module_text("Latin-1", "Caf").into_bytes();
    bytes.extend_from_slice(b"\xe9 cr\xe8me\n"); // Latin-1, not UTF-8
    site.module("latin1.md", bytes);
    assert_rejected(&site, "latin1.md", 1, 1, "not-utf8", "the file is not UTF-8 text");
}

#[test]
fn file_over_1_mib() {
    let site = TestSite::new();
    let body = "A line of description that is repeated until the file is too big.\n".repeat(17_000);
    site.module("huge.md", common::module_text("Huge", &body));
    assert!(fs::metadata(site.path("modules/huge.md")).unwrap().len() > 1024 * 1024);
    assert_rejected(&site, "huge.md", 1, 1, "too-large", "the limit is 1048576 (1 MiB)");
}

#[cfg(unix)]
#[test]
fn symlink_outside_the_root() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("elsewhere.md");
    fs::write(&target, common::module_text("Elsewhere", "Not in the repository.")).unwrap();
    let site = TestSite::new();
    std::os::unix::fs::symlink(&target, site.path("modules/elsewhere.md")).unwrap();
    assert_rejected(&site, "elsewhere.md", 1, 1, "symlink-outside", "outside the site root");
}

#[cfg(unix)]
#[test]
fn symlink_inside_the_root_is_fine() {
    let site = TestSite::new();
    fs::write(site.path("shared.md"), common::module_text("Shared", "Linked in.")).unwrap();
    std::os::unix::fs::symlink(site.path("shared.md"), site.path("modules/linked.md")).unwrap();
    site.build().expect(0);
    assert!(site.public().join("modules/linked/index.html").is_file());
}

#[test]
fn file_names_colliding_after_case_folding() {
    let site = TestSite::new();
    site.module("dup.md", common::module_text("Lower", "One."));
    site.module("Dup.md", common::module_text("Upper", "Two."));
    if fs::read_dir(site.path("modules")).unwrap().count() < 2 {
        eprintln!("this file system folds case: nothing to test");
        return;
    }
    let build = site.build();
    build.expect(1);
    build.stderr_has("--> modules/dup.md:1:1").stderr_has("collides with modules/Dup.md");
    let errors = json_errors(&site.check("json"));
    assert!(errors.contains(&("modules/dup.md".into(), 1, 1, "duplicate-slug".into())), "{errors:?}");
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = TestSite::new();
    let broken = [
        ("unknown-key.md", "6:1"),
        ("unknown-category.md", "4:12"),
        ("link-javascript.md", "10:10"),
        ("docker-port.md", "11:8"),
        ("empty.md", "1:1"),
        ("broken-link.md", "10:5"),
    ];
    for (file, _) in broken {
        site.fixture(&format!("validation/{file}"));
    }
    site.module("good.md", common::module_text("Good", "Fine."));
    let build = site.build();
    build.expect(1);
    for (file, place) in broken {
        build.stderr_has(&format!("--> modules/{file}:{place}"));
    }
    build.stderr_has(&format!("{} errors", broken.len()));
    assert_eq!(json_errors(&site.check("json")).len(), broken.len());
}

#[test]
fn github_format_annotates_the_place() {
    let site = TestSite::new();
    site.fixture("validation/unknown-category.md").fixture("validation/docker-tag.md");
    let run = site.check("github");
    run.expect(1);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("::error ")).collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with("::error file=modules/docker-tag.md,line=11,col=7,"), "{}", lines[0]);
    assert!(lines[1].starts_with("::error file=modules/unknown-category.md,line=4,col=12,"), "{}", lines[1]);
    assert!(lines[1].contains("::unknown category `space-mining`"), "{}", lines[1]);
}

#[test]
fn json_format_has_every_field() {
    let site = TestSite::new();
    site.fixture("validation/unknown-key.md");
    let run = site.check("json");
    run.expect(1);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let error = list.as_array().unwrap().iter().find(|d| d["severity"] == "error").expect("an error");
    let mut keys: Vec<&str> = error.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "column", "file", "help", "line", "message", "severity"]);
    assert_eq!(error["file"], "modules/unknown-key.md");
    assert_eq!((error["line"].as_u64(), error["column"].as_u64()), (Some(6), Some(1)));
    assert_eq!(error["code"], "unknown-key");
    assert!(error["message"].as_str().unwrap().contains("unknown key `licence`"));
    assert_eq!(error["help"], "did you mean `license`?");
}

#[test]
fn limits_are_inclusive() {
    // Exactly 120 characters of title, 300 of summary, 50 tags of 50 characters: accepted.
    let title = "t".repeat(120);
    let summary = "s".repeat(300);
    let tags: Vec<String> = (0..50).map(|i| format!("\"{i:02}{}\"", "x".repeat(48))).collect();
    let text = common::module_text(&title, "Body.")
        .replace("A module written by the test suite.", &summary)
        .replace("[\"test\"]", &format!("[{}]", tags.join(", ")));
    let site = TestSite::new();
    site.module("limits.md", text);
    site.build().expect(0);
}

#[test]
fn bom_and_crlf_are_accepted() {
    // Written here rather than as a fixture: git could normalise the line endings.
    let text = format!("\u{feff}{}", common::module_text("Windows", "Saved by\nNotepad.").replace('\n', "\r\n"));
    let site = TestSite::new();
    site.module("windows.md", text);
    site.build().expect(0);
    let page = site.page("modules/windows/index.html");
    assert!(page.contains("<h1>Windows</h1>"), "the title is read without the BOM");
    assert!(page.contains("docker run -ti -p 5000:5000 example/windows:latest"));
}

#[test]
fn bom_and_crlf_do_not_shift_positions() {
    let text = format!(
        "\u{feff}{}",
        common::read(&common::fixture_path("validation/unknown-category.md")).replace('\n', "\r\n")
    );
    let site = TestSite::new();
    site.module("unknown-category.md", text);
    assert_rejected(&site, "unknown-category.md", 4, 12, "unknown-category", "unknown category `space-mining`");
}

/// "A run never panics on any input": odd files, all in one site, each get a diagnostic.
#[test]
fn odd_inputs_are_diagnosed_without_panicking() {
    let odd: &[&[u8]] = &[
        b"+++",
        b"+++\n+++",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf+++\r\n+++\r\n",
        b" +++\n+++\n",
        b"+++\ntitle = \"\"\"\n+++\n",
        b"+++\n[links]\nsource = 3\n+++\n",
        b"+++\nlinks = \"x\"\ndocker = []\n+++\n",
        b"+++\n[docker]\nimage = \"\"\nport = -1\ntag = \"\"\napi_path = \"\"\n+++\n",
        b"+++\ntitle = \"\\u0000\"\nsummary = \"\\t\"\ncategory = \"\"\ncreated = 2024-02-30\n+++\n",
        b"+++\ncreated = 1979-05-27T07:32:00Z\nupdated = 0000-01-01\n+++\n",
        b"+++\ntags = [[], {}, 1, \"\", \"   \", \"\xe6\x97\xa5\xe6\x9c\xac\", \"-\"]\n+++\n",
        b"+++\n[docker]\nport = 99999999999999999999\n+++\n",
        b"+++\ntitle = \"x\"\n+++\n[a](<>) [b]( ) [c](../) [e](//x) ![f](../x/index.html)\n",
    ];
    let site = TestSite::new();
    for (i, text) in odd.iter().enumerate() {
        site.module(&format!("odd-{i:02}.md"), text);
    }
    let run = site.check("human");
    run.expect(1);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for i in 0..odd.len() {
        run.stderr_has(&format!("--> modules/odd-{i:02}.md:"));
    }
    site.build().expect(1);
}

/// Nesting is limited (the HTML parser behind the sanitiser is quadratic in the depth):
/// past 100 levels the build refuses the file at the place where it goes too deep.
#[test]
fn nesting_too_deep_is_refused_where_it_goes_too_deep() {
    let site = TestSite::new();
    // The description starts on line 15 of `module_text`'s file; the 100 quotes of line 17
    // take columns 1-200, and their paragraph, at column 201, is level 101.
    let body = format!("Text.\n\n{}x", "> ".repeat(100));
    site.module("deep-quotes.md", common::module_text("Deep quotes", &body));
    assert_rejected(&site, "deep-quotes.md", 17, 201, "too-deep", "nests 101 levels deep here; the limit is 100");

    let site = TestSite::new();
    let body = format!("<div>{}x</div>", "<span>".repeat(20_000));
    site.module("deep-html.md", common::module_text("Deep HTML", &body));
    // The HTML block is level 1, the div 2: the span of level 101 is the 99th.
    assert_rejected(&site, "deep-html.md", 15, 6 + 6 * 98, "too-deep", "the limit is 100");
}

#[test]
fn nesting_at_the_limit_builds() {
    let site = TestSite::new();
    let body = format!("Text.\n\n{}x\n\n<div>{}x</div>", "> ".repeat(99), "<span>".repeat(98));
    site.module("deep-but-fine.md", common::module_text("Deep but fine", &body));
    site.build().expect(0);
    assert!(site.page("modules/deep-but-fine/index.html").contains("<blockquote>"));
}
