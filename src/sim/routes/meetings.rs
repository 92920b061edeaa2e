//! Meetings: list per host with Zoom's `type` filter, create (201) and update (204) following
//! Zoom's `start_time`/`timezone` rules, get, delete (204), status (end / recover), and the
//! per-host limit of 100 creates and updates a day.
//!
//! `start_time` rules (BEHAVIOR §6.2): `yyyy-MM-ddTHH:mm:ssZ` is UTC and `timezone` only labels
//! the meeting; without `Z` the wall-clock time is read in `timezone`, or in the host's time zone
//! when `timezone` is absent. An explicit offset (`+02:00`) is accepted as an instant. Answers
//! always carry `start_time` in UTC with a `Z`.

use super::{Ctx, Req, query_date, utc_date};
use crate::sim::args::Plan;
use crate::sim::demo::default_settings;
use crate::sim::ids;
use crate::sim::limits::{MEETING_WRITES_PER_DAY, meeting_writes_exceeded};
use crate::sim::reply::{ApiError, ApiResult, Reply};
use crate::sim::state::{Instance, Meeting, add_minutes};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, ZonedDateTime, civil};
use rand::Rng;
use serde_json::{Map, Value};

/// Most occurrences a recurring meeting may have (Zoom caps `end_times` at 60).
const MAX_OCCURRENCES: i64 = 60;

pub fn list(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let host = ctx.world.user(req.param("userId"))?.id.clone();
    let kind = req.q("type").unwrap_or("scheduled");
    let now = req.now;
    let from = query_date(req, "from")?;
    let to = query_date(req, "to")?;
    let mut found: Vec<&Meeting> = ctx
        .world
        .meetings
        .values()
        .filter(|m| m.host_id == host)
        .collect();
    found.retain(|m| match kind {
        // All unexpired scheduled, live and upcoming meetings: everything but instant ones.
        "scheduled" => m.kind != 1,
        "live" => m.status == "started",
        "upcoming" | "upcoming_meetings" => m.has_upcoming(now),
        "previous_meetings" => m.has_past(now),
        _ => true,
    });
    if !matches!(
        kind,
        "scheduled" | "live" | "upcoming" | "upcoming_meetings" | "previous_meetings"
    ) {
        return Err(ApiError::validation(&[("type", "Invalid field.")]));
    }
    found.retain(|m| {
        let day = m.shown_start(now).map(utc_date);
        from.is_none_or(|f| day.is_none_or(|d| d >= f))
            && to.is_none_or(|t| day.is_none_or(|d| d <= t))
    });
    found.sort_by_key(|m| (m.shown_start(now).is_none(), m.shown_start(now), m.id));
    let items = found.iter().map(|m| m.list_json(now)).collect();
    ctx.paged(req, "meetings", items, Vec::new())
}

pub fn get(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let id = ctx.world.meeting_id(req.param("meetingId"))?;
    let m = &ctx.world.meetings[&id];
    let email = ctx
        .world
        .user_by_id(&m.host_id)
        .map(|u| u.email.clone())
        .unwrap_or_default();
    Ok(Reply::ok(m.detail_json(&email, req.now)))
}

/// Count one create/update for `host` today, or refuse the 101st.
fn count_write(ctx: &mut Ctx<'_>, host: &str, now: Timestamp) -> Result<(), ApiError> {
    if ctx.plan == Plan::Unlimited {
        return Ok(());
    }
    let n = ctx
        .world
        .meeting_writes
        .entry((host.to_string(), utc_date(now)))
        .or_insert(0);
    if *n >= MEETING_WRITES_PER_DAY {
        return Err(meeting_writes_exceeded());
    }
    *n += 1;
    Ok(())
}

fn invalid(field: &str) -> ApiError {
    ApiError::validation(&[(field, "Invalid field.")])
}

/// Read `start_time` as Zoom does (see the module docs).
pub fn parse_start(s: &str, tz: &TimeZone) -> Result<Timestamp, ApiError> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let local: civil::DateTime = s.parse().map_err(|_| invalid("start_time"))?;
    local
        .to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|_| invalid("start_time"))
}

