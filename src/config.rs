//! `preflight.toml`: every default comes from the checklist, so a project
//! that follows it needs no config file. Unknown keys and invalid values are
//! errors that name the key and its line.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;
use toml_edit::{ImDocument, Item, Table, Value};

use crate::finding::Severity;
use crate::span::line_col;

pub const FILE_NAME: &str = "preflight.toml";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HyperdriveOrigin {
    Pooler,
    Direct,
    Any,
}

/// A severity override for findings under some paths (e.g. SEC003 in test
/// fixtures downgraded to a warning).
#[derive(Clone, Debug)]
pub struct PathOverride {
    pub paths: globset::GlobSet,
    pub codes: Vec<String>,
    pub severity: Severity,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub overrides: Vec<PathOverride>,
    pub secret_names: Vec<String>,
    pub public_names: Vec<String>,
    pub required_secrets: Vec<String>,
    pub min_length: BTreeMap<String, usize>,
    /// `[secrets.rotation_days]`: how old a secret may get (`verify`).
    pub rotation_days: BTreeMap<String, u64>,
    pub non_production: Vec<String>,
    pub hyperdrive_origin: HyperdriveOrigin,
    pub migration_tasks: Vec<String>,
    pub write_routes: Vec<String>,
    pub admin_segments: Vec<String>,
    pub proxy_routes: Vec<String>,
    pub health_paths: Vec<String>,
    pub turnstile_pattern: Regex,
    pub admin_guard_pattern: Regex,
    pub ssrf_guard_pattern: Regex,
    pub security_event_pattern: Regex,
    pub rate_limit_pattern: Regex,
    pub exclude: Vec<String>,
    pub include_tests: bool,
    pub max_file_size: u64,
}

impl Default for Config {
    fn default() -> Self {
        let re = |p: &str| Regex::new(p).expect("built-in pattern");
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Config {
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            overrides: Vec::new(),
            secret_names: Vec::new(),
            public_names: Vec::new(),
            required_secrets: Vec::new(),
            min_length: [
                ("BETTER_AUTH_SECRET".to_string(), 32),
                ("ADMIN_KEY".to_string(), 48),
            ]
            .into_iter()
            .collect(),
            // Section 7 of the checklist: both rotated every 90 days.
            rotation_days: [
                ("BETTER_AUTH_SECRET".to_string(), 90),
                ("ADMIN_KEY".to_string(), 90),
            ]
            .into_iter()
            .collect(),
            non_production: strings(&[
                "dev",
                "development",
                "local",
                "test",
                "testing",
                "preview",
                "staging",
            ]),
            hyperdrive_origin: HyperdriveOrigin::Pooler,
            migration_tasks: strings(&["db:migrate"]),
            write_routes: strings(&["/compile*", "/validate", "/ast/parse"]),
            admin_segments: strings(&["admin"]),
            proxy_routes: strings(&["/proxy/fetch"]),
            health_paths: strings(&["/health", "/admin/health"]),
            turnstile_pattern: re("(?i)turnstile"),
            admin_guard_pattern: re("(?i)admin|access|permission|authoriz|requireRole|requireAuth"),
            ssrf_guard_pattern: re(
                "(?i)ssrf|safeurl|isPublic|isAllowedUrl|validateUrl|assertPublic",
            ),
            security_event_pattern: re("trackSecurityEvent"),
            rate_limit_pattern: re("(?i)rate.?limit"),
            exclude: Vec::new(),
            include_tests: false,
            max_file_size: 2 * 1024 * 1024,
        }
    }
}

/// A configuration error: the file, the 1-based line, and what is wrong.
#[derive(Debug)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

impl Config {
    /// Whether an env name (`env.NAME`) is production scope.
    pub fn is_production_env(&self, env: Option<&str>) -> bool {
        match env {
            None => true,
            Some(name) => !self
                .non_production
                .iter()
                .any(|n| n.eq_ignore_ascii_case(name)),
        }
    }

    pub fn min_length(&self, name: &str) -> Option<usize> {
        self.min_length.get(name).copied()
    }

    /// Whether a rule code passes `select`/`ignore` (codes or prefixes).
    pub fn is_enabled(&self, code: &str) -> bool {
        let matches = |pat: &String| code.starts_with(pat.to_ascii_uppercase().as_str());
        (self.select.is_empty() || self.select.iter().any(matches))
            && !self.ignore.iter().any(matches)
    }

