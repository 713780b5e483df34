//! The Project: every discovered file with the facts its parser front
//! extracted (gathered in parallel, each AST dropped as soon as its facts are
//! taken), the Workers the wrangler configs define, and what git tracks.
//! Configuration files are parsed up front; source files a batch of Workers
//! at a time (`sources.rs`), so only one batch's source facts are loaded.

use std::collections::HashSet;
use std::path::PathBuf;

mod build;
pub mod callees;
mod dev_vars;
pub use dev_vars::{LocalSecretFile, LocalSecretWhy};
pub mod routes;
mod source_index;
mod sources;
mod values;

pub use values::{NamedValue, ValueOrigin};

pub use build::scan;
#[cfg(test)]
pub use build::scan_with_sources;
pub use sources::SourceSummary;

use crate::config::Config;
use crate::discover::{FileKind, Skipped};
use crate::finding::FileId;
use crate::formats::ParseFailure;
use crate::formats::dotenv::DotEnvFile;
use crate::formats::package_json::PackageJson;
use crate::formats::prisma::PrismaSchema;
use crate::formats::shell::ShellScript;
use crate::formats::workflow::Workflow;
use crate::formats::wrangler::WranglerConfig;
use crate::secrets::{CredentialMatch, SecretNames};
use crate::suppress::Suppression;

/// What a parser front extracted from one file.
#[derive(Debug, Default)]
pub enum Facts {
    #[default]
    None,
    Wrangler(Box<WranglerConfig>),
    DotEnv(DotEnvFile),
    Shell(ShellScript),
    PackageJson(PackageJson),
    Prisma(PrismaSchema),
    Workflow(Box<Workflow>),
    /// TypeScript / JavaScript source (`FileKind::Script`).
    Js(Box<crate::formats::js::JsFacts>),
}

#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the scanned root, with `/` separators.
    pub path: String,
    pub kind: FileKind,
    pub facts: Facts,
    /// Set when the file's parser front failed (PF000).
    pub parse_failure: Option<ParseFailure>,
    /// Known credential formats found anywhere in the text (SEC003).
    pub credentials: Vec<CredentialMatch>,
    pub suppressions: Vec<Suppression>,
    /// The Worker this file belongs to (nearest wrangler config above it).
    pub worker: Option<WorkerId>,
    /// In the git index.
    pub tracked: bool,
    /// Set when the file could not be analysed (over the size cap, binary,
    /// not UTF-8, minified): PF002 reports it, SEC003 still sees the
    /// credentials of its raw bytes.
    pub unanalysed: Option<Box<Unanalysed>>,
    /// A test file by its path ([`crate::discover::is_test_file`]):
    /// every source rule asks, for every file of every batch.
    pub is_test: bool,
}

impl SourceFile {
    /// A file not read yet.
    pub fn new(path: String, kind: FileKind) -> Self {
        SourceFile {
            is_test: crate::discover::is_test_file(&path),
            path,
            kind,
            facts: Facts::None,
            parse_failure: None,
            credentials: Vec::new(),
            suppressions: Vec::new(),
            worker: None,
            tracked: false,
            unanalysed: None,
        }
    }
}

/// Why a file was not analysed.
#[derive(Debug)]
pub struct Unanalysed {
    pub reason: String,
    /// The places of the file's credentials, in their order, when they come
    /// from the raw bytes (the report cannot read such a file's text back).
    pub places: Vec<crate::span::Place>,
}

impl Unanalysed {
    pub fn new(reason: impl Into<String>) -> Self {
        Unanalysed {
            reason: reason.into(),
            places: Vec::new(),
        }
    }
}

pub type WorkerId = usize;

#[derive(Debug)]
pub struct Worker {
    /// The directory holding the config, relative to the root ("" for root).
    pub dir: String,
    /// The wrangler config file.
    pub config_file: FileId,
}

/// A wrangler config that wrangler does not read: another config in the
/// same directory wins (`wrangler.json`, then `wrangler.jsonc`, then
/// `wrangler.toml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShadowedConfig {
    pub file: FileId,
    /// The config wrangler reads instead.
    pub used: FileId,
}

