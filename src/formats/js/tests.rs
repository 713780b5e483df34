//! Facts from realistic Hono / itty-router / plain-fetch Workers.

use super::*;

pub(super) fn ts(src: &str) -> JsFacts {
    parse_as(src, "src/index.ts")
}

pub(super) fn js(src: &str) -> JsFacts {
    parse_as(src, "src/index.js")
}

pub(super) fn parse_as(src: &str, path: &str) -> JsFacts {
    match extract(src, path) {
        Ok(f) => f,
        Err(e) => panic!("parse failed at {:?}: {}", e.span, e.message),
    }
}

pub(super) fn at(src: &str, span: Span) -> &str {
    &src[span.range()]
}

const HONO_APP: &str = r#"
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { requireAdmin } from './middleware/admin'
import api from './routes/api'

type Bindings = { DB: D1Database; ADMIN_KEY: string; RATE_LIMITER: RateLimit }

const app = new Hono<{ Bindings: Bindings }>()

app.use('*', cors({ origin: '*' }))
app.use('/admin/*', requireAdmin)

app.post('/compile', verifyTurnstile, async (c) => {
  const { success } = await c.env.RATE_LIMITER.limit({ key: c.req.header('cf-connecting-ip') ?? '' })
  if (!success) return c.json({ error: 'slow down' }, 429)
  return c.json({ ok: true })
}).get('/health', (c) => c.text('ok'))

app.on(['PUT', 'PATCH'], '/items/:id', async (c) => c.body(null, 204))
app.route('/api', api)

const v1 = app.basePath('/v1')
v1.delete('/things/:id', (c) => c.text('gone'))

async function verifyTurnstile(c, next) {
  await next()
}

export default app
"#;

#[test]
fn hono_routes_in_registration_order() {
    let f = ts(HONO_APP);
    let app = f.router_named("app").expect("app instance");
    assert_eq!(app.kind, RouterKind::Hono);
    let summary: Vec<(RouteKind, Vec<String>, String)> = f
        .routes
        .iter()
        .map(|r| (r.kind, r.methods.clone(), r.path.text.to_string()))
        .collect();
    let s = |k: RouteKind, m: &[&str], p: &str| {
        (k, m.iter().map(|x| x.to_string()).collect(), p.to_string())
    };
    assert_eq!(
        summary,
        vec![
            s(RouteKind::Use, &["ALL"], "*"),
            s(RouteKind::Use, &["ALL"], "/admin/*"),
            s(RouteKind::Handler, &["POST"], "/compile"),
            s(RouteKind::Handler, &["GET"], "/health"),
            s(RouteKind::Handler, &["PUT", "PATCH"], "/items/:id"),
            s(RouteKind::Mount, &["ALL"], "/api"),
            s(RouteKind::Handler, &["DELETE"], "/things/:id"),
        ]
    );
    for r in &f.routes[..6] {
        assert_eq!(r.receiver.as_deref(), Some("app"));
        assert_eq!(r.instance, Some(app.id));
        assert_eq!(r.framework, Framework::Hono);
    }
    // The chained `.get` shares the receiver of the `.post` it hangs off.
    let compile = &f.routes[2];
    assert_eq!(at(HONO_APP, compile.path.span.unwrap()), "'/compile'");
    assert!(at(HONO_APP, compile.span).starts_with("app.post('/compile'"));
    assert_eq!(
        compile.handlers[0].value,
        ValueRef::Identifier("verifyTurnstile".into())
    );
    let ValueRef::Function(handler) = compile.handlers[1].value else {
        panic!("inline handler expected")
    };
    let h = f.function(handler).unwrap();
    assert!(h.calls_matching(|c| c == "c.env.RATE_LIMITER.limit"));
    assert!(
        matches!(&f.routes[0].handlers[0].value, ValueRef::Call { callee, .. } if callee == "cors")
    );
    assert_eq!(
        f.routes[5].handlers[0].value,
        ValueRef::Identifier("api".into())
    );
    // `app.basePath('/v1')` derives an instance sharing app's routes.
    let v1 = f.router_named("v1").unwrap();
    assert_eq!(v1.derived_from.as_deref(), Some("app"));
    assert_eq!(v1.base_path.as_deref(), Some("/v1"));
    assert_eq!(f.routes[6].receiver.as_deref(), Some("v1"));
    // Named middleware resolves to a function of this file or an import.
    assert!(f.functions_named("verifyTurnstile").next().is_some());
    let (imp, name) = f.import_of("requireAdmin").unwrap();
    assert_eq!(imp.source.value, "./middleware/admin");
    assert_eq!(name.imported, Imported::Named("requireAdmin".into()));
    assert_eq!(f.import_of("api").unwrap().1.imported, Imported::Default);
    // Default export.
    let def = f.exports.iter().find(|e| e.exported == "default").unwrap();
    assert_eq!(def.local.as_deref(), Some("app"));
    // cors() with `*`.
    assert_eq!(f.cors.len(), 1);
    assert_eq!(f.cors[0].origin, CorsOrigin::Literal("*".into()));
    assert!(f.cors[0].credentials.is_none());
    // 429 response recorded with its status.
    assert!(
        h.responses()
            .iter()
            .any(|r| r.status == 429 && r.callee == "c.json")
    );
    assert!(
        h.header_reads()
            .iter()
            .any(|r| r.name == "cf-connecting-ip")
    );
}

