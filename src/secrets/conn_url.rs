//! Connection strings (`postgres://user:pass@host:port/db?...`).

/// The parts of a database URL that rules care about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnUrl<'a> {
    pub scheme: &'a str,
    pub user: Option<&'a str>,
    pub password: Option<&'a str>,
    pub host: &'a str,
}

impl<'a> ConnUrl<'a> {
    /// Parses `scheme://[user[:password]@]host[:port][/...]`; `None` when
    /// the text is not a URL with a host.
    pub fn parse(text: &'a str) -> Option<ConnUrl<'a>> {
        let _ = text;
        None
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.scheme, "postgres" | "postgresql")
    }

    /// A Neon host (`*.neon.tech`).
    pub fn is_neon(&self) -> bool {
        let host = self.host.to_ascii_lowercase();
        host.ends_with(".neon.tech")
    }

    /// A Neon pooler host: its first label ends in `-pooler`.
    pub fn is_pooler(&self) -> bool {
        self.host
            .split('.')
            .next()
            .is_some_and(|label| label.to_ascii_lowercase().ends_with("-pooler"))
    }
}
