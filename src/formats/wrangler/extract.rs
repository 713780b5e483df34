//! The wrangler schema, walked once over either syntax tree.
//!
//! Both fronts expose their tree through [`Node`], so which keys are read and
//! what counts as a binding is decided here only. The walk goes to fixed
//! paths (never into arbitrary values), so its depth is bounded by the schema.

use super::{Binding, EnvConfig, Hyperdrive, NamedEnv, Var, VarValue, WranglerConfig};
use crate::span::{Span, Spanned};

/// A value in a parsed config, TOML or JSON.
pub(super) trait Node: Copy {
    /// The member `key` of a table/object (the last one if repeated) and the
    /// span of the key as written.
    fn get(self, key: &str) -> Option<(Span, Self)>;
    /// Members of a table/object in file order; `None` if not a table.
    fn entries(self) -> Option<Vec<(Spanned<String>, Self)>>;
    /// Elements of an array (or array of tables); `None` if not an array.
    fn elements(self) -> Option<Vec<Self>>;
    /// The unescaped string, spanned as written (quotes included).
    fn string(self) -> Option<Spanned<String>>;
    /// The value as written.
    fn span(self) -> Span;

    fn is_table(self) -> bool {
        self.entries().is_some()
    }

    fn field(self, key: &str) -> Option<Self> {
        self.get(key).map(|(_, v)| v)
    }

    fn string_field(self, key: &str) -> Option<Spanned<String>> {
        self.field(key)?.string()
    }
}

/// Arrays of tables whose entries each bind one name: (wrangler key, the
/// entry field holding the name the Worker reads it as). From wrangler's
/// config-schema.json (`RawEnvironment`).
const LIST_BINDINGS: &[(&str, &str)] = &[
    ("d1_databases", "binding"),
    ("kv_namespaces", "binding"),
    ("r2_buckets", "binding"),
    ("services", "binding"),
    ("analytics_engine_datasets", "binding"),
    ("hyperdrive", "binding"),
    ("vectorize", "binding"),
    ("ratelimits", "name"),
    ("dispatch_namespaces", "binding"),
    ("mtls_certificates", "binding"),
    ("send_email", "name"),
    ("workflows", "binding"),
    ("pipelines", "binding"),
    ("secrets_store_secrets", "binding"),
    ("ai_search_namespaces", "binding"),
    ("ai_search", "binding"),
    ("artifacts", "binding"),
    ("flagship", "binding"),
    ("worker_loaders", "binding"),
    ("vpc_services", "binding"),
    ("vpc_networks", "binding"),
    ("unsafe_hello_world", "binding"),
];

/// Tables holding an array of binding entries: (wrangler key, array key,
/// name field).
const NESTED_BINDINGS: &[(&str, &str, &str)] = &[
    ("queues", "producers", "binding"),
    ("durable_objects", "bindings", "name"),
    ("unsafe", "bindings", "name"),
    ("logfwdr", "bindings", "name"),
];

/// Single tables with a `binding` field.
const SINGLE_BINDINGS: &[&str] = &[
    "ai",
    "browser",
    "images",
    "media",
    "stream",
    "version_metadata",
    "assets",
];

/// Service-worker-format maps whose keys are the binding names.
const MAP_BINDINGS: &[&str] = &["wasm_modules", "text_blobs", "data_blobs"];

pub(super) fn config<N: Node>(root: N) -> WranglerConfig {
    let envs = root
        .field("env")
        .and_then(Node::entries)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, env)| env.is_table())
        .map(|(name, env)| NamedEnv {
            name,
            config: env_config(env),
        })
        .collect();
    WranglerConfig {
        name: root.string_field("name"),
        main: root.string_field("main"),
        pages_build_output_dir: root.string_field("pages_build_output_dir"),
        top: env_config(root),
        envs,
    }
}