#[test]
fn hono_sub_app_file_and_factory_middleware() {
    let src = r#"
import { OpenAPIHono } from '@hono/zod-openapi'
import { createMiddleware } from 'hono/factory'
import type { Context } from 'hono'

export const requireRole = (role: string) =>
  createMiddleware(async (c, next) => {
    if (c.get('role') !== role) return c.json({ error: 'forbidden' }, 403)
    await next()
  })

export const adminOnly = createMiddleware(async (c, next) => {
  const token = c.req.header('Authorization')?.replace('Bearer ', '')
  if (token !== c.env.ADMIN_KEY) {
    return c.json({ error: 'unauthorized' }, 401)
  }
  await next()
})

const admin = new OpenAPIHono().basePath('/admin')
admin.use('*', adminOnly)
admin.get('/users', requireRole('admin'), (c: Context) => c.json([]))
export default admin
"#;
    let f = ts(src);
    let admin = f.router_named("admin").unwrap();
    assert_eq!(admin.kind, RouterKind::OpenApiHono);
    assert_eq!(admin.base_path.as_deref(), Some("/admin"));
    assert_eq!(f.routes.len(), 2);
    assert_eq!(f.routes[0].kind, RouteKind::Use);
    assert_eq!(
        f.routes[1].handlers[0].value,
        ValueRef::Call {
            callee: "requireRole".into(),
            functions: vec![]
        }
    );
    let mw = f
        .functions_named("adminOnly")
        .next()
        .expect("named through createMiddleware");
    assert_eq!(mw.wrapper(), Some("createMiddleware"));
    assert!(mw.auth_failures().any(|r| r.status == 401));
    let cmp = &mw.env_comparisons()[0];
    assert_eq!(cmp.env_name, "ADMIN_KEY");
    assert_eq!(cmp.operator, "!==");
    assert_eq!(cmp.other, Compared::Identifier("token".into()));
    assert_eq!(at(src, cmp.env_span), "c.env.ADMIN_KEY");
    // The inner middleware of the factory is nested in `requireRole`.
    let outer = f.functions_named("requireRole").next().unwrap();
    let nested = f.function_and_nested(outer.id);
    assert!(
        nested
            .iter()
            .any(|g| g.auth_failures().any(|r| r.status == 403))
    );
    assert!(f.exports.iter().any(|e| e.exported == "requireRole"));
}

const ITTY: &str = r#"
import { AutoRouter, cors, error, json } from 'itty-router'

const { preflight, corsify } = cors({ origin: ['https://app.example.com'], credentials: true })
const router = AutoRouter({ before: [preflight], finally: [corsify] })

const withAuth = (request, env) => {
  if (request.headers.get('Authorization') !== `Bearer ${env.API_TOKEN}`) return error(401, 'nope')
}

router
  .get('/api/items', async (request, env) => json(await env.DB.prepare('SELECT * FROM items').all()))
  .post('/api/items', withAuth, async (request, env) => {
    const body = await request.json()
    return json(body, { status: 201 })
  })
router.all('*', () => error(404))

export default { ...router }
"#;

#[test]
fn itty_router_routes_and_cors() {
    let f = js(ITTY);
    let router = f.router_named("router").unwrap();
    assert_eq!(router.kind, RouterKind::IttyAutoRouter);
    assert_eq!(router.before.len(), 1);
    assert_eq!(
        router.before[0].value,
        ValueRef::Identifier("preflight".into())
    );
    let paths: Vec<_> = f
        .routes
        .iter()
        .map(|r| (r.methods[0].as_str(), r.path.text.as_str()))
        .collect();
    assert_eq!(
        paths,
        vec![("GET", "/api/items"), ("POST", "/api/items"), ("ALL", "*")]
    );
    assert!(f.routes.iter().all(|r| r.framework == Framework::Itty));
    assert_eq!(
        f.routes[1].handlers[0].value,
        ValueRef::Identifier("withAuth".into())
    );
    let cors = &f.cors[0];
    assert!(
        matches!(&cors.origin, CorsOrigin::List { entries, has_dynamic: false } if entries[0].value == "https://app.example.com")
    );
    assert_eq!(cors.credentials.map(|c| c.value), Some(Flag::True));
    let with_auth = f.functions_named("withAuth").next().unwrap();
    assert!(
        with_auth
            .auth_failures()
            .any(|r| r.status == 401 && r.callee == "error")
    );
    assert!(
        with_auth
            .env_reads()
            .iter()
            .any(|r| r.name == "API_TOKEN" && r.base == "env")
    );
    assert_eq!(f.sql_sinks.len(), 1);
    assert_eq!(f.sql_sinks[0].class, SqlClass::Safe(SafeReason::Literal));
}

const PLAIN_FETCH: &str = r#"
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url)
    const { pathname } = url
    if (url.pathname === '/api/compile' && request.method === 'POST') {
      const ok = await verifyTurnstile(request, env)
      if (!ok) return new Response('forbidden', { status: 403 })
      return compile(request)
    }
    if (pathname.startsWith('/admin/')) {
      if (request.headers.get('Cf-Access-Jwt-Assertion') == null) return new Response('no', { status: 401 })
      if (request.method !== 'DELETE') return new Response('method', { status: 405 })
      return handleAdmin(request, env)
    }
    switch (url.pathname) {
      case '/health':
      case '/healthz':
        return new Response('ok')
      case '/ast/parse': {
        if (request.method === 'POST') return parse(request)
        break
      }
    }
    return new Response('not found', { status: 404 })
  },
}
"#;

