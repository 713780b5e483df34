//! Prisma `datasource` blocks in `*.prisma` files, and the datasource URLs of
//! `prisma.config.ts`.

use super::ParseFailure;
use crate::span::{Span, Spanned};

#[derive(Clone, Debug, Default)]
pub struct PrismaSchema {
    pub datasources: Vec<Datasource>,
}

#[derive(Clone, Debug)]
pub struct Datasource {
    pub name: Spanned<String>,
    pub provider: Option<Spanned<String>>,
    pub url: Option<DatasourceUrl>,
    pub direct_url: Option<DatasourceUrl>,
    /// The whole block.
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct DatasourceUrl {
    pub source: UrlSource,
    pub span: Span,
    /// Comment text on the same line or on the lines directly above, which
    /// may document the URL as pooled.
    pub comment: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlSource {
    /// `env("NAME")` / `env('NAME')` / `process.env.NAME`.
    Env(String),
    Literal(String),
}

impl PrismaSchema {
    /// A `schema.prisma` file.
    pub fn parse(text: &str) -> Result<PrismaSchema, ParseFailure> {
        let _ = text;
        Ok(PrismaSchema::default())
    }

    /// A `prisma.config.ts` file: `datasource: { url: env('X'), directUrl: ... }`.
    pub fn parse_config_ts(text: &str) -> PrismaSchema {
        let _ = text;
        PrismaSchema::default()
    }
}
