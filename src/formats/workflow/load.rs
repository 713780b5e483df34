//! Loading YAML with saphyr safely.
//!
//! saphyr's loader copies the anchored node for every alias (so an alias
//! bomb expands exponentially), its parser recurses once per nesting level
//! (block nesting is unlimited; flow nesting stops at 255), and its trees
//! drop recursively. So every file is read twice, on a thread with a large
//! stack:
//!
//! 1. a *probe* pass loads the document into `Probe` nodes that keep no
//!    children once complete, so that copying one for an alias costs O(1).
//!    It measures nesting depth and the size the aliases would expand to,
//!    notices duplicate keys (saphyr silently keeps the last value), and
//!    starves the parser of input as soon as the nesting passes
//!    `MAX_NESTING`, which bounds the parser's recursion;
//! 2. only a document the probe found sound is loaded as `MarkedYaml`,
//!    whose spans the model is built from.

use std::cell::Cell;
use std::hash::{Hash, Hasher};

use saphyr::{AnnotatedMapping, LoadableYamlNode, MarkedYaml, Marker, Scalar, ScanError, Yaml};

use super::extract;
use super::offsets::Ctx;
use super::{ParseFailure, Workflow};
use crate::formats::MAX_NESTING;
use crate::span::Span;

/// How many nodes aliases may add on top of the nodes written in the file.
pub(super) const ALIAS_BUDGET: u64 = 100_000;

/// Stack for the reading thread. The probe stops feeding the parser once
/// nesting passes `MAX_NESTING`, but the scanner has read ahead by then (up
/// to 1024 characters of flow collections), so the parser may still
/// recurse a few hundred levels more; debug builds use ~3 KiB per level.
const READER_STACK: usize = 16 * 1024 * 1024;

/// Parses on a dedicated thread so that the stack depth saphyr needs does
/// not depend on the caller's thread, and a panic inside saphyr becomes a
/// parse failure rather than a crash.
pub(super) fn parse_isolated(text: &str) -> Result<Workflow, ParseFailure> {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("preflight-yaml".into())
            .stack_size(READER_STACK)
            .spawn_scoped(scope, || parse_here(text));
        match handle {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(ParseFailure::new(
                    Span::empty_at(0),
                    "internal error while reading the YAML",
                ))
            }),
            Err(e) => Err(ParseFailure::new(
                Span::empty_at(0),
                format!("could not start the YAML reader: {e}"),
            )),
        }
    })
}

fn parse_here(text: &str) -> Result<Workflow, ParseFailure> {
    let ctx = Ctx::new(text);
    let probe = probe(text);
    if let Some(stop) = probe.stop {
        let message = match stop.why {
            Why::TooDeep => format!("YAML nested deeper than {MAX_NESTING} levels"),
            Why::TooLarge => {
                format!("YAML aliases expand to more than {ALIAS_BUDGET} extra nodes (alias bomb?)")
            }
        };
        return Err(ParseFailure::new(ctx.char_span(stop.at), message));
    }
    if let Some(err) = probe.error {
        return Err(scan_failure(&ctx, &err));
    }
    let docs = MarkedYaml::load_from_str(text).map_err(|e| scan_failure(&ctx, &e))?;
    let Some(root) = docs.first() else {
        return Ok(Workflow::default());
    };
    if probe.duplicate {
        return Err(extract::duplicate_key_failure(root, &ctx));
    }
    extract::workflow(root, &ctx)
}

fn scan_failure(ctx: &Ctx, err: &ScanError) -> ParseFailure {
    ParseFailure::new(ctx.char_span(err.marker().index()), err.info().to_string())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    TooDeep,
    TooLarge,
}

#[derive(Clone, Copy, Debug)]
struct Stop {
    why: Why,
    /// Character index.
    at: usize,
}

#[derive(Clone, Copy, Debug, Default)]
struct ProbeState {
    depth: usize,
    /// Nodes created from the text (aliases excluded).
    created: u64,
    next_id: u64,
    duplicate: bool,
    stop: Option<Stop>,
}

thread_local! {
    static STATE: Cell<ProbeState> = Cell::new(ProbeState::default());
}

fn update(f: impl FnOnce(&mut ProbeState)) {
    STATE.with(|cell| {
        let mut state = cell.get();
        f(&mut state);
        cell.set(state);
    });
}

fn halted() -> bool {
    STATE.with(|cell| cell.get().stop.is_some())
}

struct ProbeOutcome {
    stop: Option<Stop>,
    error: Option<ScanError>,
    duplicate: bool,
}

fn probe(text: &str) -> ProbeOutcome {
    STATE.with(|cell| cell.set(ProbeState::default()));
    let result = Probe::load_from_iter(Starvable(text.chars()));
    let state = STATE.with(|cell| cell.replace(ProbeState::default()));
    ProbeOutcome {
        stop: state.stop,
        error: result.err(),
        duplicate: state.duplicate,
    }
}

/// The text's characters, until the probe says stop: the scanner then sees
/// the end of input and the parser unwinds.
struct Starvable<'t>(std::str::Chars<'t>);