#[test]
fn plain_fetch_branches() {
    let f = js(PLAIN_FETCH);
    let fetch = f.functions_named("fetch").next().expect("fetch method");
    assert_eq!(fetch.kind, FunctionKind::Method);
    let routes: Vec<_> = f
        .routes
        .iter()
        .map(|r| (r.path.text.as_str(), r.path.kind, r.methods.join(",")))
        .collect();
    assert_eq!(
        routes,
        vec![
            ("/api/compile", PathKind::Literal, "POST".to_string()),
            ("/admin/", PathKind::Prefix, "DELETE".to_string()),
            ("/health", PathKind::Literal, "ALL".to_string()),
            ("/healthz", PathKind::Literal, "ALL".to_string()),
            ("/ast/parse", PathKind::Literal, "POST".to_string()),
        ]
    );
    for r in &f.routes {
        assert_eq!(r.framework, Framework::Fetch);
        assert_eq!(r.function, fetch.id);
        assert!(r.handlers.is_empty());
    }
    let compile = &f.routes[0];
    let body = compile.body.unwrap();
    assert!(at(PLAIN_FETCH, body).contains("verifyTurnstile"));
    // Calls inside the branch body are the route's.
    let in_body: Vec<_> = fetch
        .calls
        .iter()
        .filter(|c| body.start <= c.span.start && c.span.end <= body.end)
        .map(|c| c.callee.as_str())
        .collect();
    assert!(in_body.contains(&"verifyTurnstile"));
    assert!(!in_body.contains(&"handleAdmin"));
    assert!(
        fetch
            .header_reads()
            .iter()
            .any(|h| h.name == "Cf-Access-Jwt-Assertion")
    );
    assert_eq!(
        at(PLAIN_FETCH, f.routes[2].body.unwrap()),
        "return new Response('ok')"
    );
    let def = f.exports.iter().find(|e| e.exported == "default").unwrap();
    let ExportValue::Object(props) = &def.value else {
        panic!()
    };
    assert_eq!(props[0].key, "fetch");
    assert_eq!(props[0].value, ValueRef::Function(fetch.id));
}

#[test]
fn env_reads_in_every_form() {
    let src = r#"
import { env as workerEnv } from 'cloudflare:workers'
import { env } from 'hono/adapter'
export class Room extends DurableObject {
  async fetch(req) {
    const key = this.env.ROOM_SECRET
    return new Response(key)
  }
}
export default {
  async fetch(request, env) {
    const { API_TOKEN, DB: database, MISSING = 'x' } = env
    const url = env.UPSTREAM_URL
    const port = process.env.PORT
    return app.fetch(request, env['BRACKETED'])
  },
}
app.get('/', (c) => {
  const { TURNSTILE_SECRET_KEY } = c.env
  const vars = env(c)
  return c.text(c.env?.OPTIONAL + env(c).ADAPTER)
})
app.post('/alias', (c) => {
  const bindings = c.env
  const other = { ALIASED_NOT: 1 }
  return c.text(other.ALIASED_NOT + [1].map(() => bindings.ALIASED_INNER).join() + bindings.ALIASED)
})
"#;
    let f = ts(src);
    let mut names: Vec<(String, EnvReadKind, String)> = f
        .env_reads()
        .map(|(_, r)| (r.name.clone(), r.kind, r.base.clone()))
        .collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    let m = EnvReadKind::Member;
    let d = EnvReadKind::Destructure;
    let want = vec![
        ("ADAPTER".to_string(), m, "env(c)".to_string()),
        ("ALIASED".to_string(), m, "bindings".to_string()),
        ("ALIASED_INNER".to_string(), m, "bindings".to_string()),
        ("API_TOKEN".to_string(), d, "env".to_string()),
        ("BRACKETED".to_string(), m, "env".to_string()),
        ("DB".to_string(), d, "env".to_string()),
        ("MISSING".to_string(), d, "env".to_string()),
        ("OPTIONAL".to_string(), m, "c.env".to_string()),
        ("PORT".to_string(), m, "process.env".to_string()),
        ("ROOM_SECRET".to_string(), m, "this.env".to_string()),
        ("TURNSTILE_SECRET_KEY".to_string(), d, "c.env".to_string()),
        ("UPSTREAM_URL".to_string(), m, "env".to_string()),
    ];
    assert_eq!(names, want);
    for (_, r) in f.env_reads() {
        let name_text = at(src, r.span).trim_matches(|c| c == '\'' || c == '"');
        assert_eq!(name_text, r.name, "span of {}", r.name);
    }
    let port = f.env_reads().find(|(_, r)| r.name == "PORT").unwrap().1;
    assert_eq!(port.source, EnvSource::Process);
    let room = f
        .env_reads()
        .find(|(_, r)| r.name == "ROOM_SECRET")
        .unwrap()
        .0;
    assert_eq!(room.class_name(), Some("Room"));
    assert_eq!(room.name.as_deref(), Some("fetch"));
}

#[test]
fn secret_missing_branches() {
    let src = r#"
export async function verifyTurnstile(token: string, env: Env) {
  if (!env.TURNSTILE_SECRET_KEY) {
    console.warn('turnstile not configured')
    return { success: true }
  }
  return siteverify(token, env.TURNSTILE_SECRET_KEY)
}
export const turnstile = createMiddleware(async (c, next) => {
  const secret = c.env.TURNSTILE_SECRET_KEY
  if (!secret) return next()
  await check(c, secret)
  await next()
})
export async function strict(token, env) {
  if (env.TURNSTILE_SECRET_KEY === undefined) {
    return new Response('misconfigured', { status: 500 })
  }
  if (env.TURNSTILE_SECRET_KEY) {
    await siteverify(token, env.TURNSTILE_SECRET_KEY)
  }
  if (!env.OTHER) throw new Error('missing')
}
"#;
    let f = ts(src);
    let checks: Vec<(String, MissingOutcome)> = f
        .secret_checks()
        .map(|(_, c)| (c.env_name.clone(), c.when_missing))
        .collect();
    assert_eq!(
        checks,
        vec![
            (
                "TURNSTILE_SECRET_KEY".to_string(),
                MissingOutcome::ReturnsSuccess
            ),
            (
                "TURNSTILE_SECRET_KEY".to_string(),
                MissingOutcome::CallsNext
            ),
            ("TURNSTILE_SECRET_KEY".to_string(), MissingOutcome::Fails),
            (
                "TURNSTILE_SECRET_KEY".to_string(),
                MissingOutcome::SkipsCheck
            ),
            ("OTHER".to_string(), MissingOutcome::Fails),
        ]
    );
    let first = f.secret_checks().next().unwrap().1;
    assert_eq!(
        at(src, first.outcome_span.unwrap()),
        "return { success: true }"
    );
    assert_eq!(at(src, first.env_span), "env.TURNSTILE_SECRET_KEY");
    let second = f.secret_checks().nth(1).unwrap().1;
    assert_eq!(at(src, second.env_span), "secret");
    // Presence checks are comparisons with a nullish value.
    let undefined_cmp = f
        .env_comparisons()
        .find(|(_, c)| c.other == Compared::Nullish);
    assert!(undefined_cmp.is_some());
}

