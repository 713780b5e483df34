//! Synthetic monorepos of realistic Workers projects: each app has a
//! wrangler config (TOML or JSONC, with envs and bindings), a Hono Worker
//! with routes, SQL, CORS and cookies, env templates, scripts and a
//! package.json; the repository has CI and deploy workflows. About one app
//! in seven carries a deliberate problem, so the rules have work to do.

use std::fmt::Write as _;
use std::path::Path;

/// Files per generated app (keep in sync with `write_app`).
const FILES_PER_APP: usize = 20;

pub fn generate(root: &Path, files: usize) {
    if root.exists() {
        std::fs::remove_dir_all(root).expect("clear old corpus");
    }
    let apps = (files / FILES_PER_APP).max(1);
    for app in 0..apps {
        write_app(&root.join(format!("apps/app-{app:05}")), app);
    }
    let mut written = apps * FILES_PER_APP;
    let mut i = 0;
    while written < files {
        write(
            root,
            &format!(".github/workflows/deploy-{i:05}.yml"),
            &workflow(i),
        );
        written += 1;
        i += 1;
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    std::fs::write(path, text).expect("write corpus file");
}

fn write_app(dir: &Path, n: usize) {
    let flawed = n % 7 == 3;
    if n.is_multiple_of(3) {
        write(dir, "wrangler.jsonc", &wrangler_jsonc(n, flawed));
    } else {
        write(dir, "wrangler.toml", &wrangler_toml(n, flawed));
    }
    write(dir, "package.json", &package_json(n));
    write(dir, ".dev.vars.example", DEV_VARS_EXAMPLE);
    write(dir, "scripts/deploy.sh", &deploy_script(flawed));
    write(dir, "prisma/schema.prisma", PRISMA);
    write(dir, "src/index.ts", &index_ts(n));
    for r in 0..10 {
        write(
            dir,
            &format!("src/routes/route{r}.ts"),
            &route_ts(n, r, flawed && r == 4),
        );
    }
    for u in 0..3 {
        write(dir, &format!("src/lib/util{u}.ts"), &util_ts(u));
    }
    write(
        dir,
        "README.md",
        &format!("# app {n}\n\nA Worker. Deploy with `npm run deploy`.\n"),
    );
}

fn wrangler_toml(n: usize, flawed: bool) -> String {
    let mut s = format!(
        "name = \"app-{n}\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-01-01\"\n\n[vars]\nENVIRONMENT = \"production\"\nCOMPILER_VERSION = \"0.{n}.0\"\nTURNSTILE_SITE_KEY = \"0x4AAAAAACMKiPZdJh8I8IEM\"\n"
    );
    if flawed {
        s.push_str("ADMIN_KEY = \"\"\n");
    }
    let _ = write!(
        s,
        "\n[[hyperdrive]]\nbinding = \"HYPERDRIVE\"\nid = \"{n:032x}\"\n\n[[d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"app-{n}\"\ndatabase_id = \"00000000-0000-4000-8000-{n:012}\"\n\n[[kv_namespaces]]\nbinding = \"CACHE\"\nid = \"{n:032x}\"\n\n[[ratelimits]]\nname = \"RATE_LIMITER\"\nnamespace_id = \"{n}\"\nsimple = {{ limit = 100, period = 60 }}\n\n[env.production]\nname = \"app-{n}-prod\"\n\n[env.production.vars]\nENVIRONMENT = \"production\"\nCOMPILER_VERSION = \"0.{n}.0\"\nTURNSTILE_SITE_KEY = \"0x4AAAAAACMKiPZdJh8I8IEM\"\n\n[[env.production.hyperdrive]]\nbinding = \"HYPERDRIVE\"\nid = \"{n:032x}\"\n\n[[env.production.d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"app-{n}\"\ndatabase_id = \"00000000-0000-4000-8000-{n:012}\"\n\n[[env.production.kv_namespaces]]\nbinding = \"CACHE\"\nid = \"{n:032x}\"\n\n[[env.production.ratelimits]]\nname = \"RATE_LIMITER\"\nnamespace_id = \"{n}\"\nsimple = {{ limit = 100, period = 60 }}\n\n[env.dev.vars]\nENVIRONMENT = \"development\"\nTURNSTILE_SITE_KEY = \"1x00000000000000000000AA\"\n"
    );
    s
}

fn wrangler_jsonc(n: usize, flawed: bool) -> String {
    let extra = if flawed {
        "\n    \"CLERK_SECRET_KEY\": \"\","
    } else {
        ""
    };
    format!(
        r#"// Worker {n}
{{
  "name": "app-{n}",
  "main": "src/index.ts",
  "compatibility_date": "2025-01-01",
  "vars": {{
    "ENVIRONMENT": "production",
    "TURNSTILE_SITE_KEY": "0x4AAAAAACMKiPZdJh8I8IEM",{extra}
  }},
  "hyperdrive": [{{ "binding": "HYPERDRIVE", "id": "{n:032x}" }}],
  "d1_databases": [{{ "binding": "DB", "database_name": "app-{n}", "database_id": "{n:032x}" }}],
  "ratelimits": [{{ "name": "RATE_LIMITER", "namespace_id": "{n}", "simple": {{ "limit": 100, "period": 60 }} }}],
  "env": {{
    "dev": {{
      "vars": {{ "ENVIRONMENT": "development", "TURNSTILE_SITE_KEY": "1x00000000000000000000AA" }},
    }},
  }},
}}
"#
    )
}

fn package_json(n: usize) -> String {
    format!(
        r#"{{
  "name": "app-{n}",
  "private": true,
  "scripts": {{
    "dev": "wrangler dev",
    "deploy": "wrangler deploy --env production",
    "db:migrate": "prisma migrate deploy",
    "typecheck": "tsc --noEmit",
    "test": "vitest run"
  }},
  "dependencies": {{ "hono": "^4.6.0", "better-auth": "^1.2.0" }},
  "devDependencies": {{ "wrangler": "^4.0.0", "prisma": "^6.0.0", "typescript": "^5.6.0" }}
}}
"#
    )
}

