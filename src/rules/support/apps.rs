//! The request-handling code of a framework app or Pages project: a Worker
//! whose wrangler `main` is not a scanned file (build output, an adapter's
//! package entry, a Pages project with no `main`) but whose source holds
//! the code that answers requests, and what that code does that abuse
//! aims at (sign-in, password and token endpoints; paid calls).
//!
//! Request-handling files: the file-based routes (`crate::project::routes`,
//! with their middleware files) and the server modules of frameworks whose
//! handlers are not routes there:
//!
//! | framework | files | exports |
//! |---|---|---|
//! | SvelteKit | `src/routes/**/+page.server.*`, `+layout.server.*` | `actions`, `load` |
//! | SvelteKit | `src/**/*.remote.*` (remote functions) | any |
//! | SvelteKit | `src/hooks.server.*` | `handle` |
//! | Astro | `src/actions/index.*`, `src/actions.*` | `server` |
//! | Remix / React Router | `app/routes/**`, `app/root.*` | `loader`, `action` |

use crate::finding::FileId;
use crate::formats::js::{Compared, Framework, JsFacts, UrlSource};
use crate::project::{Facts, Project, WorkerId};
use crate::span::Span;

/// A file that answers requests, at its first handler.
#[derive(Clone, Debug)]
pub struct RequestFile {
    pub file: FileId,
    pub span: Span,
    /// The route's URL path for a file-based route, else "".
    pub url_path: String,
}

/// The request-handling files of `worker` in the loaded batch, test files
/// excepted (one per file, in file order).
pub fn request_files(project: &Project, worker: WorkerId) -> Vec<RequestFile> {
    let mut out: Vec<RequestFile> = Vec::new();
    for r in project.routes() {
        if r.worker != worker || r.framework != Framework::Files {
            continue;
        }
        if out.iter().any(|f| f.file == r.file) {
            continue;
        }
        out.push(RequestFile {
            file: r.file,
            span: r.span,
            url_path: r.full_path.clone(),
        });
    }
    let dir = project.workers.get(worker).map_or("", |w| w.dir.as_str());
    for (id, file, facts) in super::sources::source_files(project) {
        if file.worker != Some(worker) || out.iter().any(|f| f.file == id) {
            continue;
        }
        let rel = relative(dir, &file.path);
        if let Some(span) = module_handler(rel, facts) {
            out.push(RequestFile {
                file: id,
                span,
                url_path: String::new(),
            });
        }
    }
    out.sort_by_key(|f| f.file);
    out
}

/// `path` relative to the Worker's directory.
pub fn relative<'a>(dir: &str, path: &'a str) -> &'a str {
    if dir.is_empty() {
        return path;
    }
    path.strip_prefix(dir)
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or(path)
}

/// The first handler export of a framework server module, by its path.
fn module_handler(path: &str, facts: &JsFacts) -> Option<Span> {
    let (dirs, name) = path.rsplit_once('/').unwrap_or(("", path));
    let stem = script_stem(name)?;
    let dirs: Vec<&str> = dirs.split('/').filter(|d| !d.is_empty()).collect();
    if dirs.iter().any(|d| EXCLUDED_DIRS.contains(d)) {
        return None;
    }
    let under = |seq: &[&str]| dirs.windows(seq.len()).any(|w| w == seq);
    let exports: &[&str] =
        if matches!(stem, "+page.server" | "+layout.server") && under(&["src", "routes"]) {
            &["actions", "load"]
        } else if stem.ends_with(".remote") && dirs.contains(&"src") {
            return facts.exports.first().map(|e| e.span);
        } else if stem == "hooks.server" && dirs.last() == Some(&"src") {
            &["handle"]
        } else if (stem == "index" && dirs.ends_with(&["src", "actions"]))
            || (stem == "actions" && dirs.last() == Some(&"src"))
        {
            &["server"]
        } else if under(&["app", "routes"]) || (stem == "root" && dirs.last() == Some(&"app")) {
            &["loader", "action"]
        } else {
            return None;
        };
    facts
        .exports
        .iter()
        .find(|e| exports.contains(&e.exported.as_str()))
        .map(|e| e.span)
}

/// Build output and dependencies: never source a framework reads.
const EXCLUDED_DIRS: &[&str] = &["node_modules", "dist", "build", ".svelte-kit", ".next"];

const SCRIPT_EXTS: &[&str] = &["ts", "js", "mjs", "mts", "tsx", "jsx"];

fn script_stem(name: &str) -> Option<&str> {
    let (stem, ext) = name.rsplit_once('.')?;
    (SCRIPT_EXTS.contains(&ext) && !stem.ends_with(".d")).then_some(stem)
}

// ---------------------------------------------------------------------------
// What the code does that abuse aims at
// ---------------------------------------------------------------------------

/// Why a project's endpoints are worth limiting.
#[derive(Clone, Debug)]
pub struct AbuseTarget {
    pub file: FileId,
    pub span: Span,
    /// What the code does, for a message: "serves an authentication
    /// endpoint (`/api/login`)".
    pub what: String,
}