fn timezone_named(name: &str) -> Result<TimeZone, ApiError> {
    TimeZone::get(name).map_err(|_| invalid("timezone"))
}

/// Occurrence starts of a type 8 meeting from its `recurrence` object, computed on the wall
/// clock of its time zone (so a 09:00 meeting stays at 09:00 across a DST change).
pub fn occurrences(
    first: Timestamp,
    tz: &TimeZone,
    rec: &Map<String, Value>,
) -> Result<Vec<Timestamp>, ApiError> {
    let rtype = rec
        .get("type")
        .and_then(Value::as_i64)
        .ok_or_else(|| invalid("recurrence.type"))?;
    let interval = rec
        .get("repeat_interval")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    if !(1..=90).contains(&interval) {
        return Err(invalid("recurrence.repeat_interval"));
    }
    let end_times = rec.get("end_times").and_then(Value::as_i64);
    let end_date = match rec.get("end_date_time").and_then(Value::as_str) {
        Some(s) => Some(
            s.parse::<Timestamp>()
                .map_err(|_| invalid("recurrence.end_date_time"))?,
        ),
        None => None,
    };
    let limit = match (end_times, end_date) {
        (Some(n), _) if !(1..=MAX_OCCURRENCES).contains(&n) => {
            return Err(invalid("recurrence.end_times"));
        }
        (Some(n), _) => n,
        (None, Some(_)) => MAX_OCCURRENCES,
        (None, None) => 1,
    };
    let start: ZonedDateTime = first.to_zoned_datetime(tz.clone());
    let weekly_days: Vec<i8> = match rec.get("weekly_days").and_then(Value::as_str) {
        Some(s) => s
            .split(',')
            .map(|d| d.trim().parse::<i8>().ok().filter(|d| (1..=7).contains(d)))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid("recurrence.weekly_days"))?,
        None => vec![start.weekday().to_sunday_one_offset()],
    };
    let mut out = Vec::new();
    let mut day = 0i64;
    // Walk day by day (bounded) and keep the days the rule selects.
    while (out.len() as i64) < limit && day < 366 * 3 {
        let Ok(z) = start.checked_add(day.days()) else {
            break;
        };
        if end_date.is_some_and(|e| z.timestamp() > e) {
            break;
        }
        let keep = match rtype {
            1 => day % interval == 0,
            2 => {
                (day / 7) % interval == 0
                    && weekly_days.contains(&z.weekday().to_sunday_one_offset())
            }
            3 => {
                let months = (z.year() as i64 - start.year() as i64) * 12
                    + (z.month() as i64 - start.month() as i64);
                let monthly_day = rec
                    .get("monthly_day")
                    .and_then(Value::as_i64)
                    .unwrap_or(start.day() as i64);
                z.day() as i64 == monthly_day && months % interval == 0
            }
            _ => return Err(invalid("recurrence.type")),
        };
        if keep && z.timestamp() >= first {
            out.push(z.timestamp());
        }
        day += 1;
    }
    Ok(out)
}

