//! What a rule reports: a finding at one primary location, built fluently
//! (`Finding::new(&META, file, span).message(..).help(..)`), with optional
//! related locations (`.related(file, span, "also read here")`): the other
//! places of one root cause, which the report lists under the finding
//! instead of repeating it.

use std::borrow::Cow;

use crate::rule_meta::RuleMeta;
use crate::span::{Place, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }

    /// One level lower; `Info` stays `Info`.
    pub fn lowered(self) -> Severity {
        match self {
            Severity::Error => Severity::Warning,
            Severity::Warning | Severity::Info => Severity::Info,
        }
    }
}

/// Index of a file in `Project::files`.
pub type FileId = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// A byte span inside a scanned file.
    File { file: FileId, span: Span },
    /// Something that is not a file, such as `<env>:ADMIN_KEY` in
    /// `--check-env` mode.
    Virtual { path: String },
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub meta: &'static RuleMeta,
    pub severity: Severity,
    pub location: Location,
    /// Most helps, and some messages, are fixed text: borrowed, not copied
    /// into every finding.
    pub message: Cow<'static, str>,
    pub help: Cow<'static, str>,
    /// The span's place, when it was resolved while the file's text was
    /// still in memory (source files, a batch at a time); otherwise the
    /// report reads the file again.
    pub place: Option<Box<Place>>,
    /// Set by the reachability policy ([`crate::rule_meta::Reach::Runtime`]):
    /// the primary location is in a source file no Worker entry reaches, and
    /// the severity was lowered one level (the report lowers a configured
    /// `[severity]` the same way).
    pub unreached: bool,
    /// Other places of the same root cause (the other reads of a name, the
    /// other occurrences of a value). They take no part in the fingerprint.
    pub related: Vec<Related>,
}

/// A related location: where, and a short rule-written note (never text
/// taken from the file, so it cannot carry a secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub location: Location,
    pub message: Cow<'static, str>,
    /// Resolved as the primary's is, while the text is at hand.
    pub place: Option<Box<Place>>,
}

impl Finding {
    pub fn new(meta: &'static RuleMeta, file: FileId, span: Span) -> Self {
        Finding {
            meta,
            severity: meta.severity,
            location: Location::File { file, span },
            message: Cow::Borrowed(meta.summary),
            help: Cow::Borrowed(meta.help),
            place: None,
            unreached: false,
            related: Vec::new(),
        }
    }

    pub fn virtual_path(meta: &'static RuleMeta, path: impl Into<String>) -> Self {
        Finding {
            meta,
            severity: meta.severity,
            location: Location::Virtual { path: path.into() },
            message: Cow::Borrowed(meta.summary),
            help: Cow::Borrowed(meta.help),
            place: None,
            unreached: false,
            related: Vec::new(),
        }
    }

    pub fn message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.message = message.into();
        self
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = help.into();
        self
    }

    /// Adds a related location in a scanned file.
    pub fn related(
        mut self,
        file: FileId,
        span: Span,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.add_related(file, span, message);
        self
    }

    /// [`Finding::related`] on a finding already reported (a later
    /// occurrence of the same value).
    pub fn add_related(&mut self, file: FileId, span: Span, message: impl Into<Cow<'static, str>>) {
        self.related.push(Related {
            location: Location::File { file, span },
            message: message.into(),
            place: None,
        });
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn code(&self) -> &'static str {
        self.meta.code
    }
}
