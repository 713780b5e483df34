//! DB003 sink classification and DB004 SQL-looking strings.

use super::tests::{at, js, ts};
use super::*;

/// The classification of every sink, in order.
fn classes(src: &str) -> Vec<SqlClass> {
    ts(src).sql_sinks.into_iter().map(|s| s.class).collect()
}

fn assert_all_safe(src: &str) {
    let f = ts(src);
    assert!(!f.sql_sinks.is_empty(), "no sink found");
    for s in &f.sql_sinks {
        assert!(
            matches!(s.class, SqlClass::Safe(_)),
            "{} → {:?}",
            at(src, s.span),
            s.class
        );
    }
}

#[test]
fn safe_look_alikes() {
    assert_all_safe(
        r#"
const COLS = ['id', 'kind'].join(', ')
const TABLE = 'users'
const ALLOWED = new Set(['name', 'created_at'])
const SORT_COLUMNS = { newest: 'created_at DESC', name: 'name ASC' } as const
export async function list(c, ids: number[], sort: string, dir: string) {
  const db = c.env.DB
  await db.prepare('SELECT * FROM users WHERE id = ?1').bind(1).first()
  await db.prepare(`SELECT ${COLS} FROM ${TABLE} WHERE id = ?`).bind(1).all()
  await db.prepare(`SELECT * FROM t WHERE id IN (${ids.map(() => '?').join(',')})`).bind(...ids).all()
  await pg.query(`SELECT * FROM t WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`, ids)
  const limit = parseInt(c.req.query('limit') ?? '10')
  await db.prepare(`SELECT * FROM t LIMIT ${limit} OFFSET ${(page - 1) * limit}`).all()
  const order = dir === 'asc' ? 'ASC' : 'DESC'
  await db.prepare(`SELECT * FROM t ORDER BY created_at ${order}`).all()
  const col = SORT_COLUMNS[sort] ?? 'id'
  await db.prepare(`SELECT * FROM t ORDER BY ${col}`).all()
  if (!ALLOWED.has(sort)) return c.text('bad sort', 400)
  await db.prepare(`SELECT * FROM t ORDER BY ${sort}`).all()
  const q = `SELECT * FROM ${TABLE} WHERE id = ?`
  await db.prepare(q).bind(1).first()
  await sql`SELECT * FROM users WHERE id = ${c.req.param('id')}`
  await prisma.$queryRawUnsafe('SELECT 1')
  await sql.unsafe(`SELECT * FROM t WHERE a = $${1}`)
  await db.exec('CREATE TABLE t (id INTEGER)')
  const sets: string[] = []
  if (c.name) sets.push('name = ?')
  if (c.age) sets.push('age = ?')
  await db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).bind(...values).run()
  const safeCol = ['name', 'email'].includes(sort) ? sort : 'id'
  await db.prepare(`SELECT ${safeCol} FROM users`).all()
  for (let i = 0; i < 3; i++) {
    await db.prepare(`SELECT * FROM t_${i}`).all()
  }
  let col2
  switch (sort) {
    case 'n':
      col2 = 'name'
      break
    default:
      col2 = 'id'
  }
  await db.prepare(`SELECT ${col2} FROM t`).all()
  let where = 'WHERE 1 = 1'
  if (dir) where += ' AND dir = ?'
  await db.prepare(`SELECT * FROM t ${where}`).all()
  return Prisma.raw('SELECT 1')
}
"#,
    );
}

#[test]
fn placeholder_positions_and_allowlists() {
    let src = r#"
export async function update(db, body) {
  const fields = []
  const params = []
  for (const key of Object.keys(body)) {
    if (!['title', 'done'].includes(key)) continue
    params.push(body[key])
    fields.push(`${key} = ?${params.length}`)
  }
  return db.prepare(`UPDATE todos SET ${fields.join(', ')} WHERE id = ?`).run()
}
export async function sw(db, t) {
  switch (t) {
    case 'users':
    case 'posts':
      break
    default:
      throw new Error('bad table')
  }
  return db.prepare(`SELECT * FROM ${t}`).all()
}
"#;
    for c in classes(src) {
        assert!(matches!(c, SqlClass::Safe(_)), "{c:?}");
    }
}

