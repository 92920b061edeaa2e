//! The simulated account's data: users, meetings, past instances, participants, recordings,
//! groups. In memory, consistent across calls.
//!
//! Owns the records and how they render as Zoom JSON; generation lives in `demo.rs` and the
//! HTTP semantics (filters, validation, status codes) in `routes/`. Times are `jiff::Timestamp`
//! and render as Zoom does, UTC with a `Z` and no fraction.

use super::reply::ApiError;
use jiff::Timestamp;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Render an instant the way Zoom does: `2025-05-27T15:00:05Z`.
pub fn zoom_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A user of the account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// 1 Basic, 2 Licensed, 4 Unassigned without Meetings Basic, 99 None.
    pub kind: i64,
    /// `active`, `inactive` or `pending`.
    pub status: String,
    /// "0" owner, "1" admin, "2" member.
    pub role_id: String,
    pub pmi: i64,
    pub timezone: String,
    pub dept: String,
    pub created_at: Timestamp,
    pub last_login_time: Option<Timestamp>,
    /// Other profile fields (job_title, language, location, phone_number, ...) as set by
    /// generation or PATCH; rendered into the detail view as they are.
    pub profile: Map<String, Value>,
}

impl User {
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }

    fn role_name(&self) -> &'static str {
        match self.role_id.as_str() {
            "0" => "Owner",
            "1" => "Admin",
            _ => "Member",
        }
    }

    /// The shape of an entry in `GET /users`.
    pub fn list_json(&self, group_ids: Vec<String>) -> Value {
        let mut v = json!({
            "id": self.id,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "display_name": self.display_name(),
            "email": self.email,
            "type": self.kind,
            "pmi": self.pmi,
            "timezone": self.timezone,
            "verified": if self.status == "pending" { 0 } else { 1 },
            "dept": self.dept,
            "user_created_at": zoom_time(self.created_at),
            "last_client_version": self.profile.get("last_client_version").cloned().unwrap_or(json!("")),
            "group_ids": group_ids,
            "im_group_ids": [],
            "custom_attributes": [],
            "employee_unique_id": self.profile.get("employee_unique_id").cloned().unwrap_or(json!("")),
            "language": self.profile.get("language").cloned().unwrap_or(json!("en-US")),
            "plan_united_type": "1",
            "role_id": self.role_id,
            "status": self.status,
        });
        if let Some(t) = self.last_login_time {
            v["last_login_time"] = json!(zoom_time(t));
        }
        v
    }

    /// The shape of `GET /users/{userId}`.
    pub fn detail_json(&self, account_id: &str, group_ids: Vec<String>) -> Value {
        let mut v = self.list_json(group_ids);
        let obj = v.as_object_mut().expect("list_json builds an object");
        for (k, val) in &self.profile {
            obj.insert(k.clone(), val.clone());
        }
        obj.insert("account_id".into(), json!(account_id));
        obj.insert("account_number".into(), json!(10_000_001));
        obj.insert("role_name".into(), json!(self.role_name()));
        obj.insert(
            "use_pmi".into(),
            obj.get("use_pmi").cloned().unwrap_or(json!(false)),
        );
        obj.insert(
            "personal_meeting_url".into(),
            json!(format!("https://example.com/j/{}", self.pmi)),
        );
        obj.insert(
            "jid".into(),
            json!(format!("{}@xmpp.example.com", self.id.to_lowercase())),
        );
        obj.insert("cluster".into(), json!("us05"));
        obj.insert("login_types".into(), json!([100]));
        obj.insert("cms_user_id".into(), json!(""));
        obj.insert(
            "zoom_one_type".into(),
            json!(if self.kind == 2 { 4 } else { 0 }),
        );
        v
    }
}

/// A scheduled (or instant, or recurring) meeting.
#[derive(Debug, Clone)]
pub struct Meeting {
    pub id: i64,
    /// UUID of the current (or next) instance.
    pub uuid: String,
    pub host_id: String,
    /// 1 instant, 2 scheduled, 3 recurring without fixed time, 8 recurring with fixed time.
    pub kind: i64,
    pub topic: String,
    pub agenda: String,
    /// Start of a type 1/2 meeting; first occurrence of a type 8; `None` for type 3.
    pub start: Option<Timestamp>,
    pub duration: i64,
    pub timezone: String,
    pub created_at: Timestamp,
    pub password: String,
    pub settings: Map<String, Value>,
    pub recurrence: Option<Value>,
    /// Occurrence start times of a type 8 meeting.
    pub occurrences: Vec<Timestamp>,
    /// `waiting` or `started`.
    pub status: String,
}