fn env_config<N: Node>(scope: N) -> EnvConfig {
    let mut env = EnvConfig::default();

    if let Some(vars) = scope.field("vars").and_then(Node::entries) {
        env.has_vars = true;
        env.vars = vars
            .into_iter()
            .map(|(key, value)| Var {
                key,
                value: value
                    .string()
                    .map_or(VarValue::Other, |s| VarValue::Str(s.value)),
                value_span: value.span(),
            })
            .collect();
    }

    for &(kind, field) in LIST_BINDINGS {
        for entry in scope
            .field(kind)
            .and_then(Node::elements)
            .unwrap_or_default()
        {
            push_binding(&mut env, kind, entry.string_field(field));
        }
    }
    for &(kind, list, field) in NESTED_BINDINGS {
        let entries = scope.field(kind).and_then(|t| t.field(list)?.elements());
        for entry in entries.unwrap_or_default() {
            push_binding(&mut env, kind, entry.string_field(field));
        }
    }
    for &kind in SINGLE_BINDINGS {
        push_binding(
            &mut env,
            kind,
            scope.field(kind).and_then(|t| t.string_field("binding")),
        );
    }
    for &kind in MAP_BINDINGS {
        for (name, _) in scope
            .field(kind)
            .and_then(Node::entries)
            .unwrap_or_default()
        {
            push_binding(&mut env, kind, Some(name));
        }
    }

    for entry in scope
        .field("hyperdrive")
        .and_then(Node::elements)
        .unwrap_or_default()
    {
        if let Some(binding) = entry.string_field("binding") {
            env.hyperdrive.push(Hyperdrive {
                binding,
                id: entry.string_field("id"),
                local_connection_string: entry.string_field("localConnectionString"),
            });
        }
    }

    env.secrets_required = scope
        .field("secrets")
        .and_then(|s| s.field("required")?.elements())
        .unwrap_or_default()
        .into_iter()
        .filter_map(Node::string)
        .collect();
    env.name = scope.string_field("name");
    env.account_id = scope.string_field("account_id");

    // An empty `ratelimits = []` declares no limiter, so it does not count.
    let ratelimits = scope.field("ratelimits").and_then(Node::elements);
    let unsafe_ratelimit = scope
        .field("unsafe")
        .and_then(|u| u.field("bindings")?.elements())
        .unwrap_or_default()
        .into_iter()
        .any(|b| {
            b.string_field("type")
                .is_some_and(|t| t.value == "ratelimit")
        });
    env.has_rate_limit =
        ratelimits.is_some_and(|r| r.iter().any(|e| e.is_table())) || unsafe_ratelimit;

    env
}

fn push_binding(env: &mut EnvConfig, kind: &str, name: Option<Spanned<String>>) {
    if let Some(name) = name {
        env.bindings.push(Binding {
            kind: kind.to_owned(),
            name,
        });
    }
}

/// Checks shared by the TOML and JSON front tests.
#[cfg(test)]
pub(super) mod test_support {
    use super::super::{EnvConfig, VarValue, WranglerConfig};

