//! `package.json`: the `scripts` (parsed as shell, spans into the file) and
//! the names of declared dependencies.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::shell::ShellScript;
use super::{MAX_NESTING, ParseFailure};
use crate::span::{Span, Spanned};

#[derive(Clone, Debug, Default)]
pub struct PackageJson {
    pub scripts: Vec<PackageScript>,
    /// Names from `dependencies` and `devDependencies`.
    pub dependencies: Vec<String>,
    /// Keys of `cloudflare.bindings`: the vars and secrets the Deploy to
    /// Cloudflare button asks for (with their descriptions) when it deploys
    /// the template.
    pub deploy_bindings: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct PackageScript {
    pub name: Spanned<String>,
    pub script: ShellScript,
}

impl PackageJson {
    pub fn parse(text: &str) -> Result<PackageJson, ParseFailure> {
        check_nesting(text)?;
        let parsed = parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default())
            .map_err(|e| {
                let r = e.range();
                ParseFailure::new(Span::new(r.start, r.end), e.kind().to_string())
            })?;
        let mut out = PackageJson::default();
        let Some(Value::Object(root)) = parsed.value else {
            return Ok(out);
        };
        if let Some(scripts) = root.get_object("scripts") {
            for prop in &scripts.properties {
                let Value::StringLit(lit) = &prop.value else {
                    continue;
                };
                let (name, name_range) = match &prop.name {
                    ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                // The literal's range includes its quotes.
                let raw_start = (lit.range.start + 1).min(lit.range.end);
                let raw_end = lit.range.end.saturating_sub(1).max(raw_start);
                let raw = text.get(raw_start..raw_end).unwrap_or("");
                let script = script_in_string(raw, raw_start, &lit.value);
                out.scripts.push(PackageScript {
                    name: Spanned::new(name, Span::new(name_range.start, name_range.end)),
                    script,
                });
            }
        }
        if let Some(bindings) = root
            .get_object("cloudflare")
            .and_then(|c| c.get_object("bindings"))
        {
            out.deploy_bindings.extend(
                bindings
                    .properties
                    .iter()
                    .map(|p| p.name.as_str().to_string()),
            );
        }
        for key in ["dependencies", "devDependencies"] {
            if let Some(deps) = root.get_object(key) {
                out.dependencies
                    .extend(deps.properties.iter().map(|p| p.name.as_str().to_string()));
            }
        }
        Ok(out)
    }

    pub fn has_dependency(&self, name: &str) -> bool {
        self.dependencies.iter().any(|d| d == name)
    }

    pub fn script(&self, name: &str) -> Option<&PackageScript> {
        self.scripts.iter().find(|s| s.name.value == name)
    }
}

/// Parses the script held by a JSON string whose raw content (between the
/// quotes) starts at `raw_start`, and maps every span back into the file.
fn script_in_string(raw: &str, raw_start: usize, fallback: &str) -> ShellScript {
    let Some((decoded, ends)) = unescape(raw) else {
        let mut script = ShellScript::parse(fallback);
        script.shift(raw_start);
        return script;
    };
    let mut script = ShellScript::parse(&decoded);
    if decoded.len() == raw.len() {
        script.shift(raw_start);
        return script;
    }
    // `ends[i]` is the raw offset just past the escape that produced
    // decoded byte `i`: decoded offset `i` (as a start or an exclusive end)
    // sits where the text producing byte `i - 1` ends.
    let raw_of = |i: usize| -> usize {
        match i.checked_sub(1) {
            None => 0,
            Some(p) => ends.get(p).copied().unwrap_or(raw.len()),
        }
    };
    script.map_spans(|s| {
        let start = raw_of(s.start as usize);
        let end = raw_of(s.end as usize).max(start);
        Span::new(raw_start + start, raw_start + end)
    });
    script
}

/// Decodes a JSON string body; also returns, for each decoded byte, the raw
/// offset just past the text that produced it.
fn unescape(raw: &str) -> Option<(String, Vec<usize>)> {
    let b = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut ends = Vec::with_capacity(raw.len());
    let mut i = 0;
    let push = |out: &mut String, ends: &mut Vec<usize>, c: char, end: usize| {
        out.push(c);
        ends.extend(std::iter::repeat_n(end, c.len_utf8()));
    };
    while i < b.len() {
        if b[i] != b'\\' {
            let c = raw.get(i..)?.chars().next()?;
            i += c.len_utf8();
            push(&mut out, &mut ends, c, i);
            continue;
        }
        let c = match b.get(i + 1)? {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'/' => '/',
            b'\\' => '\\',
            b'"' => '"',
            b'u' => {
                let hi = hex4(raw.get(i + 2..i + 6)?)?;
                let mut end = i + 6;
                let c = if (0xD800..0xDC00).contains(&hi) && raw.get(end..end + 2) == Some("\\u") {
                    let lo = hex4(raw.get(end + 2..end + 6)?)?;
                    end += 6;
                    char::from_u32(
                        0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF),
                    )
                } else {
                    char::from_u32(hi)
                };
                push(&mut out, &mut ends, c.unwrap_or('\u{fffd}'), end);
                i = end;
                continue;
            }
            _ => return None,
        };
        i += 2;
        push(&mut out, &mut ends, c, i);
    }
    Some((out, ends))
}

