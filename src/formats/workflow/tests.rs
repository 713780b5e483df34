use std::time::{Duration, Instant};

use super::*;

fn parse(text: &str) -> Workflow {
    match Workflow::parse(text) {
        Ok(w) => w,
        Err(e) => panic!(
            "unexpected failure {e:?} at {:?}",
            crate::span::line_col(text, e.span.start as usize)
        ),
    }
}

fn at(text: &str, span: Span) -> &str {
    &text[span.range()]
}

fn kv<'a>(list: &'a [KeyValue], key: &str) -> &'a KeyValue {
    list.iter()
        .find(|kv| kv.key.value == key)
        .unwrap_or_else(|| panic!("no key {key}"))
}

/// Runs `f` on a thread with the usual 2 MiB stack and a time limit.
fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let started = Instant::now();
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap();
    let out = handle.join().expect("no panic or overflow");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    out
}

const DEPLOY: &str = r#"name: Deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
env:
  NODE_VERSION: 20
  API_URL: "https://api.example.com"
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm test
  deploy:
    needs: test
    if: github.ref == 'refs/heads/main'
    environment:
      name: production
      url: ${{ steps.deploy.outputs.deployment-url }}
    runs-on: ubuntu-latest
    env:
      DATABASE_URL: ${{ secrets.DATABASE_URL }}
    steps:
      - uses: actions/checkout@v4
      - name: Create Neon branch
        id: branch
        uses: neondatabase/create-branch-action@v5
        with:
          project_id: ${{ vars.NEON_PROJECT_ID }}
          branch_name: preview/pr-${{ github.event.number }}
          api_key: ${{ secrets.NEON_API_KEY }}
      - name: Migrate
        run: npx prisma migrate deploy
        env:
          DATABASE_URL: ${{ steps.branch.outputs.db_url_with_pooler }}
      - name: Deploy
        id: deploy
        uses: cloudflare/wrangler-action@v3
        with:
          apiToken: ${{ secrets.CLOUDFLARE_API_TOKEN }}
          accountId: ${{ secrets.CLOUDFLARE_ACCOUNT_ID }}
          command: deploy --env production
          secrets: |
            BETTER_AUTH_SECRET
        env:
          BETTER_AUTH_SECRET: ${{ secrets.BETTER_AUTH_SECRET }}
"#;