#[test]
fn responses_with_statuses() {
    let src = r#"
import { HTTPException } from 'hono/http-exception'
app.use('/api/*', async (c, next) => {
  const auth = c.req.header('Authorization')
  if (!auth) return c.json({ error: 'missing' }, 401)
  if (auth === 'x') return c.text('forbidden', 403)
  if (auth === 'y') return new Response(null, { status: 403 })
  if (auth === 'z') throw new HTTPException(401, { message: 'no' })
  if (auth === 'w') return Response.json({ error: 'x' }, { status: 401 })
  if (auth === 'v') return unauthorized(c, 401)
  await next()
  trackSecurityEvent(c, 'ok')
})
"#;
    let f = ts(src);
    let mw = &f.functions[1];
    let statuses: Vec<(u16, &str)> = mw
        .responses()
        .iter()
        .map(|r| (r.status, r.callee.as_str()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (401, "c.json"),
            (403, "c.text"),
            (403, "Response"),
            (401, "HTTPException"),
            (401, "Response.json"),
            (401, "unauthorized"),
        ]
    );
    assert!(mw.calls_matching(|c| c == "trackSecurityEvent"));
    assert_eq!(mw.auth_failures().count(), 6);
    let texts: Vec<&str> = mw.responses().iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["missing", "forbidden", "", "no", "x", ""]);
}

#[test]
fn response_text_is_gathered_from_nested_literals() {
    let src = r#"
export const f = (c) => {
  if (a) return new Response(JSON.stringify({ error: { message: 'Quota reached' } }), { status: 403 })
  if (b) return c.json({ error: `Plan ${p} has no exports`, code: 7 }, 403)
  return c.json({ ok: 'fine' }, 200)
}
"#;
    let f = ts(src);
    let texts: Vec<(u16, &str)> = f.functions[1]
        .responses()
        .iter()
        .map(|r| (r.status, r.text.as_str()))
        .collect();
    // Only auth failures keep their text.
    assert_eq!(
        texts,
        [
            (403, "Quota reached"),
            (403, "Plan has no exports"),
            (200, "")
        ]
    );
}

#[test]
fn cors_headers_and_origin_checks() {
    let src = r#"
const ALLOWED = ['https://app.example.com', 'https://admin.example.com']
const corsHeaders = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET' }

export function reflect(request: Request) {
  const origin = request.headers.get('Origin') ?? ''
  const headers = new Headers()
  headers.set('Access-Control-Allow-Origin', origin)
  headers.set('Access-Control-Allow-Credentials', 'true')
  return new Response('x', { headers })
}

export function checked(request: Request) {
  const origin = request.headers.get('Origin')
  const allowed = ALLOWED.includes(origin) ? origin : ALLOWED[0]
  return new Response('x', { headers: { 'Access-Control-Allow-Origin': allowed, Vary: 'Origin' } })
}

app.use('*', async (c, next) => {
  const origin = c.req.header('origin') || ''
  if (origin.endsWith('.pages.dev') || /^https:\/\/.*\.example\.com$/.test(origin)) {
    c.header('Access-Control-Allow-Origin', origin)
  }
  await next()
})

app.use('/api/*', cors({ origin: (origin) => origin, credentials: true }))
app.use('/v2/*', cors({ origin: (o) => (ALLOWED.includes(o) ? o : null) }))
app.use('/v3/*', cors({ origin: c => c.env.CORS_ALLOWED_ORIGINS }))
app.use('/v4/*', cors())
"#;
    let f = ts(src);
    let acao: Vec<(&HeaderValue, HeaderWriteVia)> = f
        .header_writes
        .iter()
        .filter(|h| h.is("access-control-allow-origin"))
        .map(|h| (&h.value, h.via))
        .collect();
    assert_eq!(
        acao,
        vec![
            (
                &HeaderValue::Literal("*".into()),
                HeaderWriteVia::ObjectProperty
            ),
            (
                &HeaderValue::RequestOrigin {
                    fallback: None,
                    source: OriginSource::Header
                },
                HeaderWriteVia::Set
            ),
            (&HeaderValue::CheckedOrigin, HeaderWriteVia::ObjectProperty),
            (
                &HeaderValue::RequestOrigin {
                    fallback: None,
                    source: OriginSource::Header
                },
                HeaderWriteVia::ContextHeader
            ),
        ]
    );
    let star = &f.header_writes[0];
    assert_eq!(at(src, star.value_span), "'*'");
    assert_eq!(f.header_writes[0].function, MODULE_SCOPE);
    assert!(
        f.header_writes
            .iter()
            .any(|h| h.is("Access-Control-Allow-Credentials")
                && h.value == HeaderValue::Literal("true".into()))
    );

    let reflect = f.functions_named("reflect").next().unwrap();
    assert!(reflect.origin_checks().is_empty());
    let checked = f.functions_named("checked").next().unwrap();
    assert!(
        matches!(&checked.origin_checks()[0].kind, OriginCheckKind::Membership { collection } if collection == "ALLOWED")
    );

    let mw = f
        .functions
        .iter()
        .find(|g| g.origin_checks().len() == 2)
        .unwrap();
    assert_eq!(mw.origin_checks()[0].kind, OriginCheckKind::EndsWith);
    assert_eq!(
        mw.origin_checks()[0].value.as_ref().unwrap().value,
        ".pages.dev"
    );
    assert_eq!(mw.origin_checks()[0].source, OriginSource::Header);
    assert!(
        matches!(&mw.origin_checks()[1].kind, OriginCheckKind::Regex { pattern: Some(p), .. } if p.contains("example"))
    );

    let origins: Vec<&CorsOrigin> = f.cors.iter().map(|c| &c.origin).collect();
    assert!(matches!(
        origins[0],
        CorsOrigin::Function {
            returns_argument_unchecked: true,
            ..
        }
    ));
    assert!(matches!(
        origins[1],
        CorsOrigin::Function {
            returns_argument_unchecked: false,
            ..
        }
    ));
    assert!(matches!(
        origins[2],
        CorsOrigin::Function {
            returns_argument_unchecked: false,
            ..
        }
    ));
    assert_eq!(origins[3], &CorsOrigin::Absent);
    assert_eq!(f.cors[0].credentials.unwrap().value, Flag::True);
    assert_eq!(at(src, f.cors[0].origin_span), "origin: (origin) => origin");
    let CorsOrigin::Function { function, .. } = origins[1] else {
        panic!()
    };
    assert_eq!(
        f.function(*function).unwrap().origin_checks()[0].source,
        OriginSource::CorsCallback
    );
}

