//! Hostile and large input: deep nesting must fail cleanly (PF000) without
//! overflowing the stack; large files must simply complete.

use super::*;

/// Runs `f` on a thread with `stack` bytes of stack.
fn on_stack<T: Send + 'static>(stack: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic / overflow")
}

const SMALL: usize = 2 * 1024 * 1024;
const PARSE_STACK: usize = 64 * 1024 * 1024;

fn repeat(prefix: &str, unit: &str, n: usize, suffix: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + unit.len() * n + suffix.len());
    s.push_str(prefix);
    for _ in 0..n {
        s.push_str(unit);
    }
    s.push_str(suffix);
    s
}

#[test]
fn hundred_thousand_deep_nesting_fails_cleanly_on_a_small_stack() {
    const N: usize = 100_000;
    let inputs: Vec<String> = vec![
        repeat("const x = ", "(", N, "1"),
        repeat("const x = ", "[", N, ""),
        repeat("const x = ", "{a:", N, "1"),
        repeat("const x = ", "f(", N, ""),
        repeat("const x = `", "${`", N, ""),
        repeat("const x = ", "!", N, "y"),
        repeat("const x = ", "- ", N, "y"),
        repeat("const x = ", "typeof ", N, "y"),
        repeat("const x = ", "await ", N, "y"),
        repeat("const x = ", "new ", N, "Y"),
        repeat("const x = ", "a ? b : ", N, "c"),
        repeat("const x = ", "a => ", N, "1"),
        repeat("let x; x = ", "x = ", N, "1"),
        repeat("const x = 2", " ** 2", N, ""),
        repeat("const x = (", "<a>", N, ")"),
        repeat("", "if (a) ", N, "b()"),
        repeat("if (a) {}\n", "else if (a) {}\n", N, ""),
        repeat("", "a: ", N, "b()"),
        repeat("const x = 1", " + 1", N, ""),
        repeat("const x = a", ".b", N, ""),
        repeat("const x = a", ".b()", N, ""),
        repeat("class A extends ", "class extends ", N, "B {} {}"),
        repeat("", "{", N, ""),
        repeat("type T = ", "Array<", N, "string"),
        repeat("const x = y", "!", N, ""),
        repeat("const x = y", " as T", N, ""),
        repeat("const x = ", "<T>", N, "y"),
    ];
    for (i, src) in inputs.into_iter().enumerate() {
        let result = on_stack(SMALL, move || extract(&src, "src/hostile.tsx").map(|_| ()));
        let err = result.expect_err(&format!("input #{i} should be rejected"));
        assert!(
            err.message.contains("nested too deeply") || !err.message.is_empty(),
            "input #{i}: {}",
            err.message
        );
    }
}

#[test]
fn long_multiline_chains_hit_the_visitor_limit_not_the_stack() {
    const N: usize = 100_000;
    let inputs: Vec<String> = vec![
        repeat("const x = 1", " +\n1", N, ""),
        repeat("const x = a", "\n.b()", N, ""),
        repeat("const x = a", " ||\na", N, ""),
        repeat("const q = 'SELECT * FROM t WHERE a = '", " +\nv", N, ""),
        repeat("db.prepare(a", " ??\n'x'", N, ")"),
    ];
    for (i, src) in inputs.into_iter().enumerate() {
        let result = on_stack(PARSE_STACK, move || {
            extract(&src, "src/chain.ts").map(|_| ())
        });
        let err = result.expect_err(&format!("chain #{i} should be rejected"));
        assert!(
            err.message.contains("nested too deeply"),
            "chain #{i}: {}",
            err.message
        );
    }
}

#[test]
fn deep_but_reasonable_nesting_is_analysed() {
    let src = format!(
        "export const x = {}1{}\napp.get('/x', (c) => c.text('{}'))\n",
        "(".repeat(900),
        ")".repeat(900),
        "y".repeat(10)
    );
    let facts = on_stack(PARSE_STACK, move || extract(&src, "src/deep.ts"));
    let facts = facts.expect("900 levels are fine");
    assert_eq!(facts.routes.len(), 1);

    let chain = repeat("const s = 'a'", " +\n'b'", 1500, "\n");
    assert!(on_stack(PARSE_STACK, move || extract(&chain, "src/c.ts")).is_ok());
}

#[test]
fn binary_garbage_and_odd_text_do_not_panic() {
    let inputs = [
        "\u{0}\u{1}\u{2}",
        "/*",
        "`${",
        "'unterminated",
        "/[/",
        "<<<<<<< HEAD\nconst a = 1\n=======\nconst a = 2\n>>>>>>> branch\n",
        "#!/usr/bin/env node\nconsole.log(1)\n",
        "\u{feff}export default {}",
        "const ü = 'ñ'; export { ü }",
    ];
    for src in inputs {
        let s = src.to_string();
        let _ = on_stack(SMALL, move || extract(&s, "src/odd.ts").map(|_| ()));
    }
}

#[test]
fn twenty_thousand_line_file_completes() {
    let mut src = String::from(
        "import { Hono } from 'hono'\nconst app = new Hono()\nconst COLS = ['id', 'name'].join(', ')\n",
    );
    let mut i = 0;
    while 3 + i * 8 < 20_000 {
        src.push_str(&format!(
            "app.get('/items/{i}', async (c) => {{\n  const id = c.req.param('id')\n  const row = await c.env.DB.prepare(`SELECT ${{COLS}} FROM items_{i} WHERE id = ?`).bind(id).first()\n  if (!row) return c.json({{ error: 'missing' }}, 404)\n  if (c.req.header('x-key') !== c.env.API_KEY) return c.json({{ error: 'no' }}, 401)\n  return c.json(row)\n}})\n\n"
        ));
        i += 1;
    }
    src.push_str("export default app\n");
    let lines = src.lines().count();
    assert!(lines >= 20_000);
    let facts = on_stack(PARSE_STACK, move || extract(&src, "src/big.ts")).expect("parses");
    assert_eq!(facts.routes.len(), i);
    assert_eq!(facts.sql_sinks.len(), i);
    assert!(facts.sql_sinks.iter().all(|s| !s.class.is_unsafe()));
}
