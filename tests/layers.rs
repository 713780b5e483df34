//! Data flows one way (see `docs/architecture.md`): discover → parse →
//! facts → rules → report. This test reads the crate's modules from
//! `src/lib.rs` down, following `mod` declarations, and fails when a module
//! names (`use`, a path in code, or a `crate::` path inside a macro) a
//! module of a higher layer.
//!
//! Test code (`#[cfg(test)]` items and modules) is left out: a test of a
//! lower layer may set its scene with the whole crate. Paths written without
//! `crate::` or `super::` (a re-export through a sibling) are not followed.

use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The crate's top-level modules, lowest layer first. A module may name
/// modules of its own layer and of the layers below it.
const LAYERS: &[&[&str]] = &[
    // Utilities every layer uses.
    &["span", "hashing", "timing"],
    // The vocabulary: what a finding and a rule's metadata are, the
    // configuration, the secret-name and credential knowledge, suppressions.
    &["finding", "rule_meta", "config", "secrets", "suppress"],
    // Discovery and the parser fronts.
    &["discover", "formats"],
    // The facts of a whole project.
    &["project"],
    // The rules.
    &["rules"],
    // What is made of the findings.
    &["report", "baseline", "check_env"],
    // The commands.
    &["run", "verify", "cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// One upward reference: `from` (a file) names `to` (a top-level module).
#[derive(Debug, PartialEq)]
struct Violation {
    file: String,
    from: String,
    to: String,
}

/// Collects the top-level modules a file's non-test code names.
struct Names<'a> {
    /// The module path of the file (`["project", "build"]`).
    module: &'a [String],
    found: Vec<String>,
}

impl Names<'_> {
    /// The top-level module a path starting with `segments` names, if it
    /// leaves the file's own top-level module through `crate` or `super`.
    fn resolve(&mut self, segments: &[String]) {
        match segments.first().map(String::as_str) {
            Some("crate") => {
                if let Some(top) = segments.get(1) {
                    self.found.push(top.clone());
                }
            }
            Some("super") => {
                let supers = segments.iter().take_while(|s| *s == "super").count();
                // `super` from a file module `a::b` is `a`; reaching the
                // crate root, the next segment is a top-level module.
                if supers >= self.module.len()
                    && let Some(top) = segments.get(supers)
                {
                    self.found.push(top.clone());
                }
            }
            _ => {}
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.resolve(prefix);
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.resolve(prefix);
                prefix.pop();
            }
            syn::UseTree::Glob(_) => {
                prefix.push("*".into());
                self.resolve(prefix);
                prefix.pop();
            }
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    /// `crate :: name` (or `$crate :: name`) anywhere in a macro's tokens.
    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if id == "crate" => {
                    if let (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)), Some(name)) =
                        (trees.get(i + 1), trees.get(i + 2), trees.get(i + 3))
                        && a.as_char() == ':'
                        && b.as_char() == ':'
                        && let TokenTree::Ident(name) = name
                    {
                        self.found.push(name.to_string());
                    }
                }
                _ => {}
            }
        }
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

impl<'ast> Visit<'ast> for Names<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if !is_cfg_test(item_attrs(item)) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_cfg_test(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve(&segments);
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// The upward references of one file's code, whose module path is `module`.
fn check_file(file: &str, module: &[String], ast: &syn::File) -> Vec<Violation> {
    let mut names = Names {
        module,
        found: Vec::new(),
    };
    for item in &ast.items {
        names.visit_item(item);
    }
    let from = &module[0];
    let Some(own) = layer_of(from) else {
        return vec![Violation {
            file: file.to_string(),
            from: from.clone(),
            to: "(a module missing from LAYERS)".to_string(),
        }];
    };
    let mut out: Vec<Violation> = Vec::new();
    for to in names.found {
        let above = layer_of(&to).is_none_or(|layer| layer > own);
        if above && !out.iter().any(|v| v.to == to) {
            out.push(Violation {
                file: file.to_string(),
                from: from.clone(),
                to,
            });
        }
    }
    out
}

/// Every non-test module file reachable from `src/lib.rs`, with its module
/// path, found by following `mod name;` declarations.
fn module_files() -> Vec<(PathBuf, Vec<String>)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![(src.join("lib.rs"), Vec::<String>::new(), src.clone())];
    while let Some((file, module, children_dir)) = stack.pop() {
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        let mut mods = Vec::new();
        collect_mods(&ast.items, &children_dir, &mut Vec::new(), &mut mods);
        for (name, dir, inline_path) in mods {
            let flat = dir.join(format!("{name}.rs"));
            let (child, child_dir) = if flat.is_file() {
                (flat, dir.join(&name))
            } else {
                (dir.join(&name).join("mod.rs"), dir.join(&name))
            };
            let mut child_module = module.clone();
            child_module.extend(inline_path);
            child_module.push(name);
            stack.push((child, child_module, child_dir));
        }
        if !module.is_empty() {
            out.push((file, module));
        }
    }
    out.sort();
    out
}