#[test]
fn cookie_writes() {
    let src = r#"
import { setCookie } from 'hono/cookie'
import { serialize } from 'cookie'
const opts = { httpOnly: true, secure: isProduction, sameSite: 'Lax' }
app.post('/login', (c) => {
  setCookie(c, 'session', token, { httpOnly: false, secure: true, sameSite: 'None', path: '/' })
  setCookie(c, 'prefs', 'dark')
  setCookie(c, 'auth_token', token, opts)
  c.header('Set-Cookie', `session=${token}; Path=/; HttpOnly; Secure; SameSite=Strict`)
  const cookie = serialize('sid', token, { ...base, httpOnly: true })
  return new Response('ok', { headers: { 'Set-Cookie': 'refresh=abc; Path=/' } })
})
"#;
    let f = ts(src);
    let w = &f.cookie_writes;
    assert_eq!(w.len(), 6);
    assert_eq!(w[0].name.as_ref().unwrap().value, "session");
    assert_eq!(w[0].attrs.http_only.unwrap().value, Flag::False);
    assert_eq!(
        at(src, w[0].attrs.http_only.unwrap().span),
        "httpOnly: false"
    );
    assert_eq!(
        w[0].attrs.same_site.as_ref().unwrap().value.as_deref(),
        Some("None")
    );
    assert!(w[1].options_known && w[1].attrs.http_only.is_none());
    assert_eq!(w[2].attrs.secure.unwrap().value, Flag::Dynamic);
    assert_eq!(w[2].via, CookieVia::SetCookie);
    assert_eq!(w[3].via, CookieVia::SetCookieHeader);
    assert!(w[3].options_known);
    assert_eq!(w[3].name.as_ref().unwrap().value, "session");
    assert_eq!(at(src, w[3].attrs.http_only.unwrap().span), "HttpOnly");
    assert_eq!(
        at(src, w[3].attrs.same_site.as_ref().unwrap().span),
        "SameSite=Strict"
    );
    assert_eq!(
        w[3].attrs.same_site.as_ref().unwrap().value.as_deref(),
        Some("Strict")
    );
    assert_eq!(w[4].via, CookieVia::Serialize);
    assert!(!w[4].options_known);
    assert_eq!(w[5].name.as_ref().unwrap().value, "refresh");
    assert!(w[5].attrs.secure.is_none() && w[5].attrs.http_only.is_none());
}

#[test]
fn better_auth_options() {
    let src = r#"
import { betterAuth } from 'better-auth'
import { anonymous, captcha } from 'better-auth/plugins'
const advanced = {
  useSecureCookies: false,
  disableCSRFCheck: true,
  defaultCookieAttributes: { sameSite: 'none', secure: true },
  cookies: { session_token: { attributes: { httpOnly: false } } },
}
export const createAuth = (env: Env) =>
  betterAuth({
    secret: env.BETTER_AUTH_SECRET,
    emailAndPassword: { enabled: true },
    advanced,
    plugins: [anonymous(), captcha({ provider: 'cloudflare-turnstile', secretKey: env.TURNSTILE_SECRET_KEY })],
  })
export const other = betterAuth(options)
"#;
    let f = ts(src);
    let a = &f.better_auth[0];
    assert!(a.options_known);
    assert_eq!(a.use_secure_cookies.unwrap().value, Flag::False);
    assert_eq!(
        at(src, a.use_secure_cookies.unwrap().span),
        "useSecureCookies: false"
    );
    assert_eq!(a.disable_csrf_check.unwrap().value, Flag::True);
    let (span, attrs) = a.default_cookie_attributes.as_ref().unwrap();
    assert!(at(src, *span).starts_with("defaultCookieAttributes"));
    assert_eq!(
        attrs.same_site.as_ref().unwrap().value.as_deref(),
        Some("none")
    );
    assert_eq!(a.cookies[0].name, "session_token");
    assert_eq!(a.cookies[0].attrs.http_only.unwrap().value, Flag::False);
    assert_eq!(a.email_and_password.unwrap().value, Flag::True);
    assert!(a.plugin("anonymous").is_some());
    assert!(a.plugin("captcha").is_some());
    assert_eq!(
        a.function,
        f.functions_named("createAuth").next().unwrap().id
    );
    assert!(!f.better_auth[1].options_known);
}

#[test]
fn better_auth_rate_limit_through_spreads() {
    let src = r#"
const base = { rateLimit: { enabled: false } }
export const a = betterAuth({ ...withCloudflare({ d1 }, { rateLimit: { window: 60, max: 100 } }) })
export const b = betterAuth({ ...base, secret })
export const c = betterAuth({ ...importedOptions, secret })
"#;
    let f = ts(src);
    assert_eq!(f.better_auth[0].rate_limit.unwrap().value, Flag::True);
    assert_eq!(f.better_auth[1].rate_limit.unwrap().value, Flag::False);
    assert!(f.better_auth[2].rate_limit.is_none());
}