#[test]
fn deploy_workflow_model() {
    let w = parse(DEPLOY);
    assert!(!w.is_action);
    assert_eq!(w.name.as_ref().map(|n| at(DEPLOY, n.span)), Some("Deploy"));
    let events: Vec<&str> = w.triggers.events.iter().map(|e| e.as_str()).collect();
    assert_eq!(events, ["push", "workflow_dispatch"]);
    assert!(w.triggers.has("push"));
    assert_eq!(at(DEPLOY, w.triggers.events[1].span), "workflow_dispatch");

    let node = kv(&w.env, "NODE_VERSION");
    assert_eq!(node.value.as_ref().unwrap().value, "20");
    let api = kv(&w.env, "API_URL").value.as_ref().unwrap();
    assert_eq!(api.value, "https://api.example.com");
    assert_eq!(at(DEPLOY, api.span), "\"https://api.example.com\"");

    assert_eq!(w.jobs.len(), 2);
    let deploy = &w.jobs[1];
    assert_eq!(deploy.id.value, "deploy");
    assert_eq!(at(DEPLOY, deploy.id.span), "deploy");
    assert_eq!(
        deploy.needs.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        ["test"]
    );
    let cond = deploy.if_cond.as_ref().unwrap();
    assert_eq!(cond.value, "github.ref == 'refs/heads/main'");
    assert_eq!(deploy.if_expressions.len(), 1);
    assert_eq!(
        deploy.if_expressions[0].text,
        "github.ref == 'refs/heads/main'"
    );
    let env = deploy.environment.as_ref().unwrap();
    assert_eq!(
        (env.value.as_str(), at(DEPLOY, env.span)),
        ("production", "production")
    );
    assert!(at(DEPLOY, deploy.span).starts_with("needs: test"));
    assert!(
        at(DEPLOY, deploy.span).ends_with("BETTER_AUTH_SECRET: ${{ secrets.BETTER_AUTH_SECRET }}")
    );

    let db = kv(&deploy.env, "DATABASE_URL");
    assert_eq!(db.expressions.len(), 1);
    assert_eq!(
        at(DEPLOY, db.expressions[0].span),
        "${{ secrets.DATABASE_URL }}"
    );
    assert_eq!(
        db.expressions[0].refs,
        vec![ExprRef::Secret("DATABASE_URL".into())]
    );

    let neon = &deploy.steps[1];
    assert_eq!(
        neon.uses.as_ref().unwrap().value,
        "neondatabase/create-branch-action@v5"
    );
    assert_eq!(neon.id.as_ref().unwrap().value, "branch");
    assert_eq!(
        kv(&neon.with, "project_id").expressions[0].refs,
        vec![ExprRef::Var("NEON_PROJECT_ID".into())]
    );
    let branch = kv(&neon.with, "branch_name");
    assert_eq!(
        branch.value.as_ref().unwrap().value,
        "preview/pr-${{ github.event.number }}"
    );
    assert!(branch.expressions[0].refs.is_empty());
    assert!(at(DEPLOY, neon.span).starts_with("name: Create Neon branch"));
    assert!(at(DEPLOY, neon.span).ends_with("${{ secrets.NEON_API_KEY }}"));

    let migrate = &deploy.steps[2];
    let run = migrate.run.as_ref().unwrap();
    assert_eq!(run.text, "npx prisma migrate deploy");
    assert_eq!(at(DEPLOY, run.span), "npx prisma migrate deploy");
    assert_eq!(
        kv(&migrate.env, "DATABASE_URL").expressions[0].refs,
        vec![ExprRef::StepOutput {
            step: "branch".into(),
            output: "db_url_with_pooler".into()
        }]
    );

    let wrangler = &deploy.steps[3];
    assert!(
        wrangler
            .uses
            .as_ref()
            .unwrap()
            .value
            .starts_with("cloudflare/wrangler-action")
    );
    assert_eq!(
        kv(&wrangler.with, "command").value.as_ref().unwrap().value,
        "deploy --env production"
    );
    let secrets = kv(&wrangler.with, "secrets").value.as_ref().unwrap();
    assert_eq!(secrets.value, "BETTER_AUTH_SECRET\n");
    assert_eq!(
        at(DEPLOY, secrets.span),
        "|\n            BETTER_AUTH_SECRET"
    );

    // The environment URL is not modelled but its expression is listed.
    assert!(w.expressions.iter().any(|e| e.refs
        == vec![ExprRef::StepOutput {
            step: "deploy".into(),
            output: "deployment-url".into()
        }]));
    let secret_refs: Vec<&ExprRef> = w
        .expressions
        .iter()
        .flat_map(|e| &e.refs)
        .filter(|r| matches!(r, ExprRef::Secret(_)))
        .collect();
    assert_eq!(secret_refs.len(), 5);
}

#[test]
fn trigger_forms() {
    let w = parse("on: [push, pull_request]\njobs: {}\n");
    let events: Vec<&str> = w.triggers.events.iter().map(|e| e.as_str()).collect();
    assert_eq!(events, ["push", "pull_request"]);

    let w = parse("on: pull_request_target\njobs:\n  a:\n    runs-on: x\n");
    assert!(w.triggers.has("pull_request_target"));
    assert_eq!(w.jobs[0].id.value, "a");

    let text = "on:\n  workflow_run:\n    workflows: [\"CI\", Build]\n    types: [completed]\n  schedule:\n    - cron: '0 3 * * *'\n    - cron: \"*/15 * * * *\"\njobs: {}\n";
    let w = parse(text);
    assert!(w.triggers.has("workflow_run") && w.triggers.has("schedule"));
    let runs: Vec<&str> = w.triggers.workflow_run.iter().map(|e| e.as_str()).collect();
    assert_eq!(runs, ["CI", "Build"]);
    assert_eq!(at(text, w.triggers.workflow_run[0].span), "\"CI\"");
    let crons: Vec<&str> = w.triggers.schedules.iter().map(|e| e.as_str()).collect();
    assert_eq!(crons, ["0 3 * * *", "*/15 * * * *"]);
    assert_eq!(at(text, w.triggers.schedules[0].span), "'0 3 * * *'");

    let w = parse("on:\n  workflow_run:\n    workflows: Deploy\njobs: {}\n");
    assert_eq!(w.triggers.workflow_run[0].value, "Deploy");
}

