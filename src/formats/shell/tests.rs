use super::*;

fn parse(text: &str) -> ShellScript {
    ShellScript::parse(text)
}

fn words(cmd: &Command) -> Vec<&str> {
    cmd.words.iter().map(|w| w.text.as_str()).collect()
}

fn all_words(s: &ShellScript) -> Vec<Vec<&str>> {
    s.commands.iter().map(words).collect()
}

fn tasks() -> Vec<String> {
    vec!["db:migrate".to_string()]
}

fn op(text: &str) -> String {
    let s = parse(text);
    let cmd = s.commands.last().expect("a command");
    format!("{:?}", cmd.op(&tasks()).map(|o| describe(&o)))
}

fn describe(op: &Op<'_>) -> String {
    let lit = |s: Option<&Stdin>| match s {
        Some(Stdin::Literal(w)) => format!("lit:{}", w.text),
        Some(Stdin::Dynamic(_)) => "dyn".to_string(),
        None => "none".to_string(),
    };
    match op {
        Op::SecretPut { name, env, stdin } => format!(
            "put {} env={:?} {}",
            name.text,
            env.map(|w| w.text.as_str()),
            lit(*stdin)
        ),
        Op::GhSecretSet { name, body, stdin } => format!(
            "gh {} body={:?} {}",
            name.text,
            body.map(|w| (w.text.as_str(), w.has_expansion)),
            lit(*stdin)
        ),
        Op::SecretBulk { file, env } => format!(
            "bulk {:?} env={:?}",
            file.map(|w| w.text.as_str()),
            env.map(|w| w.text.as_str())
        ),
        Op::HyperdriveOrigin { url } => format!("hyperdrive {}", url.text),
        Op::Deploy { env, dry_run } => {
            format!(
                "deploy env={:?} dry={dry_run}",
                env.map(|w| w.text.as_str())
            )
        }
        Op::Migration { tool } => format!("migration {tool}"),
    }
}

fn at(text: &str, span: Span) -> &str {
    &text[span.range()]
}

#[test]
fn separators_and_comments() {
    let s = parse("a 1; b 2 && c || d | e & f\n# comment ; x\ng # trailing\nh#not-comment");
    assert_eq!(
        all_words(&s),
        vec![
            vec!["a", "1"],
            vec!["b", "2"],
            vec!["c"],
            vec!["d"],
            vec!["e"],
            vec!["f"],
            vec!["g"],
            vec!["h#not-comment"]
        ]
    );
}

#[test]
fn line_continuation() {
    let text = "wrangler hyperdrive update abc \\\n  --origin-url \\\n  \"postgres://u:p@ep-x-pooler.neon.tech/db\"\necho done";
    let s = parse(text);
    assert_eq!(s.commands.len(), 2);
    assert_eq!(
        words(&s.commands[0]),
        vec![
            "wrangler",
            "hyperdrive",
            "update",
            "abc",
            "--origin-url",
            "postgres://u:p@ep-x-pooler.neon.tech/db"
        ]
    );
    let cmd = &s.commands[0];
    assert_eq!(at(text, cmd.span).lines().count(), 3);
    assert_eq!(
        format!("{:?}", cmd.op(&[]).map(|o| describe(&o))),
        "Some(\"hyperdrive postgres://u:p@ep-x-pooler.neon.tech/db\")"
    );
    let url = &cmd.words[5];
    assert_eq!(
        at(text, url.span),
        "\"postgres://u:p@ep-x-pooler.neon.tech/db\""
    );
}