#[test]
fn unsafe_arguments() {
    let src = r#"
export async function bad(c, db, name: string, table) {
  const id = c.req.param('id')
  await db.prepare(`SELECT * FROM users WHERE id = ${id}`).first()
  await db.prepare('SELECT * FROM users WHERE name = \'' + name + '\'').first()
  const q = `DELETE FROM ${table} WHERE id = ?`
  await db.prepare(q).bind(1).run()
  await db.prepare(c.req.query('sql')).all()
  await sql.unsafe(`SELECT * FROM t WHERE a = '${name}'`)
  await prisma.$executeRawUnsafe(`UPDATE t SET a = ${name}`)
  await pool.query({ text: `SELECT * FROM t WHERE a = ${name}` })
  await db.exec('DROP TABLE '.concat(table))
  const sets = []
  sets.push(`name = '${name}'`)
  await db.prepare(`UPDATE t SET ${sets.join(',')}`).run()
  let where = ''
  if (name) where += ` AND name = '${name}'`
  await db.prepare(`SELECT * FROM t WHERE 1=1 ${where}`).all()
  return Prisma.raw(String.raw`SELECT ${name}`)
}
"#;
    let f = ts(src);
    let got: Vec<(UnsafeReason, &str, Option<&str>)> = f
        .sql_sinks
        .iter()
        .map(|s| match &s.class {
            SqlClass::Unsafe {
                reason,
                span,
                via_binding,
                ..
            } => (*reason, at(src, *span), via_binding.as_deref()),
            other => panic!("{} classified {:?}", at(src, s.span), other),
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (UnsafeReason::Interpolation, "id", None),
            (UnsafeReason::Concatenation, "name", None),
            (UnsafeReason::Interpolation, "table", Some("q")),
            (UnsafeReason::RequestInput, "c.req.query('sql')", None),
            (UnsafeReason::Interpolation, "name", None),
            (UnsafeReason::Interpolation, "name", None),
            (UnsafeReason::Interpolation, "name", None),
            (UnsafeReason::Concatenation, "table", None),
            (UnsafeReason::Interpolation, "sets.join(',')", None),
            (UnsafeReason::Interpolation, "where", None),
            (UnsafeReason::Interpolation, "name", None),
        ]
    );
    let first = &f.sql_sinks[0];
    assert_eq!(first.method, "prepare");
    assert_eq!(first.callee, "db.prepare");
    assert_eq!(
        at(src, first.arg_span),
        "`SELECT * FROM users WHERE id = ${id}`"
    );
    assert_eq!(f.sql_sinks[6].method, "query");
    assert!(at(src, f.sql_sinks[6].arg_span).starts_with("`SELECT"));
}

#[test]
fn unknown_and_non_sinks() {
    let src = r#"
export function run(db, query) {
  const m = /^\/users\/(\d+)$/.exec(pathname)
  const re = new RegExp('^a')
  re.exec(input)
  const idPattern = /x/
  idPattern.exec(input)
  c.req.query('url')
  return db.prepare(query).all()
}
"#;
    let f = ts(src);
    assert_eq!(f.sql_sinks.len(), 1);
    assert!(matches!(f.sql_sinks[0].class, SqlClass::Unknown { .. }));
}

