use super::extract;
use crate::formats::js::{
    CorsOrigin, Flag, Framework, FunctionKind, JsFacts, PathKind, SafeReason, SqlClass, SqlFlow,
    SqlStringKind, UnsafeReason, ValueRef,
};
use crate::span::Span;

fn facts(src: &str) -> JsFacts {
    match extract(src) {
        Ok(f) => f,
        Err(e) => panic!("parse failed: {e:?}"),
    }
}

fn text(src: &str, span: Span) -> &str {
    &src[span.range()]
}

#[test]
fn env_reads_on_env_and_context() {
    let src = r#"
use worker::*;

#[event(fetch)]
async fn main(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let key = env.secret("API_KEY")?.to_string();
    let v = env.var("MODE")?;
    let db = env.d1("DB")?;
    let kv = env.kv("CACHE")?;
    let ns = env.durable_object("ROOMS")?;
    let b = env.bucket("FILES")?;
    let s = env.service("AUTH")?;
    let q = env.queue("JOBS")?;
    Router::new()
        .get_async("/x", |_req, ctx| async move {
            let t = ctx.secret("TOKEN")?;
            let u = ctx.env.secret("OTHER")?;
            Response::ok("x")
        })
        .run(req, env)
        .await
}

fn helper(e: &Env) -> String {
    e.var("FROM_TYPED").unwrap().to_string()
}

fn not_env(map: &Map) { map.var("NOPE"); }
"#;
    let f = facts(src);
    let names: Vec<(String, String)> = f
        .env_reads()
        .map(|(_, r)| (r.name.clone(), r.base.clone()))
        .collect();
    let just: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        just,
        [
            "API_KEY",
            "MODE",
            "DB",
            "CACHE",
            "ROOMS",
            "FILES",
            "AUTH",
            "JOBS",
            "TOKEN",
            "OTHER",
            "FROM_TYPED"
        ]
    );
    assert!(names.contains(&("OTHER".to_string(), "ctx.env".to_string())));
    let (_, first) = f.env_reads().next().unwrap();
    assert_eq!(text(src, first.span), "\"API_KEY\"");
    assert_eq!(text(src, first.expr_span), "env.secret(\"API_KEY\")");
    // The closure's reads belong to the closure, nested in `main`.
    let (func, token) = f.env_reads().find(|(_, r)| r.name == "TOKEN").unwrap();
    assert_eq!(func.kind, FunctionKind::Arrow);
    assert!(func.is_async);
    assert_eq!(
        f.functions[func.parent.unwrap()].name.as_deref(),
        Some("main")
    );
    assert_eq!(text(src, token.span), "\"TOKEN\"");
    // `#[event(fetch)]` is the Worker's fetch export.
    assert_eq!(f.exports[0].exported, "fetch");
    assert_eq!(f.exports[0].local.as_deref(), Some("main"));
    assert!(f.imports_from("worker"));
}

#[test]
fn env_read_inside_macro_and_multibyte_spans() {
    let src = "fn f(env: Env) {\n    let s = \"é中\"; console_log!(\"{} {}\", s, env.var(\"ÉTAT_X\").unwrap());\n}\n";
    let f = facts(src);
    let (_, r) = f.env_reads().next().unwrap();
    assert_eq!(r.name, "ÉTAT_X");
    assert_eq!(text(src, r.span), "\"ÉTAT_X\"");
}

fn sink_classes(src: &str) -> Vec<SqlClass> {
    facts(src).sql_sinks.into_iter().map(|s| s.class).collect()
}

