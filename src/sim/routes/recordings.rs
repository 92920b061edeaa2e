//! Cloud recordings: a user's recordings over a `from`/`to` range (default today, at most a
//! month), and one meeting's recordings.

use super::reports::date_range;
use super::{Ctx, Req, query_date, utc_date};
use crate::sim::DEMO_ACCOUNT_ID;
use crate::sim::reply::{ApiError, ApiResult, Reply};
use crate::sim::state::{Instance, zoom_time};
use serde_json::{Value, json};

fn recording_json(i: &Instance, timezone: &str) -> Value {
    let files: Vec<Value> = i
        .recording
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "meeting_id": i.uuid,
                "recording_start": zoom_time(i.start),
                "recording_end": zoom_time(i.end),
                "file_type": f.file_type,
                "file_extension": f.file_type,
                "file_size": f.size,
                "play_url": format!("https://example.com/rec/play/{}", f.id),
                "download_url": format!("https://example.com/rec/download/{}", f.id),
                "status": "completed",
                "recording_type": f.recording_type,
            })
        })
        .collect();
    json!({
        "uuid": i.uuid,
        "id": i.meeting_id,
        "account_id": DEMO_ACCOUNT_ID,
        "host_id": i.host_id,
        "topic": i.topic,
        "type": i.kind,
        "start_time": zoom_time(i.start),
        "timezone": timezone,
        "duration": i.duration_minutes(),
        "total_size": i.recording.iter().map(|f| f.size).sum::<i64>(),
        "recording_count": i.recording.len(),
        "share_url": format!("https://example.com/rec/share/{}", i.meeting_id),
        "recording_files": files,
    })
}

pub fn list(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let user = ctx.world.user(req.param("userId"))?.clone();
    let today = utc_date(req.now);
    let from = query_date(req, "from")?.unwrap_or(today);
    let to = query_date(req, "to")?.unwrap_or(today);
    date_range(req, from, to)?;
    let meeting_filter = req.q("meeting_id");
    let items: Vec<Value> = ctx
        .world
        .instances
        .iter()
        .rev()
        .filter(|i| i.host_id == user.id && !i.recording.is_empty())
        .filter(|i| {
            let d = utc_date(i.start);
            d >= from && d <= to
        })
        .filter(|i| meeting_filter.is_none_or(|m| m == i.meeting_id.to_string() || m == i.uuid))
        .map(|i| recording_json(i, &user.timezone))
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

pub fn get(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let key = req.param("meetingId");
    // A numeric id means the latest instance that has a recording.
    let inst = match key.parse::<i64>() {
        Ok(id) => ctx
            .world
            .instances
            .iter()
            .filter(|i| i.meeting_id == id && !i.recording.is_empty())
            .max_by_key(|i| i.start)
            .or_else(|| ctx.world.instances.iter().find(|i| i.meeting_id == id)),
        Err(_) => ctx.world.instances.iter().find(|i| i.uuid == key),
    };
    let inst = inst.ok_or_else(|| ApiError::meeting_not_found(key))?;
    if inst.recording.is_empty() {
        return Err(ApiError::new(
            404,
            3301,
            "There is no recording for this meeting.",
        ));
    }
    let tz = ctx
        .world
        .user_by_id(&inst.host_id)
        .map(|u| u.timezone.clone())
        .unwrap_or_else(|| "UTC".into());
    Ok(Reply::ok(recording_json(inst, &tz)))
}
