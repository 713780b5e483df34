//! wrangler.json / wrangler.jsonc through jsonc-parser's AST. Comments and
//! trailing commas are accepted as wrangler accepts them; unquoted property
//! names are not (wrangler rejects them too).

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::{Range, Ranged};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::WranglerConfig;
use super::extract::{self, Node};
use super::prescan;
use crate::formats::ParseFailure;
use crate::span::{Span, Spanned};

pub fn parse(text: &str) -> Result<WranglerConfig, ParseFailure> {
    prescan::json(text)?;
    // wrangler drops a UTF-8 byte-order mark; jsonc-parser rejects it. Blank
    // it out in place (three spaces for its three bytes) so spans still
    // index the original text.
    let unmarked;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            unmarked = format!("   {rest}");
            unmarked.as_str()
        }
        None => text,
    };
    let options = ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
    };
    let parsed = parse_to_ast(text, &CollectOptions::default(), &options).map_err(|e| {
        ParseFailure::new(
            error_span(text, e.range()),
            format!("invalid JSON: {}", e.kind()),
        )
    })?;
    match &parsed.value {
        Some(root @ Value::Object(_)) => Ok(extract::config(root)),
        Some(other) => Err(ParseFailure::new(
            span_of(other.range()),
            "a wrangler config must be a JSON object",
        )),
        None => Err(ParseFailure::new(
            Span::empty_at(text.len()),
            "a wrangler config must be a JSON object, found no value",
        )),
    }
}

fn span_of(range: Range) -> Span {
    Span::new(range.start, range.end)
}

/// jsonc-parser's error ranges can run on over the whitespace after the
/// offending token; point at the token alone.
fn error_span(text: &str, range: Range) -> Span {
    let written = text.get(range.start..range.end).unwrap_or_default();
    let trimmed = written.trim_end();
    if trimmed.is_empty() {
        span_of(range)
    } else {
        Span::new(range.start, range.start + trimmed.len())
    }
}

fn name_of<'a>(name: &'a ObjectPropName<'_>) -> (&'a str, Range) {
    match name {
        ObjectPropName::String(s) => (&s.value, s.range),
        ObjectPropName::Word(w) => (w.value, w.range),
    }
}

impl Node for &Value<'_> {
    fn get(self, key: &str) -> Option<(Span, Self)> {
        // JSON.parse (and so wrangler) keeps the last of repeated keys.
        self.as_object()?.properties.iter().rev().find_map(|prop| {
            let (name, range) = name_of(&prop.name);
            (name == key).then(|| (span_of(range), &prop.value))
        })
    }

    fn entries(self) -> Option<Vec<(Spanned<String>, Self)>> {
        let object = self.as_object()?;
        let entries = object
            .properties
            .iter()
            .map(|prop| {
                let (name, range) = name_of(&prop.name);
                (Spanned::new(name.to_owned(), span_of(range)), &prop.value)
            })
            .collect();
        Some(entries)
    }

    fn elements(self) -> Option<Vec<Self>> {
        Some(self.as_array()?.elements.iter().collect())
    }

    fn string(self) -> Option<Spanned<String>> {
        let s = self.as_string_lit()?;
        Some(Spanned::new(s.value.to_string(), span_of(s.range)))
    }

    fn span(self) -> Span {
        span_of(self.range())
    }
}

#[cfg(test)]
mod tests {
    use super::super::extract::test_support::{check_full_fixture, on_small_stack, var};
    use super::super::{ConfigFormat, VarValue, WranglerConfig};
    use crate::formats::ParseFailure;

    fn parse(text: &str) -> WranglerConfig {
        WranglerConfig::parse(text, ConfigFormat::Json).expect("valid JSONC")
    }

    fn fail(text: &str) -> ParseFailure {
        WranglerConfig::parse(text, ConfigFormat::Json).expect_err("should fail")
    }

    const FULL: &str = include_str!("testdata/full.jsonc");

    #[test]
    fn full_fixture() {
        let cfg = parse(FULL);
        check_full_fixture(FULL, &cfg);
        let at = |span: crate::span::Span| &FULL[span.range()];

        let escaped = var(&cfg.top, "ESCAPED");
        assert_eq!(at(escaped.key.span), "\"ESCAPED\"");
        assert_eq!(escaped.value, VarValue::Str("a\"bA".into()));
        assert_eq!(at(escaped.value_span), r#""a\"b\u0041""#);
        assert_eq!(cfg.top.vars.len(), 4);
        assert_eq!(at(cfg.envs[0].name.span), "\"production\"");
        assert_eq!(
            at(var(&cfg.envs[1].config, "LOG_LEVEL").key.span),
            "\"LOG_LEVEL\""
        );
    }

    #[test]
    fn comments_and_trailing_commas() {
        let text = r#"{
  // "vars": { "LINE": "x" },
  /* "vars": { "BLOCK": "x" }, */
  "vars": {
    "A": "b", // trailing comment
    /* "HIDDEN": "sk_live_x", */
    "N": [1, 2,],
  },
}"#;
        let cfg = parse(text);
        let keys: Vec<_> = cfg.top.vars.iter().map(|v| v.key.value.as_str()).collect();
        assert_eq!(keys, ["A", "N"]);
        let n = var(&cfg.top, "N");
        assert_eq!(
            (n.value.clone(), &text[n.value_span.range()]),
            (VarValue::Other, "[1, 2,]")
        );
    }

