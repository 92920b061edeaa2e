//! The `date` module scripts see: now and today in a time zone, date arithmetic, Zoom's date
//! formats, and month-sized windows for the report endpoints. Built on jiff.
//!
//! Dates and times are plain strings in scripts, in the three forms Zoom uses (BEHAVIOR.md
//! §6.2), so they go into queries and bodies as they are:
//!
//! - a date, `2026-03-05` (reports' `from`/`to`);
//! - an instant in UTC, `2026-03-05T09:30:00Z` (what Zoom returns, and `start_time` with `Z`);
//! - a wall-clock time, `2026-03-05T09:30:00`, which Zoom reads in the `timezone` sent beside it.
//!
//! Each function answers in the form it was given. Inputs may also carry an offset
//! (`+01:00`) or fractions of a second; outputs never do, because Zoom does not document them.
//! Nothing here touches the strings a script passes to `zoom.*`: those are sent byte for byte.
//! The script reference (docs/scripting.md) documents every function.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ToSpan};
use rhai::{Array, Dynamic, Engine, EvalAltResult, FuncRegistration, Map, Module};

type Fallible<T> = Result<T, Box<EvalAltResult>>;

/// A parsed date string, in one of the three forms.
#[derive(Clone, Copy, Debug, PartialEq)]
enum When {
    Date(Date),
    Instant(Timestamp),
    Wall(DateTime),
}

const FORMS: &str = "give a date (2026-03-05), a UTC time (2026-03-05T09:30:00Z) or a wall-clock time (2026-03-05T09:30:00)";

fn fail<T>(function: &str, message: impl std::fmt::Display) -> Fallible<T> {
    Err(format!("date::{function}: {message}").into())
}

fn parse(function: &str, text: &str) -> Fallible<When> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(When::Instant(ts));
    }
    if t.len() == 10
        && let Ok(d) = t.parse::<Date>()
    {
        return Ok(When::Date(d));
    }
    // A civil parse would accept an offset and drop it; an offset means an instant, and that
    // was tried above, so only zone-free text is read as wall-clock time.
    if !t.ends_with(['Z', 'z'])
        && !t.contains('[')
        && let Ok(dt) = t.parse::<DateTime>()
    {
        return Ok(When::Wall(dt));
    }
    fail(function, format!("{text:?} is not a date or time; {FORMS}"))
}

fn zone(function: &str, name: &str) -> Fallible<TimeZone> {
    TimeZone::get(name.trim()).or_else(|_| {
        fail(
            function,
            format!(
                "{name:?} is not a time zone; give an IANA name such as \"Europe/Berlin\", \"America/New_York\" or \"UTC\""
            ),
        )
    })
}

fn span(function: &str, text: &str) -> Fallible<Span> {
    text.trim().parse::<Span>().or_else(|_| {
        fail(
            function,
            format!(
                "{text:?} is not a span of time; write it like \"3 days\", \"-1 month\", \"2h 30m\" or \"P1W\""
            ),
        )
    })
}

