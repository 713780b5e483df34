//! How old a secret is, from the RFC 3339 time an API gives
//! (`2020-01-10T14:59:22Z`). Hand-written: one civil-date conversion does
//! not justify a date-time crate.

use std::time::{SystemTime, UNIX_EPOCH};

/// Whole days between `timestamp` and now; `None` when it is unreadable.
pub fn age_days(timestamp: &str) -> Option<u64> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() / 86_400;
    let then = epoch_day(timestamp)?;
    Some(u64::try_from(now as i64 - then).unwrap_or(0))
}

/// The day since 1970-01-01 of the date that starts `timestamp`.
pub fn epoch_day(timestamp: &str) -> Option<i64> {
    let date = timestamp.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from civil (proleptic Gregorian), with March as the first month.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_days_since_the_epoch() {
        assert_eq!(epoch_day("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_day("2000-03-01"), Some(11_017));
        assert_eq!(epoch_day("2020-01-10T14:59:22Z"), Some(18_271));
        assert_eq!(epoch_day("2024-02-29T00:00:00Z"), Some(19_782));
        assert_eq!(epoch_day("yesterday"), None);
        assert_eq!(epoch_day("2020-13-01"), None);
        assert!(age_days("2020-01-10T14:59:22Z").unwrap() > 365);
    }
}