impl Meeting {
    /// The start to show: for a recurring meeting, the next occurrence (or the last one).
    pub fn shown_start(&self, now: Timestamp) -> Option<Timestamp> {
        if self.kind == 8 {
            return self
                .occurrences
                .iter()
                .find(|t| **t >= now)
                .or(self.occurrences.last())
                .copied();
        }
        self.start
    }

    pub fn join_url(&self) -> String {
        format!(
            "https://example.com/j/{}?pwd=SIM{}",
            self.id,
            self.password.len()
        )
    }

    /// The shape of an entry in `GET /users/{userId}/meetings`.
    pub fn list_json(&self, now: Timestamp) -> Value {
        let mut v = json!({
            "uuid": self.uuid,
            "id": self.id,
            "host_id": self.host_id,
            "topic": self.topic,
            "type": self.kind,
            "duration": self.duration,
            "timezone": self.timezone,
            "agenda": self.agenda,
            "created_at": zoom_time(self.created_at),
            "join_url": self.join_url(),
        });
        if let Some(t) = self.shown_start(now) {
            v["start_time"] = json!(zoom_time(t));
        }
        v
    }

    /// The shape of `GET /meetings/{meetingId}` (and, with status 201, of the create answer).
    pub fn detail_json(&self, host_email: &str, now: Timestamp) -> Value {
        let mut v = self.list_json(now);
        let obj = v.as_object_mut().expect("list_json builds an object");
        obj.insert("assistant_id".into(), json!(""));
        obj.insert("host_email".into(), json!(host_email));
        obj.insert("status".into(), json!(self.status));
        obj.insert("password".into(), json!(self.password));
        obj.insert("h323_password".into(), json!(digits_of(&self.password)));
        obj.insert("pstn_password".into(), json!(digits_of(&self.password)));
        obj.insert(
            "encrypted_password".into(),
            json!(format!("SIMenc{}", self.id)),
        );
        obj.insert("pre_schedule".into(), json!(false));
        obj.insert(
            "start_url".into(),
            json!(format!("https://example.com/s/{}?zak=SIM", self.id)),
        );
        obj.insert("settings".into(), Value::Object(self.settings.clone()));
        if let Some(r) = &self.recurrence {
            obj.insert("recurrence".into(), r.clone());
        }
        if self.kind == 8 {
            let occ: Vec<Value> = self
                .occurrences
                .iter()
                .filter(|t| **t >= now)
                .map(|t| {
                    json!({
                        "occurrence_id": t.as_millisecond().to_string(),
                        "start_time": zoom_time(*t),
                        "duration": self.duration,
                        "status": "available",
                    })
                })
                .collect();
            obj.insert("occurrences".into(), Value::Array(occ));
        }
        v
    }

    /// Has any occurrence started before `now`?
    pub fn has_past(&self, now: Timestamp) -> bool {
        match self.kind {
            8 => self.occurrences.first().is_some_and(|t| *t < now),
            _ => self.start.is_some_and(|t| t < now),
        }
    }

    /// Does any occurrence lie at or after `now`?
    pub fn has_upcoming(&self, now: Timestamp) -> bool {
        match self.kind {
            8 => self.occurrences.iter().any(|t| *t >= now),
            3 => true,
            _ => self.start.is_some_and(|t| t >= now),
        }
    }
}

fn digits_of(s: &str) -> String {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    if d.is_empty() { "000000".into() } else { d }
}

pub fn add_minutes(t: Timestamp, minutes: i64) -> Timestamp {
    t.checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap_or(t)
}

/// Someone who attended a past meeting instance.
#[derive(Debug, Clone)]
pub struct Participant {
    /// The account user's id, or "" for a guest.
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub join: Timestamp,
    pub leave: Timestamp,
    /// Zoom's per-meeting participant number, a string of digits.
    pub number: String,
}

impl Participant {
    pub fn duration_secs(&self) -> i64 {
        self.leave.as_second() - self.join.as_second()
    }
}

/// One cloud recording file of a past instance.
#[derive(Debug, Clone)]
pub struct RecordingFile {
    pub id: String,
    pub file_type: &'static str,
    pub recording_type: &'static str,
    pub size: i64,
}