#[test]
fn matrix_and_reusable_jobs() {
    let text = r#"on: push
jobs:
  test:
    strategy:
      matrix:
        node: [18, 20]
        os: [ubuntu-latest, windows-latest]
    runs-on: ${{ matrix.os }}
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: ${{ matrix.node }}
          cache: npm
  call:
    needs: [test, lint]
    uses: ./.github/workflows/deploy.yml
    with:
      stage: prod
      dry: false
    secrets: inherit
  call2:
    uses: org/repo/.github/workflows/x.yml@main
    environment: staging
    secrets:
      token: ${{ secrets.TOKEN }}
"#;
    let w = parse(text);
    let test = &w.jobs[0];
    assert_eq!(
        kv(&test.steps[0].with, "node-version").expressions[0].text,
        "matrix.node"
    );
    assert!(w.expressions.iter().any(|e| e.text == "matrix.os"));
    let call = &w.jobs[1];
    assert_eq!(
        call.needs.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
        ["test", "lint"]
    );
    assert_eq!(
        call.uses.as_ref().unwrap().value,
        "./.github/workflows/deploy.yml"
    );
    assert_eq!(kv(&call.with, "dry").value.as_ref().unwrap().value, "false");
    assert!(call.secrets_inherit);
    let call2 = &w.jobs[2];
    assert!(!call2.secrets_inherit);
    assert_eq!(call2.environment.as_ref().unwrap().value, "staging");
    assert_eq!(
        kv(&call2.secrets, "token").expressions[0].refs,
        vec![ExprRef::Secret("TOKEN".into())]
    );
}

#[test]
fn composite_action() {
    let text = r#"name: Setup
description: Install and migrate
inputs:
  token:
    required: true
runs:
  using: composite
  steps:
    - uses: actions/setup-node@v4
    - shell: bash
      run: |
        npm ci
        npx wrangler secret put API_KEY <<< "${{ inputs.token }}"
      env:
        CLOUDFLARE_API_TOKEN: ${{ secrets.CF }}
"#;
    let w = parse(text);
    assert!(w.is_action);
    assert_eq!(w.jobs.len(), 1);
    let job = &w.jobs[0];
    assert_eq!(job.id.value, "composite");
    assert_eq!(at(text, job.id.span), "runs");
    assert_eq!(job.steps.len(), 2);
    let run = job.steps[1].run.as_ref().unwrap();
    assert_eq!(
        run.text,
        "npm ci\nnpx wrangler secret put API_KEY <<< \"${{ inputs.token }}\"\n"
    );
    assert_eq!(at(text, run.expressions[0].span), "${{ inputs.token }}");
    assert!(at(text, job.span).starts_with("using: composite"));
}

#[test]
fn expressions_with_several_refs() {
    let text = "jobs:\n  a:\n    steps:\n      - if: ${{ secrets.A != '' && env.STAGE == 'prod' }}\n        env:\n          X: \"${{ needs.build.outputs.sha }}-${{ secrets['B'] }}-${{ vars.C }}\"\n";
    let w = parse(text);
    let step = &w.jobs[0].steps[0];
    assert_eq!(step.if_expressions.len(), 1);
    assert_eq!(
        step.if_expressions[0].refs,
        vec![ExprRef::Secret("A".into()), ExprRef::Env("STAGE".into())]
    );
    let x = kv(&step.env, "X");
    let spans: Vec<&str> = x.expressions.iter().map(|e| at(text, e.span)).collect();
    assert_eq!(
        spans,
        [
            "${{ needs.build.outputs.sha }}",
            "${{ secrets['B'] }}",
            "${{ vars.C }}"
        ]
    );
    let refs: Vec<&ExprRef> = x.expressions.iter().flat_map(|e| &e.refs).collect();
    assert_eq!(
        refs,
        [
            &ExprRef::JobOutput {
                job: "build".into(),
                output: "sha".into()
            },
            &ExprRef::Secret("B".into()),
            &ExprRef::Var("C".into())
        ]
    );
}