    /// Runs `f` on a thread with an ordinary 2 MiB stack, so that a test
    /// proves the work does not depend on the main thread's larger stack.
    pub fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(f)
            .expect("spawn test thread")
            .join()
            .expect("test thread panicked")
    }

    pub fn var<'c>(env: &'c EnvConfig, key: &str) -> &'c super::Var {
        env.vars
            .iter()
            .find(|v| v.key.value == key)
            .unwrap_or_else(|| panic!("no var {key}"))
    }

    /// `testdata/full.toml` and `testdata/full.jsonc` describe the same
    /// Worker; both fronts must read the same model from them, with every
    /// span covering exactly the text it names.
    pub fn check_full_fixture(text: &str, cfg: &WranglerConfig) {
        let at = |span: crate::span::Span| &text[span.range()];
        let name = cfg.name.as_ref().expect("name");
        assert_eq!(
            (name.value.as_str(), at(name.span)),
            ("api-worker", "\"api-worker\"")
        );
        let main = cfg.main.as_ref().expect("main");
        assert_eq!(
            (main.value.as_str(), at(main.span)),
            ("src/index.ts", "\"src/index.ts\"")
        );

        let top = &cfg.top;
        assert!(top.has_vars);
        assert!(
            top.vars
                .iter()
                .all(|v| v.key.value != "COMMENTED_OUT" && v.key.value != "OLD_SECRET")
        );
        let app = var(top, "APP_URL");
        assert_eq!(at(app.key.span).trim_matches('"'), "APP_URL");
        assert_eq!(app.value, VarValue::Str("https://app.example.com".into()));
        assert_eq!(at(app.value_span), "\"https://app.example.com\"");
        let retries = var(top, "RETRIES");
        assert_eq!(
            (retries.value.clone(), at(retries.value_span)),
            (VarValue::Other, "3")
        );
        let debug = var(top, "DEBUG");
        assert_eq!(
            (debug.value.clone(), at(debug.value_span)),
            (VarValue::Other, "false")
        );

        let required: Vec<_> = top
            .secrets_required
            .iter()
            .map(|s| (s.value.as_str(), at(s.span)))
            .collect();
        assert_eq!(
            required,
            [
                ("BETTER_AUTH_SECRET", "\"BETTER_AUTH_SECRET\""),
                ("DATABASE_URL", "\"DATABASE_URL\"")
            ]
        );

        let mut bindings: Vec<_> = top
            .bindings
            .iter()
            .map(|b| {
                assert_eq!(at(b.name.span), format!("\"{}\"", b.name.value));
                (b.kind.as_str(), b.name.value.as_str())
            })
            .collect();
        bindings.sort_unstable();
        let mut expected = vec![
            ("d1_databases", "DB"),
            ("kv_namespaces", "CACHE"),
            ("r2_buckets", "UPLOADS"),
            ("queues", "JOBS"),
            ("services", "AUTH"),
            ("analytics_engine_datasets", "METRICS"),
            ("hyperdrive", "HYPERDRIVE"),
            ("vectorize", "VECTORS"),
            ("ratelimits", "LOGIN_LIMITER"),
            ("durable_objects", "ROOMS"),
            ("ai", "AI"),
            ("browser", "BROWSER"),
            ("images", "IMAGES"),
            ("version_metadata", "CF_VERSION_METADATA"),
            ("assets", "ASSETS"),
            ("dispatch_namespaces", "DISPATCHER"),
            ("mtls_certificates", "CLIENT_CERT"),
            ("send_email", "MAILER"),
            ("workflows", "SIGNUP_FLOW"),
            ("unsafe", "LEGACY_LIMITER"),
            ("pipelines", "EVENTS"),
            ("secrets_store_secrets", "STRIPE_KEY"),
        ];
        expected.sort_unstable();
        assert_eq!(bindings, expected);
        assert!(top.has_rate_limit);

        let [hd] = top.hyperdrive.as_slice() else {
            panic!("one hyperdrive")
        };
        assert_eq!(at(hd.binding.span), "\"HYPERDRIVE\"");
        assert_eq!(
            hd.id.as_ref().map(|s| s.value.as_str()),
            Some("abcdef0123456789abcdef0123456789")
        );
        let local = hd
            .local_connection_string
            .as_ref()
            .expect("localConnectionString");
        assert_eq!(local.value, "postgres://user:pass@localhost:5432/app");
        assert_eq!(
            at(local.span),
            "\"postgres://user:pass@localhost:5432/app\""
        );

        let names: Vec<_> = cfg.envs.iter().map(|e| e.name.value.as_str()).collect();
        assert_eq!(names, ["production", "dev"]);
        let prod = &cfg.envs[0];
        assert!(at(prod.name.span).trim_matches('"') == "production");
        assert!(prod.config.has_vars);
        let prod_url = var(&prod.config, "APP_URL");
        assert_eq!(at(prod_url.value_span), "\"https://prod.example.com\"");
        assert_eq!(prod.config.hyperdrive.len(), 1);
        assert_eq!(prod.config.bindings.len(), 1);
        assert!(!prod.config.has_rate_limit);
        assert!(prod.config.secrets_required.is_empty());

        let dev = &cfg.envs[1].config;
        let keys: Vec<_> = dev
            .vars
            .iter()
            .map(|v| (v.key.value.as_str(), at(v.key.span)))
            .collect();
        assert_eq!(
            keys.iter().map(|k| k.0).collect::<Vec<_>>(),
            ["APP_URL", "LOG_LEVEL"]
        );
        assert!(
            keys.iter()
                .all(|(k, written)| written.trim_matches('"') == *k)
        );
        assert_eq!(var(dev, "LOG_LEVEL").value.as_str(), Some("debug"));
        assert_eq!(dev.secrets_required.len(), 1);
        assert_eq!(at(dev.secrets_required[0].span), "\"DEV_TOKEN\"");
        assert!(dev.bindings.is_empty());
    }
}
