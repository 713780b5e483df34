//! AUTH007 auth-without-captcha: the doc lives in rules/AUTH007.md.

use crate::finding::Finding;
use crate::project::Project;
use crate::rules::{Rule, RuleMeta};

pub static META: RuleMeta = crate::rule_meta!(
    "AUTH007",
    "auth-without-captcha",
    Warning,
    "Better Auth sign-up/sign-in endpoints have no captcha",
    "add Better Auth's `captcha` plugin with the Cloudflare Turnstile provider",
);

pub struct AuthWithoutCaptcha;

impl Rule for AuthWithoutCaptcha {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, project: &Project, out: &mut Vec<Finding>) {
        let _ = (project, out);
    }
}