const MULTILINE_RUN: &str = "jobs:\n  deploy:\n    steps:\n      - name: Secrets\n        run: |\n          echo \"start\"\n            npx wrangler secret put API_KEY --env production\n\n          gh secret set TOKEN --body \"${{ secrets.T }}\"\n        shell: bash\n";

#[test]
fn run_block_spans_point_into_the_file() {
    let text = MULTILINE_RUN;
    let w = parse(text);
    let run = w.jobs[0].steps[0].run.as_ref().unwrap();
    assert_eq!(
        run.text,
        "echo \"start\"\n  npx wrangler secret put API_KEY --env production\n\ngh secret set TOKEN --body \"${{ secrets.T }}\"\n"
    );
    assert!(at(text, run.span).starts_with("|\n          echo"));
    assert!(at(text, run.span).ends_with("secrets.T }}\""));
    assert_eq!(at(text, run.expressions[0].span), "${{ secrets.T }}");
    // Every word of the parsed script reads the same in the file.
    for cmd in &run.script.commands {
        for word in &cmd.words {
            let written = at(text, word.span);
            assert!(
                written.contains(word.text.trim_matches('"')),
                "{written:?} vs {:?}",
                word.text
            );
        }
    }
    let words: Vec<&str> = run
        .script
        .commands
        .iter()
        .flat_map(|c| c.words.iter().map(|w| at(text, w.span)))
        .collect();
    assert_eq!(
        words,
        [
            "echo",
            "\"start\"",
            "npx",
            "wrangler",
            "secret",
            "put",
            "API_KEY",
            "--env",
            "production",
            "gh",
            "secret",
            "set",
            "TOKEN",
            "--body",
            "\"${{ secrets.T }}\""
        ]
    );
    let cmds: Vec<&str> = run
        .script
        .commands
        .iter()
        .map(|c| at(text, c.span))
        .collect();
    assert_eq!(cmds[1], "npx wrangler secret put API_KEY --env production");
}

#[test]
fn non_ascii_before_a_run_block() {
    let text = "name: Déploiement ✓ — 日本語\nenv:\n  GREETING: \"héllo ${{ env.X }}\"\njobs:\n  ü:\n    steps:\n      - name: Ünïcode step 🚀\n        run: |\n          echo \"ça va\"\n          wrangler secret put KEY --env production\n";
    let w = parse(text);
    assert_eq!(
        at(text, w.name.as_ref().unwrap().span),
        "Déploiement ✓ — 日本語"
    );
    let g = kv(&w.env, "GREETING");
    assert_eq!(at(text, g.expressions[0].span), "${{ env.X }}");
    assert_eq!(
        at(text, g.value.as_ref().unwrap().span),
        "\"héllo ${{ env.X }}\""
    );
    let job = &w.jobs[0];
    assert_eq!(at(text, job.id.span), "ü");
    let step = &job.steps[0];
    assert_eq!(
        at(text, step.name.as_ref().unwrap().span),
        "Ünïcode step 🚀"
    );
    let run = step.run.as_ref().unwrap();
    assert!(at(text, run.span).ends_with("--env production"));
    for cmd in &run.script.commands {
        for word in &cmd.words {
            assert!(
                at(text, word.span).contains(word.text.as_str()),
                "{:?}",
                word
            );
        }
    }
}

#[test]
fn folded_and_quoted_runs() {
    let text = "jobs:\n  a:\n    steps:\n      - run: >-\n          npx wrangler deploy\n          --env production\n      - run: 'echo ''${{ secrets.S }}'''\n      - run: \"printf %s \\\"$X\\\" | gh secret set A\"\n";
    let w = parse(text);
    let steps = &w.jobs[0].steps;
    let folded = steps[0].run.as_ref().unwrap();
    assert_eq!(folded.text, "npx wrangler deploy --env production");
    for cmd in &folded.script.commands {
        for word in &cmd.words {
            assert_eq!(at(text, word.span), word.text);
        }
    }
    let single = steps[1].run.as_ref().unwrap();
    assert_eq!(single.text, "echo '${{ secrets.S }}'");
    assert_eq!(at(text, single.expressions[0].span), "${{ secrets.S }}");
    let double = steps[2].run.as_ref().unwrap();
    assert_eq!(double.text, "printf %s \"$X\" | gh secret set A");
    let words: Vec<&str> = double
        .script
        .commands
        .iter()
        .flat_map(|c| c.words.iter().map(|w| at(text, w.span)))
        .collect();
    // Escaped quotes are approximated but stay on the right word.
    assert_eq!(
        words,
        ["printf", "%s", "\\\"$X\\\"", "gh", "secret", "set", "A"]
    );
}

