//! Prisma `datasource` blocks in `*.prisma` files, and the datasource URLs of
//! `prisma.config.ts`.
//!
//! Both are read with one small tokenizer (identifiers, strings, single
//! punctuation, newlines, and `//` comments kept aside so that a URL's
//! documentation can be found). No recursion: blocks are matched by
//! counting braces.

use super::ParseFailure;
use crate::span::{LineStarts, Span, Spanned};

#[derive(Clone, Debug, Default)]
pub struct PrismaSchema {
    pub datasources: Vec<Datasource>,
}

#[derive(Clone, Debug)]
pub struct Datasource {
    pub name: Spanned<String>,
    pub provider: Option<Spanned<String>>,
    pub url: Option<DatasourceUrl>,
    pub direct_url: Option<DatasourceUrl>,
    /// The whole block.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct DatasourceUrl {
    pub source: UrlSource,
    pub span: Span,
    /// Comment text on the same line or on the lines directly above, which
    /// may document the URL as pooled.
    pub comment: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlSource {
    /// `env("NAME")` / `env('NAME')` / `process.env.NAME`.
    Env(String),
    Literal(String),
}

impl UrlSource {
    /// The environment variable the URL comes from, if any.
    pub fn env_name(&self) -> Option<&str> {
        match self {
            UrlSource::Env(n) => Some(n),
            UrlSource::Literal(_) => None,
        }
    }
}

impl PrismaSchema {
    /// A `schema.prisma` file.
    pub fn parse(text: &str) -> Result<PrismaSchema, ParseFailure> {
        let lexed = tokenize(text, false)?;
        let ctx = Ctx::new(text, &lexed);
        let toks = &lexed.toks;
        let mut out = PrismaSchema::default();
        let mut depth = 0usize;
        let mut i = 0;
        while let Some(tok) = toks.get(i) {
            match tok.kind {
                Kind::Punct(b'{') => depth += 1,
                Kind::Punct(b'}') => depth = depth.saturating_sub(1),
                Kind::Ident if depth == 0 && ctx.text(tok.span) == "datasource" => {
                    let (ds, next) = datasource(&ctx, toks, i)?;
                    out.datasources.push(ds);
                    i = next;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        Ok(out)
    }

    /// A `prisma.config.ts` file: `datasource: { url: env('X'), directUrl: ... }`.
    /// A text-level scan that never fails: what it does not recognise is
    /// left out.
    pub fn parse_config_ts(text: &str) -> PrismaSchema {
        let Ok(lexed) = tokenize(text, true) else {
            return PrismaSchema::default();
        };
        let ctx = Ctx::new(text, &lexed);
        let toks: Vec<&Tok> = lexed
            .toks
            .iter()
            .filter(|t| t.kind != Kind::Newline)
            .collect();
        let mut out = PrismaSchema::default();
        let mut i = 0;
        while let Some(tok) = toks.get(i) {
            i += 1;
            let is_key = tok.kind == Kind::Ident && ctx.text(tok.span) == "datasource";
            if !(is_key && ctx.punct(toks.get(i), b':') && ctx.punct(toks.get(i + 1), b'{')) {
                continue;
            }
            let open = i + 1;
            let close = matching(&toks, open);
            let end_span = toks.get(close).or(toks.last()).map_or(tok.span, |t| t.span);
            let mut ds = Datasource {
                name: Spanned::new("datasource".to_string(), tok.span),
                provider: None,
                url: None,
                direct_url: None,
                span: toks.get(open).map_or(tok.span, |t| t.span).cover(end_span),
            };
            let mut depth = 0usize;
            let mut j = open + 1;
            while j < close {
                let Some(t) = toks.get(j) else { break };
                match t.kind {
                    Kind::Punct(b'{' | b'[' | b'(') => depth += 1,
                    Kind::Punct(b'}' | b']' | b')') => depth = depth.saturating_sub(1),
                    Kind::Ident | Kind::Str { .. }
                        if depth == 0 && ctx.punct(toks.get(j + 1), b':') =>
                    {
                        let key = match &t.kind {
                            Kind::Str { value, .. } => value.as_str(),
                            _ => ctx.text(t.span),
                        };
                        let slot = match key {
                            "url" => Some(&mut ds.url),
                            "directUrl" => Some(&mut ds.direct_url),
                            _ => None,
                        };
                        if let Some(slot) = slot
                            && let Some((source, span)) =
                                ts_value(&ctx, toks.get(j + 2..close).unwrap_or(&[]))
                        {
                            *slot = Some(DatasourceUrl {
                                source,
                                span,
                                comment: ctx.comment_for(t.span.start as usize),
                            });
                        }
                        j += 2;
                        continue;
                    }
                    _ => {}
                }
                j += 1;
            }
            out.datasources.push(ds);
            i = close.max(i);
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    /// A string literal; `plain` is false for a template literal with a
    /// `${...}` substitution.
    Str {
        value: String,
        plain: bool,
    },
    Punct(u8),
    Newline,
}

#[derive(Clone, Debug)]
struct Tok {
    kind: Kind,
    span: Span,
}

#[derive(Clone, Debug)]
struct Comment {
    start: usize,
    text: String,
}

struct Lexed {
    toks: Vec<Tok>,
    comments: Vec<Comment>,
}

/// A comment with its line, and whether nothing but blanks precede it.
struct LineComment<'a> {
    line: usize,
    text: &'a str,
    own_line: bool,
}

struct Ctx<'a> {
    text: &'a str,
    lines: LineStarts,
    comments: Vec<LineComment<'a>>,
}

impl<'a> Ctx<'a> {
    fn new(text: &'a str, lexed: &'a Lexed) -> Self {
        let lines = LineStarts::new(text);
        let comments = lexed
            .comments
            .iter()
            .map(|c| {
                let line = lines.line_of(c.start);
                let line_start = lines.start_of_line(line).unwrap_or(0);
                LineComment {
                    line,
                    text: &c.text,
                    own_line: text
                        .get(line_start..c.start)
                        .is_some_and(|p| p.trim().is_empty()),
                }
            })
            .collect();
        Ctx {
            text,
            lines,
            comments,
        }
    }

    fn text(&self, span: Span) -> &'a str {
        self.text.get(span.range()).unwrap_or("")
    }

    fn punct(&self, tok: Option<&&Tok>, c: u8) -> bool {
        tok.is_some_and(|t| t.kind == Kind::Punct(c))
    }

    /// The comments documenting the statement at `offset`: the contiguous
    /// comment-only lines right above it, then the one on its own line.
    fn comment_for(&self, offset: usize) -> String {
        let line = self.lines.line_of(offset);
        let on_line = |l: usize| self.comments.iter().find(|c| c.line == l);
        let mut above = Vec::new();
        let mut l = line;
        while l > 1 {
            l -= 1;
            match on_line(l) {
                Some(c) if c.own_line => above.push(c.text),
                _ => break,
            }
        }
        above.reverse();
        if let Some(c) = on_line(line).filter(|c| !c.own_line) {
            above.push(c.text);
        }
        above.join("\n")
    }
}

fn is_ident_start(b: u8, ts: bool) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || (ts && b == b'$')
}

fn is_ident_char(b: u8, ts: bool) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || (ts && b == b'$')
}

/// Prisma (`ts == false`): `"` strings on one line, `//` comments; an
/// unterminated string fails. TypeScript (`ts == true`): also `'` and
/// backtick strings and `/* */` comments; nothing fails except never.
fn tokenize(text: &str, ts: bool) -> Result<Lexed, ParseFailure> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut comments = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let start = i;
        match c {
            b'\n' => {
                toks.push(Tok {
                    kind: Kind::Newline,
                    span: Span::new(i, i + 1),
                });
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while b.get(i).is_some_and(|&d| d != b'\n') {
                    i += 1;
                }
                let raw = text.get(start..i).unwrap_or("");
                comments.push(Comment {
                    start,
                    text: raw.trim_start_matches('/').trim().to_string(),
                });
            }
            b'/' if ts && b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(b.len());
            }
            b'"' | b'\'' | b'`' if c == b'"' || ts => {
                let mut value = String::new();
                let mut plain = true;
                let mut j = i + 1;
                let closed = loop {
                    let Some(&d) = b.get(j) else { break false };
                    if d == c {
                        break true;
                    }
                    if d == b'\n' && c != b'`' {
                        break false;
                    }
                    if d == b'\\' {
                        match b.get(j + 1) {
                            Some(&e) if e.is_ascii() => {
                                value.push(match e {
                                    b'n' => '\n',
                                    b't' => '\t',
                                    _ => e as char,
                                });
                                j += 2;
                                continue;
                            }
                            _ => {
                                j += 1;
                                continue;
                            }
                        }
                    }
                    if c == b'`' && d == b'$' && b.get(j + 1) == Some(&b'{') {
                        plain = false;
                    }
                    let ch = text
                        .get(j..)
                        .and_then(|s| s.chars().next())
                        .unwrap_or('\u{fffd}');
                    value.push(ch);
                    j += ch.len_utf8().max(1);
                };
                if !closed {
                    if !ts {
                        return Err(ParseFailure::new(
                            Span::new(start, start + 1),
                            "unterminated string",
                        ));
                    }
                    // A TypeScript string we misread: stop at the line end.
                    j = j.min(b.len());
                    i = j;
                    continue;
                }
                i = j + 1;
                toks.push(Tok {
                    kind: Kind::Str { value, plain },
                    span: Span::new(start, i),
                });
            }
            _ if is_ident_start(c, ts) => {
                while b.get(i).is_some_and(|&d| is_ident_char(d, ts)) {
                    i += 1;
                }
                toks.push(Tok {
                    kind: Kind::Ident,
                    span: Span::new(start, i),
                });
            }
            _ if c.is_ascii() => {
                toks.push(Tok {
                    kind: Kind::Punct(c),
                    span: Span::new(i, i + 1),
                });
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(Lexed { toks, comments })
}

/// Index of the `}` matching the `{` at `open` (counting braces only), or
/// `toks.len()` when there is none.
fn matching<T: std::borrow::Borrow<Tok>>(toks: &[T], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t.borrow().kind {
            Kind::Punct(b'{') => depth += 1,
            Kind::Punct(b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// `datasource NAME { ... }` starting at token `at`; returns it and the
/// index of the token after its closing brace.
fn datasource(ctx: &Ctx<'_>, toks: &[Tok], at: usize) -> Result<(Datasource, usize), ParseFailure> {
    let kw = toks[at].span;
    let name = toks.get(at + 1).filter(|t| t.kind == Kind::Ident);
    let open = toks.get(at + 2).filter(|t| t.kind == Kind::Punct(b'{'));
    let (Some(name), Some(open_tok)) = (name, open) else {
        return Err(ParseFailure::new(kw, "expected `datasource NAME {`"));
    };
    let close = matching(toks, at + 2);
    let Some(close_tok) = toks.get(close) else {
        return Err(ParseFailure::new(
            kw.cover(open_tok.span),
            "unterminated datasource block: no closing `}`",
        ));
    };
    let mut ds = Datasource {
        name: Spanned::new(ctx.text(name.span).to_string(), name.span),
        provider: None,
        url: None,
        direct_url: None,
        span: kw.cover(close_tok.span),
    };
    let body = toks.get(at + 3..close).unwrap_or(&[]);
    for line in body.split(|t| t.kind == Kind::Newline) {
        let [key, eq, value @ ..] = line else {
            continue;
        };
        if key.kind != Kind::Ident || eq.kind != Kind::Punct(b'=') {
            continue;
        }
        match ctx.text(key.span) {
            "provider" => {
                if let [
                    Tok {
                        kind: Kind::Str { value, .. },
                        span,
                    },
                ] = value
                {
                    ds.provider = Some(Spanned::new(value.clone(), *span));
                }
            }
            k @ ("url" | "directUrl") => {
                let url = prisma_value(ctx, value).map(|(source, span)| DatasourceUrl {
                    source,
                    span,
                    comment: ctx.comment_for(key.span.start as usize),
                });
                if k == "url" {
                    ds.url = url;
                } else {
                    ds.direct_url = url;
                }
            }
            _ => {}
        }
    }
    Ok((ds, close + 1))
}

/// `"literal"` or `env("NAME")`.
fn prisma_value(ctx: &Ctx<'_>, toks: &[Tok]) -> Option<(UrlSource, Span)> {
    match toks {
        [
            Tok {
                kind: Kind::Str { value, .. },
                span,
            },
        ] => Some((UrlSource::Literal(value.clone()), *span)),
        [
            f,
            open,
            Tok {
                kind: Kind::Str { value, .. },
                ..
            },
            close,
        ] if f.kind == Kind::Ident
            && ctx.text(f.span) == "env"
            && open.kind == Kind::Punct(b'(')
            && close.kind == Kind::Punct(b')') =>
        {
            Some((UrlSource::Env(value.clone()), f.span.cover(close.span)))
        }
        _ => None,
    }
}

/// The start of a TypeScript value: `env('X')` (also `env<T>('X')`),
/// `process.env.X`, `process.env['X']`, or a string without substitution.
fn ts_value(ctx: &Ctx<'_>, toks: &[&Tok]) -> Option<(UrlSource, Span)> {
    let first = *toks.first()?;
    match &first.kind {
        Kind::Str { value, plain: true } => {
            return Some((UrlSource::Literal(value.clone()), first.span));
        }
        Kind::Ident => {}
        _ => return None,
    }
    let is = |k: usize, c: u8| toks.get(k).is_some_and(|t| t.kind == Kind::Punct(c));
    let ident = |k: usize, s: &str| {
        toks.get(k)
            .is_some_and(|t| t.kind == Kind::Ident && ctx.text(t.span) == s)
    };
    let string = |k: usize| match toks.get(k).map(|t| &t.kind) {
        Some(Kind::Str { value, plain: true }) => Some(value.clone()),
        _ => None,
    };
    let span_to = |k: usize| toks.get(k).map(|t| first.span.cover(t.span));
    match ctx.text(first.span) {
        "env" => {
            let mut k = 1;
            if is(k, b'<') {
                while k < toks.len() && !is(k, b'>') {
                    k += 1;
                }
                k += 1;
            }
            if is(k, b'(') && is(k + 2, b')') {
                return Some((UrlSource::Env(string(k + 1)?), span_to(k + 2)?));
            }
            None
        }
        "process" if is(1, b'.') && ident(2, "env") => {
            if is(3, b'.') && toks.get(4).is_some_and(|t| t.kind == Kind::Ident) {
                let name = ctx.text(toks.get(4)?.span).to_string();
                return Some((UrlSource::Env(name), span_to(4)?));
            }
            if is(3, b'[') && is(5, b']') {
                return Some((UrlSource::Env(string(4)?), span_to(5)?));
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }

    const SCHEMA: &str = r#"// top comment
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider  = "postgresql"
  // Neon pooled connection (-pooler)
  /// used by the app
  url       = env("DATABASE_URL")
  directUrl = env("DIRECT_DATABASE_URL") // direct, migrations only
  extensions = [pgcrypto]
}

model User {
  id    String @id @default(uuid())
  email String @unique // "datasource x {" in a comment
  note  String @default("datasource y {")
}
"#;

    #[test]
    fn datasource_block() {
        let s = PrismaSchema::parse(SCHEMA).expect("parses");
        assert_eq!(s.datasources.len(), 1);
        let ds = &s.datasources[0];
        assert_eq!(ds.name.value, "db");
        assert_eq!(ds.provider.as_ref().map(|p| p.as_str()), Some("postgresql"));
        assert!(at(SCHEMA, ds.span).starts_with("datasource db {"));
        assert!(at(SCHEMA, ds.span).ends_with("[pgcrypto]\n}"));
        let url = ds.url.as_ref().expect("url");
        assert_eq!(url.source, UrlSource::Env("DATABASE_URL".into()));
        assert_eq!(at(SCHEMA, url.span), "env(\"DATABASE_URL\")");
        assert_eq!(
            url.comment,
            "Neon pooled connection (-pooler)\nused by the app"
        );
        let direct = ds.direct_url.as_ref().expect("directUrl");
        assert_eq!(direct.source.env_name(), Some("DIRECT_DATABASE_URL"));
        assert_eq!(direct.comment, "direct, migrations only");
    }

    #[test]
    fn literal_url_and_no_comment() {
        let text = "datasource db {\n  provider = \"postgresql\"\n\n  url = \"postgresql://u:p@ep-a-pooler.neon.tech/db\"\n}\n";
        let s = PrismaSchema::parse(text).expect("parses");
        let url = s.datasources[0].url.as_ref().expect("url");
        assert_eq!(
            url.source,
            UrlSource::Literal("postgresql://u:p@ep-a-pooler.neon.tech/db".into())
        );
        assert_eq!(url.comment, "");
        assert!(s.datasources[0].direct_url.is_none());
    }

    #[test]
    fn comment_above_is_contiguous_only() {
        let text = "datasource db {\n  // far\n\n  // near\n  url = env(\"U\")\n}";
        let s = PrismaSchema::parse(text).expect("parses");
        assert_eq!(
            s.datasources[0].url.as_ref().map(|u| u.comment.as_str()),
            Some("near")
        );
    }

    #[test]
    fn unterminated_block_fails() {
        let text = "datasource db {\n  url = env(\"X\")\n";
        let err = PrismaSchema::parse(text).unwrap_err();
        assert_eq!(at(text, err.span), "datasource db {");
        assert!(PrismaSchema::parse("datasource {").is_err());
    }

    #[test]
    fn unterminated_string_fails() {
        let text = "datasource db {\n  url = \"postgres://x\n}\n";
        let err = PrismaSchema::parse(text).unwrap_err();
        assert_eq!(err.span, Span::new(24, 25));
    }

    #[test]
    fn no_datasource() {
        let s = PrismaSchema::parse("model A { id Int @id }\n").expect("parses");
        assert!(s.datasources.is_empty());
    }

    #[test]
    fn config_ts() {
        let text = r#"import { defineConfig, env } from "prisma/config";
// comment mentioning datasource: { url: 'nope' }
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    // pooled
    url: env("DATABASE_URL"),
    directUrl: process.env.DIRECT_DATABASE_URL, // direct
  },
});
"#;
        let s = PrismaSchema::parse_config_ts(text);
        assert_eq!(s.datasources.len(), 1);
        let ds = &s.datasources[0];
        let url = ds.url.as_ref().expect("url");
        assert_eq!(url.source, UrlSource::Env("DATABASE_URL".into()));
        assert_eq!(at(text, url.span), "env(\"DATABASE_URL\")");
        assert_eq!(url.comment, "pooled");
        let direct = ds.direct_url.as_ref().expect("direct");
        assert_eq!(direct.source, UrlSource::Env("DIRECT_DATABASE_URL".into()));
        assert_eq!(at(text, direct.span), "process.env.DIRECT_DATABASE_URL");
        assert_eq!(direct.comment, "direct");
    }

    #[test]
    fn config_ts_value_forms() {
        let cases = [
            ("url: env('A')", UrlSource::Env("A".into())),
            ("url: env<Env>('A')", UrlSource::Env("A".into())),
            ("url: process.env[\"A\"]", UrlSource::Env("A".into())),
            ("url: process.env['A']!", UrlSource::Env("A".into())),
            (
                "url: 'postgres://x'",
                UrlSource::Literal("postgres://x".into()),
            ),
            (
                "'url': `postgres://y`",
                UrlSource::Literal("postgres://y".into()),
            ),
        ];
        for (body, want) in cases {
            let text = format!("export default {{ datasource: {{ {body} }} }}");
            let s = PrismaSchema::parse_config_ts(&text);
            let got = s
                .datasources
                .first()
                .and_then(|d| d.url.as_ref())
                .map(|u| u.source.clone());
            assert_eq!(got, Some(want), "{body}");
        }
        let s =
            PrismaSchema::parse_config_ts("x = { datasource: { url: `a${b}`, directUrl: f() } }");
        assert!(s.datasources[0].url.is_none());
        assert!(s.datasources[0].direct_url.is_none());
    }

    #[test]
    fn config_ts_never_fails() {
        for text in [
            "",
            "datasource",
            "datasource: {",
            "datasource: { url: env(",
            "'",
            "`${",
            "/*",
            "datasource: { url: process.env.",
            "é datasource : { url : 'é' ",
        ] {
            let _ = PrismaSchema::parse_config_ts(text);
        }
        let s = PrismaSchema::parse_config_ts("datasource: { url: 'é' ");
        assert_eq!(
            s.datasources[0].url.as_ref().map(|u| u.source.clone()),
            Some(UrlSource::Literal("é".into()))
        );
    }

    #[test]
    fn hostile_schema_does_not_panic() {
        for text in [
            "datasource",
            "datasource db",
            "datasource db {{{{",
            "\"",
            "é\"é",
            "datasource db { url = env(\"x\" }",
            "}}}} datasource d { }",
        ] {
            let _ = PrismaSchema::parse(text);
        }
        let deep = format!("datasource db {{ {} }}", "{".repeat(100_000));
        assert!(PrismaSchema::parse(&deep).is_err());
    }
}
