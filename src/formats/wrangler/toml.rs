//! wrangler.toml through toml_edit's `ImDocument`, the only toml_edit tree
//! that keeps the byte span of every key and value.

use toml_edit::{ImDocument, Item, Table, TableLike, Value};

use super::WranglerConfig;
use super::extract::{self, Node};
use super::prescan;
use crate::formats::ParseFailure;
use crate::span::{Span, Spanned};

pub fn parse(text: &str) -> Result<WranglerConfig, ParseFailure> {
    prescan::toml(text)?;
    let doc = ImDocument::parse(text).map_err(|e| {
        let span = e
            .span()
            .map_or_else(Span::default, |r| Span::new(r.start, r.end));
        let message = e.message().trim_end().replace('\n', "; ");
        ParseFailure::new(span, format!("invalid TOML: {message}"))
    })?;
    Ok(extract::config(TomlNode::Item(doc.as_item())))
}

fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or_else(Span::default, |r| Span::new(r.start, r.end))
}

/// A place in the document: toml_edit hands out items, bare values (inside
/// arrays and inline tables) and tables (inside arrays of tables).
#[derive(Clone, Copy)]
enum TomlNode<'a> {
    Item(&'a Item),
    Value(&'a Value),
    Table(&'a Table),
}

impl<'a> TomlNode<'a> {
    fn table_like(self) -> Option<&'a dyn TableLike> {
        match self {
            TomlNode::Item(item) => item.as_table_like(),
            TomlNode::Value(value) => value.as_inline_table().map(|t| t as &dyn TableLike),
            TomlNode::Table(table) => Some(table),
        }
    }

    fn value(self) -> Option<&'a Value> {
        match self {
            TomlNode::Item(item) => item.as_value(),
            TomlNode::Value(value) => Some(value),
            TomlNode::Table(_) => None,
        }
    }
}

