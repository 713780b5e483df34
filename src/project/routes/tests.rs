//! Route resolution over realistic multi-file Workers.

use super::*;

fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, Project) {
    let dir = crate::rules::support::sources::temp_tree(files);
    let p = crate::project::scan_with_sources(dir.path(), crate::config::Config::default());
    (dir, p)
}

fn summary(p: &Project) -> Vec<String> {
    p.routes()
        .iter()
        .map(|r| format!("{} {}", r.methods.join(","), r.full_path))
        .collect()
}

fn route<'p>(p: &'p Project, method: &str, path: &str) -> &'p ResolvedRoute {
    p.routes()
        .iter()
        .find(|r| r.full_path == path && r.allows_method(method))
        .unwrap_or_else(|| panic!("no {method} {path} in {:?}", summary(p)))
}

fn callees(p: &Project, r: &ResolvedRoute) -> Vec<String> {
    p.route_callees(r)
}

const WRANGLER: &str = "name = \"w\"\nmain = \"src/index.ts\"\n";

#[test]
fn hono_sub_apps_across_files() {
    let (_d, p) = project(&[
        ("wrangler.toml", WRANGLER),
        (
            "src/index.ts",
            r#"
import { Hono } from 'hono'
import admin from './routes/admin'
import { api } from './routes/api.js'
import { requireAdmin } from './middleware'

const app = new Hono()
app.use('*', logger())
app.use('/api/v1/admin/*', requireAdmin)
app.route('/admin', admin)
app.route('/api', api)
app.post('/validate', (c) => c.json({}))
app.use('/validate', turnstileGuard)
export default app
"#,
        ),
        (
            "src/routes/admin.ts",
            r#"
import { Hono } from 'hono'
const admin = new Hono()
admin.get('/public', (c) => c.text('x'))
admin.use('*', async (c, next) => { if (c.req.header('cf-access-jwt-assertion')) await next() })
admin.delete('/users/:id', (c) => c.text('gone'))
export default admin
"#,
        ),
        (
            "src/routes/api.ts",
            r#"
import { Hono } from 'hono'
import { verify } from '../lib/turnstile'
export const api = new Hono().basePath('/v1')
api.post('/compile', async (c) => { await verify(c); return c.json({}) })
api.get('/admin/stats', (c) => c.json({}))
"#,
        ),
        (
            "src/lib/turnstile.ts",
            "export async function verify(c) { return fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify') }\n",
        ),
        (
            "src/middleware/index.ts",
            "export const requireAdmin = async (c, next) => { await next() }\n",
        ),
        ("src/orphan.ts", "export const x = 1\n"),
    ]);
    assert_eq!(
        summary(&p),
        vec![
            "GET /admin/public",
            "DELETE /admin/users/:id",
            "POST /api/v1/compile",
            "GET /api/v1/admin/stats",
            "POST /validate",
        ]
    );
    // Sub-app middleware registered after `/public` does not cover it.
    let public = route(&p, "GET", "/admin/public");
    assert_eq!(public.chain.len(), 2, "{:?}", public.chain);
    let del = route(&p, "DELETE", "/admin/users/:id");
    let fns = p.route_functions(del);
    assert!(fns.iter().any(|s| {
        s.header_reads()
            .any(|h| h.name == "cf-access-jwt-assertion")
    }));
    // The `/api/admin/*` middleware is imported through `./middleware/index.ts`.
    let stats = route(&p, "GET", "/api/v1/admin/stats");
    assert!(stats.chain.iter().any(|l| matches!(
        l.target,
        LinkTarget::Function(f) if p.file(f.file).path == "src/middleware/index.ts"
    )));
    // Helpers one level deep: the imported `verify` and its fetch.
    let compile = route(&p, "POST", "/api/v1/compile");
    let fns = p.route_functions(compile);
    assert!(fns.iter().any(|s| s.depth == 1 && s.fetches().count() == 1));
    assert!(callees(&p, compile).iter().any(|c| c == "logger"));
    // A `use` after the route does not protect it.
    let validate = route(&p, "POST", "/validate");
    assert!(!callees(&p, validate).iter().any(|c| c == "turnstileGuard"));
    // Reachability.
    let id = |path: &str| p.files().find(|(_, f)| f.path == path).unwrap().0;
    assert!(p.is_reachable(id("src/lib/turnstile.ts")));
    assert!(p.is_reachable(id("src/middleware/index.ts")));
    assert_eq!(
        p.reachability(id("src/orphan.ts")),
        Reachability::Unreachable
    );
    assert_eq!(
        p.unreachable_files().collect::<Vec<_>>(),
        vec![id("src/orphan.ts")]
    );
    assert_eq!(p.worker_entry(0), Some(id("src/index.ts")));
}

