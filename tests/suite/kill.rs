//! Nothing lost: a build killed with SIGKILL at any moment leaves the previous output
//! complete and unchanged, and the next build cleans up after it.

use std::process::{Command, Stdio};
use std::time::Instant;

use crate::common::{self, module_text, TestSite};

#[test]
fn a_killed_build_leaves_the_previous_output_unchanged() {
    let site = TestSite::new();
    // Large enough that a build takes a while, so kills land in every stage.
    for i in 0..1500 {
        let body =
            format!("## Section {i}\n\n{}\n\n```python\nprint({i})\n```\n", "Words of the description. ".repeat(40));
        site.module(&format!("module-{i:04}.md"), module_text(&format!("Module {i}"), &body));
    }
    site.build().expect(0);
    let before = common::tree(&site.public());

    // How long a full build takes here, to spread the kills over it.
    let start = Instant::now();
    site.run(&["build", "--output", site.path("other").to_str().unwrap()]).expect(0);
    let full = start.elapsed();

    // Change the content so that a completed build would change the output; a build killed
    // after its swap leaves the new site, complete.
    site.module("module-0000.md", module_text("Module zero, renamed", "Changed."));
    site.run(&["build", "--output", site.path("reference").to_str().unwrap()]).expect(0);
    let new = common::tree(&site.path("reference"));
    let mut kept_old = 0;
    for step in 1..=8u32 {
        let delay = full * step / 9;
        let mut child = Command::new(env!("CARGO_BIN_EXE_marketplace"))
            .arg("build")
            .current_dir(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let after = common::tree(&site.public());
        if after == new {
            // Killed after the swap (or finished): the next kills start from the new site.
            break;
        }
        common::assert_same_tree(&before, &after);
        kept_old += 1;
    }
    assert!(kept_old > 0, "no kill landed before the swap: the test proved nothing");
    // The next build removes what the killed ones left behind, and succeeds.
    site.build().expect(0);
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary directories left: {leftovers:?}");
    assert!(common::read(&site.public().join("modules/module-0000/index.html")).contains("Module zero, renamed"));
}