#[test]
fn ssrf_fetch_sources_guards_and_redirects() {
    let src = r#"
app.get('/proxy/fetch', async (c) => {
  const target = c.req.query('url')
  return fetch(target)
})
app.get('/proxy/guarded', async (c) => {
  const raw = c.req.query('url') ?? ''
  const u = new URL(raw)
  if (!(await isPublicUrl(u.hostname))) return c.text('blocked', 400)
  return fetch(u.toString(), { redirect: 'manual' })
})
app.post('/webhook', async (c) => {
  const { callback } = await c.req.json()
  const safe = await validateUrl(callback)
  return fetch(new Request(safe, { method: 'POST' }))
})
app.get('/fixed/*', async (c) => {
  const path = c.req.param('path')
  await fetch(`https://api.example.com/v1/${path}`)
  await fetch('https://example.com/status')
  return fetch(c.env.UPSTREAM_URL, init)
})
export default {
  async fetch(request) {
    const url = new URL(request.url)
    const dest = url.searchParams.get('dest')
    return fetch(dest, { redirect: 'follow' })
  },
}
"#;
    let f = ts(src);
    let fx = &f.fetches;
    assert_eq!(fx.len(), 7);
    assert!(matches!(
        fx[0].url,
        UrlSource::RequestInput {
            kind: InputKind::Query,
            ..
        }
    ));
    assert!(fx[0].guards.is_empty());
    assert_eq!(fx[0].redirect, Redirect::Absent);
    assert_eq!(at(src, fx[0].url_span), "target");

    assert!(matches!(
        fx[1].url,
        UrlSource::RequestInput {
            kind: InputKind::Query,
            ..
        }
    ));
    let g: Vec<_> = fx[1].guards.iter().map(|g| g.value.as_str()).collect();
    assert!(g.contains(&"isPublicUrl"), "{g:?}");
    assert!(matches!(&fx[1].redirect, Redirect::Literal(v) if v.value == "manual"));

    assert!(matches!(
        fx[2].url,
        UrlSource::RequestInput {
            kind: InputKind::Body,
            ..
        }
    ));
    assert!(fx[2].guards.iter().any(|g| g.value == "validateUrl"));

    assert_eq!(
        fx[3].url,
        UrlSource::FixedOrigin("https://api.example.com".into())
    );
    assert_eq!(
        fx[4].url,
        UrlSource::Literal("https://example.com/status".into())
    );
    assert_eq!(fx[5].url, UrlSource::Env("UPSTREAM_URL".into()));
    assert!(matches!(fx[5].redirect, Redirect::Dynamic(_)));
    assert!(matches!(
        fx[6].url,
        UrlSource::RequestInput {
            kind: InputKind::Query,
            ..
        }
    ));
    assert!(matches!(&fx[6].redirect, Redirect::Literal(v) if v.value == "follow"));

    let itty = js("router.get('/p', ({ query }) => fetch(query.url))\n");
    assert!(matches!(
        itty.fetches[0].url,
        UrlSource::RequestInput {
            kind: InputKind::Query,
            ..
        }
    ));
}

#[test]
fn exports_in_every_form() {
    let src = r#"
export { helper as default2, other } from './helpers'
export * from './all'
export * as ns from './ns'
export const handler = async () => new Response('ok')
export function named() {}
export class Worker extends WorkerEntrypoint { async fetch() { return new Response('x') } }
const local = 1
export { local as renamed }
export type { Foo } from './types'
export default { fetch: app.fetch, scheduled }
"#;
    let f = ts(src);
    let names: Vec<(&str, &ExportKind)> = f
        .exports
        .iter()
        .map(|e| (e.exported.as_str(), &e.kind))
        .collect();
    assert_eq!(names.len(), 9);
    assert!(
        matches!(names[0], ("default2", ExportKind::ReExport { source }) if source == "./helpers")
    );
    assert!(matches!(names[2], ("*", ExportKind::ReExportAll { .. })));
    assert!(matches!(names[3], ("ns", ExportKind::ReExportAll { .. })));
    let handler = f.exports.iter().find(|e| e.exported == "handler").unwrap();
    assert!(matches!(
        handler.value,
        ExportValue::Value(ValueRef::Function(_))
    ));
    let worker = f.exports.iter().find(|e| e.exported == "Worker").unwrap();
    let ExportValue::Class(class) = &worker.value else {
        panic!()
    };
    assert_eq!(class.extends.as_deref(), Some("WorkerEntrypoint"));
    assert_eq!(class.methods[0].key, "fetch");
    let renamed = f.exports.iter().find(|e| e.exported == "renamed").unwrap();
    assert_eq!(renamed.local.as_deref(), Some("local"));
    let def = f.exports.iter().find(|e| e.exported == "default").unwrap();
    let ExportValue::Object(props) = &def.value else {
        panic!()
    };
    assert_eq!(props[0].value, ValueRef::Member("app.fetch".into()));
    assert_eq!(props[1].value, ValueRef::Identifier("scheduled".into()));
    let m = f
        .module_constants
        .iter()
        .find(|c| c.name == "local")
        .unwrap();
    assert!(m.literal_only && m.exported);
}