#[test]
fn plain_fetch_and_forwarding() {
    let (_d, p) = project(&[
        ("wrangler.toml", WRANGLER),
        (
            "src/index.ts",
            r#"
import { router } from './router'
export default {
  async fetch(request: Request, env: Env) {
    const url = new URL(request.url)
    if (url.pathname === '/compile' && request.method === 'POST') {
      await verifyTurnstile(request, env)
      return new Response('ok')
    }
    if (url.pathname.startsWith('/admin')) {
      return new Response('admin')
    }
    return router.fetch(request, env)
  },
}
async function verifyTurnstile(request, env) {}
"#,
        ),
        (
            "src/router.ts",
            r#"
import { AutoRouter } from 'itty-router'
export const router = AutoRouter({ before: [withRateLimit] })
router.all('/api/*', withAuth)
router.post('/api/items', (req) => new Response('x'))
function withRateLimit(req, env) {}
function withAuth(req, env) {}
"#,
        ),
    ]);
    assert_eq!(
        summary(&p),
        vec![
            "POST /compile",
            "ALL /admin/*",
            "ALL /api/*",
            "POST /api/items"
        ]
    );
    let admin = route(&p, "GET", "/admin/*");
    // The compile branch's calls are not the admin branch's.
    assert!(!callees(&p, admin).iter().any(|c| c == "verifyTurnstile"));
    let compile = route(&p, "POST", "/compile");
    assert!(callees(&p, compile).iter().any(|c| c == "verifyTurnstile"));
    let items = route(&p, "POST", "/api/items");
    let c = callees(&p, items);
    assert!(c.iter().any(|c| c == "withRateLimit"), "{c:?}");
    assert!(c.iter().any(|c| c == "withAuth"), "{c:?}");
}

#[test]
fn export_object_with_app_fetch_and_missing_main() {
    let (_d, p) = project(&[
        ("a/wrangler.toml", WRANGLER),
        (
            "a/src/index.ts",
            "import { Hono } from 'hono'\nconst app = new Hono()\napp.post('/x', (c) => c.text(''))\nexport default { fetch: app.fetch }\n",
        ),
        (
            "b/wrangler.toml",
            "name = \"b\"\nmain = \"dist/index.js\"\n",
        ),
        ("b/src/index.ts", "export default {}\n"),
    ]);
    assert_eq!(summary(&p), vec!["POST /x"]);
    assert_eq!(p.worker_entry(1), None);
    let id = p
        .files()
        .find(|(_, f)| f.path == "b/src/index.ts")
        .unwrap()
        .0;
    assert_eq!(p.reachability(id), Reachability::Unknown);
}

#[test]
fn patterns() {
    assert!(pattern_matches("*", "/x"));
    assert!(pattern_matches("/admin/*", "/admin/users/:id"));
    assert!(pattern_matches("/admin/*", "/admin"));
    assert!(!pattern_matches("/admin/*", "/administrator"));
    assert!(pattern_matches("/x/:id", "/x/1"));
    assert!(!pattern_matches("/x/1", "/x/:id"));
    assert!(pattern_matches("/compile*", "/compile/x"));
    assert!(glob_matches("/compile*", "/compile/status"));
    assert!(glob_matches("/compile*", "/compile"));
    assert!(!glob_matches("/compile*", "/api/compile"));
    assert!(glob_matches("/validate", "/validate"));
    assert!(!glob_matches("/validate", "/validate/x"));
    assert_eq!(join_path("/api", "/v1"), "/api/v1");
    assert_eq!(join_path("", "/v1"), "/v1");
    assert_eq!(join_path("/admin", "/"), "/admin");
    assert_eq!(join_rel("src", "../lib/x"), Some("lib/x".to_string()));
    assert_eq!(join_rel("", "../x"), None);
}