    #[test]
    fn objects_and_other_values_in_vars() {
        let text =
            r#"{"vars": {"O": {"k": "v"}, "Z": null, "E": {}}, "env": {"qa": {"vars": {}}}}"#;
        let cfg = parse(text);
        assert_eq!(cfg.top.vars.len(), 3);
        assert!(cfg.top.vars.iter().all(|v| v.value == VarValue::Other));
        assert_eq!(
            &text[var(&cfg.top, "O").value_span.range()],
            r#"{"k": "v"}"#
        );
        let [qa] = cfg.envs.as_slice() else {
            panic!("one env")
        };
        assert!(qa.config.has_vars && qa.config.vars.is_empty());
    }

    #[test]
    fn byte_order_mark_is_skipped_and_spans_stay_aligned() {
        let text = "\u{feff}{\"name\": \"w\"}";
        let name = parse(text).name.expect("name");
        assert_eq!(&text[name.span.range()], "\"w\"");
    }

    #[test]
    fn repeated_keys_last_wins_for_fields() {
        let cfg = parse(r#"{"name": "first", "name": "second"}"#);
        assert_eq!(cfg.name.map(|n| n.value), Some("second".into()));
    }

    #[test]
    fn rate_limit_and_wrong_types() {
        let cfg = parse(r#"{"unsafe": {"bindings": [{"name": "RL", "type": "ratelimit"}]}}"#);
        assert!(cfg.top.has_rate_limit);
        assert!(!parse(r#"{"ratelimits": []}"#).top.has_rate_limit);
        let cfg = parse(
            r#"{"vars": 3, "env": [], "queues": {"producers": {"binding": "Q"}}, "browser": {"binding": 1}, "secrets": {"required": [1, "S"]}}"#,
        );
        assert!(!cfg.top.has_vars && cfg.envs.is_empty() && cfg.top.bindings.is_empty());
        let req: Vec<_> = cfg
            .top
            .secrets_required
            .iter()
            .map(|s| s.value.as_str())
            .collect();
        assert_eq!(req, ["S"]);
    }

    #[test]
    fn root_must_be_an_object() {
        let err = fail("[1, 2]");
        assert_eq!((err.span.start, err.span.end), (0, 6));
        assert!(err.message.contains("object"));
        assert_eq!(fail("  \"x\"").span.start, 2);
        assert_eq!(fail("// nothing\n").span.start, 11);
        assert_eq!(fail("").span.start, 0);
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let text = "{\n  \"name\": \"w\",,\n}";
        let err = fail(text);
        assert!(err.message.starts_with("invalid JSON"), "{}", err.message);
        assert_eq!(&text[err.span.range()], ",");
        assert_eq!(
            err.span.start as usize,
            text.find(",,").unwrap_or_default() + 1
        );

        let unquoted = "{ name: \"w\" }";
        assert!(unquoted[fail(unquoted).span.range()].starts_with("name"));
        let unterminated = "{ \"vars\": { \"A\": \"b\" }";
        assert!(fail(unterminated).message.contains("Unterminated"));
        let comment = "{ /* never closed ";
        assert!(fail(comment).message.contains("comment"));
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let n = 100_000;
        for text in [
            format!("{}{}", "[".repeat(n), "]".repeat(n)),
            format!("{{\"vars\": {}1{}}}", "{\"a\":".repeat(n), "}".repeat(n)),
            "[".repeat(n),
        ] {
            let err = on_small_stack(move || {
                WranglerConfig::parse(&text, ConfigFormat::Json).map(|_| ())
            })
            .expect_err("too deep");
            assert!(
                err.message.contains("nesting deeper than"),
                "{}",
                err.message
            );
            assert_eq!(err.span.len(), 1);
        }
    }

    #[test]
    fn brackets_in_strings_and_comments_are_not_nesting() {
        let deep = "[{".repeat(1000);
        let text = format!(
            "// {deep}\n/* {deep} */ {{\"vars\": {{\"A\": \"{deep}\\\"{deep}\", \"B\": '{deep}'}}}}"
        );
        let cfg = parse(&text);
        assert_eq!(var(&cfg.top, "A").value.as_str().map(str::len), Some(4001));
        assert_eq!(var(&cfg.top, "B").value.as_str().map(str::len), Some(2000));
    }
}
