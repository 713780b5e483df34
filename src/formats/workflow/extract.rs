//! From saphyr's marked YAML to the workflow model. The tree is at most
//! `MAX_NESTING` deep (the probe checked), and every walk here either
//! follows the fixed shape of a workflow or uses an explicit stack.

use std::borrow::Cow;
use std::collections::HashSet;

use saphyr::{AnnotatedMapping, MarkedYaml, Scalar, YamlData};

use super::expr;
use super::offsets::{Ctx, OffsetMap, Style, block_indicator, remap_script};
use super::{Expression, Job, KeyValue, ParseFailure, RunBlock, Step, Triggers, Workflow};
use crate::formats::MAX_NESTING;
use crate::formats::shell::ShellScript;
use crate::span::{Span, Spanned};

type Node<'i> = MarkedYaml<'i>;
type Map<'i> = AnnotatedMapping<'i, MarkedYaml<'i>>;

/// The node under any tags.
fn untagged<'a, 'i>(node: &'a Node<'i>) -> &'a Node<'i> {
    let mut node = node;
    while let YamlData::Tagged(_, inner) = &node.data {
        node = inner;
    }
    node
}

fn as_map<'a, 'i>(node: &'a Node<'i>) -> Option<&'a Map<'i>> {
    match &untagged(node).data {
        YamlData::Mapping(m) => Some(m),
        _ => None,
    }
}

fn as_seq<'a, 'i>(node: &'a Node<'i>) -> Option<&'a [Node<'i>]> {
    match &untagged(node).data {
        YamlData::Sequence(s) => Some(s),
        _ => None,
    }
}

/// A scalar key's text (`on`, `1`, `true`); `None` for complex keys.
fn key_text<'a>(node: &'a Node<'_>) -> Option<Cow<'a, str>> {
    match &untagged(node).data {
        YamlData::Value(Scalar::String(s)) => Some(Cow::Borrowed(s.as_ref())),
        YamlData::Value(Scalar::Integer(i)) => Some(Cow::Owned(i.to_string())),
        YamlData::Value(Scalar::Boolean(b)) => Some(Cow::Owned(b.to_string())),
        YamlData::Value(Scalar::FloatingPoint(f)) => Some(Cow::Owned(f.to_string())),
        YamlData::Value(Scalar::Null) => Some(Cow::Borrowed("")),
        _ => None,
    }
}

fn get<'a, 'i>(map: &'a Map<'i>, key: &str) -> Option<(&'a Node<'i>, &'a Node<'i>)> {
    map.iter()
        .find(|(k, _)| key_text(k).is_some_and(|t| t == key))
}

fn get_value<'a, 'i>(map: &'a Map<'i>, key: &str) -> Option<&'a Node<'i>> {
    get(map, key).map(|(_, v)| v)
}

/// A scalar with everything needed to relate its value to the file.
struct ScalarAt {
    value: String,
    /// The scalar as written: quotes included; for block scalars from the
    /// indicator to the end of the last content line.
    span: Span,
    map: OffsetMap,
}

fn scalar(ctx: &Ctx, node: &Node<'_>) -> Option<ScalarAt> {
    scalar_as(ctx, node, true)
}

/// `may_be_block` is false for mapping keys: a key starts its line, and
/// the line above it may end in ` |` as part of a plain scalar, which must
/// not be taken for a block header.
fn scalar_as(ctx: &Ctx, node: &Node<'_>, may_be_block: bool) -> Option<ScalarAt> {
    let node = untagged(node);
    let text = ctx.text;
    let start = ctx.byte(node.span.start.index());
    let end = ctx.byte(node.span.end.index()).max(start);
    let written = text.get(start..end).unwrap_or_default();
    let value = match &node.data {
        YamlData::Value(Scalar::String(s)) => s.to_string(),
        YamlData::Value(other) if written.starts_with('*') => match other {
            Scalar::Null => String::new(),
            Scalar::Boolean(b) => b.to_string(),
            Scalar::Integer(i) => i.to_string(),
            Scalar::FloatingPoint(f) => f.to_string(),
            Scalar::String(s) => s.to_string(),
        },
        // Numbers, booleans and nulls as written.
        YamlData::Value(_) | YamlData::BadValue | YamlData::Representation(..) => {
            written.to_string()
        }
        _ => return None,
    };
    let span = Span::new(start, end);
    if written.starts_with('*') {
        // An alias: point at it, not at the anchored original.
        return Some(ScalarAt {
            value,
            span,
            map: OffsetMap::for_scalar(text, start..start, Style::Plain, "", span),
        });
    }
    let style = match written.as_bytes().first() {
        Some(b'"') => Style::DoubleQuoted,
        Some(b'\'') => Style::SingleQuoted,
        _ if may_be_block && block_indicator(text, start).is_some() => Style::Block,
        _ => Style::Plain,
    };
    if style != Style::Block {
        return Some(ScalarAt {
            map: OffsetMap::for_scalar(text, start..end, style, &value, span),
            value,
            span,
        });
    }
    let indicator = block_indicator(text, start).unwrap_or(start);
    let header_end = indicator
        + 1
        + text
            .get(indicator + 1..)
            .unwrap_or_default()
            .bytes()
            .take_while(|b| matches!(b, b'+' | b'-' | b'1'..=b'9'))
            .count();
    let loose = Span::new(indicator, end.max(header_end));
    let mut map = OffsetMap::for_scalar(text, start..end, style, &value, loose);
    let tight_end = map.last_file_end().unwrap_or(header_end).max(header_end);
    let span = Span::new(indicator, tight_end);
    map.set_bounds(span);
    Some(ScalarAt { value, span, map })
}

