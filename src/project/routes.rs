//! Cross-file route resolution, on facts only (no AST).
//!
//! For each Worker, the entry file is its wrangler `main` (relative to the
//! Worker's directory), looked up among the scanned TS/JS files. From it:
//!
//! * **Reachability**: relative imports (`./x`, `../x`; static, dynamic,
//!   `require`, and `export ... from`), not `import type`, are followed.
//!   A specifier resolves to the file itself, the file with a TS/JS
//!   extension (`.ts .tsx .js .mjs .cjs .mts .jsx .cts`), TypeScript's
//!   `.js`-written import of a `.ts` file, or `<dir>/index.*`.
//! * **Routers**: the default export names the router: `export default app`,
//!   `export default { fetch: app.fetch }`, a plain `fetch(req, env)` method
//!   or function (its `url.pathname` branches are routes, and a
//!   `app.fetch(...)`/`router.handle(...)` call inside it forwards to that
//!   router), `export default { ...router }` (every root router of the file),
//!   a top-level `const handler = { fetch }` the export names, a wrapper call
//!   (`Sentry.withSentry(cfg, handler)`, `instrument(handler, cfg)`: every
//!   argument that is not a fetch-less object is tried
//!   as the handler), and `import handler from './worker'` / `export {
//!   default } from './worker'` (followed to that module's export).
//! * **Flattening** (Hono): registrations run in order; a `use(path, mw)`
//!   applies to a route registered after it whose full path its pattern
//!   matches; `route(prefix, sub)` copies the sub-app's routes under the
//!   prefix, with the parent's middleware registered before the mount and the
//!   sub-app's own `use` before each route; `basePath` prefixes and derived
//!   instances (`const v1 = app.basePath('/v1')`) share the router.
//!   itty-router: `before` handlers and earlier `all(path, mw)` registrations
//!   whose path matches act as middleware; `router.all('/x/*', sub.fetch)`
//!   forwards to `sub` (whose `base` is absolute). Plain fetch branches: the
//!   branch body is the handler and the code of the fetch function before
//!   the branch (minus other branches' bodies) runs first.
//! * **File-based routes** (`files.rs`): SvelteKit, Pages Functions, Astro
//!   and Next.js route files of the batch, with their middleware files; they
//!   and what they import are reachable whatever `main` names.
//! * **Registrars**: `registerRoutes(app)` (a same-file or imported
//!   function, `ns.setup(app)`) given a known router: the callee's
//!   registrations on that parameter run there, in order, on the router
//!   and under its prefix. One call level. Custom routers (`new X()` with
//!   `router.add('GET', '/x', h)`) are routers without middleware.
//!
//! # Limits
//!
//! * Registrations on a router that is imported from another file, or on a
//!   parameter a registrar passes on again, are not attributed to it.
//! * Only literal paths are matched; dynamic paths keep their source text,
//!   regex branches their pattern.
//! * Helper functions are followed one level (same-file functions, named and
//!   namespace imports); deeper calls are not.
//! * Middleware registered through handler routes in Hono (`app.all('*', mw)`)
//!   is not treated as middleware; only `use` is.
//! * A route of a sub-app mounted twice appears twice (rules deduplicate by span).

use crate::hashing::{HashMap, HashSet};

use crate::finding::FileId;
use crate::formats::js::{
    CallFact, EnvComparison, ExportKind, ExportValue, FetchCall, Framework, FunctionFacts,
    FunctionId, HeaderRead, Imported, InstanceId, JsFacts, MODULE_SCOPE, PathKind, RouteKind,
    ValueRef,
};
use crate::span::Span;

use super::{Facts, Project, WorkerId};

/// How deep mounts, re-exports and forwards are followed.
const MAX_DEPTH: usize = 16;

/// Routes resolved per Worker at most (a sub-app mounted twice at every level
/// of a deep mount tree would otherwise multiply).
const MAX_ROUTES: usize = 20_000;

/// A function in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnRef {
    pub file: FileId,
    pub function: FunctionId,
}

/// Where a link of the chain comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRole {
    /// Runs before every route of the router (itty `before`, the code of a
    /// plain fetch handler before the branch).
    Before,
    /// Middleware (`use`, route-level middleware, earlier itty `all`).
    Middleware,
    /// The route's handler (last handler of a registration, a fetch branch body).
    Handler,
}

/// What a link runs.
#[derive(Clone, Debug, PartialEq)]
pub enum LinkTarget {
    /// A function (inline, same-file or imported) and everything nested in it.
    Function(FnRef),
    /// A call used as middleware (`requireRole('admin')`, `cors({...})`):
    /// the callee text, the callee's function when resolvable (a factory;
    /// the middleware it returns is nested in it), and inline function
    /// arguments (`createMiddleware(async (c, next) => ...)`).
    Call {
        callee: String,
        factory: Option<FnRef>,
        inline: Vec<FnRef>,
    },
    /// Part of a function (a plain fetch branch body or the code before it),
    /// minus the `exclude` spans (other branches' bodies).
    Region {
        function: FnRef,
        span: Span,
        exclude: Vec<Span>,
    },
    /// A name that could not be resolved (a package import, a parameter).
    Name(String),
}

/// One step of a route's chain.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainLink {
    pub role: LinkRole,
    /// The file where the link is written (registered).
    pub file: FileId,
    /// The reference as written (the middleware argument, the branch body).
    pub span: Span,
    pub target: LinkTarget,
}

/// A route as it answers requests: full path and everything that runs.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedRoute {
    /// `usize::MAX` for a file-based route under no wrangler config.
    pub worker: WorkerId,
    /// The file where the route is registered.
    pub file: FileId,
    /// Index of the registration in that file's `JsFacts::routes`
    /// (`usize::MAX` for a file-based route).
    pub registration: usize,
    pub framework: Framework,
    /// Upper-case methods; `ALL` for any.
    pub methods: Vec<String>,
    /// Mount prefixes + base paths + the path. Prefix branches of plain
    /// fetch handlers end in `*`.
    pub full_path: String,
    pub path_kind: PathKind,
    /// The path literal, when written.
    pub path_span: Option<Span>,
    /// The registration call (plain fetch: the `if`/`case` test).
    pub span: Span,
    /// Middleware that applies when the route runs, in order, then the handler(s).
    pub chain: Vec<ChainLink>,
}