#[test]
fn sql_literals_and_concat_are_safe() {
    let src = r#"
const COLS: &str = "id, name";
async fn f(env: Env, id: i64) -> Result<()> {
    let db = env.d1("DB")?;
    db.prepare("SELECT * FROM users WHERE id = ?1").bind(&[id.into()])?;
    db.prepare(concat!("SELECT ", "id FROM t")).all().await?;
    db.exec("DELETE FROM t").await?;
    let q = "SELECT 1";
    db.prepare(q);
    db.prepare(&format!("SELECT {} FROM users LIMIT {}", COLS, id));
    db.prepare(&format!("SELECT * FROM t WHERE a = ?{}", idx));
    sqlx::query("SELECT 1").execute(&pool).await?;
    Ok(())
}
"#;
    let classes = sink_classes(src);
    assert_eq!(
        classes[..7],
        [
            SqlClass::Safe(SafeReason::Literal),
            SqlClass::Safe(SafeReason::ConstantParts),
            SqlClass::Safe(SafeReason::Literal),
            SqlClass::Safe(SafeReason::LocalBinding),
            SqlClass::Safe(SafeReason::ConstantParts),
            SqlClass::Safe(SafeReason::ConstantParts),
            SqlClass::Safe(SafeReason::Literal),
        ]
    );
    assert!(classes.iter().all(|c| !c.is_unsafe()));
    assert!(facts(src).sql_strings.is_empty());
}

#[test]
fn sql_format_with_variables_is_unsafe() {
    let src = r#"
async fn f(env: Env, name: String) -> Result<()> {
    let db = env.d1("DB")?;
    db.prepare(&format!("SELECT * FROM users WHERE name = '{}'", name));
    db.prepare(format!("SELECT * FROM users WHERE name = '{name}'"));
    let q = format!("DELETE FROM t WHERE id = {}", name);
    db.prepare(&q).run().await?;
    let r = "SELECT * FROM t WHERE n = '".to_string() + &name + "'";
    db.exec(&r);
    sqlx::query(&format!("SELECT * FROM t WHERE a = {}", name));
    client.query(&("SELECT * FROM t WHERE a = ".to_owned() + &name), &[]).await?;
    Ok(())
}
"#;
    let f = facts(src);
    let sinks = &f.sql_sinks;
    assert_eq!(sinks.len(), 6, "{sinks:#?}");
    let unsafe_at: Vec<(UnsafeReason, &str, Option<&str>)> = sinks
        .iter()
        .filter_map(|s| match &s.class {
            SqlClass::Unsafe {
                reason,
                span,
                via_binding,
                ..
            } => Some((*reason, text(src, *span), via_binding.as_deref())),
            _ => None,
        })
        .collect();
    assert_eq!(
        unsafe_at,
        [
            (UnsafeReason::Interpolation, "name", None),
            (UnsafeReason::Interpolation, "name", None),
            (UnsafeReason::Interpolation, "name", Some("q")),
            (UnsafeReason::Concatenation, "&name", Some("r")),
            (UnsafeReason::Interpolation, "name", None),
            (UnsafeReason::Concatenation, "&name", None),
        ]
    );
    // `.run()` is not a sink; `sqlx::query` is, with method `query`.
    assert_eq!(sinks[4].method, "query");
    assert_eq!(sinks[4].callee, "sqlx::query");
    assert_eq!(
        text(src, sinks[0].arg_span),
        "&format!(\"SELECT * FROM users WHERE name = '{}'\", name)"
    );
    // The inline capture points inside the literal.
    if let SqlClass::Unsafe { span, .. } = &sinks[1].class {
        assert_eq!(
            &src[span.start as usize - 1..span.end as usize + 1],
            "{name}"
        );
    }
    // DB004's view: SQL strings and where they flow.
    let strings: Vec<(SqlStringKind, Vec<SqlFlow>)> = f
        .sql_strings
        .iter()
        .map(|s| (s.kind, s.flows.clone()))
        .collect();
    assert_eq!(
        strings,
        [
            (SqlStringKind::Template, vec![SqlFlow::Sink]),
            (SqlStringKind::Template, vec![SqlFlow::Sink]),
            (SqlStringKind::Template, vec![SqlFlow::Sink]),
            (SqlStringKind::Concatenation, vec![SqlFlow::Sink]),
            (SqlStringKind::Template, vec![SqlFlow::Sink]),
            (SqlStringKind::Concatenation, vec![SqlFlow::Sink]),
        ]
    );
}