fn spanned(ctx: &Ctx, node: &Node<'_>) -> Option<Spanned<String>> {
    scalar(ctx, node).map(|s| Spanned::new(s.value, s.span))
}

fn key_spanned(ctx: &Ctx, key: &Node<'_>) -> Option<Spanned<String>> {
    let text = key_text(key)?.into_owned();
    let span = scalar_as(ctx, key, false)
        .map_or_else(|| ctx.char_span(key.span.start.index()), |s| s.span);
    Some(Spanned::new(text, span))
}

/// The node as written: a block collection ends with its last entry.
fn node_span(ctx: &Ctx, node: &Node<'_>) -> Span {
    let node = untagged(node);
    if !matches!(node.data, YamlData::Mapping(_) | YamlData::Sequence(_)) {
        return scalar(ctx, node)
            .map_or_else(|| ctx.char_span(node.span.start.index()), |s| s.span);
    }
    let start = ctx.byte(node.span.start.index());
    if let Some(span) = leaf_collection_span(ctx, node) {
        return span;
    }
    // A block collection: follow the last entries down to a leaf.
    let mut end = start;
    let mut current = node;
    for _ in 0..=MAX_NESTING {
        let current_untagged = untagged(current);
        let next = match &current_untagged.data {
            YamlData::Mapping(m) => m.back().map(|(k, v)| {
                if key_text(k).is_some() {
                    end = end.max(node_span(ctx, k).end as usize);
                }
                v
            }),
            YamlData::Sequence(s) => s.last(),
            _ => None,
        };
        match next {
            Some(child) if leaf_collection_span(ctx, child).is_none() && is_collection(child) => {
                current = child
            }
            Some(child) => {
                let span =
                    leaf_collection_span(ctx, child).unwrap_or_else(|| node_span(ctx, child));
                end = end.max(span.end as usize);
                break;
            }
            None => break,
        }
    }
    Span::new(start, end)
}

fn is_collection(node: &Node<'_>) -> bool {
    matches!(
        untagged(node).data,
        YamlData::Mapping(_) | YamlData::Sequence(_)
    )
}

/// The span of a flow collection (brackets included) or of an alias to a
/// collection; `None` for block collections and scalars.
fn leaf_collection_span(ctx: &Ctx, node: &Node<'_>) -> Option<Span> {
    let node = untagged(node);
    if !is_collection(node) {
        return None;
    }
    let start = ctx.byte(node.span.start.index());
    let end = ctx.byte(node.span.end.index()).max(start);
    let bytes = ctx.text.as_bytes();
    match bytes.get(start) {
        Some(b'*') => Some(Span::new(start, end)),
        Some(b'[' | b'{') => {
            let close = matches!(bytes.get(end), Some(b']' | b'}'));
            Some(Span::new(start, end + usize::from(close)))
        }
        _ => None,
    }
}

fn expressions_of(value: &str, map: &OffsetMap) -> Vec<Expression> {
    if value.contains("${{") {
        expr::find_in(value, map)
    } else {
        Vec::new()
    }
}

fn key_values(ctx: &Ctx, node: &Node<'_>) -> Vec<KeyValue> {
    let Some(map) = as_map(node) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(k, v)| {
            let key = key_spanned(ctx, k)?;
            let (value, expressions) = match scalar(ctx, v) {
                Some(s) => {
                    let expressions = expressions_of(&s.value, &s.map);
                    (Some(Spanned::new(s.value, s.span)), expressions)
                }
                None => (None, Vec::new()),
            };
            Some(KeyValue {
                key,
                value,
                expressions,
            })
        })
        .collect()
}