#[test]
fn sql_looking_strings_and_their_flows() {
    let src = r#"
export async function h(c, db, table, id) {
  console.log(`SELECT * FROM ${table} WHERE id = ${id}`)
  const msg = `DELETE FROM ${table} WHERE id = ${id}`
  console.warn(msg)
  throw new Error(`UPDATE ${table} SET x = 1 failed for ${id}`)
}
export function page(rows, table) {
  return `<pre>SELECT * FROM ${table}</pre>`
}
export function build(table, id) {
  const sql = 'SELECT * FROM ' + table + ' WHERE id = ' + id
  return sql
}
export function viaSink(db, table) {
  const q = `SELECT * FROM ${table}`
  return db.prepare(q).all()
}
export function prose(file, dir) {
  return `Select a file from ${dir}: ${file}`
}
export function constant() {
  return `SELECT * FROM ${'users'} WHERE id = ?`
}
"#;
    let f = js(src);
    let flows: Vec<(SqlStringKind, Vec<SqlFlow>)> = f
        .sql_strings
        .iter()
        .map(|s| (s.kind, s.flows.clone()))
        .collect();
    assert_eq!(
        flows,
        vec![
            (SqlStringKind::Template, vec![SqlFlow::Console]),
            (SqlStringKind::Template, vec![SqlFlow::Console]),
            (SqlStringKind::Template, vec![SqlFlow::Error]),
            (SqlStringKind::Template, vec![SqlFlow::Html]),
            (SqlStringKind::Concatenation, vec![SqlFlow::Other]),
            (SqlStringKind::Template, vec![SqlFlow::Sink]),
        ]
    );
    assert!(f.sql_strings[..4].iter().all(SqlString::only_descriptive));
    assert!(!f.sql_strings[4].only_descriptive());
    assert_eq!(at(src, f.sql_strings[4].offending), "table");
    assert_eq!(
        f.sql_strings[0].preview,
        "SELECT * FROM ${…} WHERE id = ${…}"
    );
}

#[test]
fn sql_like_heuristic() {
    use super::sql::sql_like;
    assert!(sql_like("SELECT * FROM users"));
    assert!(sql_like("select id from users where x = 1"));
    assert!(sql_like("INSERT INTO t (a) VALUES (?)"));
    assert!(sql_like("  update t set a = 1"));
    assert!(!sql_like("Select a file from the list"));
    assert!(!sql_like("please select one item from the menu"));
    assert!(!sql_like("SELECT"));
    assert!(!sql_like("Delete the user"));
}

#[test]
fn imported_parts_are_listed_only_when_they_are_the_sole_offenders() {
    let src = r#"
import { COLS, TABLE as T } from './schema'
import * as S from './schema'
import { makeQuery } from './q'
export async function h(db, id) {
  await db.prepare(`SELECT ${COLS} FROM ${T} WHERE id = ?`).bind(id).first()
  await db.prepare(`SELECT * FROM ${S.USERS} ORDER BY ${S.ORDER}`).all()
  await db.prepare(`SELECT ${COLS} FROM t WHERE id = ${id}`).first()
  await db.prepare(`SELECT * FROM ${S}`).all()
  const COLS2 = makeQuery()
  const stmt = `SELECT ${COLS} FROM t`
  return [stmt, `SELECT ${COLS2} FROM ${T}`]
}
"#;
    let f = ts(src);
    let parts: Vec<Vec<&str>> = f
        .sql_sinks
        .iter()
        .map(|s| s.imported_parts.iter().map(|p| p.value.as_str()).collect())
        .collect();
    assert_eq!(
        parts,
        vec![
            vec!["COLS", "T"],
            vec!["S.USERS", "S.ORDER"],
            vec![],
            vec![]
        ]
    );
    assert!(f.sql_sinks.iter().all(|s| s.class.is_unsafe()));
    assert_eq!(at(src, f.sql_sinks[0].imported_parts[1].span), "T");
    // A real offender after an imported one is the one reported.
    assert!(
        matches!(&f.sql_sinks[2].class, SqlClass::Unsafe { span, .. } if at(src, *span) == "id")
    );
    let strings: Vec<Vec<&str>> = f
        .sql_strings
        .iter()
        .filter(|s| s.flows.contains(&SqlFlow::Other))
        .map(|s| s.imported_parts.iter().map(|p| p.value.as_str()).collect())
        .collect();
    // An imported function's result is judged in its own file
    // (`constant_fns` there), like an imported constant.
    assert_eq!(strings, vec![vec!["COLS"], vec!["makeQuery()", "T"]]);
}

