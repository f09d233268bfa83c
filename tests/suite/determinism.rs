//! Output is byte-for-byte deterministic, whatever the thread count.

use crate::common::{self, TestSite};

#[test]
fn one_and_two_threads_build_identical_trees() {
    let site = TestSite::real();
    site.run_env(&["build", "--output", "out-1"], &[("RAYON_NUM_THREADS", "1")]).expect(0);
    site.run_env(&["build", "--output", "out-2"], &[("RAYON_NUM_THREADS", "2")]).expect(0);
    let one = common::tree(&site.path("out-1"));
    let two = common::tree(&site.path("out-2"));
    assert!(one.len() > 100, "the real catalogue was built ({} files)", one.len());
    common::assert_same_tree(&one, &two);
}

#[test]
fn rebuilding_gives_the_same_bytes() {
    let site = TestSite::real();
    site.build().expect(0);
    let first = common::tree(&site.public());
    site.build().expect(0);
    common::assert_same_tree(&first, &common::tree(&site.public()));
}

/// Module files written in the reverse order land in a different directory order on most
/// file systems; the output must not notice.
#[test]
fn file_creation_order_does_not_matter() {
    let names = ["alpha", "bravo", "charlie", "delta", "echo"];
    let forward = TestSite::new();
    for n in names {
        forward.module(&format!("{n}.md"), common::module_text(n, &format!("Module {n}.")));
    }
    let backward = TestSite::new();
    for n in names.iter().rev() {
        backward.module(&format!("{n}.md"), common::module_text(n, &format!("Module {n}.")));
    }
    forward.build().expect(0);
    backward.build().expect(0);
    common::assert_same_tree(&common::tree(&forward.public()), &common::tree(&backward.public()));
}
