//! Text and JSON to bound values, by [`ValueKind`].

use super::schema::ValueKind;
use super::{clip, invalid};
use crate::error::Result;
use crate::types::DateTimeUTC;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sea_orm::sea_query::Value;

/// `raw` as a value of `kind` for `field`.
pub(crate) fn from_text(field: &str, kind: ValueKind, raw: &str) -> Result<Value> {
    let parsed = match kind {
        ValueKind::Text => Some(Value::from(raw.to_owned())),
        ValueKind::Int => raw.trim().parse::<i64>().ok().map(Value::from),
        ValueKind::Float => raw
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from),
        ValueKind::Bool => parse_bool(raw).map(Value::from),
        ValueKind::Uuid => uuid::Uuid::parse_str(raw.trim()).ok().map(Value::from),
        ValueKind::DateTimeUtc => parse_datetime(raw).map(|dt| Value::from(DateTimeUTC::from(dt))),
        ValueKind::DateTime => parse_datetime(raw).map(|dt| Value::from(dt.naive_utc())),
        ValueKind::Date => NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .ok()
            .map(Value::from),
        ValueKind::Time => parse_time(raw).map(Value::from),
    };
    parsed.ok_or_else(|| bad_value(field, kind, raw))
}

/// `json` as a value of `kind` for `field`: JSON numbers and booleans where they
/// fit, otherwise a string read as [`from_text`] would.
pub(crate) fn from_json(field: &str, kind: ValueKind, json: &serde_json::Value) -> Result<Value> {
    use serde_json::Value as Json;
    match (kind, json) {
        (ValueKind::Int, Json::Number(n)) => n
            .as_i64()
            .map(Value::from)
            .ok_or_else(|| bad_value(field, kind, &n.to_string())),
        (ValueKind::Float, Json::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Value::from)
            .ok_or_else(|| bad_value(field, kind, &n.to_string())),
        (ValueKind::Bool, Json::Bool(b)) => Ok(Value::from(*b)),
        (_, Json::String(s)) => from_text(field, kind, s),
        (_, other) => Err(bad_value(field, kind, &other.to_string())),
    }
}

/// The error for a value that is not of the field's kind.
pub(crate) fn bad_value(field: &str, kind: ValueKind, raw: &str) -> crate::Error {
    invalid(format!(
        "invalid value for field {field:?} (expected {}): {:?}",
        kind.expected(),
        clip(raw)
    ))
}

/// `true`/`false` and their usual spellings.
pub(crate) fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" | "y" | "on" => Some(true),
        "false" | "f" | "0" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// RFC 3339, a naive date-time (UTC) or a date (midnight UTC). A `+` offset that
/// form encoding turned into a space (`…T10:00:00 02:00`) is read as `+`.
fn parse_datetime(raw: &str) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(raw) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Some((stamp, offset)) = raw.rsplit_once(' ')
        && stamp.len() >= 19
        && offset.starts_with(|c: char| c.is_ascii_digit())
        && let Ok(dt) = DateTime::parse_from_rfc3339(&format!("{stamp}+{offset}"))
    {
        return Some(dt.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(raw, format) {
            return Some(naive.and_utc());
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
}

fn parse_time(raw: &str) -> Option<NaiveTime> {
    let raw = raw.trim();
    ["%H:%M:%S%.f", "%H:%M"]
        .into_iter()
        .find_map(|format| NaiveTime::parse_from_str(raw, format).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_in_their_usual_spellings() {
        let noon = parse_datetime("2024-01-31T12:00:00Z");
        assert!(noon.is_some());
        assert_eq!(parse_datetime("2024-01-31T14:00:00+02:00"), noon);
        assert_eq!(parse_datetime("2024-01-31T14:00:00 02:00"), noon);
        assert_eq!(parse_datetime("2024-01-31 12:00:00"), noon);
        assert_eq!(parse_datetime("2024-01-31T12:00"), noon);
        assert!(parse_datetime("2024-01-31").is_some());
        assert!(parse_datetime("2024-02-30").is_none());
        assert!(parse_datetime("yesterday").is_none());
    }

    #[test]
    fn values_by_kind() {
        assert_eq!(
            from_text("n", ValueKind::Int, " 42 ").ok(),
            Some(Value::from(42_i64))
        );
        assert!(from_text("n", ValueKind::Int, "4.2").is_err());
        assert!(from_text("x", ValueKind::Float, "NaN").is_err());
        assert_eq!(
            from_text("b", ValueKind::Bool, "Yes").ok(),
            Some(Value::from(true))
        );
        assert_eq!(
            from_text("t", ValueKind::Text, " a ").ok(),
            Some(Value::from(" a ".to_owned()))
        );
        assert!(from_text("u", ValueKind::Uuid, "not-a-uuid").is_err());
        assert!(from_text("t", ValueKind::Time, "13:45").is_ok());
        assert_eq!(
            from_json("n", ValueKind::Int, &serde_json::json!(7)).ok(),
            Some(Value::from(7_i64))
        );
        assert!(from_json("n", ValueKind::Int, &serde_json::json!(7.5)).is_err());
        assert!(from_json("t", ValueKind::Text, &serde_json::json!(7)).is_err());
        assert!(from_json("b", ValueKind::Bool, &serde_json::json!("off")).is_ok());
    }

    #[test]
    fn errors_name_the_field_and_clip_the_value() {
        let long = "x".repeat(10_000);
        let message = from_text("views", ValueKind::Int, &long)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            message.contains("\"views\"") && message.contains("an integer"),
            "{message}"
        );
        assert!(message.len() < 200, "{message}");
        let nul = from_text("views", ValueKind::Int, "1\0")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(nul.contains("\\0"), "{nul}");
    }
}
