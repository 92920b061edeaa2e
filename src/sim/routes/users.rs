//! Users: list with `status`/`role_id` filters, get by id, email or `me`, create, update (204),
//! delete (204), and status changes (204).

use super::{Ctx, Req};
use crate::sim::ids;
use crate::sim::reply::{ApiError, ApiResult, Reply};
use crate::sim::state::{User, World};
use serde_json::{Map, Value, json};

/// Profile fields a PATCH may set; anything else is ignored, as Zoom does (still 204).
const PROFILE_FIELDS: &[&str] = &[
    "job_title",
    "language",
    "location",
    "company",
    "phone_number",
    "phone_country",
    "host_key",
    "use_pmi",
    "vanity_name",
    "manager",
    "pronouns",
    "pronouns_option",
    "cms_user_id",
    "custom_attributes",
    "employee_unique_id",
];

pub fn list(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let status = req.q("status").unwrap_or("active");
    if !matches!(status, "active" | "inactive" | "pending") {
        return Err(ApiError::validation(&[("status", "Invalid field.")]));
    }
    let role = req.q("role_id");
    let indices: Vec<usize> = ctx
        .world
        .users
        .iter()
        .enumerate()
        .filter(|(_, u)| u.status == status)
        .filter(|(_, u)| role.is_none_or(|r| u.role_id == r))
        .map(|(i, _)| i)
        .collect();
    let render = |world: &World, i: usize| {
        let u = &world.users[i];
        u.list_json(world.group_ids_of(&u.id))
    };
    ctx.paged_with(req, "users", indices, render, Vec::new())
}

pub fn get(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let user = ctx.world.user(req.param("userId"))?;
    Ok(Reply::ok(user.detail_json(
        crate::sim::DEMO_ACCOUNT_ID,
        ctx.world.group_ids_of(&user.id),
    )))
}

fn string_field<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    max: usize,
) -> Result<Option<&'a str>, ApiError> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s)),
        Some(_) => Err(ApiError::validation(&[(key, "Invalid field.")])),
    }
}

fn user_type(v: Option<&Value>, field: &str) -> Result<Option<i64>, ApiError> {
    match v {
        None => Ok(None),
        Some(v) => match v.as_i64() {
            Some(t @ (1 | 2 | 4 | 99)) => Ok(Some(t)),
            _ => Err(ApiError::validation(&[(field, "Invalid field.")])),
        },
    }
}

pub fn create(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let body = req.required_body()?;
    let action = body.get("action").and_then(Value::as_str).unwrap_or("");
    if !matches!(action, "create" | "autoCreate" | "custCreate" | "ssoCreate") {
        return Err(ApiError::validation(&[("action", "Invalid field.")]));
    }
    let info = match body.get("user_info") {
        Some(Value::Object(m)) => m.clone(),
        _ => return Err(ApiError::validation(&[("user_info", "Invalid field.")])),
    };
    let email = match string_field(&info, "email", 128)? {
        Some(e) if e.contains('@') && !e.starts_with('@') && !e.ends_with('@') => e.to_string(),
        _ => {
            return Err(ApiError::validation(&[(
                "user_info.email",
                "Invalid field.",
            )]));
        }
    };
    let kind = user_type(info.get("type"), "user_info.type")?
        .ok_or_else(|| ApiError::validation(&[("user_info.type", "Invalid field.")]))?;
    let first = string_field(&info, "first_name", 64)?
        .unwrap_or("")
        .to_string();
    let last = string_field(&info, "last_name", 64)?
        .unwrap_or("")
        .to_string();
    if ctx
        .world
        .users
        .iter()
        .any(|u| u.email.eq_ignore_ascii_case(&email))
    {
        return Err(ApiError::new(
            409,
            1005,
            format!("Email \"{email}\" has already been used."),
        ));
    }
    let mut rng = ctx.rng();
    let id = ids::user_id(&mut rng);
    let pmi = 5_550_100_000 + ctx.world.next_serial as i64;
    let timezone = ctx
        .world
        .owner()
        .map(|o| o.timezone.clone())
        .unwrap_or_else(|| "UTC".into());
    let user = User {
        id: id.clone(),
        email: email.clone(),
        first_name: first.clone(),
        last_name: last.clone(),
        kind,
        // An invitation waits for the user; the other actions create an active user.
        status: if action == "create" {
            "pending"
        } else {
            "active"
        }
        .into(),
        role_id: "2".into(),
        pmi,
        timezone,
        dept: info
            .get("dept")
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
        created_at: req.now,
        last_login_time: None,
        profile: Map::new(),
    };
    ctx.world.users.push(user);
    Ok(Reply::created(json!({
        "id": id, "first_name": first, "last_name": last, "email": email, "type": kind,
    })))
}