#[test]
fn anonymous_default_router_and_dynamic_imports() {
    let src = r#"
const lazy = await import('./lazy')
const legacy = require('./legacy')
export default new Hono()
  .get('/a', (c) => c.text('a'))
  .post('/b', (c) => c.text('b'))
"#;
    let f = ts(src);
    assert_eq!(f.routers.len(), 1);
    assert_eq!(f.routers[0].name, None);
    let def = f.exports.iter().find(|e| e.exported == "default").unwrap();
    assert_eq!(def.value, ExportValue::Value(ValueRef::Router(0)));
    assert_eq!(f.routes.len(), 2);
    assert_eq!(f.routes[0].path.text, "/a");
    assert_eq!(f.routes[0].instance, Some(0));
    let kinds: Vec<_> = f
        .imports
        .iter()
        .map(|i| (i.source.value.as_str(), i.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("./lazy", ImportKind::Dynamic),
            ("./legacy", ImportKind::Require)
        ]
    );
}

#[test]
fn jsx_decorators_and_top_level_await() {
    let tsx = r#"
import { Hono } from 'hono'
const app = new Hono()
const Page = ({ rows }: { rows: string[] }) => (
  <html><body>{rows.map((r) => <p>{r}</p>)}<pre>{`SELECT * FROM users WHERE id = ${id}`}</pre></body></html>
)
app.get('/', (c) => c.html(<Page rows={[]} />))
export default app
"#;
    let f = parse_as(tsx, "src/app.tsx");
    assert_eq!(f.routes.len(), 1);
    assert_eq!(f.sql_strings.len(), 1);
    assert_eq!(f.sql_strings[0].flows, vec![SqlFlow::Html]);
    assert!(f.sql_strings[0].only_descriptive());

    let jsx = "export const X = () => <div className=\"a\">{1}</div>\n";
    assert!(extract(jsx, "src/x.jsx").is_ok());

    let decorated = r#"
function Controller(path: string) { return (t: any) => t }
@Controller('/admin')
export class AdminController {
  @Get('/users') async list(@Query() q: string) { return [] }
}
const config = await loadConfig()
"#;
    let f = ts(decorated);
    assert!(f.functions_named("list").next().is_some());
    let mjs = "const data = await fetch('https://example.com/x');\nexport default data;\n";
    assert!(extract(mjs, "scripts/run.mjs").is_ok());
    let cjs = "const x = require('./x');\nmodule.exports = { fetch() {} };\n";
    assert!(extract(cjs, "worker.cjs").is_ok());
}

#[test]
fn syntax_errors_are_parse_failures() {
    let src = "const app = new Hono()\napp.get('/x', (c) => {\n";
    let err = extract(src, "src/index.ts").unwrap_err();
    assert!(!err.message.is_empty());
    assert!(err.span.start as usize <= src.len());

    let err = extract("let x = ;", "a.js").unwrap_err();
    assert_eq!(err.span.start, 8);
    // TypeScript in a .js file is an error; JSX in a .ts file too.
    assert!(extract("let x: number = 1", "a.js").is_err());
    assert!(extract("const a = <div />", "a.ts").is_err());
    assert!(extract("", "empty.ts").is_ok());
}

#[test]
fn guard_function_literals_for_ssrf_coverage() {
    let src = r#"
const PRIVATE_RANGES = [/^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^127\./]
export function isPublicUrl(raw: string): boolean {
  const host = new URL(raw).hostname
  if (host === 'localhost' || host === '169.254.169.254' || host === '[::1]') return false
  if (host.startsWith('::ffff:')) return false
  const [a, b] = host.split('.').map(Number)
  if (a === 10 || (a === 172 && b >= 16 && b <= 31)) return false
  return !PRIVATE_RANGES.some((re) => re.test(host))
}
"#;
    let f = ts(src);
    let guard = f.functions_named("isPublicUrl").next().unwrap();
    let strings: Vec<&str> = guard
        .literals
        .iter()
        .filter(|l| l.kind == LiteralKind::String)
        .map(|l| l.value.as_str())
        .collect();
    for want in ["localhost", "169.254.169.254", "[::1]", "::ffff:"] {
        assert!(strings.contains(&want), "{want} in {strings:?}");
    }
    let numbers: Vec<&str> = guard
        .literals
        .iter()
        .filter(|l| l.kind == LiteralKind::Number)
        .map(|l| l.value.as_str())
        .collect();
    assert!(numbers.contains(&"172") && numbers.contains(&"31"));
    assert!(guard.references.iter().any(|r| r == "PRIVATE_RANGES"));
    // The ranges live in a module constant: its literals are module scope's.
    let ranges = f
        .module_constants
        .iter()
        .find(|c| c.name == "PRIVATE_RANGES")
        .unwrap();
    let init = ranges.init_span.unwrap();
    let regexes: Vec<&str> = f.functions[MODULE_SCOPE]
        .literals
        .iter()
        .filter(|l| {
            l.kind == LiteralKind::Regex && init.start <= l.span.start && l.span.end <= init.end
        })
        .map(|l| l.value.as_str())
        .collect();
    assert_eq!(regexes.len(), 4);
    assert_eq!(regexes[0], "^10\\.");
}

#[test]
fn project_scan_routes_scripts_to_the_js_front() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("src/index.ts"),
        "import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.text(c.env.GREETING))\nexport default app\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/broken.ts"), "const = ;\n").unwrap();
    let project = crate::project::scan_with_sources(dir.path(), crate::config::Config::default());
    let js: Vec<_> = project
        .js_files()
        .map(|(_, f, facts)| (f.path.clone(), facts.routes.len()))
        .collect();
    assert_eq!(js, vec![("src/index.ts".to_string(), 1)]);
    let broken = project
        .files
        .iter()
        .find(|f| f.path == "src/broken.ts")
        .unwrap();
    assert!(broken.parse_failure.is_some());
}

