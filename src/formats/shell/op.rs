//! What a command means: runners stripped, then the few command lines
//! preflight cares about recognised from their positional arguments and
//! options.

use super::{Command, Op, Word};

/// The real program behind runners, or a package-script invocation.
enum Target<'a> {
    /// The program name and the index of its first argument in `words`.
    Program(&'a str, usize),
    /// A package script / task named in `migration_tasks`.
    Task(String),
}

/// Bounds the runner chain (`sudo env npx ...`), which can only shrink the
/// word list anyway.
const MAX_RUNNERS: usize = 16;

const NPX_VALUE_FLAGS: &[&str] = &["-p", "--package", "-c", "--call"];
const PNPM_VALUE_FLAGS: &[&str] = &["-C", "--dir", "--filter", "-F", "--workspace-dir"];
const YARN_VALUE_FLAGS: &[&str] = &["--cwd", "-p", "--package"];
const NPM_VALUE_FLAGS: &[&str] = &[
    "--prefix",
    "-w",
    "--workspace",
    "-p",
    "--package",
    "-c",
    "--call",
];
const BUN_VALUE_FLAGS: &[&str] = &["--cwd", "-p", "--package", "--filter", "-F"];
const DENO_VALUE_FLAGS: &[&str] = &["--cwd", "-c", "--config", "-f", "--filter"];

const WRANGLER_VALUE_FLAGS: &[&str] = &[
    "--env",
    "-e",
    "--config",
    "-c",
    "--cwd",
    "--name",
    "--origin-url",
    "--connection-string",
    "--origin-host",
    "--host",
    "--origin-port",
    "--port",
    "--origin-scheme",
    "--scheme",
    "--database",
    "--origin-user",
    "--user",
    "--origin-password",
    "--password",
    "--access-client-id",
    "--access-client-secret",
    "--max-age",
    "--swr",
    "--compatibility-date",
    "--compatibility-flags",
    "--outdir",
    "--var",
    "--define",
    "--route",
    "--routes",
    "--assets",
    "--site",
    "--message",
    "--tag",
    "--version-id",
    "--percentage",
];
const GH_VALUE_FLAGS: &[&str] = &[
    "-b",
    "--body",
    "-e",
    "--env",
    "-R",
    "--repo",
    "-o",
    "--org",
    "-a",
    "--app",
    "-v",
    "--visibility",
    "-r",
    "--repos",
    "-f",
    "--env-file",
];
const PRISMA_VALUE_FLAGS: &[&str] = &["--schema", "--name", "-n", "--config"];
const DRIZZLE_VALUE_FLAGS: &[&str] = &["--config", "--dialect", "--schema", "--out"];

/// `./node_modules/.bin/wrangler` → `wrangler`, `wrangler@3.1` → `wrangler`.
fn program_name(text: &str) -> &str {
    let base = text.rsplit(['/', '\\']).next().unwrap_or(text);
    let base = base
        .strip_suffix(".cmd")
        .or_else(|| base.strip_suffix(".exe"))
        .unwrap_or(base);
    match base.find('@') {
        Some(i) if i > 0 => &base[..i],
        _ => base,
    }
}

fn looks_like_assignment(text: &str) -> bool {
    text.split_once('=').is_some_and(|(name, _)| {
        let mut b = name.bytes();
        b.next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
    })
}

/// Skips options starting at `i` (and the value of those in `with_value`)
/// and one `--` that ends them; returns the index of the next operand.
fn skip_flags(words: &[Word], mut i: usize, with_value: &[&str]) -> usize {
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            return i + 1;
        }
        if !t.starts_with('-') || t.len() < 2 {
            break;
        }
        i += if with_value.contains(&t) { 2 } else { 1 };
    }
    i
}

