use super::WranglerConfig;
use crate::formats::ParseFailure;

pub fn parse(text: &str) -> Result<WranglerConfig, ParseFailure> {
    let _ = text;
    Ok(WranglerConfig::default())
}
