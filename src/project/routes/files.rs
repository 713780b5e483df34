//! File-based routes: the frameworks whose routes are files, not
//! registration calls. The file's path is the route's path and its exports
//! are the handlers; a conventional middleware file runs before them.
//!
//! | framework | route files | methods | middleware |
//! |---|---|---|---|
//! | SvelteKit | `src/routes/**/+server.{ts,js}` | `GET`, `POST`, ..., `fallback` | `src/hooks.server.{ts,js}` `handle` |
//! | Pages Functions | `functions/**/*.{ts,js}` | `onRequest`, `onRequestGet`, ... | every `_middleware.{ts,js}` from `functions/` down to the file's directory, `onRequest*` |
//! | Astro | `src/pages/**/*.{ts,js}` | `GET`, `POST`, ..., `ALL` | `src/middleware.{ts,js}` (or `src/middleware/index.*`) `onRequest` |
//! | Next.js app router | `app/**/route.{ts,js}`, `src/app/**` | `GET`, `POST`, ... | `middleware.{ts,js}` beside `app/` (or in `src/`), `middleware` or default |
//! | Next.js pages router | `pages/api/**`, `src/pages/api/**` | default export (any method) | same |
//!
//! Path segments: `[id]` is `:id`, `[...rest]` / `[[...rest]]` / `[[path]]`
//! (Pages) a trailing `*`, `(group)` and `@slot` directories are dropped,
//! `index` names its directory. A middleware export that is not a function
//! or a call with a resolvable function (an array, `sequence(a, b)`) stands
//! for every top-level function of its file. Next.js `config.matcher` is not
//! read: the middleware counts for every route.

use crate::finding::FileId;
use crate::formats::js::{
    ExportKind, ExportValue, Framework, JsFacts, MODULE_SCOPE, PathKind, ValueRef, WrappedCall,
};
use crate::span::Span;

use super::{ChainLink, FnRef, LinkRole, LinkTarget, ResolvedRoute, Resolver, Sym};

const SCRIPT_EXTS: &[&str] = &["ts", "js", "mjs", "mts", "tsx", "jsx"];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    SvelteKit,
    Pages,
    Astro,
    NextApp,
    NextPages,
}

/// A route file: its framework, the app root (directory holding `src/` or
/// `functions/`, "" for the scan root, else ending in `/`), the directory
/// of route files (`functions/` for Pages) and the URL path.
struct RouteFile {
    kind: Kind,
    root: String,
    /// Directory segments from the routes directory to the file (Pages:
    /// for `_middleware` lookup).
    dirs: Vec<String>,
    path: String,
}

/// `name.ext` split, for script extensions only.
fn script_stem(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    (SCRIPT_EXTS.contains(&ext) && !stem.ends_with(".d")).then_some(stem)
}

/// One path segment as a route segment: `None` drops it.
fn segment(seg: &str, pages: bool) -> Option<String> {
    if seg.starts_with('(') && seg.ends_with(')') || seg.starts_with('@') {
        return None;
    }
    if let Some(inner) = seg.strip_prefix("[[").and_then(|s| s.strip_suffix("]]")) {
        // `[[...rest]]`; Pages `[[path]]` matches every deeper segment.
        return Some(if inner.starts_with("...") || pages {
            "*".to_string()
        } else {
            format!(":{inner}")
        });
    }
    if let Some(inner) = seg.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        if inner.starts_with("...") {
            return Some("*".to_string());
        }
        let name = inner.split('=').next().unwrap_or(inner);
        return Some(format!(":{name}"));
    }
    Some(seg.to_string())
}

fn url_path(segs: &[&str], pages: bool) -> String {
    let mut out = String::new();
    for s in segs {
        if let Some(seg) = segment(s, pages) {
            out.push('/');
            out.push_str(&seg);
        }
    }
    if out.is_empty() { "/".to_string() } else { out }
}

/// Where `dir` (a sequence of directory names) occurs in `parts` (the
/// file's directories), first occurrence: the index after it.
fn find_dir(parts: &[&str], dir: &[&str]) -> Option<usize> {
    (0..parts.len().saturating_sub(dir.len() - 1))
        .find(|&i| parts[i..].starts_with(dir))
        .map(|i| i + dir.len())
}