#[test]
fn env_values_inside_compared_templates_are_env_comparisons() {
    let src = r#"
export function guard(c, env) {
  const auth = c.req.header('authorization')
  if (auth !== `Bearer ${env.API_TOKEN}`) return c.text('no', 401)
  const expected = `Bearer ${c.env.ADMIN_KEY}`
  if (auth === expected) return null
  if (auth === `${env.A}:${env.B}`) return null
}
"#;
    let f = ts(src);
    let got: Vec<(String, Option<String>, String)> = f
        .env_comparisons()
        .map(|(_, c)| {
            (
                c.env_name.clone(),
                c.via_alias.clone(),
                at(src, c.env_span).to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("API_TOKEN".to_string(), None, "env.API_TOKEN".to_string()),
            (
                "ADMIN_KEY".to_string(),
                Some("expected".to_string()),
                "c.env.ADMIN_KEY".to_string()
            ),
        ]
    );
}

#[test]
fn env_base_url_fixes_the_host_of_a_template() {
    let src = "app.get('/items/:id', async (c) => {\n  const res = await fetch(`${c.env.API_BASE}/items/${c.req.param('id')}`);\n  const raw = await fetch(`${c.env.API_BASE}${c.req.query('path')}`);\n  return res;\n});\n";
    let facts = ts(src);
    assert_eq!(facts.fetches[0].url, UrlSource::Env("API_BASE".into()));
    // No `/` after the base: the user controls what follows the host.
    assert!(matches!(
        facts.fetches[1].url,
        UrlSource::RequestInput { .. }
    ));
}

#[test]
fn compaction_drops_only_builtin_calls_no_rule_can_look_for() {
    let src = r#"
import { json } from 'itty-router'
const allowedHosts = ['api.example.com']
function trim(x) { return x }
export function handler(items, url) {
  items.push(1)
  url.toLowerCase()
  json({ ok: true })
  items.trim()
  allowedHosts.includes(url)
  trustedHosts.has(url)
  items.sort((a, b) => a.localeCompare(b))
  c.env.DB.prepare('SELECT 1').first()
}
"#;
    let facts = ts(src).compact(|callee| callee.contains("trusted"));
    let handler = facts.functions_named("handler").next().unwrap();
    let callees: Vec<&str> = handler.calls.iter().map(|c| c.callee.as_str()).collect();
    // Built-ins on values the file does not name are gone; an imported or
    // same-file name, a module constant receiver, a callee a rule asks for,
    // and non-built-ins stay.
    assert_eq!(
        callees,
        [
            "json",
            "items.trim",
            "allowedHosts.includes",
            "trustedHosts.has",
            "c.env.DB.prepare().first",
            "c.env.DB.prepare",
        ]
    );
}

#[test]
fn builtin_calls_are_sorted_for_binary_search() {
    assert!(BUILTIN_CALLS.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn request_input_is_followed_through_calls_members_and_numbers() {
    let src = r#"
app.get('/p', async (c) => {
  const params = Object.fromEntries(new URL(c.req.url).searchParams)
  await fetch(params)
  const trimmed = c.req.query('u').trim()
  await fetch(trimmed)
  await fetch(encodeURIComponent(c.req.param('p')))
  const port = Number(c.req.query('port'))
  await fetch(port)
  await fetch(Math.max(c.req.query('n'), 1))
  await fetch(c.req.raw.headers.get('x-target'))
})
export default {
  async fetch(request) {
    await fetch(request.query)
    await fetch(request['content'])
  },
}
"#;
    let f = ts(src);
    let kinds: Vec<Option<InputKind>> = f
        .fetches
        .iter()
        .map(|fx| match fx.url {
            UrlSource::RequestInput { kind, .. } => Some(kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            Some(InputKind::Query),
            Some(InputKind::Query),
            Some(InputKind::Param),
            None,
            None,
            Some(InputKind::Header),
            Some(InputKind::Query),
            Some(InputKind::Body),
        ]
    );
}

#[test]
fn env_reads_know_optional_and_written_uses() {
    let src = r#"
export default {
  async fetch(req: Request, env: Env, c: any) {
    const a = env.WITH_DEFAULT ?? 'x';
    const b = env.OR_DEFAULT || 10;
    const n = env.TERNARY ? Number(env.TERNARY) : 5;
    if (env.GUARDED) { console.log('on'); }
    const on = env.FLAG === 'true';
    const { DESTRUCTURED = 'd', PLAIN_KEY } = env;
    c.env.WRITTEN = 1;
    return new Response(env.API_TOKEN + a + b + n + on + DESTRUCTURED + PLAIN_KEY);
  }
}
interface Env { API_TOKEN: string; OPTIONAL_KNOB?: string; DB: D1Database }
type Bindings = { SECRET: string };
interface ProcessEnv { NODE_ONLY: string }
"#;
    let f = ts(src);
    let mut modes: Vec<(String, EnvReadMode)> = f
        .env_reads()
        .map(|(_, r)| (r.name.clone(), r.mode))
        .collect();
    modes.sort_by(|a, b| a.0.cmp(&b.0));
    modes.dedup();
    let (o, w, r) = (
        EnvReadMode::Optional,
        EnvReadMode::Written,
        EnvReadMode::Required,
    );
    let want: Vec<(String, EnvReadMode)> = [
        ("API_TOKEN", r),
        ("DESTRUCTURED", o),
        ("FLAG", o),
        ("GUARDED", o),
        ("OR_DEFAULT", o),
        ("PLAIN_KEY", r),
        ("TERNARY", o),
        ("TERNARY", r),
        ("WITH_DEFAULT", o),
        ("WRITTEN", w),
    ]
    .into_iter()
    .map(|(n, m)| (n.to_string(), m))
    .collect();
    assert_eq!(modes, want);
    let members: Vec<(&str, bool)> = f
        .env_type_members
        .iter()
        .map(|m| (m.name.as_str(), m.optional))
        .collect();
    assert_eq!(
        members,
        [
            ("API_TOKEN", false),
            ("OPTIONAL_KNOB", true),
            ("DB", false),
            ("SECRET", false)
        ]
    );
    assert!(!f.wrangler_types);
    let generated =
        ts("// Generated by Wrangler by running `wrangler types`\ninterface Env { X: string }\n");
    assert!(generated.wrangler_types);
}