/// `2026-03-05T09:30:00Z`: seconds, `Z`, nothing else.
fn utc_text(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `2026-03-05T09:30:00`.
fn wall_text(dt: DateTime) -> String {
    dt.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

fn text(when: When) -> String {
    match when {
        When::Date(d) => d.to_string(),
        When::Instant(ts) => utc_text(ts),
        When::Wall(dt) => wall_text(dt),
    }
}

fn now() -> String {
    utc_text(Timestamp::now())
}

fn now_in(tz: &str) -> Fallible<String> {
    let tz = zone("now", tz)?;
    Ok(wall_text(Timestamp::now().to_zoned_datetime(tz).datetime()))
}

fn today() -> String {
    Timestamp::now()
        .to_zoned_datetime(TimeZone::UTC)
        .date()
        .to_string()
}

fn today_in(tz: &str) -> Fallible<String> {
    let tz = zone("today", tz)?;
    Ok(Timestamp::now().to_zoned_datetime(tz).date().to_string())
}

fn add(value: &str, by: &str) -> Fallible<String> {
    let when = parse("add", value)?;
    let by = span("add", by)?;
    add_span("add", when, by)
}

fn add_span(function: &str, when: When, by: Span) -> Fallible<String> {
    let moved = match when {
        When::Date(d) => d.checked_add(by).map(When::Date),
        // Months and days on an instant are counted on UTC's calendar.
        When::Instant(ts) => ts
            .to_zoned_datetime(TimeZone::UTC)
            .checked_add(by)
            .map(|z| When::Instant(z.timestamp())),
        When::Wall(dt) => dt.checked_add(by).map(When::Wall),
    };
    match moved {
        Ok(w) => Ok(text(w)),
        Err(e) => fail(function, format!("cannot move {} by {by}: {e}", text(when))),
    }
}

fn add_days(value: &str, days: i64) -> Fallible<String> {
    let when = parse("add_days", value)?;
    let Ok(days) = i32::try_from(days) else {
        return fail("add_days", format!("{days} days is out of range"));
    };
    add_span("add_days", when, days.days())
}

/// Whole days from `a` to `b` (negative when `b` is earlier), counted in UTC for instants.
fn days_between(a: &str, b: &str) -> Fallible<i64> {
    let (x, y) = (parse("days_between", a)?, parse("days_between", b)?);
    let day_start = |d: Date| {
        d.to_zoned_datetime(TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    };
    let seconds = match (x, y) {
        (When::Date(p), When::Date(q)) => {
            return Ok(p.until(q).map(|s| s.get_days() as i64).unwrap_or_default());
        }
        (When::Wall(p), When::Wall(q)) => {
            return Ok(p.until(q).map(|s| s.get_days() as i64).unwrap_or_default());
        }
        (When::Instant(p), When::Instant(q)) => q.as_second() - p.as_second(),
        (When::Date(p), When::Instant(q)) => q.as_second() - day_start(p).as_second(),
        (When::Instant(p), When::Date(q)) => day_start(q).as_second() - p.as_second(),
        _ => {
            return fail(
                "days_between",
                "a wall-clock time has no place on the UTC timeline; convert it with date::to_zoom_utc(value, zone) first",
            );
        }
    };
    Ok(seconds / 86_400)
}

fn instant(function: &str, when: When, tz: Option<&TimeZone>) -> Fallible<Timestamp> {
    match (when, tz) {
        (When::Instant(ts), _) => Ok(ts),
        (When::Wall(dt), Some(tz)) => tz
            .to_timestamp(dt)
            .or_else(|e| fail(function, format!("{}: {e}", wall_text(dt)))),
        (When::Date(d), Some(tz)) => d
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .or_else(|e| fail(function, format!("{d}: {e}"))),
        (other, None) => fail(
            function,
            format!(
                "{} has no time zone; give one as the second argument, e.g. date::{function}(value, \"Europe/Berlin\")",
                text(other)
            ),
        ),
    }
}

fn to_zoom_utc(value: &str, tz: Option<&str>) -> Fallible<String> {
    let when = parse("to_zoom_utc", value)?;
    let tz = tz.map(|t| zone("to_zoom_utc", t)).transpose()?;
    Ok(utc_text(instant("to_zoom_utc", when, tz.as_ref())?))
}

/// `#{start_time: "2026-03-06T09:00:00", timezone: "Europe/Berlin"}`: wall-clock time plus the
/// zone Zoom reads it in. An instant is first converted to that zone's wall clock.
fn to_zoom_local(value: &str, tz_name: &str) -> Fallible<Map> {
    let when = parse("to_zoom_local", value)?;
    let tz = zone("to_zoom_local", tz_name)?;
    let wall = match when {
        When::Wall(dt) => dt,
        When::Instant(ts) => ts.to_zoned_datetime(tz).datetime(),
        When::Date(d) => d.to_datetime(jiff::civil::Time::midnight()),
    };
    let mut map = Map::new();
    map.insert("start_time".into(), wall_text(wall).into());
    map.insert("timezone".into(), tz_name.trim().to_string().into());
    Ok(map)
}

/// An instant shown as wall-clock time in a zone.
fn to_zone(value: &str, tz: &str) -> Fallible<String> {
    let when = parse("to_zone", value)?;
    let tz = zone("to_zone", tz)?;
    let ts = instant("to_zone", when, Some(&TimeZone::UTC))?;
    Ok(wall_text(ts.to_zoned_datetime(tz).datetime()))
}

fn epoch(value: &str) -> Fallible<i64> {
    let when = parse("epoch", value)?;
    Ok(instant("epoch", when, Some(&TimeZone::UTC))?.as_second())
}

/// The parts of a date or time; an instant is read in `tz` (UTC if none is given).
fn parts(value: &str, tz: Option<&str>) -> Fallible<Map> {
    let when = parse("parse", value)?;
    let tz = tz.map(|t| zone("parse", t)).transpose()?;
    let (dt, epoch, form) = match when {
        When::Date(d) => (d.to_datetime(jiff::civil::Time::midnight()), None, "date"),
        When::Wall(dt) => (dt, None, "wall"),
        When::Instant(ts) => {
            let z = ts.to_zoned_datetime(tz.unwrap_or(TimeZone::UTC));
            (z.datetime(), Some(ts.as_second()), "utc")
        }
    };
    let mut map = Map::new();
    map.insert("form".into(), form.into());
    map.insert("year".into(), (dt.year() as i64).into());
    map.insert("month".into(), (dt.month() as i64).into());
    map.insert("day".into(), (dt.day() as i64).into());
    map.insert("hour".into(), (dt.hour() as i64).into());
    map.insert("minute".into(), (dt.minute() as i64).into());
    map.insert("second".into(), (dt.second() as i64).into());
    map.insert(
        "weekday".into(),
        format!("{:?}", dt.weekday()).to_lowercase().into(),
    );
    map.insert("date".into(), dt.date().to_string().into());
    map.insert(
        "epoch".into(),
        epoch.map(Dynamic::from_int).unwrap_or(Dynamic::UNIT),
    );
    Ok(map)
}

fn format(value: &str, pattern: &str, tz: Option<&str>) -> Fallible<String> {
    let when = parse("format", value)?;
    let tz = tz.map(|t| zone("format", t)).transpose()?;
    let dt = match when {
        When::Date(d) => d.to_datetime(jiff::civil::Time::midnight()),
        When::Wall(dt) => dt,
        When::Instant(ts) => ts.to_zoned_datetime(tz.unwrap_or(TimeZone::UTC)).datetime(),
    };
    let mut out = String::new();
    use std::fmt::Write;
    if write!(out, "{}", dt.strftime(pattern)).is_err() {
        return fail(
            "format",
            format!(
                "{pattern:?} is not a strftime pattern this value can fill (try \"%Y-%m-%d %H:%M\")"
            ),
        );
    }
    Ok(out)
}

/// Consecutive windows covering `from..=to`, none longer than one month, as
/// `#{from, to}` maps (dates) ready to use as a report query.
pub fn month_windows(from: Date, to: Date) -> Vec<(Date, Date)> {
    let mut windows = Vec::new();
    let mut start = from;
    while start <= to {
        // [start, start + 1 month - 1 day]: a calendar month when start is the 1st.
        let end = start
            .checked_add(1.month())
            .and_then(|d| d.checked_sub(1.day()))
            .map(|d| d.min(to))
            .unwrap_or(to);
        windows.push((start, end));
        match end.tomorrow() {
            Ok(next) => start = next,
            Err(_) => break,
        }
    }
    windows
}

fn windows(from: &str, to: &str) -> Fallible<Array> {
    let as_date = |v: &str| -> Fallible<Date> {
        match parse("month_windows", v)? {
            When::Date(d) => Ok(d),
            When::Instant(ts) => Ok(ts.to_zoned_datetime(TimeZone::UTC).date()),
            When::Wall(dt) => Ok(dt.date()),
        }
    };
    let (a, b) = (as_date(from)?, as_date(to)?);
    if b < a {
        return fail(
            "month_windows",
            format!("the range ends ({b}) before it starts ({a}); give the earlier date first"),
        );
    }
    Ok(month_windows(a, b)
        .into_iter()
        .map(|(f, t)| {
            let mut m = Map::new();
            m.insert("from".into(), f.to_string().into());
            m.insert("to".into(), t.to_string().into());
            Dynamic::from_map(m)
        })
        .collect())
}

/// Register the `date` module.
pub fn register(engine: &mut Engine) {
    let mut m = Module::new();
    // `now` and `today` change from call to call: volatile, so the optimiser never folds them.
    let volatile = |name: &str| {
        FuncRegistration::new(name)
            .in_internal_namespace()
            .with_volatility(true)
    };
    volatile("now").set_into_module(&mut m, || -> Fallible<String> { Ok(now()) });
    volatile("now").set_into_module(&mut m, |tz: &str| now_in(tz));
    volatile("today").set_into_module(&mut m, || -> Fallible<String> { Ok(today()) });
    volatile("today").set_into_module(&mut m, |tz: &str| today_in(tz));
    m.set_native_fn("add", |v: &str, by: &str| add(v, by));
    m.set_native_fn("add_days", |v: &str, n: i64| add_days(v, n));
    m.set_native_fn("days_between", |a: &str, b: &str| days_between(a, b));
    m.set_native_fn("to_zoom_utc", |v: &str| to_zoom_utc(v, None));
    m.set_native_fn("to_zoom_utc", |v: &str, tz: &str| to_zoom_utc(v, Some(tz)));
    m.set_native_fn("to_zoom_local", |v: &str, tz: &str| to_zoom_local(v, tz));
    m.set_native_fn("to_zone", |v: &str, tz: &str| to_zone(v, tz));
    m.set_native_fn("epoch", |v: &str| epoch(v));
    m.set_native_fn("parse", |v: &str| parts(v, None));
    m.set_native_fn("parse", |v: &str, tz: &str| parts(v, Some(tz)));
    m.set_native_fn("format", |v: &str, p: &str| format(v, p, None));
    m.set_native_fn("format", |v: &str, p: &str, tz: &str| {
        format(v, p, Some(tz))
    });
    m.set_native_fn("month_windows", |a: &str, b: &str| windows(a, b));
    engine.register_static_module("date", m.into());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(script: &str) -> Result<Dynamic, String> {
        let mut engine = Engine::new();
        register(&mut engine);
        engine.eval::<Dynamic>(script).map_err(|e| e.to_string())
    }

    fn s(script: &str) -> String {
        eval(script).unwrap().into_string().unwrap()
    }

    #[test]
    fn a_year_of_reports_is_twelve_calendar_months() {
        let w = month_windows("2025-03-01".parse().unwrap(), "2026-02-28".parse().unwrap());
        assert_eq!(w.len(), 12);
        assert_eq!(
            w[0],
            ("2025-03-01".parse().unwrap(), "2025-03-31".parse().unwrap())
        );
        assert_eq!(
            w[11],
            ("2026-02-01".parse().unwrap(), "2026-02-28".parse().unwrap())
        );
    }

    #[test]
    fn windows_tile_the_range_and_none_exceeds_a_month() {
        // Zoom's rule: `to` no later than `from` plus one month.
        for (from, to) in [
            ("2025-01-31", "2026-01-31"),
            ("2025-01-01", "2026-01-01"),
            ("2024-02-29", "2025-03-01"),
            ("2025-06-15", "2025-06-15"),
        ] {
            let (f, t): (Date, Date) = (from.parse().unwrap(), to.parse().unwrap());
            let w = month_windows(f, t);
            assert_eq!(w.first().unwrap().0, f);
            assert_eq!(w.last().unwrap().1, t);
            for pair in w.windows(2) {
                assert_eq!(pair[0].1.tomorrow().unwrap(), pair[1].0, "{from}..{to}");
            }
            for (a, b) in &w {
                assert!(*b <= a.checked_add(1.month()).unwrap(), "{a}..{b}");
                assert!(a <= b);
            }
            assert!(w.len() <= 13, "{from}..{to}: {}", w.len());
        }
    }

    #[test]
    fn arithmetic_keeps_the_form_it_was_given() {
        assert_eq!(s(r#"date::add_days("2026-02-27", 2)"#), "2026-03-01");
        assert_eq!(s(r#"date::add("2026-01-31", "1 month")"#), "2026-02-28");
        assert_eq!(
            s(r#"date::add("2026-03-28T23:30:00Z", "2h")"#),
            "2026-03-29T01:30:00Z"
        );
        assert_eq!(
            s(r#"date::add("2026-03-28T09:00:00", "-1 week")"#),
            "2026-03-21T09:00:00"
        );
        assert_eq!(
            eval(r#"date::days_between("2026-01-01", "2026-03-01")"#)
                .unwrap()
                .as_int()
                .unwrap(),
            59
        );
        assert_eq!(
            eval(r#"date::days_between("2026-03-01T12:00:00Z", "2026-01-01")"#)
                .unwrap()
                .as_int()
                .unwrap(),
            -59
        );
    }

    #[test]
    fn zoom_formats() {
        // Zoom's own output carries milliseconds sometimes; ours never does.
        assert_eq!(
            s(r#"date::to_zoom_utc("2026-03-05T10:11:12.345+01:00")"#),
            "2026-03-05T09:11:12Z"
        );
        // Berlin is UTC+1 in winter, UTC+2 in summer.
        assert_eq!(
            s(r#"date::to_zoom_utc("2026-01-05T09:00:00", "Europe/Berlin")"#),
            "2026-01-05T08:00:00Z"
        );
        assert_eq!(
            s(r#"date::to_zoom_utc("2026-07-05 09:00", "Europe/Berlin")"#),
            "2026-07-05T07:00:00Z"
        );
        let local =
            eval(r#"date::to_zoom_local("2026-07-05T07:00:00Z", "Europe/Berlin")"#).unwrap();
        let local = local.read_lock::<Map>().unwrap();
        assert_eq!(local["start_time"].to_string(), "2026-07-05T09:00:00");
        assert_eq!(local["timezone"].to_string(), "Europe/Berlin");
        assert_eq!(
            s(r#"date::to_zone("2026-07-05T07:00:00Z", "America/New_York")"#),
            "2026-07-05T03:00:00"
        );
        assert_eq!(
            s(r#"date::format("2026-07-05T07:00:00Z", "%d.%m.%Y %H:%M", "Europe/Berlin")"#),
            "05.07.2026 09:00"
        );
    }

    #[test]
    fn parsing_zoom_timestamps() {
        let p = eval(r#"date::parse("2026-03-05T10:11:12Z")"#).unwrap();
        let p = p.read_lock::<Map>().unwrap();
        assert_eq!(p["year"].as_int().unwrap(), 2026);
        assert_eq!(p["hour"].as_int().unwrap(), 10);
        assert_eq!(p["weekday"].to_string(), "thursday");
        assert_eq!(p["epoch"].as_int().unwrap(), 1_772_705_472);
        assert_eq!(
            eval(r#"date::epoch("1970-01-02")"#)
                .unwrap()
                .as_int()
                .unwrap(),
            86_400
        );
    }

    #[test]
    fn now_and_today_in_a_zone() {
        let now = s("date::now()");
        assert!(now.ends_with('Z') && now.len() == 20, "{now}");
        assert_eq!(s(r#"date::today("UTC")"#), s("date::today()"));
        let wall = s(r#"date::now("Asia/Tokyo")"#);
        assert_eq!(wall.len(), 19, "{wall}");
    }

    #[test]
    fn bad_input_names_itself() {
        let e = eval(r#"date::today("Mars/Olympus")"#).unwrap_err();
        assert!(
            e.contains("date::today: \"Mars/Olympus\" is not a time zone; give an IANA name"),
            "{e}"
        );
        let e = eval(r#"date::add_days("yesterday", 1)"#).unwrap_err();
        assert!(
            e.contains("date::add_days: \"yesterday\" is not a date or time; give a date"),
            "{e}"
        );
        let e = eval(r#"date::to_zoom_utc("2026-03-05T09:00:00")"#).unwrap_err();
        assert!(e.contains("has no time zone"), "{e}");
        let e = eval(r#"date::month_windows("2026-03-01", "2026-01-01")"#).unwrap_err();
        assert!(e.contains("ends (2026-01-01) before it starts"), "{e}");
        let e = eval(r#"date::add("2026-03-01", "soon")"#).unwrap_err();
        assert!(e.contains("is not a span of time"), "{e}");
    }
}