fn root_of(parts: &[&str], end: usize) -> String {
    parts[..end].iter().map(|p| format!("{p}/")).collect()
}

fn is_excluded(parts: &[&str]) -> bool {
    parts.iter().any(|p| {
        matches!(
            *p,
            "node_modules" | "dist" | "build" | ".svelte-kit" | ".next"
        )
    })
}

fn classify(path: &str) -> Option<RouteFile> {
    let all: Vec<&str> = path.split('/').collect();
    let (name, dirs) = all.split_last()?;
    if is_excluded(dirs) {
        return None;
    }
    let stem = script_stem(name)?;
    // SvelteKit: `src/routes/**/+server.ts`.
    if stem == "+server"
        && let Some(i) = find_dir(dirs, &["src", "routes"])
    {
        return Some(RouteFile {
            kind: Kind::SvelteKit,
            root: root_of(dirs, i - 2),
            dirs: Vec::new(),
            path: url_path(&dirs[i..], false),
        });
    }
    // Next.js app router: `app/**/route.ts`, `_private` folders excluded.
    if stem == "route"
        && let Some(i) = find_dir(dirs, &["app"])
        && !dirs[i..].iter().any(|d| d.starts_with('_'))
    {
        let root_end = if i >= 2 && dirs[i - 2] == "src" {
            i - 2
        } else {
            i - 1
        };
        return Some(RouteFile {
            kind: Kind::NextApp,
            root: root_of(dirs, root_end),
            dirs: Vec::new(),
            path: url_path(&dirs[i..], false),
        });
    }
    // Pages Functions: `functions/**`, `_middleware` is not a route.
    if let Some(i) = find_dir(dirs, &["functions"]) {
        if stem == "_middleware" || stem.starts_with('_') {
            return None;
        }
        let mut segs: Vec<&str> = dirs[i..].to_vec();
        if stem != "index" {
            segs.push(stem);
        }
        return Some(RouteFile {
            kind: Kind::Pages,
            root: root_of(dirs, i - 1),
            dirs: dirs[i..].iter().map(|s| s.to_string()).collect(),
            path: url_path(&segs, true),
        });
    }
    // Astro endpoints / Next.js pages API routes: `src/pages/**`, `pages/api/**`.
    if let Some(i) = find_dir(dirs, &["pages"]) {
        if stem.starts_with('_') {
            return None;
        }
        let mut segs: Vec<&str> = dirs[i..].to_vec();
        if stem != "index" {
            segs.push(stem);
        }
        let under_src = i >= 2 && dirs[i - 2] == "src";
        let root_end = if under_src { i - 2 } else { i - 1 };
        let api = dirs.get(i) == Some(&"api");
        let kind = if under_src {
            Kind::Astro
        } else if api {
            Kind::NextPages
        } else {
            return None;
        };
        return Some(RouteFile {
            kind,
            root: root_of(dirs, root_end),
            dirs: Vec::new(),
            path: url_path(&segs, false),
        });
    }
    None
}

/// The method an export name answers, for a framework.
fn export_method(kind: Kind, name: &str) -> Option<&'static str> {
    match kind {
        Kind::Pages => {
            let rest = name.strip_prefix("onRequest")?;
            if rest.is_empty() {
                return Some("ALL");
            }
            METHODS
                .iter()
                .find(|m| rest.eq_ignore_ascii_case(m))
                .copied()
        }
        Kind::SvelteKit if name == "fallback" => Some("ALL"),
        Kind::Astro if name == "ALL" => Some("ALL"),
        Kind::SvelteKit | Kind::Astro | Kind::NextApp => {
            METHODS.iter().find(|m| **m == name).copied()
        }
        Kind::NextPages => (name == "default").then_some("ALL"),
    }
}

