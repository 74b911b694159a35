//! Time as the engine sees it: `u64` milliseconds from an epoch the host picks
//! (SPEC T1), and the duration strings of the configuration (T6).

/// Milliseconds since the host's epoch.
pub type Millis = u64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// The latest `now` the engine accepts: 2^53 - 1, the largest integer every
/// binding (JavaScript numbers included) represents exactly.
pub const MAX_TIME: Millis = (1 << 53) - 1;

/// A host's number as a command's `now` (JavaScript has numbers only):
/// whole milliseconds, not negative, or refused in the words every binding
/// uses. Above `MAX_TIME` but below 2^64 it is given back, for the command
/// to refuse as any late time is (`limit_exceeded`).
pub fn now_from_number(n: f64) -> Result<Millis, crate::Error> {
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n < u64::MAX as f64 {
        // Exact: a whole number below 2^64.
        return Ok(n as u64);
    }
    // A number far from 1 in full is hundreds of digits: it is shown as 1e300 or 1e-300.
    let plain = n == 0.0 || (1e-6..=MAX_TIME as f64).contains(&n.abs());
    let shown = if plain { format!("{n}") } else { format!("{n:e}") };
    Err(if n < 0.0 {
        crate::Error::InvalidArgument(format!("now: {shown} is negative; time is milliseconds since the host's epoch"))
    } else if !(n.is_finite() && n.fract() == 0.0) {
        crate::Error::InvalidArgument(format!("now: {shown} is not a whole number of milliseconds"))
    } else {
        crate::Error::LimitExceeded(format!("now: {n:e} is above {MAX_TIME}"))
    })
}

/// Parses `"500ms"`, `"90s"`, `"3m"`, `"1h30m"`, `"2d"`: one or more
/// `<digits><unit>` groups with units in strictly decreasing size.
pub fn parse_duration(text: &str) -> Result<Millis, String> {
    const UNITS: [(&str, Millis); 5] = [("d", DAY), ("h", HOUR), ("ms", 1), ("m", MINUTE), ("s", SECOND)];
    // Rank by size so "1m30s" is accepted and "30s1m" is not.
    fn rank(unit: Millis) -> u8 {
        match unit {
            DAY => 5,
            HOUR => 4,
            MINUTE => 3,
            SECOND => 2,
            _ => 1,
        }
    }
    let bad = || format!("{text:?} is not a duration like \"500ms\", \"90s\", \"3m\" or \"1h30m\"");
    if text.is_empty() {
        return Err(bad());
    }
    let mut rest = text;
    let mut total: Millis = 0;
    let mut last_rank = u8::MAX;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 12 {
            return Err(bad());
        }
        let value: Millis = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let (unit_len, unit) = UNITS
            .iter()
            .find(|(name, _)| rest.starts_with(name) && !(*name == "m" && rest.starts_with("ms")))
            .map(|(name, ms)| (name.len(), *ms))
            .ok_or_else(bad)?;
        rest = &rest[unit_len..];
        if rank(unit) >= last_rank {
            return Err(bad());
        }
        last_rank = rank(unit);
        total =
            value.checked_mul(unit).and_then(|v| total.checked_add(v)).filter(|v| *v <= MAX_TIME).ok_or_else(bad)?;
    }
    Ok(total)
}

/// Shortest exact duration string for `ms` (`3m`, `1h30m`, `1500ms`).
pub fn format_duration(ms: Millis) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, name) in [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (SECOND, "s"), (1, "ms")] {
        if rest >= unit {
            out.push_str(&format!("{}{name}", rest / unit));
            rest %= unit;
        }
    }
    out
}

/// Clock time for people: `mm:ss` below an hour, `h:mm:ss` above, with
/// `.mmm` when the millisecond part is not zero.
pub fn format_clock(ms: Millis) -> String {
    let (h, m, s, milli) = (ms / HOUR, ms / MINUTE % 60, ms / SECOND % 60, ms % SECOND);
    let base = if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m:02}:{s:02}") };
    if milli == 0 {
        base
    } else {
        format!("{base}.{milli:03}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_a_now_when_whole_and_not_negative() {
        assert_eq!(now_from_number(0.0), Ok(0));
        assert_eq!(now_from_number(1e16), Ok(10_000_000_000_000_000), "late times are refused by the command");
        let message = |n: f64| now_from_number(n).unwrap_err().message().to_owned();
        assert_eq!(message(-1.0), "now: -1 is negative; time is milliseconds since the host's epoch");
        assert_eq!(message(1.5), "now: 1.5 is not a whole number of milliseconds");
        assert_eq!(message(f64::NAN), "now: NaN is not a whole number of milliseconds");
        assert_eq!(message(-1e300), "now: -1e300 is negative; time is milliseconds since the host's epoch");
        assert_eq!(message(1e-300), "now: 1e-300 is not a whole number of milliseconds");
        assert_eq!(message(-0.25), "now: -0.25 is negative; time is milliseconds since the host's epoch");
        assert_eq!(message(f64::NEG_INFINITY), "now: -inf is negative; time is milliseconds since the host's epoch");
        assert_eq!(now_from_number(2e19).unwrap_err().code(), "limit_exceeded");
    }

    #[test]
    fn parses_every_unit_and_combinations() {
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("3m"), Ok(180_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("1m30s500ms"), Ok(90_500));
        assert_eq!(parse_duration("2d"), Ok(2 * DAY));
        assert_eq!(parse_duration("0s"), Ok(0));
    }

    #[test]
    fn refuses_malformed_durations() {
        for bad in ["", "3", "m", "-3m", "3 m", "3M", "30s1m", "1m1m", "3min", "1.5h", "99999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn formats_round_trip() {
        for ms in [1, 999, 1000, 90_000, 5_400_000, DAY + 1] {
            assert_eq!(parse_duration(&format_duration(ms)), Ok(ms));
        }
        assert_eq!(format_clock(125_000), "02:05");
        assert_eq!(format_clock(HOUR + 61_000), "1:01:01");
        assert_eq!(format_clock(1_500), "00:01.500");
    }
}