/// `if:` — a condition is an expression with or without `${{ }}`.
fn condition(ctx: &Ctx, node: Option<&Node<'_>>) -> (Option<Spanned<String>>, Vec<Expression>) {
    let Some(s) = node.and_then(|n| scalar(ctx, n)) else {
        return (None, Vec::new());
    };
    let expressions = if s.value.contains("${{") {
        expr::find_in(&s.value, &s.map)
    } else if s.value.trim().is_empty() {
        Vec::new()
    } else {
        vec![expr::whole(&s.value, s.span)]
    };
    (Some(Spanned::new(s.value, s.span)), expressions)
}

fn names(ctx: &Ctx, node: &Node<'_>) -> Vec<Spanned<String>> {
    match as_seq(node) {
        Some(items) => items.iter().filter_map(|n| spanned(ctx, n)).collect(),
        None => spanned(ctx, node).into_iter().collect(),
    }
}

fn triggers(ctx: &Ctx, on: &Node<'_>) -> Triggers {
    let mut t = Triggers::default();
    let Some(map) = as_map(on) else {
        t.events = names(ctx, on);
        return t;
    };
    for (k, v) in map.iter() {
        let Some(event) = key_spanned(ctx, k) else {
            continue;
        };
        match event.value.as_str() {
            "workflow_run" => {
                if let Some(w) = as_map(v).and_then(|m| get_value(m, "workflows")) {
                    t.workflow_run = names(ctx, w);
                }
            }
            "schedule" => {
                for entry in as_seq(v).unwrap_or_default() {
                    if let Some(cron) = as_map(entry).and_then(|m| get_value(m, "cron")) {
                        t.schedules.extend(spanned(ctx, cron));
                    }
                }
            }
            _ => {}
        }
        t.events.push(event);
    }
    t
}

fn run_block(ctx: &Ctx, node: &Node<'_>) -> Option<RunBlock> {
    let s = scalar(ctx, node)?;
    let mut script = ShellScript::parse(&s.value);
    remap_script(&mut script, &s.map);
    let expressions = expressions_of(&s.value, &s.map);
    Some(RunBlock {
        text: s.value,
        span: s.span,
        script,
        expressions,
    })
}

fn step(ctx: &Ctx, node: &Node<'_>) -> Option<Step> {
    let map = as_map(node)?;
    let field = |key: &str| get_value(map, key).and_then(|v| spanned(ctx, v));
    let (if_cond, if_expressions) = condition(ctx, get_value(map, "if"));
    Some(Step {
        id: field("id"),
        name: field("name"),
        uses: field("uses"),
        if_cond,
        if_expressions,
        with: get_value(map, "with")
            .map(|v| key_values(ctx, v))
            .unwrap_or_default(),
        env: get_value(map, "env")
            .map(|v| key_values(ctx, v))
            .unwrap_or_default(),
        run: get_value(map, "run").and_then(|v| run_block(ctx, v)),
        span: node_span(ctx, node),
    })
}

fn steps(ctx: &Ctx, node: Option<&Node<'_>>) -> Vec<Step> {
    node.and_then(as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| step(ctx, n))
        .collect()
}

fn empty_job(id: Spanned<String>, span: Span) -> Job {
    Job {
        id,
        name: None,
        needs: Vec::new(),
        if_cond: None,
        if_expressions: Vec::new(),
        environment: None,
        env: Vec::new(),
        uses: None,
        with: Vec::new(),
        secrets: Vec::new(),
        secrets_inherit: false,
        steps: Vec::new(),
        span,
    }
}

fn job(ctx: &Ctx, key: &Node<'_>, node: &Node<'_>) -> Option<Job> {
    let id = key_spanned(ctx, key)?;
    let mut job = empty_job(id, node_span(ctx, node));
    let Some(map) = as_map(node) else {
        return Some(job);
    };
    let field = |key: &str| get_value(map, key).and_then(|v| spanned(ctx, v));
    job.name = field("name");
    job.needs = get_value(map, "needs")
        .map(|v| names(ctx, v))
        .unwrap_or_default();
    (job.if_cond, job.if_expressions) = condition(ctx, get_value(map, "if"));
    job.environment = get_value(map, "environment").and_then(|v| match as_map(v) {
        Some(env) => get_value(env, "name").and_then(|n| spanned(ctx, n)),
        None => spanned(ctx, v),
    });
    job.env = get_value(map, "env")
        .map(|v| key_values(ctx, v))
        .unwrap_or_default();
    job.uses = field("uses");
    job.with = get_value(map, "with")
        .map(|v| key_values(ctx, v))
        .unwrap_or_default();
    if let Some(secrets) = get_value(map, "secrets") {
        if as_map(secrets).is_some() {
            job.secrets = key_values(ctx, secrets);
        } else {
            job.secrets_inherit = scalar(ctx, secrets).is_some_and(|s| s.value.trim() == "inherit");
        }
    }
    job.steps = steps(ctx, get_value(map, "steps"));
    Some(job)
}