#[test]
fn helpers_returning_constants_are_constant_where_they_are_called() {
    let src = r#"
function marks(n: number) { return Array(n).fill('?').join(', ') }
const order = (s: string) => (s === 'new' ? 'created_at DESC' : 'id')
function echo(s: string) { return s }
function where(f: { a?: string }) {
  const parts: string[] = []
  const args: unknown[] = []
  if (f.a) { parts.push('a = ?'); args.push(f.a) }
  return { sql: parts.join(' AND '), args, raw: f.a }
}
export async function h(db, ids, s, f, n: number, t: string) {
  await db.prepare(`SELECT * FROM t WHERE id IN (${marks(ids.length)})`).all()
  await db.prepare(`SELECT * FROM t ORDER BY ${order(s)}`).all()
  await db.prepare(`SELECT * FROM t ORDER BY ${echo(s)}`).all()
  const { sql, raw } = where(f)
  await db.prepare(`SELECT * FROM t WHERE ${sql}`).all()
  await db.prepare(`SELECT * FROM t WHERE ${raw}`).all()
  await db.prepare(`SELECT * FROM t WHERE ${where(f).sql} LIMIT ${n}`).all()
  await db.prepare(`SELECT * FROM t LIMIT ${t}`).all()
  await db.prepare(`SELECT * FROM t WHERE ${later(s)}`).all()
}
function later(s: string) {
  switch (s) { case 'a': return 'a = 1'; default: return '1 = 1' }
}
"#;
    let f = ts(src);
    let unsafe_: Vec<bool> = f.sql_sinks.iter().map(|s| s.class.is_unsafe()).collect();
    assert_eq!(
        unsafe_,
        vec![false, false, true, false, true, false, true, true]
    );
    // Declared after the call: left to the rule, which finds it here.
    assert_eq!(f.sql_sinks[7].imported_parts[0].value, "later()");
    let mut fns: Vec<&str> = f.constant_fns.iter().map(|n| n.as_str()).collect();
    fns.sort_unstable();
    assert_eq!(fns, vec!["later", "marks", "order", "where().sql"]);
}

#[test]
fn map_callbacks_over_constant_arrays_keep_their_element_constant() {
    let src = r#"
const FIELDS = ['name', 'email']
export async function h(db, ids) {
  const sets = FIELDS.map((f, i) => `${f} = ?${i + 1}`).join(', ')
  await db.prepare(`UPDATE users SET ${sets} WHERE id = ?`).run()
  const quoted = ids.map((id) => `'${id}'`).join(',')
  await db.prepare(`SELECT * FROM users WHERE id IN (${quoted})`).all()
}
"#;
    let got: Vec<bool> = classes(src).iter().map(SqlClass::is_unsafe).collect();
    assert_eq!(got, vec![false, true]);
}

#[test]
fn escaped_identifiers_and_generated_names_are_safe() {
    assert_all_safe(
        r#"
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`
export async function admin(pool, mysql, client, table: string) {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(table)}`)
  await pool.query(`SELECT * FROM ${client.escapeIdentifier(table)}`)
  await mysql.query(`SELECT * FROM t WHERE name = ${mysql.escape(table)}`)
  await mysql.query(`DROP TABLE ${mysql.escapeId(table)}`)
  const schema = `test_${crypto.randomUUID().replaceAll('-', '_')}`
  await pool.query(`DROP SCHEMA ${schema} CASCADE`)
}
"#,
    );
}

