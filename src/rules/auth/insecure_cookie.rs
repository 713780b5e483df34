//! AUTH001 insecure-cookie: the doc lives in rules/AUTH001.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH001",
    "insecure-cookie",
    Error,
    "a session or auth cookie lacks HttpOnly, Secure or SameSite=Lax/Strict",
    "keep Better Auth's secure defaults; set `httpOnly: true, secure: true, sameSite: 'lax'` on session cookies",
);

pub struct InsecureCookie;

impl Rule for InsecureCookie {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