impl Node for TomlNode<'_> {
    fn get(self, key: &str) -> Option<(Span, Self)> {
        let (key, item) = self.table_like()?.get_key_value(key)?;
        Some((span_of(key.span()), TomlNode::Item(item)))
    }

    fn entries(self) -> Option<Vec<(Spanned<String>, Self)>> {
        let table = self.table_like()?;
        let entries = table
            .iter()
            .filter_map(|(name, _)| {
                let (key, item) = table.get_key_value(name)?;
                let key = Spanned::new(key.get().to_owned(), span_of(key.span()));
                Some((key, TomlNode::Item(item)))
            })
            .collect();
        Some(entries)
    }

    fn elements(self) -> Option<Vec<Self>> {
        if let TomlNode::Item(Item::ArrayOfTables(tables)) = self {
            return Some(tables.iter().map(TomlNode::Table).collect());
        }
        let array = self.value()?.as_array()?;
        Some(array.iter().map(TomlNode::Value).collect())
    }

    fn string(self) -> Option<Spanned<String>> {
        match self.value()? {
            Value::String(s) => Some(Spanned::new(s.value().clone(), span_of(s.span()))),
            _ => None,
        }
    }

    fn span(self) -> Span {
        span_of(match self {
            TomlNode::Item(item) => item.span(),
            TomlNode::Value(value) => value.span(),
            TomlNode::Table(table) => table.span(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::extract::test_support::{check_full_fixture, on_small_stack, var};
    use super::super::{ConfigFormat, VarValue, WranglerConfig};
    use crate::formats::ParseFailure;

    fn parse(text: &str) -> WranglerConfig {
        WranglerConfig::parse(text, ConfigFormat::Toml).expect("valid TOML")
    }

    fn fail(text: &str) -> ParseFailure {
        WranglerConfig::parse(text, ConfigFormat::Toml).expect_err("should fail")
    }

    const FULL: &str = include_str!("testdata/full.toml");

    #[test]
    fn full_fixture() {
        let cfg = parse(FULL);
        check_full_fixture(FULL, &cfg);
        let at = |span: crate::span::Span| &FULL[span.range()];

        let quoted = var(&cfg.top, "QUOTED KEY");
        assert_eq!(at(quoted.key.span), "\"QUOTED KEY\"");
        assert_eq!(quoted.value, VarValue::Str("a\tb".into()));
        assert_eq!(at(quoted.value_span), r#""a\tb""#);
        let origins = var(&cfg.top, "ORIGINS");
        assert_eq!(origins.value, VarValue::Other);
        assert_eq!(at(origins.value_span), r#"["https://a.example.com"]"#);
        let nested = var(&cfg.top, "NESTED");
        assert_eq!(at(nested.value_span), r#"{ inner = "x" }"#);

        assert_eq!(at(cfg.envs[0].name.span), "production");
        assert_eq!(at(cfg.envs[1].name.span), "dev");
        // Dotted keys: each key spans its own segment of `vars.X`.
        let dev = &cfg.envs[1].config;
        assert!(dev.has_vars);
        assert_eq!(at(var(dev, "LOG_LEVEL").key.span), "LOG_LEVEL");
        assert_eq!(at(var(dev, "LOG_LEVEL").value_span), "\"debug\"");
    }

    #[test]
    fn inline_tables() {
        let text = r#"
vars = { A = "b", N = 1 }
env = { staging = { vars = { X = 'y' }, kv_namespaces = [{ binding = "KV", id = "x" }] } }
"#;
        let cfg = parse(text);
        assert!(cfg.top.has_vars);
        let a = var(&cfg.top, "A");
        assert_eq!(
            (&text[a.key.span.range()], &text[a.value_span.range()]),
            ("A", "\"b\"")
        );
        assert_eq!(var(&cfg.top, "N").value, VarValue::Other);
        let [staging] = cfg.envs.as_slice() else {
            panic!("one env")
        };
        assert_eq!(&text[staging.name.span.range()], "staging");
        let x = var(&staging.config, "X");
        assert_eq!(x.value.as_str(), Some("y"));
        assert_eq!(&text[x.value_span.range()], "'y'");
        let [kv] = staging.config.bindings.as_slice() else {
            panic!("one binding")
        };
        assert_eq!(
            (kv.kind.as_str(), &text[kv.name.span.range()]),
            ("kv_namespaces", "\"KV\"")
        );
    }

    #[test]
    fn env_sections_in_every_spelling() {
        let text = r#"
[env.staging.vars]
A = "1"

[env.production]
workers_dev = false
vars.B = "2"
secrets = { required = ["S"] }

[[env.production.durable_objects.bindings]]
name = "DO"
class_name = "Thing"

[env.production.ai]
binding = "AI"
"#;
        let cfg = parse(text);
        assert!(!cfg.top.has_vars);
        let names: Vec<_> = cfg
            .envs
            .iter()
            .map(|e| &text[e.name.span.range()])
            .collect();
        assert_eq!(names, ["staging", "production"]);
        assert_eq!(var(&cfg.envs[0].config, "A").value.as_str(), Some("1"));
        let prod = &cfg.envs[1].config;
        assert_eq!(var(prod, "B").value.as_str(), Some("2"));
        assert_eq!(prod.secrets_required[0].value, "S");
        let kinds: Vec<_> = prod
            .bindings
            .iter()
            .map(|b| (b.kind.as_str(), b.name.value.as_str()))
            .collect();
        assert_eq!(kinds, [("durable_objects", "DO"), ("ai", "AI")]);
    }

    #[test]
    fn byte_order_mark_keeps_spans_aligned() {
        let text = "\u{feff}[vars]\nA = \"b\"\n";
        let cfg = parse(text);
        assert_eq!(&text[var(&cfg.top, "A").value_span.range()], "\"b\"");
    }

    #[test]
    fn empty_vars_table_still_counts() {
        assert!(parse("[vars]\n").top.has_vars);
        assert!(!parse("name = \"w\"\n").top.has_vars);
        let cfg = parse("");
        assert!(cfg.name.is_none() && cfg.envs.is_empty());
    }

    #[test]
    fn rate_limit_detection() {
        assert!(!parse("ratelimits = []\n").top.has_rate_limit);
        assert!(parse("[[ratelimits]]\nname = \"L\"\nnamespace_id = \"1\"\nsimple = { limit = 1, period = 10 }\n").top.has_rate_limit);
        let unsafe_rl = "[[unsafe.bindings]]\nname = \"L\"\ntype = \"ratelimit\"\n";
        assert!(parse(unsafe_rl).top.has_rate_limit);
        let other = "[[unsafe.bindings]]\nname = \"X\"\ntype = \"other\"\n";
        let cfg = parse(other);
        assert!(!cfg.top.has_rate_limit);
        assert_eq!(cfg.top.bindings[0].kind, "unsafe");
    }

    #[test]
    fn wrong_types_are_skipped() {
        let text = r#"
name = 3
vars = 3
d1_databases = "DB"
kv_namespaces = [3, { binding = 4 }, { binding = "OK" }]
ai = ["AI"]
secrets = { required = "S" }
hyperdrive = [{ id = "x" }]
env = 5
"#;
        let cfg = parse(text);
        assert!(cfg.name.is_none());
        assert!(!cfg.top.has_vars);
        assert!(cfg.top.secrets_required.is_empty());
        assert!(cfg.top.hyperdrive.is_empty());
        assert!(cfg.envs.is_empty());
        let names: Vec<_> = cfg
            .top
            .bindings
            .iter()
            .map(|b| b.name.value.as_str())
            .collect();
        assert_eq!(names, ["OK"]);
        assert!(parse("[env]\nstaging = 1\n").envs.is_empty());
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let text = "name = \"w\"\n[vars\nA = \"b\"\n";
        let err = fail(text);
        assert!(err.message.starts_with("invalid TOML"), "{}", err.message);
        let line_start = text.find("[vars").unwrap_or_default();
        assert!(
            (line_start..text.len()).contains(&(err.span.start as usize)),
            "{err:?}"
        );

        let dup = "[vars]\nA = \"1\"\nA = \"2\"\n";
        let err = fail(dup);
        assert!(
            err.span.start as usize >= dup.find("A = \"2\"").unwrap_or_default(),
            "{err:?}"
        );

        let unterminated = "vars = { A = \"b\n";
        assert!(fail(unterminated).span.start > 0);
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let n = 100_000;
        let cases = [
            format!("a = {}{}", "[".repeat(n), "]".repeat(n)),
            format!("a = {}1{}", "{b=".repeat(n), "}".repeat(n)),
            format!("{} = 1\n", vec!["a"; n].join(".")),
            format!("[{}]\nx = 1\n", vec!["a"; n].join(".")),
            format!("[[{}]]\n", vec!["a"; n].join(".")),
            format!(
                "[{}]\n{} = 1\n",
                vec!["a"; 200].join("."),
                vec!["b"; 200].join(".")
            ),
        ];
        for text in cases {
            let err = on_small_stack(move || {
                WranglerConfig::parse(&text, ConfigFormat::Toml).map(|_| ())
            })
            .expect_err("too deep");
            assert!(
                err.message.contains("nesting deeper than"),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn brackets_and_dots_in_strings_and_comments_are_not_nesting() {
        let deep = "[".repeat(1000);
        let dots = ".".repeat(1000);
        let floats = vec!["1.5"; 1000].join(", ");
        let text = format!(
            "# {deep}{dots}\n[vars]\nA = \"{deep}{dots}\"\nB = '{deep}'\nC = \"\"\"\n{deep}\n\"\"\"\nD = '''{deep}'''\nE = [{floats}]\n"
        );
        let cfg = parse(&text);
        assert_eq!(var(&cfg.top, "A").value.as_str().map(str::len), Some(2000));
        assert_eq!(cfg.top.vars.len(), 5);
    }
}