pub fn update(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.user_index(req.param("userId"))?;
    let body = req.required_body()?;
    // Validate everything before changing anything, so a 400 leaves the user untouched.
    let first = string_field(&body, "first_name", 64)?;
    let last = string_field(&body, "last_name", 64)?;
    let dept = string_field(&body, "dept", 128)?;
    let kind = user_type(body.get("type"), "type")?;
    let timezone = string_field(&body, "timezone", 64)?;
    if let Some(tz) = timezone
        && jiff::tz::TimeZone::get(tz).is_err()
    {
        return Err(ApiError::validation(&[("timezone", "Invalid field.")]));
    }
    let pmi = match body.get("pmi") {
        None => None,
        Some(v) => match v
            .as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        {
            Some(p) if (1_000_000_000..10_000_000_000).contains(&p) => Some(p),
            _ => return Err(ApiError::validation(&[("pmi", "Invalid field.")])),
        },
    };
    let user = &mut ctx.world.users[i];
    if let Some(v) = first {
        user.first_name = v.into();
    }
    if let Some(v) = last {
        user.last_name = v.into();
    }
    if let Some(v) = dept {
        user.dept = v.into();
    }
    if let Some(v) = kind {
        user.kind = v;
    }
    if let Some(v) = timezone {
        user.timezone = v.into();
    }
    if let Some(v) = pmi {
        user.pmi = v;
    }
    for key in PROFILE_FIELDS {
        if let Some(v) = body.get(*key) {
            user.profile.insert(key.to_string(), v.clone());
        }
    }
    Ok(Reply::no_content())
}

pub fn delete(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.user_index(req.param("userId"))?;
    let action = req.q("action").unwrap_or("disassociate");
    if !matches!(action, "disassociate" | "delete") {
        return Err(ApiError::validation(&[("action", "Invalid field.")]));
    }
    if ctx.world.users[i].role_id == "0" {
        return Err(ApiError::bad_request(
            "The account owner cannot be deleted.",
        ));
    }
    let user = ctx.world.users.remove(i);
    for g in &mut ctx.world.groups {
        g.member_ids.retain(|m| *m != user.id);
    }
    // Without transfer_email the user's upcoming meetings go with them.
    ctx.world.meetings.retain(|_, m| m.host_id != user.id);
    Ok(Reply::no_content())
}

pub fn status(ctx: &mut Ctx<'_>, req: &Req<'_>) -> ApiResult {
    let i = ctx.world.user_index(req.param("userId"))?;
    let body = req.required_body()?;
    let new_status = match body.get("action").and_then(Value::as_str) {
        Some("activate") => "active",
        Some("deactivate") => "inactive",
        _ => return Err(ApiError::validation(&[("action", "Invalid field.")])),
    };
    if ctx.world.users[i].role_id == "0" && new_status == "inactive" {
        return Err(ApiError::bad_request(
            "The account owner cannot be deactivated.",
        ));
    }
    ctx.world.users[i].status = new_status.into();
    Ok(Reply::no_content())
}