fn resolve<'a>(cmd: &'a Command, tasks: &[String]) -> Option<Target<'a>> {
    let w = &cmd.words;
    let task = |runner: &str, t: &Word| {
        tasks
            .contains(&t.text)
            .then(|| Target::Task(format!("{runner} {}", t.text)))
    };
    let mut i = 0;
    for _ in 0..MAX_RUNNERS {
        let word = w.get(i)?;
        if word.has_expansion {
            return None;
        }
        let name = program_name(&word.text);
        match name {
            "sudo" => i = skip_flags(w, i + 1, &["-u", "-g", "-C", "-D", "-h", "-p", "-U"]),
            "command" | "exec" | "nohup" | "time" => i = skip_flags(w, i + 1, &[]),
            "env" | "cross-env" | "cross-env-shell" => {
                i = skip_flags(w, i + 1, &["-u", "-C", "-S"]);
                while w.get(i).is_some_and(|x| looks_like_assignment(&x.text)) {
                    i += 1;
                }
            }
            // Secret injectors run the command after `--`.
            "dotenv" | "dotenvx" | "doppler" | "infisical" | "op" => {
                let dd = w.get(i + 1..)?.iter().position(|x| x.text == "--")?;
                i += dd + 2;
            }
            "npx" | "bunx" | "pnpx" => i = skip_flags(w, i + 1, NPX_VALUE_FLAGS),
            "pnpm" => {
                i = skip_flags(w, i + 1, PNPM_VALUE_FLAGS);
                let sub = w.get(i)?;
                match sub.text.as_str() {
                    "exec" | "dlx" | "x" => i = skip_flags(w, i + 1, NPX_VALUE_FLAGS),
                    "run" | "run-script" => {
                        i = skip_flags(w, i + 1, PNPM_VALUE_FLAGS);
                        return task("pnpm run", w.get(i)?);
                    }
                    // `pnpm db:migrate` runs the script, `pnpm wrangler` the bin.
                    _ => {
                        if let Some(t) = task("pnpm", sub) {
                            return Some(t);
                        }
                    }
                }
            }
            "yarn" => {
                i = skip_flags(w, i + 1, YARN_VALUE_FLAGS);
                while w.get(i).is_some_and(|x| x.text == "workspace") {
                    i = skip_flags(w, i + 2, YARN_VALUE_FLAGS);
                }
                let sub = w.get(i)?;
                match sub.text.as_str() {
                    "dlx" | "exec" => i = skip_flags(w, i + 1, YARN_VALUE_FLAGS),
                    "run" => {
                        i = skip_flags(w, i + 1, YARN_VALUE_FLAGS);
                        return task("yarn run", w.get(i)?);
                    }
                    _ => {
                        if let Some(t) = task("yarn", sub) {
                            return Some(t);
                        }
                    }
                }
            }
            "bun" => {
                i = skip_flags(w, i + 1, BUN_VALUE_FLAGS);
                let sub = w.get(i)?;
                match sub.text.as_str() {
                    "x" => i = skip_flags(w, i + 1, NPX_VALUE_FLAGS),
                    "run" => {
                        i = skip_flags(w, i + 1, BUN_VALUE_FLAGS);
                        if let Some(t) = task("bun run", w.get(i)?) {
                            return Some(t);
                        }
                    }
                    _ => {
                        if let Some(t) = task("bun", sub) {
                            return Some(t);
                        }
                    }
                }
            }
            "npm" => {
                i = skip_flags(w, i + 1, NPM_VALUE_FLAGS);
                let sub = w.get(i)?;
                match sub.text.as_str() {
                    "exec" | "x" => i = skip_flags(w, i + 1, NPM_VALUE_FLAGS),
                    "run" | "run-script" | "rum" | "urn" => {
                        i = skip_flags(w, i + 1, NPM_VALUE_FLAGS);
                        return task("npm run", w.get(i)?);
                    }
                    _ => return None,
                }
            }
            "deno" => {
                i = skip_flags(w, i + 1, DENO_VALUE_FLAGS);
                if w.get(i)?.text != "task" {
                    return None;
                }
                i = skip_flags(w, i + 1, DENO_VALUE_FLAGS);
                return task("deno task", w.get(i)?);
            }
            _ => return Some(Target::Program(name, i + 1)),
        }
    }
    None
}

/// Positional arguments and options of a program's argument list.
struct Args<'a> {
    positionals: Vec<&'a Word>,
    flags: Vec<(&'a str, Option<&'a Word>)>,
}

