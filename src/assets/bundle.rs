//! One file per entry module: a module that imports others is published with everything
//! it imports inlined, so that a page fetches its script in one request rather than one
//! per module (over HTTP/1.1 a browser asks a host for six files at a time: the search
//! page's 14 modules took three waves, ~100 ms, before its first fetch of the index).
//!
//! Each module of the graph becomes a function scope, evaluated once, in the order the
//! browser evaluates ES modules (depth first, imports in source order, dependencies
//! first); its imports become constants read from its dependencies' exports, and the
//! entry re-exports its own. Only the forms the theme's modules use are understood, at
//! the start of a line: `import { a, b as c } from './x.js'`, `import * as x from
//! './x.js'`, `import './x.js'`, and `export` before `function`, `async function`,
//! `class`, `var`, `let` or `const` (one name a statement). A graph with any other form
//! (`export { ... }`, `export default`, a bare specifier, an imported name the target does
//! not export) is left as separate modules, linked as before.
//!
//! Two bundles on one page each hold their own copy of what they share: a page loads one
//! entry (the search page's `page.js` imports `header.js` for the header box). An exported
//! binding is read once, when its importer starts: no module here reassigns one later.

use std::collections::HashMap;

/// What one module imports and exports, where in its text.
struct Parsed {
    /// (byte range of the statement, target, what it binds: None for a side-effect
    /// import, Some(None) for `* as`, else the (imported, local) names).
    imports: Vec<(std::ops::Range<usize>, usize, Binding)>,
    /// The byte offsets of the `export ` keywords to drop.
    exports_at: Vec<usize>,
    exports: Vec<String>,
}

enum Binding {
    Effect,
    Namespace(String),
    Named(Vec<(String, String)>),
}

/// The bundle of each module with imports whose whole graph is understood, by source
/// index. `resolve(module, spec)` names the source a relative specifier points at.
pub fn bundles(
    sources: &[(String, Vec<u8>)],
    resolve: impl Fn(usize, &str) -> Option<usize>,
    is_module: impl Fn(&str) -> bool,
) -> HashMap<usize, Vec<u8>> {
    let parsed: Vec<Option<Parsed>> = sources
        .iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let text = std::str::from_utf8(bytes).ok().filter(|_| is_module(name))?;
            parse(text, |spec| resolve(i, spec))
        })
        .collect();
    let mut out = HashMap::new();
    for (entry, p) in parsed.iter().enumerate() {
        let Some(p) = p else { continue };
        if p.imports.is_empty() {
            continue;
        }
        if let Some(order) = evaluation_order(entry, &parsed) {
            if names_resolve(&order, &parsed) {
                out.insert(entry, write(&order, sources, &parsed));
            }
        }
    }
    out
}

/// The modules of `entry`'s graph in evaluation order (entry last); None when a module
/// of it is not understood or the graph has a cycle.
fn evaluation_order(entry: usize, parsed: &[Option<Parsed>]) -> Option<Vec<usize>> {
    let mut order = Vec::new();
    let mut open = Vec::new();
    fn visit(m: usize, parsed: &[Option<Parsed>], order: &mut Vec<usize>, open: &mut Vec<usize>) -> Option<()> {
        if order.contains(&m) {
            return Some(());
        }
        if open.contains(&m) {
            return None;
        }
        open.push(m);
        for (_, target, _) in &parsed[m].as_ref()?.imports {
            visit(*target, parsed, order, open)?;
        }
        open.pop();
        order.push(m);
        Some(())
    }
    visit(entry, parsed, &mut order, &mut open)?;
    Some(order)
}

fn names_resolve(order: &[usize], parsed: &[Option<Parsed>]) -> bool {
    order.iter().all(|&m| {
        parsed[m].as_ref().is_some_and(|p| {
            p.imports.iter().all(|(_, target, binding)| match binding {
                Binding::Named(names) => {
                    let exports = &parsed[*target].as_ref().map_or(&[][..], |t| &t.exports[..]);
                    names.iter().all(|(name, _)| exports.contains(name))
                }
                _ => true,
            })
        })
    })
}