#[test]
fn escapers_that_are_not_for_sql_do_not_make_sql_safe() {
    let src = r#"
export async function find(c, name: string) {
  await c.env.DB.prepare(`SELECT * FROM t WHERE name = '${escapeHtml(name)}'`).all()
  await c.env.DB.prepare(`SELECT * FROM t WHERE name = '${escape(name)}'`).all()
}
"#;
    assert!(
        classes(src).iter().all(SqlClass::is_unsafe),
        "{:?}",
        classes(src)
    );
}

#[test]
fn exec_and_query_without_sql_keywords_are_not_sinks() {
    let src = r#"
import * as cp from 'node:child_process'
export function release(env: string, client, db) {
  cp.exec(`wrangler deploy --env ${env}`)
  const command = 'git tag ' + env
  cp.exec(command)
  client.query(`{ user(id: "${env}") { name } }`)
  db.exec(`DROP TABLE ${env}`)
  db.query('SELECT * FROM t WHERE a = ' + env)
}
"#;
    let f = ts(src);
    let sinks: Vec<&str> = f.sql_sinks.iter().map(|s| s.callee.as_str()).collect();
    assert_eq!(sinks, ["db.exec", "db.query"]);
}

#[test]
fn regexes_named_in_camel_case_are_not_sinks() {
    let src = r#"
export function detect(l, e, env) {
  const t = e.className + ' ' + (e.parentNode ? e.parentNode.className : '')
  l.languageDetectRe.exec(t)
  env.STORE.exec(`DELETE FROM t WHERE id = ${e.id}`)
}
"#;
    let f = ts(src);
    let sinks: Vec<&str> = f.sql_sinks.iter().map(|s| s.callee.as_str()).collect();
    assert_eq!(sinks, ["env.STORE.exec"]);
}

#[test]
fn command_runners_are_not_sql_sinks() {
    let src = r#"
export async function run(sandbox, executor, root: string, body: { command: string }, db) {
  const tarCmd = root ? `tar cf out.tar -C ${root} .` : `tar cf out.tar .`
  await sandbox.exec(tarCmd)
  await executor.exec(body.command)
  await db.exec(body.command)
  await env.PROCESSING_DB.exec(body.command)
}
"#;
    let f = ts(src);
    let sinks: Vec<&str> = f.sql_sinks.iter().map(|s| s.callee.as_str()).collect();
    assert_eq!(sinks, ["db.exec", "env.PROCESSING_DB.exec"]);
}

#[test]
fn calls_known_by_name_are_constant_or_follow_their_arguments() {
    assert_all_safe(
        r#"
const COLS = { a: 1, b: 2 }
export async function page(c, n: number, user: string) {
  const db = c.env.DB
  await db.prepare(`SELECT * FROM t LIMIT ${Math.min(n, 100)}`).all()
  await db.prepare(`SELECT * FROM t WHERE id IN (${Array.from({ length: n }, (_, i) => `?${i + 1}`).join(',')})`).all()
  await db.prepare(`SELECT ${Object.keys(COLS).join(', ')} FROM t`).all()
  await db.prepare(`SELECT * FROM t WHERE at < ${Date.now()}`).all()
}
"#,
    );
    let unsafe_string = classes(
        r#"
export async function find(c, user: string) {
  await c.env.DB.prepare(`SELECT * FROM t WHERE name = '${String(user)}'`).all()
}
"#,
    );
    assert!(
        matches!(unsafe_string.as_slice(), [SqlClass::Unsafe { .. }]),
        "{unsafe_string:?}"
    );
}

/// The origins of every unsafe sink, in order.
fn origins(src: &str) -> Vec<Vec<SqlOrigin>> {
    ts(src)
        .sql_sinks
        .into_iter()
        .filter(|s| s.class.is_unsafe())
        .map(|s| s.origins)
        .collect()
}