#[derive(Debug)]
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// The calls to built-ins that source facts keep (see `callees.rs`).
    pub(crate) kept_callees: callees::KeptCallees,
    pub names: SecretNames,
    pub files: Vec<SourceFile>,
    pub workers: Vec<Worker>,
    /// Configs that lose to another in their directory (PF003).
    pub shadowed_configs: Vec<ShadowedConfig>,
    /// Paths (relative to the root) in the git index, when there is one.
    pub tracked: HashSet<String>,
    pub in_git_repo: bool,
    /// For each Worker, its local secret files (`.dev.vars`,
    /// `.dev.vars.<env>`, `secret bulk` inputs) that the ignore rules do
    /// not cover (`dev_vars.rs`).
    pub unignored_secret_files: Vec<Vec<LocalSecretFile>>,
    pub skipped: Vec<Skipped>,
    /// Set when the ignore files were too large to apply (PF002).
    pub ignore_rules_dropped: Option<crate::discover::IgnoreRulesDropped>,
    /// What every source file showed, kept after its facts are dropped.
    pub summary: SourceSummary,
    /// The source files (TS/JS, Rust) waiting to be parsed, by file id:
    /// they are parsed a batch of Workers at a time (`sources.rs`).
    pub(crate) pending: Vec<(FileId, PathBuf)>,
    /// The pending source files by path.
    pub(crate) source_index: source_index::SourceIndex,
    /// The source files whose facts are loaded now, in id order.
    pub(crate) scope: Vec<FileId>,
    /// The Workers the loaded batch judges (their entries are resolved).
    pub(crate) scope_workers: Vec<WorkerId>,
    /// Cross-file route resolution over the loaded batch, computed on
    /// first use (`routes.rs`).
    pub(crate) routes: std::sync::OnceLock<routes::RouteAnalysis>,
    /// The text of each source file the loaded batch read, by file id:
    /// kept until the batch's findings have their places.
    pub(crate) batch_texts: Vec<(FileId, String)>,
    /// Every named value of the configuration files, collected on first
    /// use (`values.rs`).
    pub(crate) values: std::sync::OnceLock<Vec<values::StoredValue>>,
}

impl Project {
    /// The source file (TS/JS or Rust, as discovered) at `path`, to resolve
    /// imports.
    pub fn source_file_at(&self, path: &str) -> Option<FileId> {
        self.source_index.get(&self.files, path)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// Every file with its id.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate()
    }

    /// Every wrangler config with its file id.
    pub fn wrangler_configs(&self) -> impl Iterator<Item = (FileId, &WranglerConfig)> {
        self.files().filter_map(|(id, f)| match &f.facts {
            Facts::Wrangler(c) => Some((id, &**c)),
            _ => None,
        })
    }

    pub fn dotenv_files(&self) -> impl Iterator<Item = (FileId, &SourceFile, &DotEnvFile)> {
        self.files().filter_map(|(id, f)| match &f.facts {
            Facts::DotEnv(d) => Some((id, f, d)),
            _ => None,
        })
    }

    pub fn workflows(&self) -> impl Iterator<Item = (FileId, &Workflow)> {
        self.files().filter_map(|(id, f)| match &f.facts {
            Facts::Workflow(w) => Some((id, &**w)),
            _ => None,
        })
    }

    pub fn prisma_schemas(&self) -> impl Iterator<Item = (FileId, &PrismaSchema)> {
        self.files().filter_map(|(id, f)| match &f.facts {
            Facts::Prisma(p) => Some((id, p)),
            _ => None,
        })
    }

    /// Every shell script: `*.sh` files and each `package.json` script.
    pub fn shell_scripts(&self) -> impl Iterator<Item = (FileId, &ShellScript)> {
        self.files().flat_map(|(id, f)| {
            let scripts: Vec<&ShellScript> = match &f.facts {
                Facts::Shell(s) => vec![s],
                Facts::PackageJson(p) => p.scripts.iter().map(|s| &s.script).collect(),
                _ => Vec::new(),
            };
            scripts.into_iter().map(move |s| (id, s))
        })
    }

    /// Every TypeScript/JavaScript (and Rust) source file of the loaded
    /// batch, with its facts.
    pub fn js_files(
        &self,
    ) -> impl Iterator<Item = (FileId, &SourceFile, &crate::formats::js::JsFacts)> {
        self.scope.iter().filter_map(|&id| {
            let f = &self.files[id];
            match &f.facts {
                Facts::Js(j) => Some((id, f, &**j)),
                _ => None,
            }
        })
    }

    /// Whether the loaded batch judges `worker` (holds all its source
    /// files), rather than holding some of its files as guests imported by
    /// another Worker: a rule that groups findings per Worker groups them
    /// in the batch that judges it.
    pub fn judges_worker(&self, worker: WorkerId) -> bool {
        self.scope_workers.contains(&worker)
    }

    /// The files of one Worker: found by its directory in the path-sorted
    /// file list, not by a pass over every file.
    pub fn worker_files(&self, worker: WorkerId) -> impl Iterator<Item = (FileId, &SourceFile)> {
        let (start, end) = match self.workers.get(worker) {
            Some(w) if w.dir.is_empty() => (0, self.files.len()),
            Some(w) => {
                let prefix = format!("{}/", w.dir);
                let start = self
                    .files
                    .partition_point(|f| f.path.as_str() < prefix.as_str());
                let len = self.files[start..].partition_point(|f| f.path.starts_with(&prefix));
                (start, start + len)
            }
            None => (0, 0),
        };
        (start..end)
            .map(|id| (id, &self.files[id]))
            .filter(move |(_, f)| f.worker == Some(worker))
    }

    pub fn worker_config(&self, worker: &Worker) -> Option<&WranglerConfig> {
        match &self.files[worker.config_file].facts {
            Facts::Wrangler(c) => Some(c),
            _ => None,
        }
    }
}
