//! Which calls to built-ins survive facts compaction
//! ([`crate::formats::js::JsFacts::compact`]): those some rule looks for.
//!
//! The rules layer says which callees matter ([`KeptCallees`], built by
//! `run.rs` from the rules it runs); this layer only asks, so that the
//! project never needs to know any rule.

use std::sync::Arc;

use crate::config::Config;

/// Whether some rule looks for calls to `callee` under `config`.
pub type CalleeTest = fn(&Config, &str) -> bool;

/// The callee tests of the rules being run: a call to a built-in is kept
/// when any of them says so.
#[derive(Clone, Default)]
pub struct KeptCallees(Arc<[CalleeTest]>);

impl KeptCallees {
    pub fn new(tests: impl IntoIterator<Item = CalleeTest>) -> Self {
        KeptCallees(tests.into_iter().collect())
    }

    /// Whether some test keeps `callee`.
    pub fn keeps(&self, config: &Config, callee: &str) -> bool {
        self.0.iter().any(|test| test(config, callee))
    }
}

impl std::fmt::Debug for KeptCallees {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeptCallees({} tests)", self.0.len())
    }
}

/// Remembers [`KeptCallees::keeps`]'s answers for one configuration. The
/// same callees (`console.log`, `JSON.stringify`) recur in every file, and
/// each answer runs several patterns: each parse worker keeps one of these.
pub struct CalleeVerdicts<'c> {
    config: &'c Config,
    kept: &'c KeptCallees,
    answers: crate::hashing::HashMap<compact_str::CompactString, bool>,
}

impl<'c> CalleeVerdicts<'c> {
    /// Answers kept before the cache starts over (a bound on its memory).
    const CAPACITY: usize = 1 << 14;

    pub fn new(config: &'c Config, kept: &'c KeptCallees) -> Self {
        CalleeVerdicts {
            config,
            kept,
            answers: Default::default(),
        }
    }

    pub fn config(&self) -> &'c Config {
        self.config
    }

    /// [`KeptCallees::keeps`], remembered.
    pub fn matters(&mut self, callee: &str) -> bool {
        if let Some(&answer) = self.answers.get(callee) {
            return answer;
        }
        let answer = self.kept.keeps(self.config, callee);
        if self.answers.len() >= Self::CAPACITY {
            self.answers.clear();
        }
        self.answers.insert(callee.into(), answer);
        answer
    }
}
