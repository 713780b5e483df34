//! Connection strings (`postgres://user:pass@host:port/db?...`).

/// The parts of a database URL that rules care about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnUrl<'a> {
    pub scheme: &'a str,
    pub user: Option<&'a str>,
    /// `Some("")` for `user:@host`: a password separator with nothing after.
    pub password: Option<&'a str>,
    /// Without the brackets of an IPv6 literal: `[::1]` gives `::1`.
    pub host: &'a str,
    pub port: Option<&'a str>,
    /// From the `/` after the authority up to `?` or `#`; empty when absent.
    pub path: &'a str,
    pub query: Option<&'a str>,
}

/// Schemes (before any `+driver`) whose URLs are connection strings.
const DATABASE_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongodb",
    "redis",
    "rediss",
    "sqlserver",
    "mssql",
];

/// Whether a URL scheme (`postgresql`, `postgresql+asyncpg`, any case)
/// belongs to a database connection string.
pub fn is_database_scheme(scheme: &str) -> bool {
    let base = scheme.split('+').next().unwrap_or(scheme);
    DATABASE_SCHEMES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(base))
}

impl<'a> ConnUrl<'a> {
    /// Parses `scheme://[user[:password]@]host[:port][/...]`; `None` when
    /// the text is not a URL with a host.
    ///
    /// The authority ends at the first `/`, `?` or `#`, and the userinfo at
    /// the last `@` inside it, so an unencoded `@` in a password still
    /// parses. No percent-decoding is done.
    pub fn parse(text: &'a str) -> Option<ConnUrl<'a>> {
        let text = text.trim();
        let (scheme, rest) = text.split_once("://")?;
        let mut scheme_chars = scheme.chars();
        if !scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            || !scheme_chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            return None;
        }

        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);

        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((user, password)) => (Some(user), Some(password)),
                None => (Some(info), None),
            },
            None => (None, None),
        };
        let user = user.filter(|u| !u.is_empty());

        let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
            let close = bracketed.find(']')?;
            let after = &bracketed[close + 1..];
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':')?),
            };
            (&bracketed[..close], port)
        } else {
            match hostport.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (hostport, None),
            }
        };
        if host.is_empty() || host.chars().any(char::is_whitespace) {
            return None;
        }

        let tail = tail.split_once('#').map_or(tail, |(before, _)| before);
        let (path, query) = match tail.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (tail, None),
        };

        Some(ConnUrl {
            scheme,
            user,
            password,
            host,
            port,
            path,
            query,
        })
    }

    /// The scheme without a `+driver` suffix (`postgresql+asyncpg`), lowercase.
    pub fn base_scheme(&self) -> String {
        let base = self.scheme.split('+').next().unwrap_or(self.scheme);
        base.to_ascii_lowercase()
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.base_scheme().as_str(), "postgres" | "postgresql")
    }

    /// A connection string to a database (postgres, mysql, ...), as opposed
    /// to any other URL.
    pub fn is_database(&self) -> bool {
        is_database_scheme(self.scheme)
    }

    /// A loopback host: `localhost`, `127.0.0.1` or `::1`.
    pub fn is_local(&self) -> bool {
        self.host.eq_ignore_ascii_case("localhost") || matches!(self.host, "127.0.0.1" | "::1")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_url() {
        let url = ConnUrl::parse(
            "postgresql://owner:pw123@ep-cool-123-pooler.us-east-2.aws.neon.tech:5432/neondb?sslmode=require#frag",
        )
        .expect("url");
        assert_eq!(url.scheme, "postgresql");
        assert_eq!(url.user, Some("owner"));
        assert_eq!(url.password, Some("pw123"));
        assert_eq!(url.host, "ep-cool-123-pooler.us-east-2.aws.neon.tech");
        assert_eq!(url.port, Some("5432"));
        assert_eq!(url.path, "/neondb");
        assert_eq!(url.query, Some("sslmode=require"));
        assert!(url.is_postgres() && url.is_database() && url.is_neon() && url.is_pooler());
        assert!(!url.is_local());
    }

    #[test]
    fn parses_without_userinfo_or_password() {
        let url = ConnUrl::parse("postgres://db.internal/app").expect("url");
        assert_eq!(
            (url.user, url.password, url.host),
            (None, None, "db.internal")
        );
        let url = ConnUrl::parse("mysql://root@db:3306").expect("url");
        assert_eq!(
            (url.user, url.password, url.port),
            (Some("root"), None, Some("3306"))
        );
        assert_eq!(url.path, "");
        let url = ConnUrl::parse("postgres://u:@h").expect("url");
        assert_eq!(url.password, Some(""));
        let url = ConnUrl::parse("postgres://:pw@h").expect("url");
        assert_eq!((url.user, url.password), (None, Some("pw")));
    }

    #[test]
    fn last_at_separates_userinfo() {
        let url = ConnUrl::parse("postgres://user:p@ss@word@host.example/db").expect("url");
        assert_eq!(url.password, Some("p@ss@word"));
        assert_eq!(url.host, "host.example");
        // An `@` in the query is not part of the authority.
        let url = ConnUrl::parse("postgres://host/db?email=a@b").expect("url");
        assert_eq!((url.user, url.host), (None, "host"));
    }

    #[test]
    fn ipv6_hosts() {
        let url = ConnUrl::parse("postgres://u:pw@[::1]:5432/db").expect("url");
        assert_eq!((url.host, url.port), ("::1", Some("5432")));
        assert!(url.is_local());
        let url = ConnUrl::parse("postgres://u:pw@[2001:db8::5]/db").expect("url");
        assert_eq!((url.host, url.port), ("2001:db8::5", None));
        assert!(ConnUrl::parse("postgres://u:pw@[::1/db").is_none());
        assert!(ConnUrl::parse("postgres://u:pw@[::1]x/db").is_none());
    }

    #[test]
    fn driver_schemes_and_locality() {
        let url = ConnUrl::parse("postgresql+asyncpg://u:pw@LocalHost/db").expect("url");
        assert!(url.is_postgres() && url.is_database() && url.is_local());
        let url = ConnUrl::parse("https://api.example.com/x").expect("url");
        assert!(!url.is_database());
    }

    #[test]
    fn rejects_non_urls() {
        for text in [
            "",
            "not a url",
            "postgres:/host",
            "://host",
            "1abc://host",
            "postgres://",
            "postgres:///db",
            "postgres://user:pw@/db",
            "post gres://host",
        ] {
            assert!(ConnUrl::parse(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for text in [
            "a://[",
            "a://@",
            "a://@[]",
            "a://é@ü:é/ä?ö#",
            "a://[]]",
            "a://:::@:::",
        ] {
            let _ = ConnUrl::parse(text);
        }
    }
}