impl Resolver<'_> {
    /// The links an export of `file` stands for: a function, a call used
    /// as a handler (`withAuth(async (req) => ...)`), a wrapper call and the
    /// handlers it wraps (`withAuth(handler)`); empty when opaque.
    fn export_targets(&self, file: FileId, name: &str) -> Vec<LinkTarget> {
        let Some(facts) = self.facts(file) else {
            return Vec::new();
        };
        let Some(e) = facts.exports.iter().find(|e| e.exported == name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match (&e.kind, &e.value) {
            (ExportKind::Local | ExportKind::Default, ExportValue::Value(v)) => {
                out.extend(self.value_target(file, v));
            }
            (ExportKind::Local | ExportKind::Default, ExportValue::Wrapped(w)) => {
                self.wrapped_targets(file, w, 0, &mut out);
            }
            _ => {
                if let Some(Sym::Function(f)) = self.resolve_export(file, name, 0) {
                    out.push(LinkTarget::Function(f));
                }
            }
        }
        out
    }

    fn value_target(&self, file: FileId, v: &ValueRef) -> Option<LinkTarget> {
        match self.link_target(file, v)? {
            LinkTarget::Name(_) => None,
            t => Some(t),
        }
    }

    /// A wrapper call: the call (its callee names what it does) and the
    /// values it wraps.
    fn wrapped_targets(
        &self,
        file: FileId,
        w: &WrappedCall,
        depth: usize,
        out: &mut Vec<LinkTarget>,
    ) {
        let inline = w
            .args
            .iter()
            .filter_map(|a| match a {
                ExportValue::Value(ValueRef::Function(function)) => Some(FnRef {
                    file,
                    function: *function,
                }),
                _ => None,
            })
            .collect();
        let factory = self.resolve_callee(file, &w.callee);
        out.push(LinkTarget::Call {
            callee: w.callee.clone(),
            factory,
            inline,
        });
        for a in &w.args {
            match a {
                ExportValue::Value(v @ (ValueRef::Identifier(_) | ValueRef::Member(_))) => {
                    out.extend(self.value_target(file, v));
                }
                ExportValue::Wrapped(inner) if depth < 4 => {
                    self.wrapped_targets(file, inner, depth + 1, out);
                }
                _ => {}
            }
        }
    }

    /// Middleware links of a conventional middleware file: its export(s)
    /// among `names`, or every top-level function when an export is opaque.
    fn middleware_links(&self, path: &str, names: &[&str], out: &mut Vec<ChainLink>) {
        let Some(file) = self.lookup_script(path) else {
            return;
        };
        let Some(facts) = self.facts(file) else {
            return;
        };
        for e in facts
            .exports
            .iter()
            .filter(|e| names.contains(&e.exported.as_str()))
        {
            let targets = self.export_targets(file, &e.exported);
            let opaque = targets.iter().all(|t| match t {
                LinkTarget::Call {
                    factory, inline, ..
                } => factory.is_none() && inline.is_empty(),
                _ => false,
            });
            for t in targets {
                out.push(ChainLink {
                    role: LinkRole::Middleware,
                    file,
                    span: e.span,
                    target: t,
                });
            }
            if opaque {
                top_level_links(file, facts, out);
            }
        }
    }

    /// A script at `path` without extension (`src/hooks.server`), or its
    /// `index` when it is a directory.
    fn lookup_script(&self, path: &str) -> Option<FileId> {
        SCRIPT_EXTS
            .iter()
            .find_map(|ext| self.project.source_file_at(&format!("{path}.{ext}")))
            .or_else(|| {
                SCRIPT_EXTS
                    .iter()
                    .find_map(|ext| self.project.source_file_at(&format!("{path}/index.{ext}")))
            })
    }
}

fn top_level_links(file: FileId, facts: &JsFacts, out: &mut Vec<ChainLink>) {
    for f in facts
        .functions
        .iter()
        .filter(|f| f.parent == Some(MODULE_SCOPE))
    {
        out.push(ChainLink {
            role: LinkRole::Middleware,
            file,
            span: f.span,
            target: LinkTarget::Function(FnRef {
                file,
                function: f.id,
            }),
        });
    }
}