/// Words of a path that name an authentication endpoint; a path is split
/// into lower-case words at every non-alphanumeric character and camelCase
/// boundary, and adjacent words are also tried joined (`sign-in`, `sendCode`).
const AUTH_WORDS: &[&str] = &[
    "auth",
    "oauth",
    "login",
    "signin",
    "signup",
    "register",
    "registration",
    "password",
    "passwd",
    "forgot",
    "token",
    "verify",
    "verification",
    "otp",
    "totp",
    "mfa",
    "magiclink",
    "sendcode",
    "session",
];

/// Packages that implement sign-in, sessions or token issuing (a prefix
/// ending in `/` names a scope).
const AUTH_PACKAGES: &[&str] = &[
    "better-auth",
    "@auth/",
    "next-auth",
    "lucia",
    "@lucia-auth/",
    "@openauthjs/",
    "jsonwebtoken",
    "@tsndr/cloudflare-worker-jwt",
    "bcrypt",
    "bcryptjs",
    "argon2",
    "@node-rs/argon2",
    "@node-rs/bcrypt",
];

/// Callee words of password hashing: a sign-in checks a password with one.
const PASSWORD_CALLEES: &[&str] = &["password", "bcrypt", "scrypt", "argon2", "pbkdf2"];

/// Packages whose calls cost money per request: model APIs, e-mail and SMS.
const PAID_PACKAGES: &[&str] = &[
    "openai",
    "@anthropic-ai/",
    "ai",
    "@ai-sdk/",
    "workers-ai-provider",
    "@google/generative-ai",
    "@google/genai",
    "groq-sdk",
    "replicate",
    "@mistralai/",
    "cohere-ai",
    "resend",
    "@sendgrid/mail",
    "nodemailer",
    "postmark",
    "mailgun.js",
    "twilio",
    "@aws-sdk/client-ses",
    "@aws-sdk/client-sesv2",
    "worker-mailer",
];

/// wrangler binding kinds whose calls cost per request (Workers AI,
/// Browser Rendering, e-mail).
const PAID_BINDINGS: &[&str] = &["ai", "browser", "send_email"];

fn package_matches(list: &[&str], source: &str) -> bool {
    list.iter().any(|p| match p.strip_suffix('/') {
        Some(scope) => source.starts_with(p) || source == scope,
        None => source == *p || source.strip_prefix(p).is_some_and(|r| r.starts_with('/')),
    })
}