#[test]
fn quotes_and_expansions() {
    let text = r#"cmd 'a $b' "c $d" e${f}g "$(x "y" $(z))" `w` $'n\tl' plain"#;
    let s = parse(text);
    let w = &s.commands[0].words;
    let got: Vec<(&str, bool)> = w
        .iter()
        .map(|w| (w.text.as_str(), w.has_expansion))
        .collect();
    assert_eq!(
        got,
        vec![
            ("cmd", false),
            ("a $b", false),
            ("c $d", true),
            ("e${f}g", true),
            (r#"$(x "y" $(z))"#, true),
            ("`w`", true),
            ("n\tl", false),
            ("plain", false),
        ]
    );
    assert_eq!(at(text, w[2].span), "\"c $d\"");
    assert_eq!(at(text, w[4].span), r#""$(x "y" $(z))""#);
}

#[test]
fn command_substitution_is_not_listed() {
    let s = parse("X=$(cat f; echo y) cmd $(rm -rf /)");
    assert_eq!(all_words(&s), vec![vec!["cmd", "$(rm -rf /)"]]);
    assert_eq!(s.commands[0].assignments[0].name.value, "X");
    assert!(s.commands[0].assignments[0].value.has_expansion);
}

#[test]
fn dollar_literal_and_escapes() {
    let s = parse(r#"echo $ a\ b "\$x" "it's" \"q\""#);
    let w = &s.commands[0].words;
    assert_eq!(
        words(&s.commands[0]),
        vec!["echo", "$", "a b", "$x", "it's", "\"q\""]
    );
    assert!(w.iter().all(|w| !w.has_expansion));
}

#[test]
fn assignments() {
    let text = "FOO=1 BAR=\"two words\" cmd X=notassign\nexport A=a B\nC=$HOME\nlocal L=l\nD+=x";
    let s = parse(text);
    let c = &s.commands[0];
    assert_eq!(words(c), vec!["cmd", "X=notassign"]);
    assert_eq!(c.assignments.len(), 2);
    assert_eq!(
        c.env_assignment("BAR").map(|a| a.value.text.as_str()),
        Some("two words")
    );
    assert_eq!(at(text, c.assignments[1].value.span), "\"two words\"");
    assert_eq!(at(text, c.assignments[1].name.span), "BAR");
    assert!(!c.assignments[0].exported);
    let e = &s.commands[1];
    assert!(e.words.is_empty());
    assert_eq!(e.assignments.len(), 1);
    assert!(e.assignments[0].exported);
    assert_eq!(e.assignments[0].value.text, "a");
    assert_eq!(at(text, e.span), "export A=a");
    assert!(s.commands[2].assignments[0].value.has_expansion);
    assert!(!s.commands[3].assignments[0].exported);
    assert_eq!(s.commands[4].assignments[0].name.value, "D");
    assert_eq!(s.commands.len(), 5);
}

#[test]
fn quoted_name_is_not_an_assignment() {
    let s = parse("\"FOO\"=1 x\n1X=2");
    assert_eq!(all_words(&s), vec![vec!["FOO=1", "x"], vec!["1X=2"]]);
}

#[test]
fn array_assignment() {
    let s = parse("arr=(a b c)\necho ok");
    assert_eq!(s.commands.len(), 2);
    assert_eq!(s.commands[0].assignments[0].value.text, "(a b c)");
}

#[test]
fn compound_commands_are_flattened() {
    let text = "if [ -n \"$X\" ]; then\n  a\nelif b; then c; else d; fi\nfor i in 1 2 3; do e \"$i\"; done\nwhile read -r l; do f; done < in.txt\n( g; h ) && { i; j; }\nuntil k\ndo l\ndone";
    let s = parse(text);
    assert_eq!(
        all_words(&s),
        vec![
            vec!["[", "-n", "$X", "]"],
            vec!["a"],
            vec!["b"],
            vec!["c"],
            vec!["d"],
            vec!["e", "$i"],
            vec!["read", "-r", "l"],
            vec!["f"],
            vec!["g"],
            vec!["h"],
            vec!["i"],
            vec!["j"],
            vec!["k"],
            vec!["l"],
        ]
    );
}

#[test]
fn case_statement() {
    let text = "case \"$1\" in\n  prod|production) wrangler deploy --env production ;;\n  (dev) x ;;\n  *) echo \"usage\"\n     exit 1\nesac\nafter";
    let s = parse(text);
    assert_eq!(
        all_words(&s),
        vec![
            vec!["wrangler", "deploy", "--env", "production"],
            vec!["x"],
            vec!["echo", "usage"],
            vec!["exit", "1"],
            vec!["after"],
        ]
    );
}

#[test]
fn functions_and_arith() {
    let s = parse(
        "deploy() {\n  wrangler deploy\n}\nfunction other { x; }\n(( n += 1 ))\nfor ((i=0; i<3; i++)); do y; done\ndeploy",
    );
    assert_eq!(
        all_words(&s),
        vec![
            vec!["wrangler", "deploy"],
            vec!["x"],
            vec!["y"],
            vec!["deploy"]
        ]
    );
}

#[test]
fn redirections() {
    let s = parse("cmd > out.txt 2>&1 arg\ncmd2 < in.txt\ncmd3 &>/dev/null\ncmd4 2>>log x");
    assert_eq!(
        all_words(&s),
        vec![
            vec!["cmd", "arg"],
            vec!["cmd2"],
            vec!["cmd3"],
            vec!["cmd4", "x"]
        ]
    );
    assert!(matches!(s.commands[1].stdin, Some(Stdin::Dynamic(_))));
    assert!(s.commands[0].stdin.is_none());
}

#[test]
fn process_substitution_is_a_word() {
    let s = parse("diff <(sort a) <(sort b)");
    assert_eq!(all_words(&s), vec![vec!["diff", "<(sort a)", "<(sort b)"]]);
    assert!(s.commands[0].words[1].has_expansion);
}

#[test]
fn checklist_bulk_script() {
    let text = "# Core auth\necho \"<value>\" | wrangler secret put BETTER_AUTH_SECRET\necho \"https://your-domain.com,https://app.your-domain.com\" | wrangler secret put CORS_ALLOWED_ORIGINS\necho \"✅ All secrets set. Deploy with: wrangler deploy\"\n";
    let s = parse(text);
    assert_eq!(s.commands.len(), 5);
    let put = &s.commands[1];
    match put.op(&[]) {
        Some(Op::SecretPut {
            name,
            env: None,
            stdin: Some(Stdin::Literal(w)),
        }) => {
            assert_eq!(name.text, "BETTER_AUTH_SECRET");
            assert_eq!(w.text, "<value>");
            assert_eq!(at(text, w.span), "\"<value>\"");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        op("echo \"https://a.com,https://b.com\" | wrangler secret put CORS_ALLOWED_ORIGINS"),
        "Some(\"put CORS_ALLOWED_ORIGINS env=None lit:https://a.com,https://b.com\")"
    );
    // The last echo mentions `wrangler deploy` only inside a string.
    assert!(s.commands[4].op(&[]).is_none());
}

#[test]
fn secret_put_stdin_sources() {
    assert_eq!(
        op("openssl rand -base64 32 | wrangler secret put X"),
        "Some(\"put X env=None dyn\")"
    );
    assert_eq!(
        op("echo \"$NEW_SECRET\" | npx wrangler secret put X --env production"),
        "Some(\"put X env=Some(\\\"production\\\") dyn\")"
    );
    assert_eq!(
        op("wrangler secret put X <<< \"literal\""),
        "Some(\"put X env=None lit:literal\")"
    );
    assert_eq!(
        op("wrangler secret put X <<< \"$V\""),
        "Some(\"put X env=None dyn\")"
    );
    assert_eq!(
        op("echo -n 'abc' | wrangler secret put X -e staging"),
        "Some(\"put X env=Some(\\\"staging\\\") lit:abc\")"
    );
    assert_eq!(
        op("printf '%s' 's3cr3t' | wrangler secret put X --env=prod"),
        "Some(\"put X env=Some(\\\"prod\\\") lit:s3cr3t\")"
    );
    assert_eq!(
        op("printf 'lit\\n' | wrangler secret:put X"),
        "Some(\"put X env=None lit:lit\")"
    );
    assert_eq!(
        op("printf '%s' \"$X\" | wrangler secret put X"),
        "Some(\"put X env=None dyn\")"
    );
    assert_eq!(
        op("wrangler secret put X < file.txt"),
        "Some(\"put X env=None dyn\")"
    );
    assert_eq!(op("wrangler secret put X"), "Some(\"put X env=None none\")");
    assert_eq!(op("wrangler secret put"), "None");
    assert_eq!(
        op("echo a b | wrangler secret put X"),
        "Some(\"put X env=None lit:a b\")"
    );
}

#[test]
fn env_flag_value_span() {
    let text = "wrangler secret put X --env=production";
    let s = parse(text);
    let Some(Op::SecretPut { env: Some(env), .. }) = s.commands[0].op(&[]) else {
        panic!()
    };
    assert_eq!(at(text, env.span), "production");
}

#[test]
fn heredocs() {
    let text = "wrangler secret put A <<EOF\nliteral-value\nEOF\nwrangler secret put B <<-'END'\n\t$NOT_EXPANDED\n\tEND\ncat <<EOF | wrangler secret put C\n${VALUE}\nEOF\necho after";
    let s = parse(text);
    assert_eq!(
        all_words(&s),
        vec![
            vec!["wrangler", "secret", "put", "A"],
            vec!["wrangler", "secret", "put", "B"],
            vec!["cat"],
            vec!["wrangler", "secret", "put", "C"],
            vec!["echo", "after"],
        ]
    );
    match &s.commands[0].stdin {
        Some(Stdin::Literal(w)) => {
            assert_eq!(w.text, "literal-value");
            assert_eq!(at(text, w.span), "literal-value");
        }
        other => panic!("{other:?}"),
    }
    match &s.commands[1].stdin {
        Some(Stdin::Literal(w)) => assert_eq!(w.text, "$NOT_EXPANDED"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(s.commands[2].stdin, Some(Stdin::Dynamic(_))));
    assert!(matches!(s.commands[3].stdin, Some(Stdin::Dynamic(_))));
}

#[test]
fn heredoc_literal_through_cat() {
    let s = parse("cat <<'EOF' | wrangler secret put C\nline1\nline2\nEOF\n");
    match &s.commands[1].stdin {
        Some(Stdin::Literal(w)) => assert_eq!(w.text, "line1\nline2"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unterminated_heredoc_takes_the_rest() {
    let s = parse("cmd <<EOF\nabc\n");
    match &s.commands[0].stdin {
        Some(Stdin::Literal(w)) => assert_eq!(w.text, "abc"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn gh_secret_set() {
    assert_eq!(
        op("gh secret set X --body \"abc\""),
        "Some(\"gh X body=Some((\\\"abc\\\", false)) none\")"
    );
    assert_eq!(
        op("gh secret set X -b \"$V\" --env prod"),
        "Some(\"gh X body=Some((\\\"$V\\\", true)) none\")"
    );
    assert_eq!(
        op("gh secret set X --body=abc"),
        "Some(\"gh X body=Some((\\\"abc\\\", false)) none\")"
    );
    assert_eq!(
        op("echo abc | gh secret set X"),
        "Some(\"gh X body=None lit:abc\")"
    );
}

#[test]
fn hyperdrive() {
    assert_eq!(
        op("npx wrangler hyperdrive create db --connection-string=postgres://a@h/db"),
        "Some(\"hyperdrive postgres://a@h/db\")"
    );
    assert_eq!(
        op("wrangler hyperdrive create db --connection-string \"$URL\""),
        "Some(\"hyperdrive $URL\")"
    );
    assert_eq!(op("wrangler hyperdrive list"), "None");
}

#[test]
fn secret_bulk() {
    assert_eq!(
        op("pnpm wrangler secret bulk .dev.vars.production"),
        "Some(\"bulk Some(\\\".dev.vars.production\\\") env=None\")"
    );
    assert_eq!(
        op("wrangler secret bulk --env staging secrets.json"),
        "Some(\"bulk Some(\\\"secrets.json\\\") env=Some(\\\"staging\\\")\")"
    );
    assert_eq!(
        op("wrangler versions secret bulk"),
        "Some(\"bulk None env=None\")"
    );
}

#[test]
fn deploy() {
    assert_eq!(op("wrangler deploy"), "Some(\"deploy env=None dry=false\")");
    assert_eq!(
        op("npx wrangler@3 deploy --env production --dry-run"),
        "Some(\"deploy env=Some(\\\"production\\\") dry=true\")"
    );
    assert_eq!(
        op("wrangler publish -e staging"),
        "Some(\"deploy env=Some(\\\"staging\\\") dry=false\")"
    );
    assert_eq!(
        op("wrangler versions deploy"),
        "Some(\"deploy env=None dry=false\")"
    );
    assert_eq!(
        op("wrangler --config wrangler.prod.toml deploy"),
        "Some(\"deploy env=None dry=false\")"
    );
    assert_eq!(op("wrangler dev"), "None");
}

#[test]
fn runners() {
    for text in [
        "npx --yes wrangler deploy",
        "npx -y wrangler@latest deploy",
        "pnpm exec wrangler deploy",
        "pnpm dlx wrangler deploy",
        "pnpm wrangler deploy",
        "pnpm --filter api exec wrangler deploy",
        "yarn wrangler deploy",
        "yarn dlx wrangler deploy",
        "bunx wrangler deploy",
        "bun x wrangler deploy",
        "npm exec wrangler -- deploy",
        "npm exec -- wrangler deploy",
        "./node_modules/.bin/wrangler deploy",
        "node_modules/.bin/wrangler deploy",
        "CI=1 npx wrangler deploy",
        "env CLOUDFLARE_ENV=x npx wrangler deploy",
        "dotenv -e .env -- wrangler deploy",
    ] {
        assert_eq!(op(text), "Some(\"deploy env=None dry=false\")", "{text}");
        assert_eq!(
            parse(text).commands[0].program(),
            Some("wrangler"),
            "{text}"
        );
    }
}

#[test]
fn migrations() {
    for (text, tool) in [
        ("prisma migrate deploy", "prisma migrate deploy"),
        ("npx prisma migrate dev --name init", "prisma migrate dev"),
        (
            "pnpm exec prisma migrate reset --force",
            "prisma migrate reset",
        ),
        (
            "bunx prisma migrate resolve --applied x",
            "prisma migrate resolve",
        ),
        ("yarn prisma db push", "prisma db push"),
        (
            "npx prisma --schema s.prisma migrate deploy",
            "prisma migrate deploy",
        ),
        ("npx drizzle-kit migrate", "drizzle-kit migrate"),
        ("pnpm drizzle-kit push", "drizzle-kit push"),
        ("npm run db:migrate", "npm run db:migrate"),
        ("npm --prefix api run db:migrate", "npm run db:migrate"),
        ("pnpm run db:migrate", "pnpm run db:migrate"),
        ("pnpm db:migrate", "pnpm db:migrate"),
        ("pnpm --filter api db:migrate", "pnpm db:migrate"),
        ("yarn run db:migrate", "yarn run db:migrate"),
        ("yarn db:migrate", "yarn db:migrate"),
        ("bun run db:migrate", "bun run db:migrate"),
        ("deno task db:migrate", "deno task db:migrate"),
        (
            "DATABASE_URL=$DIRECT npx prisma migrate deploy",
            "prisma migrate deploy",
        ),
    ] {
        assert_eq!(op(text), format!("Some(\"migration {tool}\")"), "{text}");
    }
    for text in [
        "prisma generate",
        "npm run build",
        "pnpm run test",
        "deno task dev",
        "prisma migrate status",
        "npm test",
    ] {
        assert_eq!(op(text), "None", "{text}");
    }
}

#[test]
fn migration_step_env() {
    let s = parse("DATABASE_URL=\"$DIRECT_DATABASE_URL\" npx prisma migrate deploy");
    let c = &s.commands[0];
    assert!(c.env_assignment("DATABASE_URL").is_some());
    assert!(c.env_assignment("OTHER").is_none());
}

#[test]
fn github_expression_is_an_expansion() {
    let s = parse("echo \"${{ secrets.TOKEN }}\" | wrangler secret put TOKEN");
    assert!(matches!(
        s.commands[1].op(&[]),
        Some(Op::SecretPut {
            stdin: Some(Stdin::Dynamic(_)),
            ..
        })
    ));
}

#[test]
fn crlf_script() {
    let s = parse("a 1\r\nb \\\r\n  2\r\n");
    assert_eq!(all_words(&s), vec![vec!["a", "1"], vec!["b", "2"]]);
}

#[test]
fn map_spans_shifts_everything() {
    let mut s = parse("echo x | wrangler secret put Y");
    s.shift(10);
    assert_eq!(s.commands[0].span, Span::new(10, 16));
    match &s.commands[1].stdin {
        Some(Stdin::Literal(w)) => assert_eq!(w.span, Span::new(15, 16)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "",
        "\"",
        "'",
        "`",
        "$(",
        "${",
        "$'",
        "$\"",
        "\\",
        "<<",
        "<<EOF",
        "cmd <<",
        "cmd <<<",
        "| | ;; ) ( } { fi done esac",
        "case",
        "case x in",
        "for",
        "((",
        "))",
        "a=(",
        "2>",
        "é ü \\é 'é",
        "echo \"$(é\"",
        "function",
        "f(",
        "$((1+",
        "<(",
        "&>>",
        "\r\n\\\r",
        "x=\u{0}y",
    ];
    for text in inputs {
        let s = parse(text);
        for c in &s.commands {
            assert!(c.span.end as usize <= text.len());
            for w in &c.words {
                assert!(w.span.end as usize <= text.len(), "{text:?}");
                let _ = at(text, w.span);
            }
            let _ = c.op(&tasks());
            let _ = c.program();
        }
    }
    let mut junk = String::new();
    for i in 0..2000u32 {
        junk.push(char::from_u32(32 + (i * 7919) % 95).unwrap_or(' '));
        if i % 37 == 0 {
            junk.push('\n');
        }
    }
    let s = parse(&junk);
    for c in &s.commands {
        for w in &c.words {
            let _ = at(&junk, w.span);
        }
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            let n = 100_000;
            let subst = format!("echo {}x{}\nafter", "$( ".repeat(n), ")".repeat(n));
            let s = ShellScript::parse(&subst);
            assert!(s.commands.len() <= 2);
            let parens = format!("{}a{}", "( ".repeat(n), ")".repeat(n));
            let s = ShellScript::parse(&parens);
            assert_eq!(s.commands.len(), 1);
            let braces = format!("{}a{}", "{ ".repeat(n), "; }".repeat(n));
            let s = ShellScript::parse(&braces);
            assert_eq!(s.commands.len(), 1);
            let dq = format!("echo {}", "\"$(".repeat(n));
            let _ = ShellScript::parse(&dq);
            let brace_exp = format!("echo {}", "${".repeat(n));
            let _ = ShellScript::parse(&brace_exp);
        })
        .expect("spawn");
    handle.join().expect("no stack overflow");
}

#[test]
fn nesting_within_the_bound_is_kept() {
    let text = format!(
        "echo {}x{} | wrangler secret put X",
        "$(".repeat(10),
        ")".repeat(10)
    );
    let s = parse(&text);
    assert_eq!(s.commands.len(), 2);
    assert!(s.commands[0].words[1].has_expansion);
}

/// A tiny deterministic generator, so the fuzz cases are reproducible.
fn pseudo_random_scripts(count: usize) -> Vec<String> {
    const PIECES: [&str; 28] = [
        "\"",
        "'",
        "`",
        "$",
        "(",
        ")",
        "{",
        "}",
        "<",
        ">",
        "|",
        "&",
        ";",
        "\\",
        "\n",
        "#",
        "=",
        "é",
        "a",
        "-",
        "EOF",
        "<<",
        "$(",
        "${",
        " ",
        "\r\n",
        "echo x",
        "wrangler secret put X",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let len = (next() % 40) as usize;
            (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect()
        })
        .collect()
}

#[test]
fn fuzz_spans_stay_on_char_boundaries() {
    for text in pseudo_random_scripts(5000) {
        let s = parse(&text);
        for c in &s.commands {
            let _ = at(&text, c.span);
            for w in c.words.iter().chain(c.assignments.iter().map(|a| &a.value)) {
                let _ = at(&text, w.span);
            }
            for a in &c.assignments {
                let _ = at(&text, a.name.span);
            }
            for (_, w) in &c.flag_values {
                let _ = at(&text, w.span);
            }
            match &c.stdin {
                Some(Stdin::Literal(w)) => {
                    let _ = at(&text, w.span);
                }
                Some(Stdin::Dynamic(span)) => {
                    let _ = at(&text, *span);
                }
                None => {}
            }
            let _ = c.op(&tasks());
        }
    }
}