#[test]
fn sql_unknown_and_mutable_bindings() {
    let src = r#"
fn f(db: D1Database, q: String) {
    db.prepare(&q);
    let mut s = String::from("SELECT * FROM t");
    s.push_str(&extra);
    db.prepare(&s);
}
"#;
    let classes = sink_classes(src);
    assert!(matches!(classes[0], SqlClass::Unknown { .. }));
    assert!(matches!(classes[1], SqlClass::Unknown { .. }));
}

#[test]
fn sql_text_to_logs_is_descriptive() {
    let src = r#"
fn f(id: String) {
    let q = format!("SELECT * FROM t WHERE id = {}", id);
    console_log!("{}", q);
    println!("{}", format!("DELETE FROM t WHERE x = {}", id));
}
"#;
    let f = facts(src);
    assert_eq!(f.sql_strings.len(), 2);
    assert!(
        f.sql_strings.iter().all(|s| s.only_descriptive()),
        "{:#?}",
        f.sql_strings
    );
}

#[test]
fn cors_wildcard_and_lists() {
    let src = r#"
fn cors() -> Cors {
    Cors::new().with_origins(vec!["*"]).with_methods(vec![Method::Get]).with_credentials(true)
}
fn cors2() -> Cors {
    Cors::default().with_origins(["https://a.example.com", "*"])
}
fn cors3() -> Cors {
    Cors::default().with_origins(vec!["https://a.example.com"]).with_max_age(86400)
}
fn cors4() -> Cors {
    Cors::new().with_methods(vec![Method::Get])
}
"#;
    let f = facts(src);
    assert_eq!(f.cors.len(), 3);
    assert_eq!(f.cors[0].origin, CorsOrigin::Literal("*".into()));
    assert_eq!(text(src, f.cors[0].origin_span), "\"*\"");
    assert_eq!(f.cors[0].credentials.map(|c| c.value), Some(Flag::True));
    assert!(text(src, f.cors[0].span).starts_with("Cors::new()"));
    assert_eq!(f.cors[1].origin, CorsOrigin::Literal("*".into()));
    assert_eq!(text(src, f.cors[1].origin_span), "\"*\"");
    assert!(
        matches!(&f.cors[2].origin, CorsOrigin::List { entries, has_dynamic: false } if entries.len() == 1)
    );
}

#[test]
fn routes_from_router_chains() {
    let src = r#"
async fn main(req: Request, env: Env) -> Result<Response> {
    let router = Router::new();
    router
        .get("/", |_, _| Response::ok("hi"))
        .post_async("/compile", compile)
        .on_async("/admin/:x", |req, ctx| async move { Response::ok("a") })
        .run(req, env)
        .await
}
async fn compile(req: Request, ctx: RouteContext<()>) -> Result<Response> { Response::ok("") }
"#;
    let f = facts(src);
    let routes: Vec<(Vec<String>, String)> = f
        .routes
        .iter()
        .map(|r| (r.methods.clone(), r.path.text.to_string()))
        .collect();
    assert_eq!(
        routes,
        [
            (vec!["GET".to_string()], "/".to_string()),
            (vec!["POST".to_string()], "/compile".to_string()),
            (vec!["ALL".to_string()], "/admin/:x".to_string()),
        ]
    );
    let r = &f.routes[1];
    assert_eq!(r.framework, Framework::Unknown);
    assert_eq!(r.path.kind, PathKind::Literal);
    assert_eq!(r.receiver.as_deref(), Some("router"));
    assert_eq!(r.handlers[0].value, ValueRef::Identifier("compile".into()));
    assert_eq!(text(src, r.span), "post_async(\"/compile\", compile)");
    let ValueRef::Function(id) = f.routes[2].handlers[0].value else {
        panic!("closure handler");
    };
    assert_eq!(f.functions[id].kind, FunctionKind::Arrow);
    assert!(f.functions[id].is_async);
    // A HashMap `get` is not a route.
    let g = facts("fn f(m: HashMap<String, String>) { m.get(\"/x\"); }");
    assert!(g.routes.is_empty());
}