impl ResolvedRoute {
    /// The smallest useful span to report: the path literal, else the call.
    pub fn report_span(&self) -> Span {
        self.path_span.unwrap_or(self.span)
    }

    /// Whether the route may answer this method (`ALL` answers any).
    pub fn allows_method(&self, method: &str) -> bool {
        self.methods
            .iter()
            .any(|m| m == "ALL" || m.eq_ignore_ascii_case(method))
    }

    /// Whether it answers some method other than GET/HEAD/OPTIONS.
    pub fn is_write(&self) -> bool {
        self.methods
            .iter()
            .any(|m| !matches!(m.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS"))
    }

    /// The path segments of `full_path` (empty ones skipped).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.full_path.split('/').filter(|s| !s.is_empty())
    }
}

/// Whether a file runs when its Worker is deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reachability {
    /// Imported (transitively) from some Worker's `main`.
    Reachable,
    /// Its Worker's entry was found, but nothing imports this file.
    Unreachable,
    /// No entry to judge from (no Worker, or `main` not in the scan).
    Unknown,
}

/// The result of route resolution, computed once per Project.
#[derive(Debug, Default)]
pub struct RouteAnalysis {
    pub routes: Vec<ResolvedRoute>,
    /// Per Worker of the batch: its entry file, when `main` resolves to a
    /// scanned file.
    pub entries: HashMap<WorkerId, FileId>,
    /// Per file of the batch; the others are `Unknown`.
    pub reachability: HashMap<FileId, Reachability>,
}

/// A function whose facts belong to a route's chain; `region` restricts
/// the function's own facts to a span minus exclusions.
#[derive(Clone, Debug)]
pub struct ScopedFunction<'p> {
    pub file: FileId,
    pub facts: &'p JsFacts,
    pub function: &'p FunctionFacts,
    pub region: Option<(Span, Vec<Span>)>,
    /// 0 for the chain itself, 1 for helpers it calls.
    pub depth: u8,
}

impl<'p> ScopedFunction<'p> {
    /// Whether a fact at `span` of this function is in scope.
    pub fn contains(&self, span: Span) -> bool {
        match &self.region {
            None => true,
            Some((r, exclude)) => {
                r.start <= span.start
                    && span.end <= r.end
                    && !exclude
                        .iter()
                        .any(|x| x.start <= span.start && span.end <= x.end)
            }
        }
    }

    pub fn calls(&self) -> impl Iterator<Item = &'p CallFact> + '_ {
        self.function.calls.iter().filter(|c| self.contains(c.span))
    }

    pub fn header_reads(&self) -> impl Iterator<Item = &'p HeaderRead> + '_ {
        self.function
            .header_reads()
            .iter()
            .filter(|h| self.contains(h.span))
    }

    pub fn env_comparisons(&self) -> impl Iterator<Item = &'p EnvComparison> + '_ {
        self.function
            .env_comparisons()
            .iter()
            .filter(|c| self.contains(c.span))
    }

    /// Global `fetch` calls made by this function (in scope).
    pub fn fetches(&self) -> impl Iterator<Item = &'p FetchCall> + '_ {
        self.facts
            .fetches
            .iter()
            .filter(|f| f.function == self.function.id && self.contains(f.span))
    }
}

impl Project {
    fn route_analysis(&self) -> &RouteAnalysis {
        self.routes.get_or_init(|| analyze(self))
    }

    /// Every route reachable from a Worker's `main`, flattened.
    pub fn routes(&self) -> &[ResolvedRoute] {
        &self.route_analysis().routes
    }

    /// Same as [`Project::routes`]: only routes reachable from `main` are resolved.
    pub fn routes_reachable_from_main(&self) -> &[ResolvedRoute] {
        self.routes()
    }

    /// The Worker's entry file, when its `main` is a scanned TS/JS file.
    pub fn worker_entry(&self, worker: WorkerId) -> Option<FileId> {
        self.route_analysis().entries.get(&worker).copied()
    }

    pub fn reachability(&self, file: FileId) -> Reachability {
        self.route_analysis()
            .reachability
            .get(&file)
            .copied()
            .unwrap_or(Reachability::Unknown)
    }

    /// Whether the file is imported (transitively) from some Worker's `main`.
    pub fn is_reachable(&self, file: FileId) -> bool {
        self.reachability(file) == Reachability::Reachable
    }