const DEV_VARS_EXAMPLE: &str = "# Copy to .dev.vars and fill in\nBETTER_AUTH_SECRET=\"local-dev-secret-change-in-production\"\nBETTER_AUTH_URL=\"http://localhost:8787\"\nTURNSTILE_SITE_KEY=\"1x00000000000000000000AA\"\nTURNSTILE_SECRET_KEY=\"1x0000000000000000000000000000000AA\"\nCORS_ALLOWED_ORIGINS=\"http://localhost:4200,http://localhost:8787\"\nCLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE=\"postgresql://<user>:<password>@<branch-host>.neon.tech/<dbname>?sslmode=require\"\nCLERK_SECRET_KEY=\"sk_test_...\"\n";

fn deploy_script(flawed: bool) -> String {
    let mut s = String::from(
        "#!/usr/bin/env bash\nset -euo pipefail\n\nNEW_SECRET=$(openssl rand -base64 32)\necho \"$NEW_SECRET\" | npx wrangler secret put BETTER_AUTH_SECRET --env production\nopenssl rand -base64 48 | npx wrangler secret put ADMIN_KEY --env production\n",
    );
    if flawed {
        s.push_str("echo \"short-secret\" | npx wrangler secret put BETTER_AUTH_SECRET\n");
    }
    s.push_str("npx wrangler deploy --env production\n");
    s
}

const PRISMA: &str = "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider  = \"postgresql\"\n  url       = env(\"DATABASE_URL\")\n  directUrl = env(\"DIRECT_DATABASE_URL\")\n}\n\nmodel User {\n  id    String @id\n  email String @unique\n}\n";