/// The lower-case words of a path, and each adjacent pair joined.
fn path_words(path: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in path.chars() {
        if !ch.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if ch.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
        cur.push(ch.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let pairs: Vec<String> = words
        .windows(2)
        .map(|w| format!("{}{}", w[0], w[1]))
        .collect();
    words.extend(pairs);
    words
}

/// The authentication word of a path, if any.
pub fn auth_word(path: &str) -> Option<&'static str> {
    let words = path_words(path);
    AUTH_WORDS
        .iter()
        .find(|w| words.iter().any(|x| x == *w))
        .copied()
}

/// The first sign of an authentication endpoint among the request files
/// (by path) and the Worker's source files (auth packages, Better Auth,
/// password hashing, a request value compared with a secret).
pub fn auth_target(
    project: &Project,
    worker: WorkerId,
    requests: &[RequestFile],
) -> Option<AbuseTarget> {
    let dir = project.workers.get(worker).map_or("", |w| w.dir.as_str());
    for r in requests {
        let path = relative(dir, &project.file(r.file).path);
        let word = auth_word(&r.url_path).or_else(|| auth_word(path));
        if word.is_some() {
            let shown = if r.url_path.is_empty() {
                path
            } else {
                &r.url_path
            };
            return Some(AbuseTarget {
                file: r.file,
                span: r.span,
                what: format!("serves an authentication endpoint (`{shown}`)"),
            });
        }
    }
    for (id, facts) in worker_sources(project, worker, requests) {
        if let Some(cfg) = facts.better_auth.first() {
            return Some(target(
                id,
                cfg.span,
                "serves Better Auth's sign-in endpoints".into(),
            ));
        }
        if let Some(i) = facts
            .imports
            .iter()
            .find(|i| !i.type_only && package_matches(AUTH_PACKAGES, &i.source.value))
        {
            let what = format!("authenticates users with `{}`", i.source.value);
            return Some(target(id, i.span, what));
        }
        if let Some((_, c)) = facts.calls().find(|(_, c)| {
            let callee = c.callee.to_ascii_lowercase();
            PASSWORD_CALLEES.iter().any(|w| callee.contains(w))
        }) {
            let what = format!("checks passwords (`{}`)", c.callee);
            return Some(target(id, c.span, what));
        }
        if let Some((_, c)) = facts.env_comparisons().find(|(_, c)| {
            let secret = project.names.is_secret_name(&c.env_name)
                || crate::secrets::names::hints_credential(&c.env_name);
            secret && matches!(c.other, Compared::Identifier(_) | Compared::Expr(_))
        }) {
            let what = format!("compares request input with the secret `{}`", c.env_name);
            return Some(target(id, c.span, what));
        }
    }
    None
}

/// The first call of the Worker's source files that costs per request: a
/// paid binding (`env.AI.run`), a model, e-mail or SMS package, or a fetch
/// of such an API.
pub fn paid_target(
    project: &Project,
    worker: WorkerId,
    requests: &[RequestFile],
) -> Option<AbuseTarget> {
    let bindings: Vec<&str> = project
        .workers
        .get(worker)
        .and_then(|w| match &project.file(w.config_file).facts {
            Facts::Wrangler(c) => Some(c),
            _ => None,
        })
        .map(|c| {
            c.scopes()
                .flat_map(|(_, s)| s.bindings.iter())
                .filter(|b| PAID_BINDINGS.contains(&b.kind.as_str()))
                .map(|b| b.name.value.as_str())
                .collect()
        })
        .unwrap_or_default();
    for (id, facts) in worker_sources(project, worker, requests) {
        if let Some((_, c)) = facts.calls().find(|(_, c)| {
            let segments: Vec<&str> = c.callee.split('.').collect();
            segments.len() >= 2
                && segments[..segments.len() - 1]
                    .iter()
                    .any(|s| bindings.contains(s))
        }) {
            let what = format!("calls a paid binding (`{}`)", c.callee);
            return Some(target(id, c.span, what));
        }
        if let Some(i) = facts
            .imports
            .iter()
            .find(|i| !i.type_only && package_matches(PAID_PACKAGES, &i.source.value))
        {
            let what = format!("calls a paid API through `{}`", i.source.value);
            return Some(target(id, i.span, what));
        }
        if let Some(f) = facts.fetches.iter().find(|f| match &f.url {
            UrlSource::Literal(u) | UrlSource::FixedOrigin(u) => {
                host_of(u).is_some_and(super::paid::is_paid_host)
            }
            _ => false,
        }) {
            let host = match &f.url {
                UrlSource::Literal(u) | UrlSource::FixedOrigin(u) => host_of(u).unwrap_or(""),
                _ => "",
            };
            return Some(target(id, f.span, format!("calls a paid API (`{host}`)")));
        }
    }
    None
}

/// The Worker's source files (test files excepted), its request files
/// first: the evidence shown is then request-handling code when it can be.
fn worker_sources<'p>(
    project: &'p Project,
    worker: WorkerId,
    requests: &[RequestFile],
) -> Vec<(FileId, &'p JsFacts)> {
    let mut files: Vec<(bool, FileId, &JsFacts)> = super::sources::source_files(project)
        .filter(|(_, f, _)| f.worker == Some(worker))
        .map(|(id, _, facts)| (!requests.iter().any(|r| r.file == id), id, facts))
        .collect();
    files.sort_by_key(|(later, id, _)| (*later, *id));
    files
        .into_iter()
        .map(|(_, id, facts)| (id, facts))
        .collect()
}

fn target(file: FileId, span: Span, what: String) -> AbuseTarget {
    AbuseTarget { file, span, what }
}

/// The host of an `https://host/...` URL.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    Some(&rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_paths() {
        assert_eq!(auth_word("functions/api/sign-in.ts"), Some("signin"));
        assert_eq!(auth_word("functions/api/sendCode.js"), Some("sendcode"));
        assert_eq!(
            auth_word("src/routes/api/auth/[...auth]/+server.ts"),
            Some("auth")
        );
        assert_eq!(auth_word("/api/authors/:id"), None);
        assert_eq!(auth_word("src/pages/api/feed.ts"), None);
        assert_eq!(auth_word("app/routes/reset-password.tsx"), Some("password"));
    }

    #[test]
    fn packages_and_hosts() {
        assert!(package_matches(AUTH_PACKAGES, "@auth/sveltekit"));
        assert!(package_matches(AUTH_PACKAGES, "better-auth/svelte-kit"));
        assert!(!package_matches(AUTH_PACKAGES, "luciafake"));
        assert!(package_matches(PAID_PACKAGES, "ai"));
        assert!(!package_matches(PAID_PACKAGES, "airtable"));
        assert_eq!(
            host_of("https://api.resend.com/emails"),
            Some("api.resend.com")
        );
    }

    #[test]
    fn server_modules() {
        let facts = |src: &str| crate::formats::js::extract(src, "x.ts").expect("parses");
        let f = facts("export const actions = { default: async () => {} }\n");
        assert!(module_handler("src/routes/login/+page.server.ts", &f).is_some());
        assert!(module_handler("src/lib/+page.server.ts", &f).is_none());
        let r = facts("export const loader = async () => null\n");
        assert!(module_handler("app/routes/api.items/route.ts", &r).is_some());
        assert!(module_handler("app/components/x.tsx", &r).is_none());
        let a = facts("export const server = {}\n");
        assert!(module_handler("src/actions/index.ts", &a).is_some());
    }
}
