//! Past meetings: details, instances and participants. A numeric id means the latest instance
//! of that meeting, a UUID one specific instance (BEHAVIOR §5); the UUID arrives already decoded
//! by the server's Zoom-style path decoding.

use super::{Ctx, Req};
use crate::sim::reply::{ApiError, ApiResult, Reply};
use crate::sim::state::{Instance, zoom_time};
use serde_json::{Value, json};

pub fn details(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let inst = ctx.world.instance(req.param("meetingId"))?;
    Ok(Reply::ok(
        inst.past_json(ctx.world.user_by_id(&inst.host_id)),
    ))
}

pub fn instances(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let raw = req.param("meetingId");
    let id: i64 = raw.parse().map_err(|_| ApiError::meeting_not_found(raw))?;
    let mut list: Vec<&Instance> = ctx
        .world
        .instances
        .iter()
        .filter(|i| i.meeting_id == id)
        .collect();
    if list.is_empty() && !ctx.world.meetings.contains_key(&id) {
        return Err(ApiError::meeting_not_found(raw));
    }
    list.sort_by_key(|i| i.start);
    let meetings: Vec<Value> = list
        .iter()
        .map(|i| json!({ "uuid": i.uuid, "start_time": zoom_time(i.start) }))
        .collect();
    Ok(Reply::ok(json!({ "meetings": meetings })))
}

pub fn participants(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let inst = ctx.world.instance(req.param("meetingId"))?;
    let items: Vec<Value> = inst
        .participants
        .iter()
        .map(|p| {
            json!({
                "id": p.user_id,
                "name": p.name,
                "user_id": p.number,
                "registrant_id": "",
                "user_email": p.email,
                "join_time": zoom_time(p.join),
                "leave_time": zoom_time(p.leave),
                "duration": p.duration_secs(),
                "failover": false,
                "status": "in_meeting",
                "internal_user": !p.user_id.is_empty(),
            })
        })
        .collect();
    ctx.paged(req, "participants", items, Vec::new())
}