    /// TS/JS files whose Worker entry is known but which no entry reaches.
    pub fn unreachable_files(&self) -> impl Iterator<Item = FileId> + '_ {
        let analysis = self.route_analysis();
        self.scope
            .iter()
            .copied()
            .filter(|id| analysis.reachability.get(id) == Some(&Reachability::Unreachable))
    }

    /// The files of the loaded batch that some Worker entry of the batch
    /// reaches (computing the batch's route analysis if no rule did).
    pub fn reached_files(&self) -> impl Iterator<Item = FileId> + '_ {
        self.route_analysis()
            .reachability
            .iter()
            .filter(|(_, r)| **r == Reachability::Reachable)
            .map(|(id, _)| *id)
    }

    /// The functions of a route's chain, then the helpers they call (one
    /// level deep, resolved through same-file functions and imports).
    pub fn route_functions(&self, route: &ResolvedRoute) -> Vec<ScopedFunction<'_>> {
        let mut out: Vec<ScopedFunction<'_>> = Vec::new();
        let mut seen: Vec<FnRef> = Vec::new();
        for link in &route.chain {
            match &link.target {
                LinkTarget::Function(f) => self.push_nested(*f, 0, &mut out, &mut seen),
                LinkTarget::Call {
                    factory, inline, ..
                } => {
                    for f in factory.iter().chain(inline) {
                        self.push_nested(*f, 0, &mut out, &mut seen);
                    }
                }
                LinkTarget::Region {
                    function,
                    span,
                    exclude,
                } => {
                    let Some(facts) = self.js_facts(function.file) else {
                        continue;
                    };
                    for g in facts.function_and_nested(function.function) {
                        let r = FnRef {
                            file: function.file,
                            function: g.id,
                        };
                        let region = if g.id == function.function {
                            Some((*span, exclude.clone()))
                        } else {
                            let inside = span.start <= g.span.start && g.span.end <= span.end;
                            let excluded = exclude
                                .iter()
                                .any(|x| x.start <= g.span.start && g.span.end <= x.end);
                            if !inside || excluded {
                                continue;
                            }
                            None
                        };
                        // A function split into regions is pushed once per region.
                        out.push(ScopedFunction {
                            file: r.file,
                            facts,
                            function: g,
                            region,
                            depth: 0,
                        });
                    }
                }
                LinkTarget::Name(_) => {}
            }
        }
        let resolver = Resolver::new(self);
        let direct = out.len();
        for i in 0..direct {
            let (file, callees): (FileId, Vec<String>) = {
                let s = &out[i];
                (s.file, s.calls().map(|c| c.callee.to_string()).collect())
            };
            for callee in callees {
                if let Some(f) = resolver.resolve_callee(file, &callee) {
                    self.push_nested(f, 1, &mut out, &mut seen);
                }
            }
        }
        out
    }

    /// Every callee in the route's chain: middleware names (resolved or
    /// not, but not the handler's own name), middleware factory callees, and
    /// the calls of [`Project::route_functions`].
    pub fn route_callees(&self, route: &ResolvedRoute) -> Vec<String> {
        let mut out = Vec::new();
        for link in &route.chain {
            match &link.target {
                // A handler's own name says what it serves, not how it is guarded.
                LinkTarget::Name(n) if link.role != LinkRole::Handler => out.push(n.clone()),
                LinkTarget::Call { callee, .. } => out.push(callee.clone()),
                LinkTarget::Function(f) if link.role != LinkRole::Handler => {
                    if let Some(name) = self
                        .js_facts(f.file)
                        .and_then(|j| j.function(f.function))
                        .and_then(|g| g.name.as_deref())
                    {
                        out.push(name.to_string());
                    }
                }
                LinkTarget::Function(_) | LinkTarget::Name(_) | LinkTarget::Region { .. } => {}
            }
        }
        for s in self.route_functions(route) {
            out.extend(s.calls().map(|c| c.callee.to_string()));
        }
        out
    }

    fn js_facts(&self, file: FileId) -> Option<&JsFacts> {
        match &self.files.get(file)?.facts {
            Facts::Js(j) => Some(j),
            _ => None,
        }
    }

    fn push_nested<'p>(
        &'p self,
        f: FnRef,
        depth: u8,
        out: &mut Vec<ScopedFunction<'p>>,
        seen: &mut Vec<FnRef>,
    ) {
        let Some(facts) = self.js_facts(f.file) else {
            return;
        };
        for g in facts.function_and_nested(f.function) {
            let r = FnRef {
                file: f.file,
                function: g.id,
            };
            if seen.contains(&r) {
                continue;
            }
            seen.push(r);
            out.push(ScopedFunction {
                file: f.file,
                facts,
                function: g,
                region: None,
                depth,
            });
        }
    }
}

// ---------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------

/// What a name resolves to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sym {
    Function(FnRef),
    Router(FileId, InstanceId),
}

/// Resolves names and imports over the loaded batch; imports resolve by
/// path against every source file (`Project::source_file_at`), and a file
/// outside the batch has no facts to follow.
struct Resolver<'p> {
    project: &'p Project,
}

const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "mjs", "cjs", "mts", "jsx", "cts"];

/// Joins `base` (a directory, "" for the root) and a relative path,
/// resolving `.` and `..`; `None` when it climbs above the root.
fn join_rel(base: &str, rel: &str) -> Option<String> {
    // Built in place: every import of every batch comes through here.
    let mut out = String::with_capacity(base.len() + rel.len() + 1);
    let push = |out: &mut String, seg: &str| {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(seg);
    };
    for seg in base.split('/').filter(|s| !s.is_empty()) {
        push(&mut out, seg);
    }
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.is_empty() {
                    return None;
                }
                out.truncate(out.rfind('/').unwrap_or(0));
            }
            s => push(&mut out, s),
        }
    }
    Some(out)
}

fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

impl<'p> Resolver<'p> {
    fn new(project: &'p Project) -> Self {
        Resolver { project }
    }