/// The `mod name;` declarations (not under `#[cfg(test)]`) of `items`, with
/// the directory their file is in and the inline modules they sit in.
fn collect_mods(
    items: &[syn::Item],
    dir: &Path,
    inline: &mut Vec<String>,
    out: &mut Vec<(String, PathBuf, Vec<String>)>,
) {
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        if is_cfg_test(&m.attrs) {
            continue;
        }
        let name = m.ident.to_string();
        match &m.content {
            None => out.push((name, dir.to_path_buf(), inline.clone())),
            Some((_, items)) => {
                inline.push(name.clone());
                collect_mods(items, &dir.join(&name), inline, out);
                inline.pop();
            }
        }
    }
}

#[test]
fn no_module_names_a_higher_layer() {
    let files = module_files();
    assert!(files.len() > 100, "only {} module files found", files.len());
    let mut violations = Vec::new();
    for (file, module) in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let ast = syn::parse_file(&text).unwrap();
        let shown = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(file);
        violations.extend(check_file(&shown.display().to_string(), module, &ast));
    }
    let lines: Vec<String> = violations
        .iter()
        .map(|v| format!("{}: `{}` names `{}`", v.file, v.from, v.to))
        .collect();
    assert!(
        lines.is_empty(),
        "upward references (see LAYERS in tests/layers.rs):\n{}",
        lines.join("\n")
    );
}

fn check_text(module: &[&str], text: &str) -> Vec<String> {
    let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
    let ast = syn::parse_file(text).unwrap();
    check_file("x.rs", &module, &ast)
        .into_iter()
        .map(|v| v.to)
        .collect()
}

#[test]
fn the_check_sees_each_kind_of_upward_reference() {
    // A `use`, a path in code, a `super` chain to the root, a macro body.
    assert_eq!(
        check_text(&["project"], "use crate::rules::Rule;"),
        ["rules"]
    );
    assert_eq!(
        check_text(&["formats", "js"], "use super::super::{project::Project};"),
        ["project"]
    );
    assert_eq!(
        check_text(&["config"], "fn f() { crate::rules::find(\"X\"); }"),
        ["rules"]
    );
    assert_eq!(
        check_text(
            &["finding"],
            "fn f() { println!(\"{}\", crate::report::X); }"
        ),
        ["report"]
    );
    // A module outside LAYERS must be placed first.
    assert_eq!(check_text(&["newcomer"], "").len(), 1);
}

#[test]
fn the_check_allows_lower_layers_and_test_code() {
    let text = "use crate::span::Span;\nuse super::Facts;\nfn f() { crate::config::Config::default(); }\n#[cfg(test)]\nmod tests { use crate::rules::all; }\n";
    assert!(check_text(&["project", "build"], text).is_empty());
    assert!(check_text(&["rules", "sec"], "use crate::project::Project;").is_empty());
}

/// Families of rules: one file per rule under `src/rules/<family>/`.
const FAMILIES: &[&str] = &["auth", "ci", "db", "net", "obs", "pf", "sec"];

/// The other rules a rule file's text names: `crate::rules::<family>::` or
/// `super::<sibling>`.
fn rules_named(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for family in FAMILIES {
        let path = format!("crate::rules::{family}::");
        if text.contains(&path) {
            out.push(path);
        }
    }
    for (i, _) in text.match_indices("super::") {
        let next = &text[i + "super::".len()..];
        if !next.starts_with('*') && !next.starts_with("super") {
            out.push(
                next.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            );
        }
    }
    out
}

#[test]
fn no_rule_names_another_rule() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut problems = Vec::new();
    let mut checked = 0;
    for family in FAMILIES {
        for entry in std::fs::read_dir(rules.join(family)).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == "mod.rs") {
                continue;
            }
            checked += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            for named in rules_named(&text) {
                problems.push(format!("{}: names {named}", path.display()));
            }
        }
    }
    assert!(checked > 30, "only {checked} rule files");
    assert!(
        problems.is_empty(),
        "rules share through src/rules/support/, never each other:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_rule_check_sees_both_spellings() {
    assert_eq!(
        rules_named("use crate::rules::net::ssrf_unguarded_fetch::is_guarded;"),
        ["crate::rules::net::"]
    );
    assert_eq!(
        rules_named("use super::secret_literal_in_script::all_scripts;"),
        ["secret_literal_in_script"]
    );
    assert!(rules_named("mod tests { use super::*; }").is_empty());
}