    /// Reads the file at `path`; rule codes it names are checked against
    /// `rule_codes` (the rules layer's, passed in by the caller).
    pub fn load(path: &Path, display: &str, rule_codes: &[&str]) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: display.to_string(),
            line: 0,
            message: format!("cannot read: {e}"),
        })?;
        Config::parse(&text, display, rule_codes)
    }

    pub fn parse(text: &str, display: &str, rule_codes: &[&str]) -> Result<Config, ConfigError> {
        let doc = ImDocument::parse(text).map_err(|e| ConfigError {
            path: display.to_string(),
            line: e.span().map_or(1, |s| line_col(text, s.start).0),
            message: e.message().to_string(),
        })?;
        let mut reader = Reader {
            text,
            display,
            rule_codes,
            config: Config::default(),
        };
        reader.read(doc.as_table())?;
        Ok(reader.config)
    }
}

struct Reader<'a> {
    text: &'a str,
    display: &'a str,
    /// Every rule code, to validate the codes the file names.
    rule_codes: &'a [&'a str],
    config: Config,
}

impl Reader<'_> {
    fn error(&self, span: Option<std::ops::Range<usize>>, message: String) -> ConfigError {
        ConfigError {
            path: self.display.to_string(),
            line: span.map_or(1, |s| line_col(self.text, s.start).0),
            message,
        }
    }

    fn key_error(&self, table: &Table, key: &str, message: String) -> ConfigError {
        let span = table.key(key).and_then(|k| k.span());
        self.error(span, message)
    }

    fn read(&mut self, root: &Table) -> Result<(), ConfigError> {
        for (key, item) in root.iter() {
            match key {
                "select" => self.config.select = self.codes(root, key, item)?,
                "ignore" => self.config.ignore = self.codes(root, key, item)?,
                "fail-on" | "fail_on" => {}
                "severity" => self.read_severity(root, key, item)?,
                "overrides" => self.read_overrides(root, key, item)?,
                "secrets" => self.read_secrets(self.table(root, key, item)?)?,
                "scopes" => {
                    let t = self.table(root, key, item)?;
                    for (k, v) in t.iter() {
                        match k {
                            "non_production" => {
                                self.config.non_production = self.strings(t, k, v)?
                            }
                            _ => return Err(self.unknown(t, "scopes", k)),
                        }
                    }
                }
                "hyperdrive" => {
                    let t = self.table(root, key, item)?;
                    for (k, v) in t.iter() {
                        match k {
                            "origin" => {
                                self.config.hyperdrive_origin = match self.string(t, k, v)?.as_str()
                                {
                                    "pooler" => HyperdriveOrigin::Pooler,
                                    "direct" => HyperdriveOrigin::Direct,
                                    "any" => HyperdriveOrigin::Any,
                                    other => {
                                        return Err(self.key_error(
                                            t,
                                            k,
                                            format!("hyperdrive.origin must be \"pooler\", \"direct\" or \"any\", not {other:?}"),
                                        ));
                                    }
                                }
                            }
                            _ => return Err(self.unknown(t, "hyperdrive", k)),
                        }
                    }
                }
                "migrations" => {
                    let t = self.table(root, key, item)?;
                    for (k, v) in t.iter() {
                        match k {
                            "tasks" => self.config.migration_tasks = self.strings(t, k, v)?,
                            _ => return Err(self.unknown(t, "migrations", k)),
                        }
                    }
                }
                "routes" => {
                    let t = self.table(root, key, item)?;
                    for (k, v) in t.iter() {
                        let list = self.strings(t, k, v)?;
                        match k {
                            "write" => self.config.write_routes = list,
                            "admin_segments" => self.config.admin_segments = list,
                            "proxy" => self.config.proxy_routes = list,
                            "health" => self.config.health_paths = list,
                            _ => return Err(self.unknown(t, "routes", k)),
                        }
                    }
                }
                "patterns" => {
                    let t = self.table(root, key, item)?;
                    for (k, v) in t.iter() {
                        let re = self.regex(t, k, v)?;
                        match k {
                            "turnstile" => self.config.turnstile_pattern = re,
                            "admin_guard" => self.config.admin_guard_pattern = re,
                            "ssrf_guard" => self.config.ssrf_guard_pattern = re,
                            "security_event" => self.config.security_event_pattern = re,
                            "rate_limit" => self.config.rate_limit_pattern = re,
                            _ => return Err(self.unknown(t, "patterns", k)),
                        }
                    }
                }
                "paths" => {
                    let t = self.table(root, key, item)?;
                    for (k, v) in t.iter() {
                        match k {
                            "exclude" => {
                                let globs = self.strings(t, k, v)?;
                                self.globset(t, k, &globs)?;
                                self.config.exclude = globs;
                            }
                            "include_tests" => self.config.include_tests = self.bool(t, k, v)?,
                            "max_file_size" => {
                                self.config.max_file_size = self.integer(t, k, v)? as u64
                            }
                            _ => return Err(self.unknown(t, "paths", k)),
                        }
                    }
                }
                _ => return Err(self.unknown(root, "the top level", key)),
            }
        }
        Ok(())
    }

    fn read_secrets(&mut self, t: &Table) -> Result<(), ConfigError> {
        for (k, v) in t.iter() {
            match k {
                "names" => self.config.secret_names = self.strings(t, k, v)?,
                "public" => self.config.public_names = self.strings(t, k, v)?,
                "required" => self.config.required_secrets = self.strings(t, k, v)?,
                "min_length" => {
                    let lengths = self.table(t, k, v)?;
                    for (name, len) in lengths.iter() {
                        let n = self.integer(lengths, name, len)?;
                        self.config.min_length.insert(name.to_string(), n as usize);
                    }
                }
                "rotation_days" => {
                    let days = self.table(t, k, v)?;
                    for (name, value) in days.iter() {
                        let n = self.integer(days, name, value)?;
                        self.config.rotation_days.insert(name.to_string(), n as u64);
                    }
                }
                _ => return Err(self.unknown(t, "secrets", k)),
            }
        }
        Ok(())
    }

    fn read_severity(&mut self, parent: &Table, key: &str, item: &Item) -> Result<(), ConfigError> {
        let t = self.table(parent, key, item)?;
        for (code, v) in t.iter() {
            if !self.rule_codes.iter().any(|c| c.eq_ignore_ascii_case(code)) {
                return Err(self.key_error(
                    t,
                    code,
                    format!("unknown rule code `{code}` in [severity]"),
                ));
            }
            let sev = self.severity_value(t, code, v)?;
            self.config.severity.insert(code.to_ascii_uppercase(), sev);
        }
        Ok(())
    }

    fn read_overrides(
        &mut self,
        parent: &Table,
        key: &str,
        item: &Item,
    ) -> Result<(), ConfigError> {
        let Some(array) = item.as_array_of_tables() else {
            return Err(self.key_error(
                parent,
                key,
                "`overrides` must be an array of tables ([[overrides]])".into(),
            ));
        };
        for t in array.iter() {
            let mut paths = None;
            let mut codes = Vec::new();
            let mut severity = None;
            for (k, v) in t.iter() {
                match k {
                    "paths" => {
                        let globs = self.strings(t, k, v)?;
                        paths = Some(self.globset(t, k, &globs)?);
                    }
                    "codes" => codes = self.codes(t, k, v)?,
                    "severity" => severity = Some(self.severity_value(t, k, v)?),
                    _ => return Err(self.unknown(t, "[[overrides]]", k)),
                }
            }
            let (Some(paths), Some(severity)) = (paths, severity) else {
                return Err(self.error(
                    t.span(),
                    "each [[overrides]] needs `paths` and `severity`".into(),
                ));
            };
            self.config.overrides.push(PathOverride {
                paths,
                codes,
                severity,
            });
        }
        Ok(())
    }

    fn unknown(&self, table: &Table, where_: &str, key: &str) -> ConfigError {
        self.key_error(table, key, format!("unknown key `{key}` in {where_}"))
    }

    fn table<'t>(
        &self,
        parent: &Table,
        key: &str,
        item: &'t Item,
    ) -> Result<&'t Table, ConfigError> {
        item.as_table()
            .ok_or_else(|| self.key_error(parent, key, format!("`{key}` must be a table")))
    }

    fn value<'t>(
        &self,
        parent: &Table,
        key: &str,
        item: &'t Item,
    ) -> Result<&'t Value, ConfigError> {
        item.as_value().ok_or_else(|| {
            self.key_error(parent, key, format!("`{key}` must be a value, not a table"))
        })
    }

    fn string(&self, parent: &Table, key: &str, item: &Item) -> Result<String, ConfigError> {
        self.value(parent, key, item)?
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| self.key_error(parent, key, format!("`{key}` must be a string")))
    }

    fn bool(&self, parent: &Table, key: &str, item: &Item) -> Result<bool, ConfigError> {
        self.value(parent, key, item)?
            .as_bool()
            .ok_or_else(|| self.key_error(parent, key, format!("`{key}` must be true or false")))
    }

    fn integer(&self, parent: &Table, key: &str, item: &Item) -> Result<i64, ConfigError> {
        self.value(parent, key, item)?
            .as_integer()
            .filter(|n| *n >= 0)
            .ok_or_else(|| {
                self.key_error(
                    parent,
                    key,
                    format!("`{key}` must be a non-negative integer"),
                )
            })
    }

    fn strings(&self, parent: &Table, key: &str, item: &Item) -> Result<Vec<String>, ConfigError> {
        let err = || self.key_error(parent, key, format!("`{key}` must be an array of strings"));
        let array = self.value(parent, key, item)?.as_array().ok_or_else(err)?;
        array
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(err))
            .collect()
    }

    fn codes(&self, parent: &Table, key: &str, item: &Item) -> Result<Vec<String>, ConfigError> {
        let codes = self.strings(parent, key, item)?;
        for code in &codes {
            if !is_known_code_or_prefix(code, self.rule_codes) {
                return Err(self.key_error(
                    parent,
                    key,
                    format!("`{code}` in `{key}` is not a rule code or family prefix"),
                ));
            }
        }
        Ok(codes.into_iter().map(|c| c.to_ascii_uppercase()).collect())
    }

    fn severity_value(
        &self,
        parent: &Table,
        key: &str,
        item: &Item,
    ) -> Result<Severity, ConfigError> {
        let s = self.string(parent, key, item)?;
        Severity::parse(&s).ok_or_else(|| {
            self.key_error(
                parent,
                key,
                format!("severity must be \"error\", \"warning\" or \"info\", not {s:?}"),
            )
        })
    }

    fn regex(&self, parent: &Table, key: &str, item: &Item) -> Result<Regex, ConfigError> {
        let s = self.string(parent, key, item)?;
        Regex::new(&s)
            .map_err(|e| self.key_error(parent, key, format!("invalid pattern for `{key}`: {e}")))
    }

    fn globset(
        &self,
        parent: &Table,
        key: &str,
        globs: &[String],
    ) -> Result<globset::GlobSet, ConfigError> {
        let mut builder = globset::GlobSetBuilder::new();
        for g in globs {
            let glob = globset::Glob::new(g).map_err(|e| {
                self.key_error(parent, key, format!("invalid glob {g:?} in `{key}`: {e}"))
            })?;
            builder.add(glob);
        }
        builder
            .build()
            .map_err(|e| self.key_error(parent, key, format!("invalid globs in `{key}`: {e}")))
    }
}

