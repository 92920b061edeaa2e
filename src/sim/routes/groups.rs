//! Groups and their members.

use super::{Ctx, Req};
use crate::sim::ids;
use crate::sim::reply::{ApiError, ApiResult, Reply};
use crate::sim::state::{Group, zoom_time};
use serde_json::{Value, json};

fn group_json(g: &Group) -> Value {
    json!({ "id": g.id, "name": g.name, "total_members": g.member_ids.len() })
}

fn name_field(body: &serde_json::Map<String, Value>) -> Result<String, ApiError> {
    match body.get("name").and_then(Value::as_str) {
        Some(n) if !n.trim().is_empty() && n.chars().count() <= 128 => Ok(n.to_string()),
        _ => Err(ApiError::validation(&[("name", "Invalid field.")])),
    }
}

pub fn list(ctx: &mut Ctx<'_>, _req: &Req<'_>) -> ApiResult {
    let groups: Vec<Value> = ctx.world.groups.iter().map(group_json).collect();
    Ok(Reply::ok(
        json!({ "total_records": groups.len(), "groups": groups }),
    ))
}

pub fn get(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.group_index(req.param("groupId"))?;
    Ok(Reply::ok(group_json(&ctx.world.groups[i])))
}

pub fn create(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let body = req.required_body()?;
    let name = name_field(&body)?;
    if ctx
        .world
        .groups
        .iter()
        .any(|g| g.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::new(
            409,
            300,
            format!("Group name {name} is already in use."),
        ));
    }
    let id = ids::group_id(&mut ctx.rng());
    let g = Group {
        id,
        name,
        member_ids: Vec::new(),
    };
    let out = group_json(&g);
    ctx.world.groups.push(g);
    Ok(Reply::created(out))
}

pub fn update(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.group_index(req.param("groupId"))?;
    let body = req.required_body()?;
    if body.contains_key("name") {
        ctx.world.groups[i].name = name_field(&body)?;
    }
    Ok(Reply::no_content())
}

pub fn delete(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.group_index(req.param("groupId"))?;
    ctx.world.groups.remove(i);
    Ok(Reply::no_content())
}

pub fn members(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.group_index(req.param("groupId"))?;
    let items: Vec<Value> = ctx.world.groups[i]
        .member_ids
        .iter()
        .filter_map(|id| ctx.world.user_by_id(id))
        .map(|u| {
            json!({
                "id": u.id, "email": u.email, "first_name": u.first_name, "last_name": u.last_name,
                "type": u.kind, "primary_group": false,
            })
        })
        .collect();
    ctx.paged(req, "members", items, Vec::new())
}

pub fn add_members(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.group_index(req.param("groupId"))?;
    let body = req.required_body()?;
    let Some(Value::Array(list)) = body.get("members") else {
        return Err(ApiError::validation(&[("members", "Invalid field.")]));
    };
    if list.is_empty() || list.len() > 30 {
        return Err(ApiError::validation(&[("members", "Invalid field.")]));
    }
    let mut ids = Vec::new();
    for m in list {
        let key = m
            .get("id")
            .or_else(|| m.get("email"))
            .and_then(Value::as_str)
            .unwrap_or("");
        ids.push(ctx.world.user(key)?.id.clone());
    }
    let group = &mut ctx.world.groups[i];
    for id in &ids {
        if !group.member_ids.contains(id) {
            group.member_ids.push(id.clone());
        }
    }
    Ok(Reply::created(
        json!({ "ids": ids.join(","), "added_at": zoom_time(req.now) }),
    ))
}

pub fn remove_member(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.group_index(req.param("groupId"))?;
    let member = req.param("memberId").to_string();
    let group = &mut ctx.world.groups[i];
    let before = group.member_ids.len();
    group.member_ids.retain(|m| *m != member);
    if group.member_ids.len() == before {
        return Err(ApiError::user_not_found(&member));
    }
    Ok(Reply::no_content())
}