#[test]
fn key_after_a_line_ending_in_a_pipe() {
    let text = "env:\n  A: echo x |\n  B: >\n    folded\n";
    let w = parse(text);
    assert_eq!(kv(&w.env, "A").value.as_ref().unwrap().value, "echo x |");
    let b = kv(&w.env, "B");
    assert_eq!(at(text, b.key.span), "B");
    assert_eq!(at(text, b.value.as_ref().unwrap().span), ">\n    folded");
}

#[test]
fn values_as_written() {
    let text = "env:\n  A: 1.50\n  B: true\n  C:\n  D: ~\n  E: 0x1F\n  F: [1, 2]\n  G: {x: 1}\n";
    let w = parse(text);
    let v = |k: &str| kv(&w.env, k).value.as_ref().map(|v| v.value.clone());
    assert_eq!(at(text, kv(&w.env, "C").key.span), "C");
    assert_eq!(v("A").as_deref(), Some("1.50"));
    assert_eq!(v("B").as_deref(), Some("true"));
    assert_eq!(v("C").as_deref(), Some(""));
    assert_eq!(v("D").as_deref(), Some("~"));
    assert_eq!(v("E").as_deref(), Some("0x1F"));
    assert_eq!(v("F"), None);
    assert_eq!(v("G"), None);
}

#[test]
fn anchors_and_aliases_resolve() {
    let text = "x-env: &common\n  A: ${{ secrets.A }}\njobs:\n  a:\n    env: *common\n    steps: &steps\n      - run: echo hi\n  b:\n    steps: *steps\n";
    let w = parse(text);
    assert_eq!(
        kv(&w.jobs[0].env, "A").expressions[0].refs,
        vec![ExprRef::Secret("A".into())]
    );
    assert_eq!(w.jobs[1].steps.len(), 1);
    // The aliased expression is listed once.
    assert_eq!(w.expressions.len(), 1);
}

#[test]
fn malformed_yaml_fails_with_a_location() {
    let text = "name: x\njobs:\n  a:\n    steps: [unclosed\n  b: 1\n";
    let e = Workflow::parse(text).unwrap_err();
    assert!(!e.message.is_empty());
    assert!(e.span.start as usize > 0 && (e.span.start as usize) <= text.len());

    let text = "jobs:\n\ta: 1\n";
    let e = Workflow::parse(text).unwrap_err();
    assert_eq!(
        crate::span::line_col(text, e.span.start as usize).0,
        2,
        "{e:?}"
    );

    // Non-ASCII before the error: the location is a byte offset.
    let text = "name: ééé\non: [push\n";
    let e = Workflow::parse(text).unwrap_err();
    assert!(text.is_char_boundary(e.span.start as usize));

    let e = Workflow::parse("- just\n- a list\n").unwrap_err();
    assert!(e.message.contains("mapping"));
    assert!(Workflow::parse("").is_ok());
    assert!(Workflow::parse("# only a comment\n").is_ok());
    assert!(Workflow::parse("a: *undefined\n").is_err());
}

#[test]
fn duplicate_keys_are_rejected() {
    let text = "name: a\non: push\njobs:\n  a:\n    runs-on: x\n    env:\n      K: 1\n      K: 2\n";
    let e = Workflow::parse(text).unwrap_err();
    assert!(e.message.contains("duplicate"), "{e:?}");
    assert_eq!(at(text, e.span), "K");
    assert_eq!(crate::span::line_col(text, e.span.start as usize).0, 8);

    let text = "jobs:\n  a: {x: 1}\njobs: {}\n";
    let e = Workflow::parse(text).unwrap_err();
    assert_eq!(crate::span::line_col(text, e.span.start as usize), (3, 1));

    let text = "on: {push: 1, push: 2}\n";
    let e = Workflow::parse(text).unwrap_err();
    assert_eq!(e.span.start as usize, text.rfind("push").unwrap());
}