#[test]
fn derived_base_path_export_and_cycles() {
    let (_d, p) = project(&[
        ("wrangler.toml", WRANGLER),
        (
            "src/index.ts",
            r#"
import { Hono } from 'hono'
import { a } from './a'
const app = new Hono()
const api = app.basePath('/api')
api.post('/x', (c) => c.text(''))
app.get('/y', (c) => c.text(''))
app.route('/a', a)
export default api
"#,
        ),
        (
            "src/a.ts",
            "import { Hono } from 'hono'\nimport { b } from './b'\nexport const a = new Hono()\na.route('/b', b)\na.get('/leaf', (c) => c.text(''))\n",
        ),
        (
            "src/b.ts",
            "import { Hono } from 'hono'\nimport { a } from './a'\nexport const b = new Hono()\nb.route('/a', a)\nb.route('/a2', a)\n",
        ),
    ]);
    let s = summary(&p);
    assert!(s.contains(&"POST /api/x".to_string()), "{s:?}");
    assert!(s.contains(&"GET /y".to_string()), "{s:?}");
    assert!(s.contains(&"GET /a/leaf".to_string()), "{s:?}");
    assert!(s.len() < 10, "{s:?}");
}

#[test]
fn mount_trees_are_bounded() {
    let mut files: Vec<(String, String)> = vec![("wrangler.toml".into(), WRANGLER.into())];
    let depth = 24;
    for i in 0..depth {
        let next = i + 1;
        let text = if i + 1 < depth {
            format!(
                "import {{ Hono }} from 'hono'\nimport r{next} from './r{next}'\nconst r = new Hono()\nr.route('/x', r{next})\nr.route('/y', r{next})\nr.post('/p', (c) => c.text(''))\nexport default r\n"
            )
        } else {
            "import { Hono } from 'hono'\nconst r = new Hono()\nr.post('/p', (c) => c.text(''))\nexport default r\n".to_string()
        };
        let name = if i == 0 {
            "src/index.ts".to_string()
        } else {
            format!("src/r{i}.ts")
        };
        files.push((name, text));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (_d, p) = project(&refs);
    assert!(!p.routes().is_empty());
    assert!(p.routes().len() <= MAX_ROUTES + 64);
}

#[test]
fn relative_paths_join_onto_their_directory() {
    assert_eq!(join_rel("src", "./lib/db").as_deref(), Some("src/lib/db"));
    assert_eq!(join_rel("", "./index.ts").as_deref(), Some("index.ts"));
    assert_eq!(
        join_rel("apps/a/src/routes", "../lib/./util0").as_deref(),
        Some("apps/a/src/lib/util0")
    );
    assert_eq!(join_rel("a/b", "../../c").as_deref(), Some("c"));
    assert_eq!(join_rel("a/b", "../..").as_deref(), Some(""));
    assert_eq!(join_rel("a", "//x//y/").as_deref(), Some("a/x/y"));
    // Above the root.
    assert_eq!(join_rel("a", "../../x"), None);
    assert_eq!(join_rel("", ".."), None);
}

#[test]
fn routes_registered_through_functions() {
    let (_d, p) = project(&[
        ("wrangler.toml", WRANGLER),
        (
            "src/index.ts",
            r#"
import { Hono } from 'hono'
import { registerAdmin } from './routes/admin'
import * as maintenance from './routes/maintenance'
const app = new Hono()
const api = new Hono()
app.use('/admin/*', guard)
registerAdmin(app)
maintenance.setup(api)
app.route('/api', api)
const addDebug = (router) => {
  router.get('/debug/env', (c) => c.json({}))
}
addDebug(app)
export default app
"#,
        ),
        (
            "src/routes/admin.ts",
            "export function registerAdmin(app) {\n  app.post('/admin/wipe', (c) => c.text('x'))\n}\n",
        ),
        (
            "src/routes/maintenance.ts",
            "export const setup = (router) => {\n  router.post('/migrate', (c) => c.text('x'))\n}\n",
        ),
    ]);
    assert_eq!(
        summary(&p),
        ["POST /admin/wipe", "POST /api/migrate", "GET /debug/env"]
    );
    let wipe = route(&p, "POST", "/admin/wipe");
    assert_eq!(wipe.chain.len(), 2, "the guard runs first");
}