fn scope(m: usize) -> String {
    format!("__module{m}")
}

fn write(order: &[usize], sources: &[(String, Vec<u8>)], parsed: &[Option<Parsed>]) -> Vec<u8> {
    let mut out = String::new();
    for &m in order {
        let (Some(p), Ok(text)) = (&parsed[m], std::str::from_utf8(&sources[m].1)) else { continue };
        out.push_str(&format!("/* {} */\nconst {} = (function () {{\n", sources[m].0, scope(m)));
        // The statements to rewrite, in text order: imports replaced, `export ` dropped.
        let mut edits: Vec<(usize, usize, String)> = p
            .imports
            .iter()
            .map(|(range, target, binding)| {
                let with = match binding {
                    Binding::Effect => String::new(),
                    Binding::Namespace(local) => format!("const {local} = {};", scope(*target)),
                    Binding::Named(names) => {
                        let list: Vec<String> = names
                            .iter()
                            .map(|(name, local)| if name == local { name.clone() } else { format!("{name}: {local}") })
                            .collect();
                        format!("const {{ {} }} = {};", list.join(", "), scope(*target))
                    }
                };
                (range.start, range.end, with)
            })
            .chain(p.exports_at.iter().map(|&at| (at, at + "export ".len(), String::new())))
            .collect();
        edits.sort_by_key(|e| e.0);
        let mut at = 0;
        for (start, end, with) in edits {
            out.push_str(&text[at..start]);
            out.push_str(&with);
            at = end;
        }
        out.push_str(&text[at..]);
        out.push_str(&format!("\nreturn {{ {} }};\n}})();\n", p.exports.join(", ")));
    }
    if let Some(&entry) = order.last() {
        if let Some(p) = &parsed[entry] {
            if !p.exports.is_empty() {
                out.push_str(&format!("export const {{ {} }} = {};\n", p.exports.join(", "), scope(entry)));
            }
        }
    }
    out.into_bytes()
}

/// A module's imports and exports, or None when it holds a form not understood.
fn parse(text: &str, resolve: impl Fn(&str) -> Option<usize>) -> Option<Parsed> {
    let mut parsed = Parsed { imports: Vec::new(), exports_at: Vec::new(), exports: Vec::new() };
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        if let Some(rest) = keyword(line, "import") {
            if rest.starts_with('(') || rest.starts_with('.') {
                continue; // import(...) or import.meta: an expression, no statement
            }
            let (len, spec, binding) = import_statement(&text[at..])?;
            let target = resolve(&spec)?;
            parsed.imports.push((at..at + len, target, binding));
        } else if let Some(rest) = keyword(line, "export") {
            let rest = rest.trim_start();
            let declared =
                ["async function", "function", "class", "var", "let", "const"].iter().find_map(|k| keyword(rest, k))?;
            let declared = declared.trim_start_matches(|c: char| c == '*' || c.is_whitespace());
            let name: String = declared.chars().take_while(|&c| is_ident(c)).collect();
            if name.is_empty() {
                return None; // `export const { a } = ...` and the like
            }
            parsed.exports_at.push(at);
            parsed.exports.push(name);
        }
    }
    Some(parsed)
}

/// The rest of `line` after `word` when the line starts with it as a whole word.
fn keyword<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(word)?;
    (!rest.starts_with(is_ident)).then_some(rest)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The import statement at the start of `text`: its length (through its `;` if any), its