/// A full rule code (`SEC001`) or a family prefix (`SEC`, `SEC00`) of one
/// of `rule_codes`.
pub fn is_known_code_or_prefix(code: &str, rule_codes: &[&str]) -> bool {
    let upper = code.to_ascii_uppercase();
    !upper.is_empty() && rule_codes.iter().any(|c| c.starts_with(upper.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_checklist() {
        let c = Config::default();
        assert_eq!(c.min_length("ADMIN_KEY"), Some(48));
        assert!(c.is_production_env(None));
        assert!(c.is_production_env(Some("production")));
        assert!(!c.is_production_env(Some("dev")));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err =
            Config::parse("[secrets]\nnames = []\nbogus = 1\n", "preflight.toml", &[]).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("bogus"), "{}", err.message);
    }

    #[test]
    fn invalid_pattern_is_an_error() {
        let err = Config::parse("[patterns]\nturnstile = \"(\"\n", "p.toml", &[]).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("turnstile"));
    }

    #[test]
    fn reads_known_settings() {
        let c = Config::parse(
            "ignore = [\"SEC004\"]\n[hyperdrive]\norigin = \"direct\"\n[secrets.min_length]\nADMIN_KEY = 64\n[scopes]\nnon_production = [\"qa\"]\n",
            "p.toml",
            &["SEC004"],
        )
        .unwrap();
        assert_eq!(c.hyperdrive_origin, HyperdriveOrigin::Direct);
        assert_eq!(c.min_length("ADMIN_KEY"), Some(64));
        assert!(!c.is_enabled("SEC004"));
        assert!(c.is_production_env(Some("dev")));
        assert!(!c.is_production_env(Some("qa")));
    }
}