pub(super) fn workflow(root: &Node<'_>, ctx: &Ctx) -> Result<Workflow, ParseFailure> {
    let root = untagged(root);
    let map = match &root.data {
        YamlData::Mapping(m) => m,
        // An empty file, or only comments.
        YamlData::BadValue | YamlData::Value(Scalar::Null) => return Ok(Workflow::default()),
        _ => {
            return Err(ParseFailure::new(
                node_span(ctx, root),
                "expected a mapping (`name:`, `on:`, `jobs:` ...) at the top level",
            ));
        }
    };
    let mut wf = Workflow {
        name: get_value(map, "name").and_then(|v| spanned(ctx, v)),
        triggers: get_value(map, "on")
            .map(|v| triggers(ctx, v))
            .unwrap_or_default(),
        env: get_value(map, "env")
            .map(|v| key_values(ctx, v))
            .unwrap_or_default(),
        ..Workflow::default()
    };
    if let Some(jobs) = get_value(map, "jobs") {
        if let Some(jobs) = as_map(jobs) {
            wf.jobs = jobs.iter().filter_map(|(k, v)| job(ctx, k, v)).collect();
        }
    } else if let Some((key, runs)) = get(map, "runs") {
        // A composite action: its steps form one pseudo-job.
        wf.is_action = true;
        let id_span = node_span(ctx, key);
        let mut pseudo = empty_job(
            Spanned::new("composite".to_string(), id_span),
            node_span(ctx, runs),
        );
        pseudo.steps = steps(ctx, as_map(runs).and_then(|m| get_value(m, "steps")));
        wf.jobs.push(pseudo);
    }
    wf.expressions = all_expressions(ctx, root);
    Ok(wf)
}

/// Every expression in every scalar value of the document, in document
/// order; an aliased scalar is reported once.
fn all_expressions(ctx: &Ctx, root: &Node<'_>) -> Vec<Expression> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &untagged(node).data {
            YamlData::Mapping(m) => stack.extend(m.iter().rev().map(|(_, v)| v)),
            YamlData::Sequence(s) => stack.extend(s.iter().rev()),
            YamlData::Value(Scalar::String(v)) if v.contains("${{") => {
                if let Some(s) = scalar(ctx, node) {
                    for e in expr::find_in(&s.value, &s.map) {
                        if seen.insert(e.span) {
                            out.push(e);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// saphyr keeps the first key of a repeated pair and the last value; the
/// repeated key is written between the two.
pub(super) fn duplicate_key_failure(root: &Node<'_>, ctx: &Ctx) -> ParseFailure {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let node = untagged(node);
        match &node.data {
            YamlData::Mapping(m) => {
                for (k, v) in m.iter() {
                    if let Some(found) = repeated_key(ctx, k, v) {
                        return found;
                    }
                }
                stack.extend(m.iter().rev().flat_map(|(k, v)| [v, k]));
            }
            YamlData::Sequence(s) => stack.extend(s.iter().rev()),
            _ => {}
        }
    }
    ParseFailure::new(
        ctx.char_span(root.span.start.index()),
        "duplicate key in a mapping",
    )
}

fn repeated_key(ctx: &Ctx, key: &Node<'_>, value: &Node<'_>) -> Option<ParseFailure> {
    let name = key_text(key)?;
    if name.is_empty() {
        return None;
    }
    let bytes = ctx.text.as_bytes();
    let from = ctx.byte(key.span.end.index());
    let to = ctx.byte(value.span.start.index());
    let gap = ctx.text.get(from..to)?;
    let mut found = None;
    for (i, _) in gap.match_indices(name.as_ref()) {
        let at = from + i;
        let before_ok = at == 0
            || matches!(
                bytes[at - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'{' | b',' | b'"' | b'\''
            );
        let mut after = at + name.len();
        if matches!(bytes.get(after), Some(b'"' | b'\'')) {
            after += 1;
        }
        while matches!(bytes.get(after), Some(b' ' | b'\t')) {
            after += 1;
        }
        if before_ok && bytes.get(after) == Some(&b':') {
            found = Some(Span::new(at, at + name.len()));
        }
    }
    found.map(|span| ParseFailure::new(span, format!("duplicate key `{name}` in a mapping")))
}