fn alias_bomb() -> String {
    let mut y = String::from(
        "name: bomb\non: push\nx0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..=12 {
        let p = i - 1;
        y.push_str(&format!(
            "x{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    y.push_str("jobs:\n  j:\n    runs-on: ubuntu-latest\n    env: *a12\n    steps:\n      - run: echo *a12\n");
    y
}

#[test]
fn alias_bomb_is_rejected_quickly() {
    let e = bounded(|| Workflow::parse(&alias_bomb())).unwrap_err();
    assert!(e.message.contains("alias"), "{e:?}");
    // Moderate reuse of anchors is fine.
    let mut ok = String::from("base: &b {A: 1, B: 2}\njobs:\n");
    for i in 0..200 {
        ok.push_str(&format!("  j{i}:\n    env: *b\n"));
    }
    let w = bounded(move || Workflow::parse(&ok)).unwrap();
    assert_eq!(w.jobs.len(), 200);
}

#[test]
fn deep_nesting_is_rejected_without_overflow() {
    let flow = || format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(bounded(move || Workflow::parse(&flow())).is_err());
    let maps = || format!("{}1{}", "{a: ".repeat(100_000), "}".repeat(100_000));
    assert!(bounded(move || Workflow::parse(&maps())).is_err());
    let seqs = || format!("{}x\n", "- ".repeat(100_000));
    let e = bounded(move || Workflow::parse(&seqs())).unwrap_err();
    assert!(e.message.contains("nested"), "{e:?}");
    // Block mappings, each line one level deeper, then flow on top.
    let block = || {
        let mut s = String::new();
        for i in 0..300 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        s.push_str(&" ".repeat(300));
        s.push_str(&"[".repeat(250));
        s
    };
    let e = bounded(move || Workflow::parse(&block())).unwrap_err();
    assert!(e.message.contains("nested"), "{e:?}");
    // Deep block nesting just under the limit, then flow pairs read ahead
    // by the scanner: the parser recurses past the limit before it stops.
    let mixed = || {
        let mut s = String::new();
        for i in 0..250 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        s.push_str(&" ".repeat(250));
        s.push_str(&"[a: ".repeat(250));
        s
    };
    assert!(bounded(move || Workflow::parse(&mixed())).is_err());
    // Within the limit is fine.
    let fine = || format!("a: {}1{}\n", "[".repeat(100), "]".repeat(100));
    assert!(bounded(move || Workflow::parse(&fine())).is_ok());
}

#[test]
fn odd_yaml_never_panics() {
    let inputs = [
        "\t",
        "a:\tb",
        "a: |\n\tx\n",
        "? [a, b]\n: c\n",
        "!!map {a: 1}",
        "a: !!int x\n",
        "!!int x: 1\n",
        "--- a\n--- b\n",
        "jobs:\n  a:\n    steps:\n      - run: !!str |\n          echo ok\n",
        "jobs: [1, 2]\non: {push: ~}\n",
        "jobs:\n  a: 1\n  b:\n    steps: oops\n    needs: {x: 1}\n    environment: [1]\n",
        "a: &x [*x]\n",
        "\u{feff}name: bom\n",
        "on:\r\n  push:\r\njobs:\r\n  a:\r\n    steps:\r\n      - run: |\r\n          echo crlf\r\n          wrangler deploy\r\n",
        "a: \"unterminated\n",
        "a: 'x\n\nb",
        "%YAML 1.2\n---\nname: x\n",
        "a:\n  - b\n  c: d\n",
    ];
    for input in inputs {
        let result = Workflow::parse(input);
        if let Err(e) = &result {
            assert!(e.span.end as usize <= input.len(), "{input:?}: {e:?}");
        }
    }
    let w = parse(
        "on:\r\n  push:\r\njobs:\r\n  a:\r\n    steps:\r\n      - run: |\r\n          echo crlf\r\n          wrangler deploy\r\n",
    );
    let run = w.jobs[0].steps[0].run.as_ref().unwrap();
    assert_eq!(run.text, "echo crlf\nwrangler deploy\n");
}