/// The file-based routes of the loaded batch's files.
pub(super) fn file_routes(resolver: &Resolver<'_>, scope: &[FileId]) -> Vec<ResolvedRoute> {
    let project = resolver.project;
    let mut out = Vec::new();
    for &id in scope {
        let file = &project.files[id];
        let Some(rf) = classify(&file.path) else {
            continue;
        };
        let Some(facts) = resolver.facts(id) else {
            continue;
        };
        let handlers: Vec<(&str, Span, &str)> = facts
            .exports
            .iter()
            .filter_map(|e| Some((export_method(rf.kind, &e.exported)?, e.span, &*e.exported)))
            .collect();
        if handlers.is_empty() {
            continue;
        }
        let mut mws = Vec::new();
        let root = &rf.root;
        match rf.kind {
            Kind::SvelteKit => {
                resolver.middleware_links(
                    &format!("{root}src/hooks.server"),
                    &["handle"],
                    &mut mws,
                );
            }
            Kind::Astro => {
                resolver.middleware_links(
                    &format!("{root}src/middleware"),
                    &["onRequest"],
                    &mut mws,
                );
            }
            Kind::NextApp | Kind::NextPages => {
                for dir in ["", "src/"] {
                    resolver.middleware_links(
                        &format!("{root}{dir}middleware"),
                        &["middleware", "default"],
                        &mut mws,
                    );
                }
            }
            Kind::Pages => {
                let names: Vec<&str> = std::iter::once("onRequest")
                    .chain(["onRequestGet", "onRequestPost", "onRequestPut"])
                    .chain(["onRequestPatch", "onRequestDelete"])
                    .collect();
                let mut dir = format!("{root}functions");
                for i in 0..=rf.dirs.len() {
                    if i > 0 {
                        dir.push('/');
                        dir.push_str(&rf.dirs[i - 1]);
                    }
                    resolver.middleware_links(&format!("{dir}/_middleware"), &names, &mut mws);
                }
            }
        }
        for (method, span, name) in handlers {
            let mut chain = mws.clone();
            for t in resolver.export_targets(id, name) {
                chain.push(ChainLink {
                    role: LinkRole::Handler,
                    file: id,
                    span,
                    target: t,
                });
            }
            let kind = if rf.path.ends_with('*') {
                PathKind::Prefix
            } else {
                PathKind::Literal
            };
            out.push(ResolvedRoute {
                worker: file.worker.unwrap_or(usize::MAX),
                file: id,
                registration: usize::MAX,
                framework: Framework::Files,
                methods: vec![method.to_string()],
                full_path: rf.path.clone(),
                path_kind: kind,
                path_span: None,
                span,
                chain,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Option<(Kind, String, String)> {
        classify(p).map(|r| (r.kind, r.root, r.path))
    }

    #[test]
    fn paths_from_files() {
        let k = path;
        assert_eq!(
            k("src/routes/api/admin/(x)/users/[id]/+server.ts"),
            Some((
                Kind::SvelteKit,
                String::new(),
                "/api/admin/users/:id".into()
            ))
        );
        assert_eq!(
            k("web/functions/api/[[path]].js"),
            Some((Kind::Pages, "web/".into(), "/api/*".into()))
        );
        assert_eq!(
            k("functions/admin/index.ts").map(|x| x.2),
            Some("/admin".into())
        );
        assert_eq!(k("functions/_middleware.ts"), None);
        assert_eq!(
            k("src/app/api/admin/[...all]/route.ts"),
            Some((Kind::NextApp, String::new(), "/api/admin/*".into()))
        );
        assert_eq!(
            k("src/pages/api/feed.xml.ts").map(|x| (x.0, x.2)),
            Some((Kind::Astro, "/api/feed.xml".into()))
        );
        assert_eq!(
            k("pages/api/admin/reset.ts").map(|x| (x.0, x.2)),
            Some((Kind::NextPages, "/api/admin/reset".into()))
        );
        assert_eq!(k("pages/index.ts"), None);
        assert_eq!(k("src/routes/+page.server.ts"), None);
        assert_eq!(k("node_modules/x/functions/a.ts"), None);
    }
}
