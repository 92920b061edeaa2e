//! Reports (Heavy category): a user's past meetings over at most one month, a meeting's
//! participants, and the daily usage report.

use super::{Ctx, Req, query_date, utc_date};
use crate::sim::reply::{ApiError, ApiResult, Reply};
use crate::sim::state::{Instance, zoom_time};
use jiff::ToSpan;
use jiff::civil::Date;
use serde_json::{Value, json};

/// Check a `from`/`to` pair: both dates, in order, at most one month apart, `from` within the
/// last six months (BEHAVIOR §6.2). Used by reports and recordings.
pub fn date_range(req: &Req<'_>, from: Date, to: Date) -> Result<(), ApiError> {
    if to < from {
        return Err(ApiError::validation(&[("to", "Invalid field.")]));
    }
    match from.checked_add(1.month()) {
        Ok(limit) if to <= limit => {}
        _ => {
            return Err(ApiError::bad_request(
                "The date range must not exceed one month.",
            ));
        }
    }
    let today = utc_date(req.now);
    if today
        .checked_sub(6.months())
        .is_ok_and(|oldest| from < oldest)
    {
        return Err(ApiError::bad_request(
            "The from date must be within the past six months.",
        ));
    }
    Ok(())
}

fn in_range(i: &Instance, from: Date, to: Date) -> bool {
    let d = utc_date(i.start);
    d >= from && d <= to
}

pub fn user_meetings(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let user = ctx.world.user(req.param("userId"))?.clone();
    let from = query_date(req, "from")?
        .ok_or_else(|| ApiError::validation(&[("from", "Invalid field.")]))?;
    let to =
        query_date(req, "to")?.ok_or_else(|| ApiError::validation(&[("to", "Invalid field.")]))?;
    date_range(req, from, to)?;
    let kind = req.q("type").unwrap_or("past");
    let chosen: Vec<&Instance> = ctx
        .world
        .instances
        .iter()
        .filter(|i| in_range(i, from, to))
        .filter(|i| match kind {
            "pastOne" => i.host_id == user.id && i.participants.len() == 1,
            "pastJoined" => i.participants.iter().any(|p| p.user_id == user.id),
            _ => i.host_id == user.id && i.participants.len() > 1,
        })
        .collect();
    if !matches!(kind, "past" | "pastOne" | "pastJoined") {
        return Err(ApiError::validation(&[("type", "Invalid field.")]));
    }
    let items: Vec<Value> = chosen
        .iter()
        .map(|i| {
            let host = ctx.world.user_by_id(&i.host_id);
            let mut v = i.past_json(host);
            v["host_name"] = json!(host.map(|h| h.display_name()).unwrap_or_default());
            v["has_recording"] = json!(!i.recording.is_empty());
            v["has_screen_share"] = json!(false);
            v["has_chat"] = json!(false);
            v["custom_keys"] = json!([]);
            v["session_key"] = json!("");
            v
        })
        .collect();
    ctx.paged(
        req,
        "meetings",
        items,
        vec![
            ("from", json!(from.to_string())),
            ("to", json!(to.to_string())),
        ],
    )
}

pub fn participants(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let inst = ctx.world.instance(req.param("meetingId"))?;
    // Reports leave out one-person meetings.
    let items: Vec<Value> = if inst.participants.len() < 2 {
        Vec::new()
    } else {
        inst.participants
            .iter()
            .map(|p| {
                json!({
                    "id": p.user_id,
                    "user_id": p.number,
                    "name": p.name,
                    "user_email": p.email,
                    "join_time": zoom_time(p.join),
                    "leave_time": zoom_time(p.leave),
                    "duration": p.duration_secs(),
                    "registrant_id": "",
                    "failover": false,
                    "status": "in_meeting",
                    "customer_key": "",
                    "bo_mtg_id": "",
                    "participant_user_id": p.user_id,
                })
            })
            .collect()
    };
    ctx.paged(req, "participants", items, Vec::new())
}

pub fn daily(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let today = utc_date(req.now);
    let parse =
        |name: &str, default: i64, range: std::ops::RangeInclusive<i64>| -> Result<i64, ApiError> {
            match req.q(name) {
                None => Ok(default),
                Some(s) => s
                    .parse::<i64>()
                    .ok()
                    .filter(|v| range.contains(v))
                    .ok_or_else(|| ApiError::validation(&[(name, "Invalid field.")])),
            }
        };
    let year = parse("year", today.year() as i64, 2000..=2100)?;
    let month = parse("month", today.month() as i64, 1..=12)?;
    let first = Date::new(year as i16, month as i8, 1)
        .map_err(|_| ApiError::validation(&[("month", "Invalid field.")]))?;
    let mut dates = Vec::new();
    let mut day = first;
    while day.month() == first.month() && day <= today {
        let of_day: Vec<&Instance> = ctx
            .world
            .instances
            .iter()
            .filter(|i| utc_date(i.start) == day)
            .collect();
        dates.push(json!({
            "date": day.to_string(),
            "new_users": ctx.world.users.iter().filter(|u| utc_date(u.created_at) == day).count(),
            "meetings": of_day.len(),
            "participants": of_day.iter().map(|i| i.participants.len()).sum::<usize>(),
            "meeting_minutes": of_day.iter().map(|i| i.total_minutes()).sum::<i64>(),
        }));
        match day.tomorrow() {
            Ok(d) => day = d,
            Err(_) => break,
        }
    }
    Ok(Reply::ok(
        json!({ "year": year, "month": month, "dates": dates }),
    ))
}
