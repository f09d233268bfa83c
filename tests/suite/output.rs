//! The output directory: replaced only by a successful build, never left half-written,
//! and never pointed at something that is not a site.

use std::fs;

use crate::common::{self, TestSite};

/// Names of temporary trees a build leaves beside the output, if any.
fn leftovers(site: &TestSite) -> Vec<String> {
    fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = TestSite::new();
    site.module("good.md", common::module_text("Good", "A good module."));
    site.build().expect(0);
    assert!(leftovers(&site).is_empty(), "left behind after success: {:?}", leftovers(&site));
    let before = common::tree(&site.public());
    assert!(before.contains_key("modules/good/index.html"));

    site.module("broken.md", "+++\ntitle = \"Broken\"\n+++\n");
    site.build().expect(1).stderr_has("modules/broken.md");
    common::assert_same_tree(&before, &common::tree(&site.public()));
    assert!(leftovers(&site).is_empty(), "left behind after failure: {:?}", leftovers(&site));
}

#[test]
fn successful_rebuild_replaces_the_output() {
    let site = TestSite::new();
    site.module("first.md", common::module_text("First", "One."));
    site.build().expect(0);
    fs::remove_file(site.path("modules/first.md")).unwrap();
    site.module("second.md", common::module_text("Second", "Two."));
    site.build().expect(0);
    assert!(site.public().join("modules/second/index.html").is_file());
    // A removed module's page goes with it: the output is rebuilt, not added to.
    assert!(!site.public().join("modules/first").exists());
    assert!(leftovers(&site).is_empty());
}

#[test]
fn output_at_file_system_root_is_refused() {
    let site = TestSite::new();
    site.run(&["build", "--output", "/"]).expect(2).stderr_has("refusing");
}

#[test]
fn output_at_the_site_root_is_refused() {
    let site = TestSite::new();
    site.module("good.md", common::module_text("Good", "A good module."));
    site.run(&["build", "--output", "."]).expect(2).stderr_has("refusing");
    let root = site.root().to_string_lossy().into_owned();
    site.run(&["build", "--output", &root]).expect(2);
    // Nothing of the sources was touched.
    assert!(site.path("modules/good.md").is_file() && site.path("theme/templates").is_dir());
}

#[test]
fn output_at_an_existing_file_is_refused() {
    let site = TestSite::new();
    fs::write(site.path("notes.txt"), "keep me").unwrap();
    site.run(&["build", "--output", "notes.txt"]).expect(2).stderr_has("refusing");
    assert_eq!(common::read(&site.path("notes.txt")), "keep me");
}

#[test]
fn output_at_a_directory_that_is_not_a_site_is_refused() {
    let site = TestSite::new();
    fs::create_dir(site.path("photos")).unwrap();
    fs::write(site.path("photos/holiday.jpg"), "not a site").unwrap();
    site.run(&["build", "--output", "photos"]).expect(2).stderr_has("does not look like a built site");
    assert_eq!(common::read(&site.path("photos/holiday.jpg")), "not a site");
}

/// "Cite this module" and the machine-readable metadata of a module page.
#[test]
fn module_pages_are_citable_and_described_for_machines() {
    let built = crate::common::real_build();
    let page = crate::common::read(&built.public.join("modules/satsr/index.html"));
    assert!(page.contains("@software{satsr_2019,"), "BibTeX entry");
    assert!(page.contains("doi = {10.1016/j.isprsjprs.2018.09.018}"), "BibTeX DOI");
    let start = page.find("<script type=\"application/ld+json\">").expect("JSON-LD") + 35;
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).expect("JSON-LD parses");
    assert_eq!(ld["@type"], "SoftwareSourceCode");
    assert_eq!(ld["codeRepository"], "https://github.com/deephdc/satsr");
    assert_eq!(ld["license"], "https://spdx.org/licenses/Apache-2.0.html");
    assert!(page.contains("<meta property=\"og:title\" content=\"Upscale multispectral satellites images\">"));
    let feed = crate::common::read(&built.public.join("categories/earth-observation/atom.xml"));
    assert!(feed.contains("modules/satsr/") && !feed.contains("modules/retinopathy-test/"), "per-category feed");
}
