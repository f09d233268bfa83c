//! Arbitrary text as Markdown (a module description, a page): pulldown-cmark, heading
//! ids, highlighting, link checks and ammonia, at both trust levels and heading offsets.

#![no_main]

use std::collections::HashSet;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use marketplace::markdown::{Markdown, Trust};

/// Loads the syntaxes and compiles the highlighters of the seeds' languages once, before
/// fuzzing: the first use takes seconds (more under ASan on a busy machine) and would
/// otherwise count against `-timeout` as the first input's time.
const WARM_UP: &str =
    "# a\n\n```bash\nls -l\n```\n\n```python\nx = 1\n```\n\n```js\nlet x = 1;\n```\n\n```toml\na = 1\n```\n";

fn markdown() -> &'static Markdown {
    static MD: OnceLock<Markdown> = OnceLock::new();
    MD.get_or_init(|| Markdown::new(HashSet::from(["fuzz".to_string(), "blossom".to_string()])))
}

fuzz_target!(
    init: {
        markdown().render(WARM_UP, Trust::Contributor, 3);
    },
    |data: &[u8]| {
        let text = String::from_utf8_lossy(data);
        // The first byte picks the heading level the text starts at (1..=6), as pages do.
        let first_heading = data.first().map_or(1, |b| usize::from(b % 6) + 1);
        // Maintainers' pages are trusted and their nesting is not limited (a maintainer can
        // only slow their own build), so only contributors' texts are fuzzed at full size:
        // a slow input (-timeout) is a finding.
        let trusts: &[Trust] =
            if data.len() <= 64 * 1024 { &[Trust::Contributor, Trust::Maintainer] } else { &[Trust::Contributor] };
        for &trust in trusts {
            let r = markdown().render(&text, trust, first_heading);
            let _ = (r.html.len(), r.plain.len(), r.bad_links.len(), r.removed_links.len());
        }
    }
);