/// specifier and what it binds.
fn import_statement(text: &str) -> Option<(usize, String, Binding)> {
    let mut rest = text["import".len()..].trim_start();
    let binding = if let Some(list) = rest.strip_prefix('{') {
        let close = list.find('}')?;
        let mut names = Vec::new();
        for item in list[..close].split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let mut words = item.split_whitespace();
            let name = words.next()?.to_string();
            let local = match (words.next(), words.next(), words.next()) {
                (None, _, _) => name.clone(),
                (Some("as"), Some(local), None) => local.to_string(),
                _ => return None,
            };
            if !name.chars().all(is_ident) || !local.chars().all(is_ident) {
                return None;
            }
            names.push((name, local));
        }
        rest = keyword(list[close + 1..].trim_start(), "from")?.trim_start();
        Binding::Named(names)
    } else if let Some(star) = rest.strip_prefix('*') {
        let after = keyword(star.trim_start(), "as")?.trim_start();
        let local: String = after.chars().take_while(|&c| is_ident(c)).collect();
        if local.is_empty() {
            return None;
        }
        rest = keyword(after[local.len()..].trim_start(), "from")?.trim_start();
        Binding::Namespace(local)
    } else {
        Binding::Effect
    };
    let quote = rest.chars().next().filter(|&q| q == '\'' || q == '"')?;
    let len = rest[1..].find(quote)?;
    let spec = rest[1..1 + len].to_string();
    if !(spec.starts_with("./") || spec.starts_with("../")) {
        return None;
    }
    let mut end = text.len() - rest.len() + len + 2;
    if text[end..].starts_with(';') {
        end += 1;
    }
    Some((end, spec, binding))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle_of(files: &[(&str, &str)], entry: &str) -> Option<String> {
        let sources: Vec<(String, Vec<u8>)> =
            files.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())).collect();
        let index: HashMap<String, usize> = sources.iter().enumerate().map(|(i, (n, _))| (n.clone(), i)).collect();
        let out =
            bundles(&sources, |_, spec| index.get(spec.trim_start_matches("./")).copied(), |n| n.ends_with(".js"));
        out.get(&index[entry]).map(|b| String::from_utf8(b.clone()).unwrap())
    }

    #[test]
    fn a_bundle_inlines_the_graph_in_evaluation_order() {
        let files = [
            ("a.js", "import { b } from './b.js';\nimport * as c from './c.js';\nimport './d.js';\nexport function a() { return b + c.c; }\n"),
            ("b.js", "import { c as cc } from './c.js';\nexport const b = cc + 1;\n"),
            ("c.js", "export var c = 1;\nvar hidden = 2;\n"),
            ("d.js", "export async function d() {}\n"),
        ];
        let out = bundle_of(&files, "a.js").unwrap();
        let at = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} in {out}"));
        assert!(at("/* c.js */") < at("/* b.js */") && at("/* b.js */") < at("/* d.js */"), "{out}");
        assert!(at("/* d.js */") < at("/* a.js */"), "{out}");
        assert_eq!(out.matches("/* c.js */").count(), 1, "a module once: {out}");
        for s in [
            "const { c: cc } = __module2;",
            "const c = __module2;",
            "return { c };",
            "async function d() {}",
            "export const { a } = __module0;",
        ] {
            at(s);
        }
        assert!(!out.contains("import ") && !out.contains("export var") && !out.contains("export function"), "{out}");
        assert!(bundle_of(&files, "c.js").is_none(), "a module without imports stays as it is");
    }

    #[test]
    fn forms_not_understood_leave_the_graph_unbundled() {
        for bad in [
            "export { x } from './x.js';\n",
            "export default 1;\n",
            "import x from './x.js';\n",
            "import { nope } from './x.js';\n",
            "import { x } from 'x';\n",
        ] {
            let graph = [
                ("a.js", "import { x } from './x.js';\nimport './b.js';\n"),
                ("b.js", bad),
                ("x.js", "export const x = 1;\n"),
            ];
            assert!(bundle_of(&graph, "a.js").is_none(), "{bad}");
        }
        let good = [
            ("a.js", "import { x } from './x.js';\nimport './b.js';\n"),
            ("b.js", "export const y = 1;\n"),
            ("x.js", "export const x = 1;\n"),
        ];
        assert!(bundle_of(&good, "a.js").is_some());
        let cycle = [
            ("a.js", "import { b } from './b.js';\nexport const a = 1;\n"),
            ("b.js", "import { a } from './a.js';\nexport const b = 1;\n"),
        ];
        assert!(bundle_of(&cycle, "a.js").is_none());
    }
}