fn hex4(s: &str) -> Option<u32> {
    if s.len() != 4 {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Rejects nesting deeper than `MAX_NESTING` before the recursive parser
/// sees it.
fn check_nesting(text: &str) -> Result<(), ParseFailure> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' | b'\'' => {
                i += 1;
                while let Some(&d) = b.get(i) {
                    if d == b'\\' {
                        i += 1;
                    } else if d == c || d == b'\n' {
                        break;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while b.get(i).is_some_and(|&d| d != b'\n') {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(ParseFailure::new(
                        Span::new(i, i + 1),
                        format!("nesting deeper than {MAX_NESTING} levels"),
                    ));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::shell::{Op, Stdin};

    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    #[test]
    fn scripts_and_dependencies() {
        let text = r#"{
  "name": "app",
  "scripts": {
    "deploy": "wrangler deploy --env production",
    "db:migrate": "prisma migrate deploy",
    "secrets": "echo 'abc' | wrangler secret put X && npm run db:migrate",
    "n": 1
  },
  "dependencies": {"better-auth": "^1", "hono": "^4"},
  "devDependencies": {"wrangler": "^4"}
}"#;
        let p = PackageJson::parse(text).expect("parses");
        assert_eq!(p.scripts.len(), 3);
        assert_eq!(p.scripts[0].name.value, "deploy");
        assert_eq!(at(text, p.scripts[0].name.span), "\"deploy\"");
        let cmd = &p.scripts[0].script.commands[0];
        assert_eq!(at(text, cmd.span), "wrangler deploy --env production");
        assert_eq!(at(text, cmd.words[3].span), "production");
        let s = &p.scripts[2].script;
        assert_eq!(s.commands.len(), 3);
        match s.commands[1].op(&[]) {
            Some(Op::SecretPut {
                stdin: Some(Stdin::Literal(w)),
                ..
            }) => assert_eq!(at(text, w.span), "'abc'"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.commands[2].op(&["db:migrate".to_string()]),
            Some(Op::Migration { .. })
        ));
        assert_eq!(p.dependencies, vec!["better-auth", "hono", "wrangler"]);
        assert!(p.has_dependency("wrangler"));
        assert!(p.script("db:migrate").is_some());
    }

    #[test]
    fn deploy_button_bindings_are_listed() {
        let text = r#"{"name": "t", "cloudflare": {"label": "T", "bindings": {
            "API_TOKEN": {"description": "a token"}, "SITE_NAME": {"description": "x"}}}}"#;
        let p = PackageJson::parse(text).expect("parses");
        assert_eq!(p.deploy_bindings, vec!["API_TOKEN", "SITE_NAME"]);
        let none = PackageJson::parse(r#"{"cloudflare": {"label": "T"}}"#).expect("parses");
        assert!(none.deploy_bindings.is_empty());
    }

    #[test]
    fn escaped_strings_map_spans_inside_the_string() {
        let text =
            r#"{"scripts": {"s": "echo \"a\\tb\" | wrangler secret put \u0058Y --env=prod"}}"#;
        let p = PackageJson::parse(text).expect("parses");
        let cmds = &p.scripts[0].script.commands;
        assert_eq!(cmds.len(), 2);
        let echo_arg = &cmds[0].words[1];
        assert_eq!(echo_arg.text, "a\\tb");
        assert_eq!(at(text, echo_arg.span), r#"\"a\\tb\""#);
        let name = &cmds[1].words[3];
        assert_eq!(name.text, "XY");
        assert_eq!(at(text, name.span), r"\u0058Y");
        let Some(Op::SecretPut { env: Some(env), .. }) = cmds[1].op(&[]) else {
            panic!()
        };
        assert_eq!(at(text, env.span), "prod");
    }

    #[test]
    fn unicode_and_surrogates() {
        let text = r#"{"scripts": {"s": "echo é\u00e9 x"}}"#;
        let p = PackageJson::parse(text).expect("parses");
        let w = &p.scripts[0].script.commands[0].words[1];
        assert_eq!(w.text, "éé");
        assert_eq!(at(text, w.span), r"é\u00e9");
        let x = &p.scripts[0].script.commands[0].words[2];
        assert_eq!(at(text, x.span), "x");
    }

    #[test]
    fn invalid_json_fails_at_the_error() {
        let text = "{\n  \"scripts\": {\n    \"a\": ]\n  }\n}";
        let err = PackageJson::parse(text).unwrap_err();
        assert!(at(text, err.span).starts_with(']'), "{err:?}");
        assert!(PackageJson::parse("{\"a\": ").is_err());
    }

    #[test]
    fn comments_and_trailing_commas_are_tolerated() {
        let p = PackageJson::parse("{ // c\n \"scripts\": {\"a\": \"x\",},}").expect("parses");
        assert_eq!(p.scripts.len(), 1);
    }

    #[test]
    fn not_an_object_is_empty() {
        let p = PackageJson::parse("[1, 2]").expect("parses");
        assert!(p.scripts.is_empty());
        let p = PackageJson::parse("{\"scripts\": [\"x\"]}").expect("parses");
        assert!(p.scripts.is_empty());
    }

    #[test]
    fn deep_nesting_fails_cleanly() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
                let err = PackageJson::parse(&text).unwrap_err();
                assert_eq!(err.span, Span::new(MAX_NESTING, MAX_NESTING + 1));
                let text = format!("{{\"a\": \"{}\"}}", "[".repeat(100_000));
                assert!(PackageJson::parse(&text).is_ok());
            })
            .expect("spawn");
        handle.join().expect("no stack overflow");
    }
}