#[test]
fn header_writes_and_comparisons() {
    let src = r#"
fn f(env: &Env, token: &str) -> Result<Response> {
    let mut headers = Headers::new();
    headers.set("Access-Control-Allow-Origin", "*")?;
    let admin = env.secret("ADMIN_KEY")?.to_string();
    if token != admin { return Response::error("no", 401); }
    if env.var("MODE")?.to_string() == "dev" {}
    Ok(Response::empty()?.with_headers(headers))
}
"#;
    let f = facts(src);
    assert_eq!(f.header_writes.len(), 1);
    assert_eq!(f.header_writes[0].name, "Access-Control-Allow-Origin");
    let cmps: Vec<(String, Option<String>)> = f
        .env_comparisons()
        .map(|(_, c)| (c.env_name.clone(), c.via_alias.clone()))
        .collect();
    assert_eq!(
        cmps,
        [
            ("ADMIN_KEY".to_string(), Some("admin".to_string())),
            ("MODE".to_string(), None)
        ]
    );
}

#[test]
fn secrets_through_unwrap_or_bail_shapes() {
    let src = r#"
fn f(env: &Env, token: &str) -> Result<Response> {
    let a = match env.var("A_TOKEN") { Ok(v) => v.to_string(), Err(_) => return Response::error("x", 500) };
    if token != a {}
    let Ok(b) = env.secret("B_TOKEN") else { return Response::error("x", 500); };
    if token == b.to_string() {}
    let c = match env.var("C_TOKEN") { Ok(_) => true, Err(_) => false };
    if c != true {}
    let d = match env.var("D_TOKEN") { Ok(v) => v.to_string(), Err(_) => String::new() };
    if token != d {}
    Response::empty()
}
"#;
    let f = facts(src);
    let names: Vec<String> = f
        .env_comparisons()
        .map(|(_, c)| c.env_name.clone())
        .collect();
    assert_eq!(names, ["A_TOKEN", "B_TOKEN"]);
}

#[test]
fn functions_methods_and_calls() {
    let src = r#"
struct S;
impl S {
    async fn handle(&self, x: u32) { verify_turnstile(x).await; }
}
"#;
    let f = facts(src);
    let m = f.functions_named("handle").next().unwrap();
    assert_eq!(m.kind, FunctionKind::Method);
    assert_eq!(m.class_name(), Some("S"));
    assert!(m.calls_matching(|c| c == "verify_turnstile"));
}

#[test]
fn syntax_error_is_a_parse_failure_at_its_span() {
    let src = "fn main() {\n    let x = ;\n}\n";
    let err = extract(src).unwrap_err();
    assert_eq!(&src[err.span.range()], ";");
    assert!(!err.message.is_empty());
}

#[test]
fn bom_and_shebang_keep_offsets() {
    let src = "\u{feff}#!/usr/bin/env run\nfn f(env: Env) { env.secret(\"K\"); }\n";
    let f = facts(src);
    let (_, r) = f.env_reads().next().unwrap();
    assert_eq!(text(src, r.span), "\"K\"");
    let src2 = "#![allow(dead_code)]\nfn f(env: Env) { env.secret(\"K\"); }\n";
    let f = facts(src2);
    let (_, r) = f.env_reads().next().unwrap();
    assert_eq!(text(src2, r.span), "\"K\"");
}

#[test]
fn odd_tokens_in_prescan() {
    let src = r####"
fn f<'a>(x: &'a str) -> char {
    let _r = r#"((( "unbalanced" [[["#;
    let _b = br##"{{{"##;
    /* nested /* ((( */ ]]] */
    let _c = '(';
    let _d = '\'';
    let _e = b'[';
    'outer: loop { break 'outer; }
    '{'
}
"####;
    facts(src);
}