/// Meeting fields from a create or update body, validated; `base` is the meeting being updated
/// (or a template for a new one).
fn apply(
    base: &mut Meeting,
    body: &Map<String, Value>,
    host_tz: &str,
    creating: bool,
    now: Timestamp,
) -> Result<(), ApiError> {
    if let Some(v) = body.get("topic") {
        match v.as_str() {
            Some(s) if s.chars().count() <= 200 => base.topic = s.into(),
            _ => return Err(invalid("topic")),
        }
    }
    if let Some(v) = body.get("agenda") {
        match v.as_str() {
            Some(s) if s.chars().count() <= 2000 => base.agenda = s.into(),
            _ => return Err(invalid("agenda")),
        }
    }
    if let Some(v) = body.get("type") {
        match v.as_i64() {
            Some(t @ (1 | 2 | 3 | 8)) => base.kind = t,
            _ => return Err(invalid("type")),
        }
    }
    if let Some(v) = body.get("duration") {
        match v.as_i64() {
            Some(d) if (0..=1440 * 7).contains(&d) => base.duration = d,
            _ => return Err(invalid("duration")),
        }
    }
    if let Some(v) = body.get("password") {
        let ok = v.as_str().is_some_and(|p| {
            p.chars().count() <= 10
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "@-_*".contains(c))
        });
        if !ok {
            return Err(invalid("password"));
        }
        base.password = v.as_str().unwrap_or_default().into();
    }
    if let Some(v) = body.get("settings") {
        match v {
            Value::Object(s) => {
                for (k, val) in s {
                    base.settings.insert(k.clone(), val.clone());
                }
            }
            _ => return Err(invalid("settings")),
        }
    }
    // Time zone: given, else the meeting's, else the host's.
    let tz_name = match body.get("timezone") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::String(_)) | None => {
            if creating {
                host_tz.to_string()
            } else {
                base.timezone.clone()
            }
        }
        Some(_) => return Err(invalid("timezone")),
    };
    let tz = timezone_named(&tz_name)?;
    base.timezone = tz_name;
    match body.get("start_time") {
        Some(Value::String(s)) if !s.is_empty() => base.start = Some(parse_start(s, &tz)?),
        Some(Value::String(_)) | Some(Value::Null) | None => {
            if creating {
                base.start = Some(now);
            }
        }
        Some(_) => return Err(invalid("start_time")),
    }
    if base.kind == 1 {
        // Instant meetings start now whatever the body says.
        base.start = Some(now);
    }
    if let Some(v) = body.get("recurrence") {
        match v {
            Value::Object(_) => base.recurrence = Some(v.clone()),
            _ => return Err(invalid("recurrence")),
        }
    }
    match base.kind {
        8 => {
            let rec = match &base.recurrence {
                Some(Value::Object(r)) => r.clone(),
                _ => return Err(invalid("recurrence")),
            };
            let first = base.start.unwrap_or(now);
            base.occurrences = occurrences(first, &tz, &rec)?;
            if base.occurrences.is_empty() {
                return Err(invalid("recurrence"));
            }
        }
        3 => {
            base.start = None;
            base.occurrences.clear();
        }
        _ => {
            base.recurrence = None;
            base.occurrences.clear();
        }
    }
    if let Some(s) = base.start {
        base.start = Some(Timestamp::from_second(s.as_second()).unwrap_or(s));
    }
    Ok(())
}

pub fn create(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let host_key = req.param("userId").to_string();
    let body = req.body();
    let mut host = ctx.world.user(&host_key)?.clone();
    // `schedule_for` lets an admin create a meeting hosted by someone else.
    if let Some(Value::String(other)) = body.get("schedule_for")
        && !other.is_empty()
    {
        host = ctx.world.user(other)?.clone();
    }
    let mut rng = ctx.rng();
    let mut id = ids::meeting_id(&mut rng);
    while ctx.world.meetings.contains_key(&id) || ctx.world.trash.contains_key(&id) {
        id = ids::meeting_id(&mut rng);
    }
    let mut m = Meeting {
        id,
        uuid: ids::meeting_uuid(&mut rng),
        host_id: host.id.clone(),
        kind: 2,
        topic: "Zoom meeting".into(),
        agenda: String::new(),
        start: None,
        duration: 60,
        timezone: host.timezone.clone(),
        created_at: Timestamp::from_second(req.now.as_second()).unwrap_or(req.now),
        password: format!("{:06}", rng.random_range(0..1_000_000)),
        settings: default_settings(),
        recurrence: None,
        occurrences: Vec::new(),
        status: "waiting".into(),
    };
    apply(&mut m, &body, &host.timezone, true, req.now)?;
    count_write(ctx, &host.id, req.now)?;
    let out = m.detail_json(&host.email, req.now);
    ctx.world.meetings.insert(id, m);
    Ok(Reply::created(out))
}