fn index_ts(n: usize) -> String {
    let mut s = String::from(
        "import { Hono } from 'hono';\nimport { cors } from 'hono/cors';\nimport { setCookie } from 'hono/cookie';\n",
    );
    for r in 0..10 {
        let _ = writeln!(s, "import {{ route{r} }} from './routes/route{r}';");
    }
    let _ = write!(
        s,
        "\ntype Env = {{ DB: D1Database; CORS_ALLOWED_ORIGINS: string; ADMIN_KEY: string; TURNSTILE_SECRET_KEY: string }};\n\nconst app = new Hono<{{ Bindings: Env }}>();\n\napp.use('*', async (c, next) => {{\n  const allowed = c.env.CORS_ALLOWED_ORIGINS.split(',');\n  return cors({{ origin: (o) => (allowed.includes(o) ? o : null), credentials: true }})(c, next);\n}});\n\napp.get('/health', (c) => c.json({{ ok: true, app: {n} }}));\n\napp.post('/session', async (c) => {{\n  setCookie(c, 'session', crypto.randomUUID(), {{ httpOnly: true, secure: true, sameSite: 'Lax' }});\n  return c.json({{ ok: true }});\n}});\n\n"
    );
    for r in 0..10 {
        let _ = writeln!(s, "app.route('/api/r{r}', route{r});");
    }
    s.push_str("\nexport default app;\n");
    s
}

fn route_ts(n: usize, r: usize, flawed: bool) -> String {
    let query = if flawed {
        "const rows = await c.env.DB.prepare(`SELECT * FROM items WHERE owner = '${owner}'`).all();"
    } else {
        "const rows = await c.env.DB.prepare('SELECT * FROM items WHERE owner = ?1').bind(owner).all();"
    };
    let mut s = format!(
        "import {{ Hono }} from 'hono';\nimport {{ verifyTurnstile }} from '../lib/util0';\n\ntype Env = {{ DB: D1Database; TURNSTILE_SECRET_KEY: string }};\n\nexport const route{r} = new Hono<{{ Bindings: Env }}>();\n\nroute{r}.get('/', async (c) => {{\n  const owner = c.req.query('owner') ?? 'nobody';\n  {query}\n  return c.json({{ rows: rows.results, app: {n} }});\n}});\n\nroute{r}.post('/', async (c) => {{\n  const body = await c.req.json<{{ token: string; name: string }}>();\n  const ok = await verifyTurnstile(body.token, c.env.TURNSTILE_SECRET_KEY);\n  if (!ok) return c.json({{ error: 'captcha' }}, 403);\n  await c.env.DB.prepare('INSERT INTO items (name) VALUES (?1)').bind(body.name).run();\n  return c.json({{ ok: true }}, 201);\n}});\n"
    );
    // Pad to a realistic module size with typed helpers.
    for h in 0..8 {
        let _ = write!(
            s,
            "\nexport function helper{r}_{h}(input: string[], limit = {h}): string[] {{\n  const out: string[] = [];\n  for (const item of input) {{\n    if (item.length > limit && !item.startsWith('#')) {{\n      out.push(item.trim().toLowerCase());\n    }}\n  }}\n  return out.sort((a, b) => a.localeCompare(b));\n}}\n"
        );
    }
    s
}

fn util_ts(u: usize) -> String {
    let mut s = String::from(
        "export async function verifyTurnstile(token: string, secret: string): Promise<boolean> {\n  const form = new FormData();\n  form.append('secret', secret);\n  form.append('response', token);\n  const res = await fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify', { method: 'POST', body: form });\n  const data = (await res.json()) as { success: boolean };\n  return data.success;\n}\n",
    );
    for h in 0..6 {
        let _ = write!(
            s,
            "\nexport const format{u}_{h} = (value: number, digits = {h}): string =>\n  new Intl.NumberFormat('en-US', {{ maximumFractionDigits: digits }}).format(value);\n"
        );
    }
    s
}

fn workflow(i: usize) -> String {
    format!(
        "name: deploy {i}\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n  deploy:\n    needs: test\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: actions/checkout@v4\n      - uses: cloudflare/wrangler-action@v3\n        with:\n          apiToken: ${{{{ secrets.CLOUDFLARE_API_TOKEN }}}}\n          command: deploy --env production\n"
    )
}