impl Iterator for Starvable<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if halted() { None } else { self.0.next() }
    }
}

/// What makes two probe nodes equal as mapping keys: their scalar value
/// (as YAML compares keys), or their identity for collections.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Ident {
    /// The loader's "no key yet" marker, also used for unresolvable values.
    Bad,
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Str(Box<str>),
    Collection(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bad,
    Scalar,
    Sequence,
    Mapping,
}

/// A node of the probe pass: complete collections drop their children and
/// keep only their expanded size.
#[derive(Clone)]
struct Probe {
    kind: Kind,
    ident: Ident,
    /// Nodes this one stands for once aliases are expanded (itself included).
    size: u64,
    /// Insertions into `map`; more than its length means a repeated key.
    inserted: u64,
    /// Character index of a collection's start.
    start: usize,
    seq: Vec<Probe>,
    map: AnnotatedMapping<'static, Probe>,
}

impl PartialEq for Probe {
    fn eq(&self, other: &Self) -> bool {
        self.ident == other.ident
    }
}

impl Eq for Probe {}

impl Hash for Probe {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.ident.hash(state);
    }
}

impl Probe {
    fn new(kind: Kind, ident: Ident) -> Probe {
        Probe {
            kind,
            ident,
            size: 1,
            inserted: 0,
            start: 0,
            seq: Vec::new(),
            map: AnnotatedMapping::new(),
        }
    }
}

fn scalar_ident(scalar: &Scalar<'_>) -> Ident {
    match scalar {
        Scalar::Null => Ident::Null,
        Scalar::Boolean(b) => Ident::Bool(*b),
        Scalar::Integer(i) => Ident::Int(*i),
        Scalar::FloatingPoint(f) => Ident::Float(f.into_inner().to_bits()),
        Scalar::String(s) => Ident::Str(s.as_ref().into()),
    }
}

impl<'input> LoadableYamlNode<'input> for Probe {
    type HashKey = Probe;

    fn from_bare_yaml(yaml: Yaml<'input>) -> Self {
        let kind_ident = |id: u64| match yaml {
            Yaml::Sequence(_) => (Kind::Sequence, Ident::Collection(id)),
            Yaml::Mapping(_) => (Kind::Mapping, Ident::Collection(id)),
            Yaml::Value(scalar) => (Kind::Scalar, scalar_ident(&scalar)),
            Yaml::Representation(text, _, _) => (Kind::Scalar, Ident::Str(text.as_ref().into())),
            // The loader only tags complete collections, through `into_tagged`.
            Yaml::Tagged(..) | Yaml::Alias(_) | Yaml::BadValue => (Kind::Bad, Ident::Bad),
        };
        let mut id = 0;
        update(|s| {
            s.next_id += 1;
            id = s.next_id;
        });
        let (kind, ident) = kind_ident(id);
        if kind != Kind::Bad {
            update(|s| s.created += 1);
        }
        Probe::new(kind, ident)
    }

    fn is_sequence(&self) -> bool {
        self.kind == Kind::Sequence
    }

    fn is_mapping(&self) -> bool {
        self.kind == Kind::Mapping
    }

    fn is_badvalue(&self) -> bool {
        self.kind == Kind::Bad
    }

    fn sequence_mut(&mut self) -> &mut Vec<Self> {
        &mut self.seq
    }

    fn mapping_mut(&mut self) -> &mut AnnotatedMapping<'static, Probe> {
        // The loader asks for the map exactly once per key/value insertion.
        self.inserted += 1;
        &mut self.map
    }

    fn into_tagged(self, _: std::borrow::Cow<'input, saphyr::Tag>) -> Self {
        self
    }

    fn take(&mut self) -> Self {
        std::mem::replace(self, Probe::new(Kind::Bad, Ident::Bad))
    }

    fn with_start_marker(mut self, mark: Marker) -> Self {
        self.start = mark.index();
        update(|s| {
            s.depth += 1;
            if s.depth > MAX_NESTING && s.stop.is_none() {
                s.stop = Some(Stop {
                    why: Why::TooDeep,
                    at: mark.index(),
                });
            }
        });
        self
    }

    fn with_end_marker(mut self, _: Marker) -> Self {
        let children = self
            .seq
            .iter()
            .map(|c| c.size)
            .chain(self.map.iter().map(|(k, v)| k.size.saturating_add(v.size)))
            .fold(0u64, u64::saturating_add);
        self.size = children.saturating_add(1);
        let duplicate = self.inserted > self.map.len() as u64;
        let size = self.size;
        let start = self.start;
        update(|s| {
            s.depth = s.depth.saturating_sub(1);
            s.duplicate |= duplicate;
            if size > s.created.saturating_add(ALIAS_BUDGET) && s.stop.is_none() {
                s.stop = Some(Stop {
                    why: Why::TooLarge,
                    at: start,
                });
            }
        });
        // Complete: the children are no longer needed, and an alias to this
        // node now copies a handful of words.
        self.seq = Vec::new();
        self.map = AnnotatedMapping::new();
        self
    }
}