pub fn update(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let id = ctx.world.meeting_id(req.param("meetingId"))?;
    let body = req.required_body()?;
    let mut m = ctx.world.meetings[&id].clone();
    let host_tz = ctx
        .world
        .user_by_id(&m.host_id)
        .map(|u| u.timezone.clone())
        .unwrap_or_else(|| "UTC".into());
    apply(&mut m, &body, &host_tz, false, req.now)?;
    count_write(ctx, &m.host_id.clone(), req.now)?;
    ctx.world.meetings.insert(id, m);
    Ok(Reply::no_content())
}

pub fn delete(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let id = ctx.world.meeting_id(req.param("meetingId"))?;
    if let Some(occurrence) = req.q("occurrence_id") {
        // Deleting one occurrence of a series removes just that one.
        let m = ctx
            .world
            .meetings
            .get_mut(&id)
            .ok_or_else(|| ApiError::meeting_not_found(req.param("meetingId")))?;
        let before = m.occurrences.len();
        m.occurrences
            .retain(|t| t.as_millisecond().to_string() != occurrence);
        if m.occurrences.len() == before {
            return Err(invalid("occurrence_id"));
        }
        return Ok(Reply::no_content());
    }
    if let Some(m) = ctx.world.meetings.remove(&id) {
        ctx.world.trash.insert(id, m);
    }
    Ok(Reply::no_content())
}

/// `PUT /meetings/{id}/status` with `{"action":"end"}` or `{"action":"recover"}`.
pub fn status(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let raw = req.param("meetingId");
    let body = req.required_body()?;
    match body.get("action").and_then(Value::as_str) {
        Some("end") => {
            let id = ctx.world.meeting_id(raw)?;
            let mut rng = ctx.rng();
            let m = ctx
                .world
                .meetings
                .get_mut(&id)
                .ok_or_else(|| ApiError::meeting_not_found(raw))?;
            if m.status == "started" {
                m.status = "waiting".into();
                let start = m.start.unwrap_or(req.now);
                let instance = Instance {
                    uuid: m.uuid.clone(),
                    meeting_id: m.id,
                    host_id: m.host_id.clone(),
                    topic: m.topic.clone(),
                    kind: m.kind,
                    start,
                    end: req.now.max(add_minutes(start, 1)),
                    participants: Vec::new(),
                    recording: Vec::new(),
                };
                m.uuid = ids::meeting_uuid(&mut rng);
                ctx.world.instances.push(instance);
            }
            Ok(Reply::no_content())
        }
        Some("recover") => {
            let id: i64 = raw.parse().map_err(|_| ApiError::meeting_not_found(raw))?;
            let m = ctx
                .world
                .trash
                .remove(&id)
                .ok_or_else(|| ApiError::meeting_not_found(raw))?;
            ctx.world.meetings.insert(id, m);
            Ok(Reply::no_content())
        }
        _ => Err(invalid("action")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn start_time_rules() {
        let ny = TimeZone::get("America/New_York").unwrap();
        // With Z: UTC, whatever the time zone.
        assert_eq!(
            parse_start("2025-05-20T15:00:00Z", &ny)
                .unwrap()
                .to_string(),
            "2025-05-20T15:00:00Z"
        );
        // Without Z: wall clock in the time zone (EDT is UTC-4 in May).
        assert_eq!(
            parse_start("2025-05-20T15:00:00", &ny).unwrap().to_string(),
            "2025-05-20T19:00:00Z"
        );
        assert!(parse_start("next tuesday", &ny).is_err());
    }

    #[test]
    fn weekly_recurrence_keeps_wall_clock_across_dst() {
        let ny = TimeZone::get("America/New_York").unwrap();
        let first = parse_start("2025-10-28T09:00:00", &ny).unwrap();
        let rec = json!({"type": 2, "repeat_interval": 1, "weekly_days": "3", "end_times": 3});
        let occ = occurrences(first, &ny, rec.as_object().unwrap()).unwrap();
        let shown: Vec<String> = occ.iter().map(|t| t.to_string()).collect();
        // Tuesday 28 Oct (weekly_days 3 = Tuesday), then 4 and 11 Nov after the DST change.
        assert_eq!(
            shown,
            [
                "2025-10-28T13:00:00Z",
                "2025-11-04T14:00:00Z",
                "2025-11-11T14:00:00Z"
            ]
        );
    }
}
