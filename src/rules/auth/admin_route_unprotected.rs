//! AUTH003 admin-route-unprotected: the doc lives in rules/AUTH003.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH003",
    "admin-route-unprotected",
    Error,
    "an admin route has no admin guard in its middleware chain or handler",
    "put an admin guard (Cloudflare Access JWT check or admin role middleware) on `/admin/*` before the routes",
);

pub struct AdminRouteUnprotected;

impl Rule for AdminRouteUnprotected {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