    fn facts(&self, file: FileId) -> Option<&'p JsFacts> {
        self.project.js_facts(file)
    }

    /// The scanned file a path (without or with an extension) names.
    fn lookup(&self, path: &str) -> Option<FileId> {
        if let Some(id) = self.project.source_file_at(path) {
            return Some(id);
        }
        // Up to twenty names are tried for each import: built in one buffer.
        let mut probe = String::with_capacity(path.len() + 16);
        let mut try_name = |parts: &[&str]| {
            probe.clear();
            parts.iter().for_each(|p| probe.push_str(p));
            self.project.source_file_at(&probe)
        };
        // TypeScript resolves `./x.js` to `./x.ts`.
        if let Some((stem, ext)) = path.rsplit_once('.') {
            let alts: &[&str] = match ext {
                "js" => &["ts", "tsx"],
                "jsx" => &["tsx"],
                "mjs" => &["mts"],
                "cjs" => &["cts"],
                _ => &[],
            };
            for alt in alts {
                if let Some(id) = try_name(&[stem, ".", alt]) {
                    return Some(id);
                }
            }
        }
        for ext in EXTENSIONS {
            if let Some(id) = try_name(&[path, ".", ext]) {
                return Some(id);
            }
        }
        for ext in EXTENSIONS {
            let dir = if path.is_empty() { "" } else { "/" };
            if let Some(id) = try_name(&[path, dir, "index.", ext]) {
                return Some(id);
            }
        }
        None
    }

    /// The file a relative specifier imported from `from` names.
    fn resolve_import(&self, from: FileId, spec: &str) -> Option<FileId> {
        if !(spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == "..") {
            return None;
        }
        let dir = parent_dir(&self.project.files.get(from)?.path);
        self.lookup(&join_rel(dir, spec)?)
    }

    fn entry(&self, worker: WorkerId) -> Option<FileId> {
        let w = self.project.workers.get(worker)?;
        let main = self.project.worker_config(w)?.main.as_ref()?;
        self.lookup(&join_rel(&w.dir, &main.value)?)
    }

    /// A name bound in `file`: a router, a function, or an import of one.
    fn resolve_local(&self, file: FileId, name: &str, depth: usize) -> Option<Sym> {
        if depth > MAX_DEPTH {
            return None;
        }
        let facts = self.facts(file)?;
        if let Some(r) = facts.router_named(name) {
            return Some(Sym::Router(file, r.id));
        }
        // Prefer a top-level function of that name (the outermost).
        let f = facts
            .functions_named(name)
            .find(|f| f.parent == Some(MODULE_SCOPE))
            .or_else(|| facts.functions_named(name).next());
        if let Some(f) = f {
            return Some(Sym::Function(FnRef {
                file,
                function: f.id,
            }));
        }
        let (imp, n) = facts.import_of(name)?;
        if imp.type_only {
            return None;
        }
        let target = self.resolve_import(file, &imp.source.value)?;
        match &n.imported {
            Imported::Named(x) => self.resolve_export(target, x, depth + 1),
            Imported::Default => self.resolve_export(target, "default", depth + 1),
            Imported::Namespace => None,
        }
    }

    /// What `file` exports as `name`.
    fn resolve_export(&self, file: FileId, name: &str, depth: usize) -> Option<Sym> {
        if depth > MAX_DEPTH {
            return None;
        }
        let facts = self.facts(file)?;
        for e in facts.exports.iter().filter(|e| e.exported == name) {
            match &e.kind {
                ExportKind::ReExport { source } => {
                    let target = self.resolve_import(file, source)?;
                    let inner = e.local.as_deref().unwrap_or(name);
                    return self.resolve_export(target, inner, depth + 1);
                }
                ExportKind::ReExportAll { .. } => continue,
                ExportKind::Local | ExportKind::Default => {
                    if let ExportValue::Value(v) = &e.value
                        && let Some(s) = self.resolve_value(file, v, depth + 1)
                    {
                        return Some(s);
                    }
                    if let Some(l) = &e.local
                        && let Some(s) = self.resolve_local(file, l, depth + 1)
                    {
                        return Some(s);
                    }
                }
            }
        }
        // `export * from './x'`.
        for e in &facts.exports {
            if let ExportKind::ReExportAll { source } = &e.kind
                && e.exported == "*"
                && name != "default"
                && let Some(target) = self.resolve_import(file, source)
                && let Some(s) = self.resolve_export(target, name, depth + 1)
            {
                return Some(s);
            }
        }
        None
    }

    fn resolve_value(&self, file: FileId, v: &ValueRef, depth: usize) -> Option<Sym> {
        match v {
            ValueRef::Function(id) => Some(Sym::Function(FnRef {
                file,
                function: *id,
            })),
            ValueRef::Router(id) => Some(Sym::Router(file, *id)),
            ValueRef::Identifier(n) => self.resolve_local(file, n, depth),
            ValueRef::Member(m) => {
                // `app.fetch` / `router.handle` forward to the router.
                let (obj, prop) = m.rsplit_once('.')?;
                if matches!(prop, "fetch" | "handle") {
                    match self.resolve_local(file, obj, depth)? {
                        s @ Sym::Router(..) => Some(s),
                        _ => None,
                    }
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// The function a callee names: `f` (same file or import) or `ns.f`
    /// (namespace import).
    fn resolve_callee(&self, file: FileId, callee: &str) -> Option<FnRef> {
        match callee.split_once('.') {
            None => match self.resolve_local(file, callee, 0)? {
                Sym::Function(f) => Some(f),
                _ => None,
            },
            Some((ns, name)) if !name.contains('.') => {
                let facts = self.facts(file)?;
                let (imp, n) = facts.import_of(ns)?;
                if n.imported != Imported::Namespace {
                    return None;
                }
                let target = self.resolve_import(file, &imp.source.value)?;
                match self.resolve_export(target, name, 0)? {
                    Sym::Function(f) => Some(f),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The functions and routers a chain value refers to.
    fn link_target(&self, file: FileId, v: &ValueRef) -> Option<LinkTarget> {
        Some(match v {
            ValueRef::Function(id) => LinkTarget::Function(FnRef {
                file,
                function: *id,
            }),
            ValueRef::Identifier(n) | ValueRef::Member(n) => match self.resolve_value(file, v, 0) {
                Some(Sym::Function(f)) => LinkTarget::Function(f),
                _ => LinkTarget::Name(n.clone()),
            },
            ValueRef::Call { callee, functions } => {
                let factory = if callee.contains('.') {
                    self.resolve_callee(file, callee)
                } else {
                    match self.resolve_local(file, callee, 0) {
                        Some(Sym::Function(f)) => Some(f),
                        _ => None,
                    }
                };
                LinkTarget::Call {
                    callee: callee.clone(),
                    factory,
                    inline: functions
                        .iter()
                        .map(|&function| FnRef { file, function })
                        .collect(),
                }
            }
            ValueRef::Spread(n) => LinkTarget::Name(n.clone()),
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------
// Path patterns
// ---------------------------------------------------------------------------

/// Joins a prefix and a path the way Hono mounts do (`/api` + `/x`).
pub fn join_path(prefix: &str, path: &str) -> String {
    let p = prefix.trim_end_matches('/');
    if path.is_empty() || path == "/" {
        return if p.is_empty() {
            "/".to_string()
        } else {
            p.to_string()
        };
    }
    if path.starts_with('/') {
        format!("{p}{path}")
    } else {
        format!("{p}/{path}")
    }
}

/// Whether a middleware pattern (`*`, `/admin/*`, `/x/:id`, `/compile`)
/// applies to a route path. A route segment that is itself a parameter or
/// wildcard matches only pattern parameters/wildcards (the middleware must
/// surely apply).
pub fn pattern_matches(pattern: &str, path: &str) -> bool {
    if pattern == "*" || pattern == "/*" {
        return true;
    }
    let pat: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    for (i, p) in pat.iter().enumerate() {
        if *p == "*" && i + 1 == pat.len() {
            return true;
        }
        let Some(s) = segs.get(i) else {
            // `/admin/*` also matches `/admin`.
            return false;
        };
        let ok = if *p == "*" || p.starts_with(':') {
            true
        } else if s.starts_with(':') || s.contains('*') {
            false
        } else if let Some(prefix) = p.strip_suffix('*') {
            if s.starts_with(prefix) {
                // `/compile*` matches the rest of the path too.
                if i + 1 == pat.len() {
                    return true;
                }
                true
            } else {
                false
            }
        } else {
            p == s
        };
        if !ok {
            return false;
        }
    }
    pat.len() == segs.len()
}

/// A write-route glob (`/compile*`): `*` matches any run of characters;
/// the whole path must match.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let Some(mut remaining) = path.strip_prefix(first) else {
        return false;
    };
    if rest.is_empty() {
        return remaining.is_empty();
    }
    for (i, part) in rest.iter().enumerate() {
        if i + 1 == rest.len() {
            return remaining.ends_with(part);
        }
        match remaining.find(part) {
            Some(pos) => remaining = &remaining[pos + part.len()..],
            None => return false,
        }
    }
    true
}

// ---------------------------------------------------------------------------
// Flattening
// ---------------------------------------------------------------------------

/// Middleware registered so far: its full pattern and links.
#[derive(Clone)]
struct Mw {
    pattern: String,
    methods: Vec<String>,
    links: Vec<ChainLink>,
}

fn methods_overlap(a: &[String], b: &[String]) -> bool {
    a.iter()
        .any(|m| m == "ALL" || b.iter().any(|n| n == "ALL" || n.eq_ignore_ascii_case(m)))
}

struct Flattener<'p> {
    r: Resolver<'p>,
    worker: WorkerId,
    out: Vec<ResolvedRoute>,
    /// (file, instance) currently being flattened, for cycles.
    stack: Vec<(FileId, InstanceId)>,
}

fn analyze(project: &Project) -> RouteAnalysis {
    let resolver = Resolver::new(project);
    let entries: HashMap<WorkerId, FileId> = project
        .scope_workers
        .iter()
        .filter_map(|&w| Some((w, resolver.entry(w)?)))
        .collect();

    // File-based routes: their files and middleware files are entries too
    // (wrangler `main` usually names the framework's build output).
    let file_routes = files::file_routes(&resolver, &project.scope);
    let mut roots: Vec<FileId> = file_routes
        .iter()
        .flat_map(|r| std::iter::once(r.file).chain(r.chain.iter().map(|l| l.file)))
        .collect();
    roots.sort_unstable();
    roots.dedup();

    // Reachability over relative imports.
    let mut reached: HashSet<FileId> = HashSet::default();
    let mut ordered: Vec<(WorkerId, FileId)> = entries.iter().map(|(w, f)| (*w, *f)).collect();
    ordered.sort_unstable();
    for entry in ordered.iter().map(|(_, e)| *e).chain(roots) {
        let mut queue = vec![entry];
        while let Some(f) = queue.pop() {
            if !reached.insert(f) {
                continue;
            }
            let Some(facts) = resolver.facts(f) else {
                continue;
            };
            for spec in runtime_specifiers(facts) {
                if let Some(t) = resolver.resolve_import(f, spec) {
                    queue.push(t);
                }
            }
        }
    }
    let reachability = project
        .scope
        .iter()
        .map(|&id| {
            let file = &project.files[id];
            let state = if reached.contains(&id) {
                Reachability::Reachable
            } else if matches!(file.facts, Facts::Js(_))
                && file.worker.is_some_and(|w| entries.contains_key(&w))
            {
                Reachability::Unreachable
            } else {
                Reachability::Unknown
            };
            (id, state)
        })
        .collect();

    let mut routes = Vec::new();
    for &(worker, entry) in &ordered {
        let mut fl = Flattener {
            r: Resolver::new(project),
            worker,
            out: Vec::new(),
            stack: Vec::new(),
        };
        fl.entry(entry);
        routes.append(&mut fl.out);
    }
    routes.extend(file_routes);
    routes.shrink_to_fit();
    RouteAnalysis {
        routes,
        entries,
        reachability,
    }
}

/// The relative modules a file loads at run time: its imports (not
/// `import type`) and re-exports.
pub(crate) fn runtime_specifiers(facts: &JsFacts) -> impl Iterator<Item = &str> {
    facts
        .imports
        .iter()
        .filter(|i| !i.type_only)
        .map(|i| i.source.value.as_str())
        .chain(facts.exports.iter().filter_map(|e| match &e.kind {
            ExportKind::ReExport { source } | ExportKind::ReExportAll { source } => {
                Some(source.as_str())
            }
            _ => None,
        }))
}

/// Reachability over the whole project, once every batch has run (a batch
/// only judges its own files): built from the union of what each batch's
/// entries reached ([`Project::reached_files`]).
pub struct ProjectReach {
    reached: HashSet<FileId>,
    /// Per Worker: whether its `main` names a scanned source file.
    entry_known: Vec<bool>,
}

impl ProjectReach {
    pub fn new(project: &Project, reached: HashSet<FileId>) -> Self {
        let entry_known = (0..project.workers.len())
            .map(|w| project.worker_main_file(w).is_some())
            .collect();
        ProjectReach {
            reached,
            entry_known,
        }
    }

    /// A TS/JS file is `Reachable` when some Worker's entry imports it
    /// (transitively); `Unreachable` when none does and every entry that
    /// could is known: its own Worker's, or, for a file under no Worker
    /// (`scripts/seed.ts` beside `apps/*/wrangler.toml`), every Worker's,
    /// there being at least one. `Unknown` otherwise: no Worker, a `main`
    /// that is not scanned (built output), a Pages Functions file under no
    /// Worker, or not a TS/JS file (Rust modules are not followed).
    pub fn of(&self, project: &Project, file: FileId) -> Reachability {
        let Some(f) = project.files.get(file) else {
            return Reachability::Unknown;
        };
        if f.kind != crate::discover::FileKind::Script {
            return Reachability::Unknown;
        }
        if self.reached.contains(&file) {
            return Reachability::Reachable;
        }
        let judged = match f.worker {
            Some(w) => self.entry_known.get(w).copied().unwrap_or(false),
            None => {
                !self.entry_known.is_empty()
                    && self.entry_known.iter().all(|k| *k)
                    && !is_pages_entry(&f.path)
            }
        };
        if judged {
            Reachability::Unreachable
        } else {
            Reachability::Unknown
        }
    }
}

/// Whether `path` is deployed by Pages rather than by a wrangler `main`:
/// a file under a `functions/` directory (Pages Functions) or an advanced
/// mode `_worker.js`. Entries preflight does not follow.
fn is_pages_entry(path: &str) -> bool {
    let mut segments = path.split('/');
    let name = segments.next_back().unwrap_or("");
    segments.any(|s| s == "functions") || name.starts_with("_worker.")
}

impl Project {
    /// The source file a Worker's `main` names, loaded or not.
    pub(crate) fn worker_main_file(&self, worker: WorkerId) -> Option<FileId> {
        Resolver::new(self).entry(worker)
    }

    /// The source file a relative specifier imported from `from` names,
    /// loaded or not.
    pub(crate) fn resolve_source_import(&self, from: FileId, spec: &str) -> Option<FileId> {
        Resolver::new(self).resolve_import(from, spec)
    }
}

impl<'p> Flattener<'p> {
    fn entry(&mut self, file: FileId) {
        self.entry_export(file, "default", 0);
    }

    /// The handler `file` exports as `name`, through re-exports.
    fn entry_export(&mut self, file: FileId, name: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(facts) = self.r.facts(file) else {
            return;
        };
        let Some(def) = facts.exports.iter().find(|e| e.exported == name) else {
            return;
        };
        match (&def.kind, &def.value) {
            (ExportKind::ReExport { source }, _) => {
                if let Some(target) = self.r.resolve_import(file, source) {
                    let inner = def.local.as_deref().unwrap_or(name).to_string();
                    self.entry_export(target, &inner, depth + 1);
                }
            }
            (_, ExportValue::None) => {
                if let Some(l) = &def.local {
                    self.entry_local(file, l, depth + 1);
                }
            }
            (_, v) => self.entry_value(file, v, depth + 1),
        }
    }

    /// A name an entry exports: a router or fetch function (same file or
    /// imported), else a handler object or wrapper bound at the top level,
    /// else an imported module's handler.
    fn entry_local(&mut self, file: FileId, name: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(facts) = self.r.facts(file) else {
            return;
        };
        if self.r.resolve_local(file, name, 0).is_some() {
            return self.handler_value(file, &ValueRef::Identifier(name.to_string()), depth);
        }
        if let Some((_, v)) = facts.handler_bindings.iter().find(|(n, _)| n == name) {
            return self.entry_value(file, v, depth + 1);
        }
        if let Some((imp, n)) = facts.import_of(name)
            && !imp.type_only
            && let Some(target) = self.r.resolve_import(file, &imp.source.value)
        {
            match &n.imported {
                Imported::Named(x) => return self.entry_export(target, x, depth + 1),
                Imported::Default => return self.entry_export(target, "default", depth + 1),
                Imported::Namespace => return,
            }
        }
        self.handler_value(file, &ValueRef::Identifier(name.to_string()), depth);
    }

    fn entry_value(&mut self, file: FileId, value: &ExportValue, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(facts) = self.r.facts(file) else {
            return;
        };
        let (members, is_object) = match value {
            ExportValue::Object(props) => (props, true),
            ExportValue::Class(class) => (&class.methods, false),
            ExportValue::Value(ValueRef::Identifier(n)) => return self.entry_local(file, n, depth),
            ExportValue::Value(v) => return self.handler_value(file, v, depth),
            // `Sentry.withSentry(cfg, handler)`, `instrument(handler, cfg)`:
            // the wrapped argument is the handler.
            ExportValue::Wrapped(w) => {
                for a in &w.args {
                    match a {
                        ExportValue::Object(props) if !props.iter().any(|p| p.key == "fetch") => {}
                        a => self.entry_value(file, a, depth + 1),
                    }
                }
                return;
            }
            ExportValue::None => return,
        };
        let mut found = false;
        for p in members.iter().filter(|p| p.key == "fetch") {
            found = true;
            self.handler_value(file, &p.value, depth);
        }
        if !found && is_object {
            // `export default { ...router }`: the file's root routers.
            for r in facts.routers.iter().filter(|r| r.derived_from.is_none()) {
                self.router(file, r.id, "", Vec::new(), depth);
            }
        }
    }

    /// A `fetch` handler: a router, or a function with fetch branches.
    fn handler_value(&mut self, file: FileId, v: &ValueRef, depth: usize) {
        match self.r.resolve_value(file, v, 0) {
            Some(Sym::Router(f, id)) => self.router(f, id, "", Vec::new(), depth),
            Some(Sym::Function(f)) => self.fetch_function(f, depth),
            None => {}
        }
    }

    /// Branches of a plain fetch function, and routers it forwards to.
    fn fetch_function(&mut self, f: FnRef, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let Some(facts) = self.r.facts(f.file) else {
            return;
        };
        let Some(func) = facts.function(f.function) else {
            return;
        };
        let branches: Vec<(usize, &crate::formats::js::RouteRegistration)> = facts
            .routes
            .iter()
            .enumerate()
            .filter(|(_, r)| r.framework == Framework::Fetch && r.function == f.function)
            .collect();
        for (idx, reg) in &branches {
            let Some(body) = reg.body else { continue };
            let exclude: Vec<Span> = branches
                .iter()
                .filter_map(|(_, o)| o.body)
                .filter(|b| *b != body && !(b.start <= body.start && body.end <= b.end))
                .collect();
            let before = LinkTarget::Region {
                function: f,
                span: Span::new(func.span.start as usize, body.start as usize),
                exclude,
            };
            let (full_path, kind) = match reg.path.kind {
                PathKind::Prefix => (join_path(&reg.path.text, "*"), PathKind::Prefix),
                k => (reg.path.text.to_string(), k),
            };
            self.out.push(ResolvedRoute {
                worker: self.worker,
                file: f.file,
                registration: *idx,
                framework: Framework::Fetch,
                methods: reg.methods.clone(),
                full_path,
                path_kind: kind,
                path_span: reg.path.span,
                span: reg.span,
                chain: vec![
                    ChainLink {
                        role: LinkRole::Before,
                        file: f.file,
                        span: Span::new(func.span.start as usize, body.start as usize),
                        target: before,
                    },
                    ChainLink {
                        role: LinkRole::Handler,
                        file: f.file,
                        span: body,
                        target: LinkTarget::Region {
                            function: f,
                            span: body,
                            exclude: Vec::new(),
                        },
                    },
                ],
            });
        }
        // `return app.fetch(request, env, ctx)` / `router.handle(...)`.
        for call in &func.calls {
            if let Some((obj, "fetch" | "handle")) = call.callee.rsplit_once('.')
                && let Some(Sym::Router(rf, id)) = self.r.resolve_local(f.file, obj, 0)
            {
                self.router(rf, id, "", Vec::new(), depth + 1);
            }
        }
    }

    /// The instance a derived instance (`app.basePath('/v1')`) comes from.
    fn root_of(facts: &JsFacts, mut id: InstanceId) -> InstanceId {
        for _ in 0..MAX_DEPTH {
            let Some(parent) = facts
                .routers
                .get(id)
                .and_then(|r| r.derived_from.as_deref())
                .and_then(|name| facts.router_named(name))
            else {
                break;
            };
            if parent.id == id {
                break;
            }
            id = parent.id;
        }
        id
    }

    /// The instance ids of `id` and every instance derived from it, with
    /// their extra base paths.
    fn family(facts: &JsFacts, id: InstanceId) -> Vec<(InstanceId, String)> {
        let mut out = vec![(id, String::new())];
        let mut i = 0;
        while i < out.len() && out.len() < 64 {
            let (cur, base) = out[i].clone();
            if let Some(name) = facts.routers.get(cur).and_then(|r| r.name.clone()) {
                for d in &facts.routers {
                    if d.derived_from.as_deref() == Some(name.as_str())
                        && !out.iter().any(|(x, _)| *x == d.id)
                    {
                        let b = join_path(&base, d.base_path.as_deref().unwrap_or(""));
                        out.push((d.id, b));
                    }
                }
            }
            i += 1;
        }
        out
    }

    fn router(
        &mut self,
        file: FileId,
        id: InstanceId,
        prefix: &str,
        mut mws: Vec<Mw>,
        depth: usize,
    ) {
        let Some(facts) = self.r.facts(file) else {
            return;
        };
        // `const api = app.basePath('/api'); export default api` serves app's routes.
        let id = Self::root_of(facts, id);
        if depth > MAX_DEPTH || self.out.len() >= MAX_ROUTES || self.stack.contains(&(file, id)) {
            return;
        }
        let Some(inst) = facts.routers.get(id) else {
            return;
        };
        self.stack.push((file, id));
        let own_base = join_path(prefix, inst.base_path.as_deref().unwrap_or(""));
        let own_base = if own_base == "/" {
            String::new()
        } else {
            own_base
        };
        let is_itty = inst.kind.framework() == Framework::Itty;
        // itty `before` handlers run first, for every route.
        for b in &inst.before {
            if let Some(t) = self.r.link_target(file, &b.value) {
                mws.push(Mw {
                    pattern: "*".to_string(),
                    methods: vec!["ALL".to_string()],
                    links: vec![ChainLink {
                        role: LinkRole::Before,
                        file,
                        span: b.span,
                        target: t,
                    }],
                });
            }
        }
        let family = Self::family(facts, id);
        for (idx, reg) in facts.routes.iter().enumerate() {
            let Some(extra) = reg
                .instance
                .and_then(|i| family.iter().find(|(x, _)| *x == i))
                .map(|(_, b)| b.clone())
            else {
                continue;
            };
            let base = join_path(
                &join_path(&own_base, &extra),
                reg.base_path.as_deref().unwrap_or(""),
            );
            let base = if base == "/" { String::new() } else { base };
            self.registration(file, idx, reg, base, is_itty, &mut mws, depth);
        }
        self.stack.pop();
    }

    /// One registration of a router being flattened, `base` its full prefix.
    #[allow(clippy::too_many_arguments)]
    fn registration(
        &mut self,
        file: FileId,
        idx: usize,
        reg: &'p crate::formats::js::RouteRegistration,
        base: String,
        is_itty: bool,
        mws: &mut Vec<Mw>,
        depth: usize,
    ) {
        let full = join_path(&base, &reg.path.text);
        match reg.kind {
            RouteKind::Register => self.registrar(file, reg, &base, is_itty, mws, depth),
            RouteKind::Use => {
                let links = self.links(file, &reg.handlers, LinkRole::Middleware, false);
                mws.push(Mw {
                    pattern: full,
                    methods: vec!["ALL".to_string()],
                    links,
                });
            }
            RouteKind::Mount => {
                let Some(h) = reg.handlers.first() else {
                    return;
                };
                match self.r.resolve_value(file, &h.value, 0) {
                    Some(Sym::Router(sf, sid)) => {
                        self.router(sf, sid, &full, mws.clone(), depth + 1);
                    }
                    _ => {
                        // `app.mount('/x', fn)`: answers everything under the prefix.
                        let mut route = self.route(file, idx, reg, join_path(&full, "*"), mws);
                        route.path_kind = PathKind::Prefix;
                        self.out.push(route);
                    }
                }
            }
            RouteKind::Handler => {
                // itty: `router.all('/x/*', sub.fetch)` forwards to `sub`.
                if is_itty
                    && let Some(last) = reg.handlers.last()
                    && let ValueRef::Member(_) = &last.value
                    && let Some(Sym::Router(sf, sid)) = self.r.resolve_value(file, &last.value, 0)
                {
                    let sub_base = self
                        .r
                        .facts(sf)
                        .and_then(|f| f.routers.get(sid))
                        .is_some_and(|r| r.base_path.is_some());
                    let sub_prefix = if sub_base {
                        String::new()
                    } else {
                        base.clone()
                    };
                    let mut sub_mws = mws.clone();
                    sub_mws.push(Mw {
                        pattern: full.clone(),
                        methods: reg.methods.clone(),
                        links: self.links(
                            file,
                            &reg.handlers[..reg.handlers.len() - 1],
                            LinkRole::Middleware,
                            false,
                        ),
                    });
                    self.router(sf, sid, &sub_prefix, sub_mws, depth + 1);
                    return;
                }
                let route = self.route(file, idx, reg, full.clone(), mws);
                self.out.push(route);
                if is_itty && reg.methods.iter().any(|m| m == "ALL") {
                    // An earlier itty `all` acts as middleware when it returns nothing.
                    mws.push(Mw {
                        pattern: full,
                        methods: reg.methods.clone(),
                        links: self.links(file, &reg.handlers, LinkRole::Middleware, false),
                    });
                }
            }
        }
    }

    /// `registerAdmin(app)`: what the callee registers on that parameter
    /// joins the router, in order, under its prefix. One call level.
    #[allow(clippy::too_many_arguments)]
    fn registrar(
        &mut self,
        file: FileId,
        reg: &crate::formats::js::RouteRegistration,
        base: &str,
        is_itty: bool,
        mws: &mut Vec<Mw>,
        depth: usize,
    ) {
        let (Some(h), Some(arg)) = (reg.handlers.first(), reg.router_param) else {
            return;
        };
        let ValueRef::Identifier(callee) = &h.value else {
            return;
        };
        let Some(f) = self.r.resolve_callee(file, callee) else {
            return;
        };
        let Some(facts) = self.r.facts(f.file) else {
            return;
        };
        if depth > MAX_DEPTH || self.stack.len() > MAX_DEPTH {
            return;
        }
        for (i, inner) in facts.routes.iter().enumerate() {
            if inner.function != f.function
                || inner.instance.is_some()
                || inner.router_param != Some(arg)
                || inner.kind == RouteKind::Register
            {
                continue;
            }
            if self.out.len() >= MAX_ROUTES {
                return;
            }
            let b = join_path(base, inner.base_path.as_deref().unwrap_or(""));
            let b = if b == "/" { String::new() } else { b };
            let first = self.out.len();
            self.registration(f.file, i, inner, b, is_itty, mws, depth + 1);
            // A registrar module often imports no framework: the router's counts.
            for r in &mut self.out[first..] {
                if r.framework == Framework::Unknown {
                    r.framework = reg.framework;
                }
            }
        }
    }

    fn links(
        &self,
        file: FileId,
        handlers: &[crate::span::Spanned<ValueRef>],
        role: LinkRole,
        last_is_handler: bool,
    ) -> Vec<ChainLink> {
        let n = handlers.len();
        handlers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let target = self.r.link_target(file, &h.value)?;
                let role = if last_is_handler && i + 1 == n {
                    LinkRole::Handler
                } else {
                    role
                };
                Some(ChainLink {
                    role,
                    file,
                    span: h.span,
                    target,
                })
            })
            .collect()
    }

    fn route(
        &self,
        file: FileId,
        idx: usize,
        reg: &crate::formats::js::RouteRegistration,
        full_path: String,
        mws: &[Mw],
    ) -> ResolvedRoute {
        let mut chain: Vec<ChainLink> = mws
            .iter()
            .filter(|m| pattern_matches(&m.pattern, &full_path))
            .filter(|m| methods_overlap(&m.methods, &reg.methods))
            .flat_map(|m| m.links.iter().cloned())
            .collect();
        // An itty `all` usually guards what follows (it answers only when it
        // returns something), so its handlers count as middleware.
        let itty_all = reg.framework == Framework::Itty && reg.methods.iter().any(|m| m == "ALL");
        chain.extend(self.links(file, &reg.handlers, LinkRole::Middleware, !itty_all));
        // Every route of every Worker is kept for the whole run.
        chain.shrink_to_fit();
        ResolvedRoute {
            worker: self.worker,
            file,
            registration: idx,
            framework: reg.framework,
            methods: reg.methods.clone(),
            full_path,
            path_kind: reg.path.kind,
            path_span: reg.path.span,
            span: reg.span,
            chain,
        }
    }
}

mod files;

#[cfg(test)]
mod tests;