fn run_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn hostile_nesting_is_rejected_on_a_small_stack() {
    run_small_stack(|| {
        let n = 100_000;
        for (open, close) in [("(", ")"), ("[", "]"), ("{", "}")] {
            let src = format!(
                "fn f() {{ let x = {}1{}; }}",
                open.repeat(n),
                close.repeat(n)
            );
            assert!(extract(&src).is_err());
        }
        let cases = [
            format!("fn f() {{ let x = {}y; }}", "!".repeat(n)),
            format!("fn f() {{ let x = {}y; }}", "-".repeat(n)),
            format!("fn f() {{ let x = {}y; }}", "&".repeat(n)),
            format!("fn f() {{ let x = {}1; }}", "|| ".repeat(n)),
            format!("fn f() {{ let x = y{}; }}", " + y".repeat(n)),
            format!("fn f() {{ let x = y{}; }}", ".m()".repeat(n)),
            format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(n)),
            format!("type T = {}u8{};", "Vec<".repeat(n), ">".repeat(n)),
            format!("fn f() {{ {} }}", "return ".repeat(n)),
        ];
        for src in &cases {
            assert!(extract(src).is_err(), "{}", &src[..40]);
        }
    });
}

#[test]
fn deep_but_allowed_nesting_parses_on_the_parse_stack() {
    // The engine parses on 64 MiB stacks; what passes the pre-scan must fit.
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(|| {
            let n = 950;
            let cases = [
                format!("fn f() {{ let x = {}1{}; }}", "(".repeat(n), ")".repeat(n)),
                format!("fn f() {{ let x = {}y; }}", "!".repeat(n)),
                format!("fn f() {{ let x = {}1; }}", "|| ".repeat(n / 2)),
                format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(n / 3)),
                format!("type T = {}u8{};", "Vec<".repeat(n / 2), ">".repeat(n / 2)),
                format!("fn f() {{ let x = y{}; }}", ".m()".repeat(n / 2)),
            ];
            for src in &cases {
                let _ = extract(src);
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn garbage_never_panics() {
    for src in [
        "",
        "\u{feff}",
        "#!",
        "fn",
        "fn f() { format!(",
        "fn f() { format!(\"{\", x); db.prepare(format!(\"{}\")); }",
        "fn f() { db.prepare(format!(\"SELECT {}\", )); Cors::new().with_origins(); }",
        "fn f() { Router::new().get().post(\"/x\"); }",
        "'",
        "r#\"",
        "/* /* */",
        "\"\\",
        "fn f() { let x = 'a; }",
    ] {
        let _ = extract(src);
    }
}

#[test]
fn placeholder_lists_are_constant() {
    let src = r#"
fn f(db: D1Database, ids: Vec<i64>, names: Vec<String>) {
    let marks: Vec<String> = ids.iter().enumerate().map(|(i, _)| format!("?{}", i + 1)).collect();
    db.prepare(&format!("SELECT id FROM t WHERE id IN ({})", marks.join(", ")));
    db.prepare(&format!("SELECT id FROM t WHERE id IN ({})", ids.iter().map(|_| "?").collect::<Vec<_>>().join(",")));
    db.prepare(&format!("SELECT id FROM t WHERE id IN ({})", vec!["?"; ids.len()].join(",")));
    let bad: Vec<String> = names.iter().map(|n| format!("'{}'", n)).collect();
    db.prepare(&format!("SELECT id FROM t WHERE name IN ({})", bad.join(",")));
}
"#;
    let classes = sink_classes(src);
    assert!(
        classes[..3].iter().all(|c| matches!(c, SqlClass::Safe(_))),
        "{classes:?}"
    );
    assert!(classes[3].is_unsafe());
}

#[test]
fn unit_tests_are_skipped() {
    let src = r#"
fn f(env: Env) { env.secret("REAL"); }
#[cfg(test)]
mod tests {
    fn t(env: Env) { env.secret("TEST_ONLY"); }
}
#[test]
fn t2(env: Env) { env.secret("TEST_TOO"); }
"#;
    let names: Vec<String> = facts(src)
        .env_reads()
        .map(|(_, r)| r.name.clone())
        .collect();
    assert_eq!(names, ["REAL"]);
}
