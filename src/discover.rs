//! Walks the tree (respecting .gitignore) and classifies each file.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    WranglerToml,
    WranglerJson,
    /// `.env`, `.dev.vars` and their variants; `template` for `*.example`,
    /// `*.sample`, `*.template`.
    EnvFile { template: bool },
    Workflow,
    /// A composite action's `action.yml`.
    Action,
    Shell,
    PackageJson,
    Prisma,
    PrismaConfig,
    Script,
    RustSource,
    /// Any other text file: scanned for credential formats only.
    Text,
}

/// A file that was not scanned, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}