/// One finished occurrence of a meeting: what `/past_meetings` and reports are about.
#[derive(Debug, Clone)]
pub struct Instance {
    pub uuid: String,
    pub meeting_id: i64,
    pub host_id: String,
    pub topic: String,
    pub kind: i64,
    pub start: Timestamp,
    pub end: Timestamp,
    pub participants: Vec<Participant>,
    pub recording: Vec<RecordingFile>,
}

impl Instance {
    pub fn duration_minutes(&self) -> i64 {
        ((self.end.as_second() - self.start.as_second()) + 59) / 60
    }

    pub fn total_minutes(&self) -> i64 {
        self.participants
            .iter()
            .map(|p| p.duration_secs())
            .sum::<i64>()
            / 60
    }

    /// The shape of `GET /past_meetings/{meetingId}`.
    pub fn past_json(&self, host: Option<&User>) -> Value {
        json!({
            "uuid": self.uuid,
            "id": self.meeting_id,
            "host_id": self.host_id,
            "type": self.kind,
            "topic": self.topic,
            "user_name": host.map(User::display_name).unwrap_or_default(),
            "user_email": host.map(|u| u.email.clone()).unwrap_or_default(),
            "start_time": zoom_time(self.start),
            "end_time": zoom_time(self.end),
            "duration": self.duration_minutes(),
            "total_minutes": self.total_minutes(),
            "participants_count": self.participants.len(),
            "dept": host.map(|u| u.dept.clone()).unwrap_or_default(),
            "source": "Zoom",
        })
    }
}

/// A user group.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub member_ids: Vec<String>,
}

/// The whole account.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub users: Vec<User>,
    pub meetings: BTreeMap<i64, Meeting>,
    /// Deleted meetings, recoverable with `PUT /meetings/{id}/status {"action":"recover"}`.
    pub trash: BTreeMap<i64, Meeting>,
    /// Past instances, oldest first.
    pub instances: Vec<Instance>,
    pub groups: Vec<Group>,
    /// Per-user count of meeting creates and updates on a UTC day, for Zoom's 100/day rule.
    pub meeting_writes: BTreeMap<(String, jiff::civil::Date), u32>,
    /// Counter for new ids (kept in the world so a reset restarts it with the data).
    pub next_serial: u64,
}

impl World {
    /// The account owner, which is who `me` means for a Server-to-Server app.
    pub fn owner(&self) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.role_id == "0")
            .or(self.users.first())
    }

    /// Find a user by id, email (case-insensitive) or `me`.
    pub fn user_index(&self, key: &str) -> Result<usize, ApiError> {
        let found = if key == "me" {
            self.owner()
                .and_then(|o| self.users.iter().position(|u| u.id == o.id))
        } else if key.contains('@') {
            self.users
                .iter()
                .position(|u| u.email.eq_ignore_ascii_case(key))
        } else {
            self.users.iter().position(|u| u.id == key)
        };
        found.ok_or_else(|| ApiError::user_not_found(key))
    }

    pub fn user(&self, key: &str) -> Result<&User, ApiError> {
        self.user_index(key).map(|i| &self.users[i])
    }

    pub fn user_by_id(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn group_ids_of(&self, user_id: &str) -> Vec<String> {
        self.groups
            .iter()
            .filter(|g| g.member_ids.iter().any(|m| m == user_id))
            .map(|g| g.id.clone())
            .collect()
    }

    /// Parse a meeting id path segment (an int64) and find the meeting.
    pub fn meeting_id(&self, raw: &str) -> Result<i64, ApiError> {
        match raw.parse::<i64>() {
            Ok(id) if self.meetings.contains_key(&id) => Ok(id),
            _ => Err(ApiError::meeting_not_found(raw)),
        }
    }

    /// A past instance by numeric meeting id (the latest instance, as Zoom does) or by UUID.
    pub fn instance(&self, key: &str) -> Result<&Instance, ApiError> {
        let found = match key.parse::<i64>() {
            Ok(id) => self
                .instances
                .iter()
                .filter(|i| i.meeting_id == id)
                .max_by_key(|i| i.start),
            Err(_) => self.instances.iter().find(|i| i.uuid == key),
        };
        found.ok_or_else(|| ApiError::meeting_not_found(key))
    }

    pub fn group_index(&self, id: &str) -> Result<usize, ApiError> {
        self.groups
            .iter()
            .position(|g| g.id == id)
            .ok_or_else(|| ApiError::group_not_found(id))
    }

    /// A fresh serial number for ids of things created through the API.
    pub fn serial(&mut self) -> u64 {
        self.next_serial += 1;
        self.next_serial
    }
}