#[test]
fn origins_of_dynamic_sql() {
    let got = origins(
        r#"
export async function h(c, db, table: string) {
  const q = c.req.query('q')
  await db.prepare(`SELECT * FROM t WHERE name = '${q}'`).all()
  const { results } = await db.prepare('SELECT id FROM t').all()
  await db.prepare(`SELECT * FROM u WHERE id IN (${results.map((r) => r.id).join(',')})`).all()
  const info = await db.prepare('INSERT INTO t DEFAULT VALUES').run()
  await db.prepare(`SELECT * FROM t WHERE id = ${info.meta.last_row_id}`).all()
  await db.prepare(`SELECT * FROM ${table}`).all()
  await db.prepare(`SELECT * FROM t WHERE a = '${globalThis.x}' AND b = '${table.trim()}'`).all()
  const parts = []
  for (const k of Object.keys(await c.req.json())) parts.push(`${k} = ?`)
  await db.prepare(`UPDATE t SET ${parts.join(', ')}`).run()
}
"#,
    );
    assert_eq!(
        got,
        vec![
            vec![SqlOrigin::Request],
            vec![SqlOrigin::Stored],
            vec![SqlOrigin::Stored],
            vec![SqlOrigin::Param {
                index: 2,
                whole: true
            }],
            vec![
                SqlOrigin::Unproven,
                SqlOrigin::Param {
                    index: 2,
                    whole: false
                }
            ],
            // (`Object` itself is an unbound global.)
            vec![SqlOrigin::Unproven, SqlOrigin::Request],
        ]
    );
}

#[test]
fn call_sites_record_where_their_arguments_come_from() {
    let f = ts(r#"
export async function h(c, n) {
  const x = await c.req.json()
  helper('lit', x.name, n, n.id, globalThis.y)
}
"#);
    let call = f
        .calls()
        .map(|(_, c)| c)
        .find(|c| c.callee == "helper")
        .expect("call");
    assert_eq!(
        call.args.as_slice(),
        [
            SqlOrigin::Constant,
            SqlOrigin::Request,
            SqlOrigin::Param {
                index: 1,
                whole: true
            },
            SqlOrigin::Param {
                index: 1,
                whole: false
            },
            SqlOrigin::Unproven,
        ]
    );
}

#[test]
fn sinks_record_what_their_written_sql_does_to_the_schema() {
    let f = ts(r#"
const RESET = 'DROP TABLE IF EXISTS notes; CREATE TABLE notes (id INTEGER)'
export async function h(c, id, table) {
  const db = c.env.DB
  await db.exec(RESET)
  await db.prepare('TRUNCATE TABLE audit').run()
  await db.prepare('delete from sessions').run()
  await db.prepare('DELETE FROM sessions WHERE id = ?').bind(id).run()
  await db.prepare(`DELETE FROM ${table} WHERE id = ?`).bind(id).run()
  await db.exec('CREATE TABLE IF NOT EXISTS notes (id INTEGER)')
  await db.exec(`-- schema
CREATE TABLE notes (id INTEGER)`)
  await db.prepare('ALTER TABLE notes DROP COLUMN body').run()
  await db.prepare('ALTER TABLE notes ADD COLUMN body TEXT').run()
  await db.prepare('SELECT * FROM notes WHERE id = ?').bind(id).first()
  await db.exec('DROP INDEX IF EXISTS notes_body')
  const { sql } = await c.req.json()
  await db.prepare(sql).all()
}
"#);
    let written: Vec<bool> = f.sql_sinks.iter().map(|s| s.written).collect();
    assert_eq!(written.iter().filter(|w| !**w).count(), 1);
    assert!(!written[written.len() - 1]);
    let effects: Vec<Option<SqlEffect>> = f.sql_sinks.iter().map(|s| s.effect).collect();
    use SqlEffect::{Destructive, Schema};
    assert_eq!(
        effects,
        vec![
            Some(Destructive),
            Some(Destructive),
            Some(Destructive),
            None,
            None,
            None,
            Some(Schema),
            Some(Destructive),
            None,
            None,
            Some(Schema),
            None,
        ]
    );
}