impl<'a> Args<'a> {
    fn parse(cmd: &'a Command, from: usize, with_value: &[&str]) -> Args<'a> {
        let mut args = Args {
            positionals: Vec::new(),
            flags: Vec::new(),
        };
        let mut j = from;
        while let Some(w) = cmd.words.get(j) {
            let t = w.text.as_str();
            j += 1;
            if t == "--" {
                continue;
            }
            if !t.starts_with('-') || t.len() < 2 {
                args.positionals.push(w);
                continue;
            }
            if let Some((_, value)) = cmd.flag_values.iter().find(|(k, _)| *k == j - 1) {
                let name = t.split_once('=').map_or(t, |(n, _)| n);
                args.flags.push((name, Some(value)));
            } else if with_value.contains(&t) {
                args.flags.push((t, cmd.words.get(j)));
                j += 1;
            } else {
                args.flags.push((t, None));
            }
        }
        args
    }

    /// The value of the last occurrence of any of `names`.
    fn value(&self, names: &[&str]) -> Option<&'a Word> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| names.contains(n))
            .and_then(|(_, v)| *v)
    }

    fn has(&self, name: &str) -> bool {
        self.flags
            .iter()
            .any(|(n, v)| *n == name && v.is_none_or(|v| v.text != "false"))
    }

    fn positional(&self, i: usize) -> Option<&'a Word> {
        self.positionals.get(i).copied()
    }

    fn words(&self) -> Vec<&'a str> {
        self.positionals.iter().map(|w| w.text.as_str()).collect()
    }
}

pub(super) fn program(cmd: &Command) -> Option<&str> {
    match resolve(cmd, &[])? {
        Target::Program(name, _) => Some(name),
        Target::Task(_) => None,
    }
}

pub(super) fn classify<'a>(cmd: &'a Command, tasks: &[String]) -> Option<Op<'a>> {
    let (name, from) = match resolve(cmd, tasks)? {
        Target::Task(tool) => return Some(Op::Migration { tool }),
        Target::Program(name, from) => (name, from),
    };
    match name {
        "wrangler" => wrangler(cmd, from),
        "gh" => {
            let a = Args::parse(cmd, from, GH_VALUE_FLAGS);
            match a.words().as_slice() {
                ["secret", "set", ..] => Some(Op::GhSecretSet {
                    name: a.positional(2)?,
                    body: a.value(&["--body", "-b"]),
                    stdin: cmd.stdin.as_ref(),
                }),
                _ => None,
            }
        }
        "prisma" => {
            let a = Args::parse(cmd, from, PRISMA_VALUE_FLAGS);
            match a.words().as_slice() {
                [
                    "migrate",
                    sub @ ("deploy" | "dev" | "reset" | "resolve"),
                    ..,
                ] => Some(Op::Migration {
                    tool: format!("prisma migrate {sub}"),
                }),
                ["db", "push", ..] => Some(Op::Migration {
                    tool: "prisma db push".to_string(),
                }),
                _ => None,
            }
        }
        "drizzle-kit" => {
            let a = Args::parse(cmd, from, DRIZZLE_VALUE_FLAGS);
            match a.words().first().copied() {
                Some("migrate") => Some(Op::Migration {
                    tool: "drizzle-kit migrate".to_string(),
                }),
                Some(p) if p == "push" || p.starts_with("push:") => Some(Op::Migration {
                    tool: "drizzle-kit push".to_string(),
                }),
                _ => None,
            }
        }
        _ => None,
    }
}

fn wrangler(cmd: &Command, from: usize) -> Option<Op<'_>> {
    let a = Args::parse(cmd, from, WRANGLER_VALUE_FLAGS);
    let env = a.value(&["--env", "-e"]);
    let secret_put = |name_at: usize| {
        Some(Op::SecretPut {
            name: a.positional(name_at)?,
            env,
            stdin: cmd.stdin.as_ref(),
        })
    };
    match a.words().as_slice() {
        ["secret", "put", ..] => secret_put(2),
        ["secret:put", ..] => secret_put(1),
        ["versions", "secret", "put", ..] => secret_put(3),
        ["secret", "bulk", ..] => Some(Op::SecretBulk {
            file: a.positional(2),
            env,
        }),
        ["versions", "secret", "bulk", ..] => Some(Op::SecretBulk {
            file: a.positional(3),
            env,
        }),
        ["hyperdrive", "create" | "update", ..] => Some(Op::HyperdriveOrigin {
            url: a.value(&["--origin-url", "--connection-string"])?,
        }),
        ["deploy" | "publish", ..] | ["versions", "deploy", ..] => Some(Op::Deploy {
            env,
            dry_run: a.has("--dry-run"),
        }),
        _ => None,
    }
}
