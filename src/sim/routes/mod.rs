//! The modelled Zoom operations, dispatched by the catalog's operationId.
//!
//! Each submodule owns one area (users, meetings, past meetings, reports, recordings, groups)
//! and works on plain data: no HTTP types here, only [`Req`] in and `ApiResult` out. An
//! operation missing from [`dispatch`] is answered 501 by the server, naming the operation.

mod groups;
mod meetings;
mod past;
mod recordings;
mod reports;
mod users;

use super::args::{Plan, SimArgs};
use super::paging::{self, Pager};
use super::reply::{ApiError, ApiResult, Reply};
use super::server::Core;
use super::state::World;
use crate::catalog::Endpoint;
use jiff::Timestamp;
use rand::{SeedableRng, rngs::StdRng};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One API request, already authenticated and checked against the catalog.
#[derive(Debug)]
pub struct Req<'a> {
    pub ep: &'static Endpoint,
    /// Path relative to `/v2`, still percent-encoded (it identifies the query for page tokens).
    pub path: &'a str,
    /// Path parameters, decoded as Zoom decodes them.
    pub params: HashMap<String, String>,
    pub query: Vec<(String, String)>,
    /// The JSON object body, if one was sent.
    pub body: Option<Value>,
    pub now: Timestamp,
}

impl Req<'_> {
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }

    /// A query parameter; an empty value counts as absent.
    pub fn q(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// The body object; a missing body is an empty object.
    pub fn body(&self) -> Map<String, Value> {
        match &self.body {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        }
    }

    /// The body object, or Zoom's 300 when the operation needs one and none was sent.
    pub fn required_body(&self) -> Result<Map<String, Value>, ApiError> {
        match &self.body {
            Some(Value::Object(m)) => Ok(m.clone()),
            _ => Err(ApiError::invalid_json()),
        }
    }
}

/// What handlers may touch.
pub struct Ctx<'a> {
    pub world: &'a mut World,
    pager: &'a mut Pager,
    pub plan: Plan,
    seed: u64,
}

impl<'a> Ctx<'a> {
    pub fn new(core: &'a mut Core, args: &SimArgs) -> Ctx<'a> {
        Ctx {
            world: &mut core.world,
            pager: &mut core.pager,
            plan: args.plan,
            seed: args.seed,
        }
    }

    /// A generator for ids of things created through the API: deterministic per seed and per
    /// creation order, so a replayed script creates the same ids.
    pub fn rng(&mut self) -> StdRng {
        let serial = self.world.serial();
        StdRng::seed_from_u64(
            self.seed
                .wrapping_mul(31)
                .wrapping_add(serial.wrapping_mul(0x9E37_79B9)),
        )
    }

    /// Cut a page from `items` and wrap it in Zoom's envelope under `key`, after `extra` fields.
    pub fn paged(
        &mut self,
        req: &Req<'_>,
        key: &str,
        items: Vec<Value>,
        extra: Vec<(&str, Value)>,
    ) -> ApiResult {
        self.paged_with(req, key, items, |_, v| v, extra)
    }

    /// Like [`Ctx::paged`], but renders only the items on the page: listing 20,000 users must
    /// not build 20,000 JSON objects for every page of 300.
    pub fn paged_with<T>(
        &mut self,
        req: &Req<'_>,
        key: &str,
        items: Vec<T>,
        render: impl Fn(&World, T) -> Value,
        extra: Vec<(&str, Value)>,
    ) -> ApiResult {
        let max = req.ep.page_size_max.unwrap_or(300) as usize;
        let size = paging::page_size(&req.query, max)?;
        let qkey = paging::query_key(req.path, &req.query, size);
        let page = self
            .pager
            .page(&qkey, req.q("next_page_token"), size, items)?;
        let mut body = Map::new();
        for (k, v) in extra {
            body.insert(k.to_string(), v);
        }
        // Zoom sends page_count (and page_number where the legacy style exists) on the first
        // page only; clients must not rely on them (BEHAVIOR §4).
        if page.first {
            body.insert("page_count".into(), page.page_count().into());
            if req.ep.query_params.iter().any(|p| p == "page_number") {
                body.insert("page_number".into(), 1.into());
            }
        }
        body.insert("page_size".into(), page.page_size.into());
        body.insert("total_records".into(), page.total_records.into());
        body.insert("next_page_token".into(), page.next_page_token.into());
        let world: &World = self.world;
        let rendered = page
            .items
            .into_iter()
            .map(|item| render(world, item))
            .collect();
        body.insert(key.to_string(), Value::Array(rendered));
        Ok(Reply::ok(Value::Object(body)))
    }
}

/// Run the operation `req` names, or `None` if the simulator does not model it.
pub fn dispatch(ctx: &mut Ctx<'_>, req: &Req<'_>) -> Option<ApiResult> {
    let result = match req.ep.operation_id.as_str() {
        "users" => users::list(ctx, req),
        "user" => users::get(ctx, req),
        "userCreate" => users::create(ctx, req),
        "userUpdate" => users::update(ctx, req),
        "userDelete" => users::delete(ctx, req),
        "userStatus" => users::status(ctx, req),
        "meetings" => meetings::list(ctx, req),
        "meetingCreate" => meetings::create(ctx, req),
        "meeting" => meetings::get(ctx, req),
        "meetingUpdate" => meetings::update(ctx, req),
        "meetingDelete" => meetings::delete(ctx, req),
        "meetingStatus" => meetings::status(ctx, req),
        "pastMeetingDetails" => past::details(ctx, req),
        "pastMeetings" => past::instances(ctx, req),
        "pastMeetingParticipants" => past::participants(ctx, req),
        "reportMeetings" => reports::user_meetings(ctx, req),
        "reportMeetingParticipants" => reports::participants(ctx, req),
        "reportDaily" => reports::daily(ctx, req),
        "recordingsList" => recordings::list(ctx, req),
        "recordingGet" => recordings::get(ctx, req),
        "groups" => groups::list(ctx, req),
        "groupCreate" => groups::create(ctx, req),
        "group" => groups::get(ctx, req),
        "groupUpdate" => groups::update(ctx, req),
        "groupDelete" => groups::delete(ctx, req),
        "groupMembers" => groups::members(ctx, req),
        "groupMembersCreate" => groups::add_members(ctx, req),
        "groupMembersDelete" => groups::remove_member(ctx, req),
        _ => return None,
    };
    Some(result)
}

/// Parse a `yyyy-mm-dd` query date.
pub fn query_date(req: &Req<'_>, name: &str) -> Result<Option<jiff::civil::Date>, ApiError> {
    match req.q(name) {
        None => Ok(None),
        Some(s) => s
            .parse::<jiff::civil::Date>()
            .map(Some)
            .map_err(|_| ApiError::validation(&[(name, "Invalid field.")])),
    }
}

/// Today's date in UTC.
pub fn utc_date(t: Timestamp) -> jiff::civil::Date {
    t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}
