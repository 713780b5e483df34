//! AUTH002 write-route-without-turnstile: the doc lives in rules/AUTH002.md.

use crate::hashing::HashSet;

use crate::finding::Finding;
use crate::project::Project;
use crate::project::callees::CalleeTest;
use crate::project::routes::glob_matches;
use crate::rules::support::chain::calls_siteverify;
use crate::rules::support::sources::skip_test_file;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH002",
    "write-route-without-turnstile",
    Error,
    "a protected write route runs without Turnstile verification",
    "verify the Turnstile token (siteverify) in middleware that runs before the handler, or in the handler",
    reach = Runtime,
);

pub struct WriteRouteWithoutTurnstile;

impl Rule for WriteRouteWithoutTurnstile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn kept_callees(&self) -> &'static [CalleeTest] {
        &[crate::rules::support::sources::is_turnstile_callee]
    }

    fn check_sources(&self, project: &Project, out: &mut Vec<Finding>) {
        let config = &project.config;
        let mut seen = HashSet::default();
        for route in project.routes() {
            if !route.is_write()
                || skip_test_file(project, project.file(route.file))
                || !config
                    .write_routes
                    .iter()
                    .any(|g| glob_matches(g, &route.full_path))
            {
                continue;
            }
            let span = route.report_span();
            if seen.contains(&(route.file, span)) {
                continue;
            }
            if project
                .route_callees(route)
                .iter()
                .any(|c| config.turnstile_pattern.is_match(c))
                || project.route_functions(route).iter().any(calls_siteverify)
            {
                continue;
            }
            seen.insert((route.file, span));
            let methods = route.methods.join("/");
            out.push(
                Finding::new(&META, route.file, span).message(format!(
                    "{methods} {} is a protected write route, but no Turnstile verification runs in its middleware or handler",
                    route.full_path
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::support::sources::run_rule_on;

    const WRANGLER: &str = "name = \"w\"\nmain = \"src/index.ts\"\n";

    fn run(src: &str) -> Vec<(String, usize, String)> {
        run_rule_on(
            &WriteRouteWithoutTurnstile,
            &[("wrangler.toml", WRANGLER), ("src/index.ts", src)],
            Config::default(),
        )
    }

    #[test]
    fn fires_on_unverified_writes_only() {
        let found = run(r#"
import { Hono } from 'hono'
const app = new Hono()
app.use('*', requirePermission)
app.post('/compile', (c) => c.json({}))
app.get('/compile/status', (c) => c.json({}))
app.post('/validate', async (c) => {
  const r = await fetch(`https://challenges.cloudflare.com/turnstile/v0/siteverify`, { method: 'POST' })
  return c.json({})
})
app.post('/ast/parse', (c) => c.json({}))
app.use('/ast/*', turnstile())
app.put('/compile/jobs/:id', verifyTurnstile, (c) => c.json({}))
export default app
"#);
        let lines: Vec<_> = found.iter().map(|(_, l, t)| (*l, t.as_str())).collect();
        assert_eq!(lines, vec![(5, "'/compile'"), (11, "'/ast/parse'")]);
    }
}
