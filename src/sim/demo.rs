//! Generates the demo account deterministically from `--seed` and `--users`.
//!
//! Shaped after the example bodies in `examples/` (fake people on example.com). Times are laid
//! out relative to the start of the current UTC day, covering the last and the next 30 days, so
//! the same seed on the same day gives byte-identical data. Some past-instance UUIDs begin with
//! `/` or contain `//` on purpose: those are the ones Zoom only finds when double-encoded.

use super::ids;
use super::state::{
    Group, Instance, Meeting, Participant, RecordingFile, User, World, add_minutes,
};
use jiff::{SignedDuration, Timestamp};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Map, Value, json};

const FIRST: &[&str] = &[
    "Ada", "Sam", "Pat", "Alex", "Robin", "Jordan", "Casey", "Morgan", "Riley", "Jamie", "Taylor",
    "Quinn", "Avery", "Drew", "Kim", "Lee", "Noor", "Ines", "Mateo", "Yuki", "Priya", "Tomas",
    "Lena", "Omar", "Zoe", "Ivan", "Mina", "Ravi", "Elif", "Jonas",
];
const LAST: &[&str] = &[
    "Example",
    "Sample",
    "Placeholder",
    "Demo",
    "Tester",
    "Mockwell",
    "Stub",
    "Fixture",
    "Dummy",
    "Specimen",
    "Prototype",
    "Model",
    "Pattern",
    "Draft",
    "Sketch",
    "Template",
];
const DEPTS: &[&str] = &["Engineering", "Sales", "Support", "Marketing", "Finance"];
const TITLES: &[&str] = &[
    "Software Engineer",
    "Account Executive",
    "Support Specialist",
    "Marketing Manager",
    "Analyst",
    "Team Lead",
];
const TIMEZONES: &[&str] = &[
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
];
const TOPICS: &[&str] = &[
    "Weekly team sync",
    "Design review",
    "Customer call",
    "1:1",
    "Sprint planning",
    "Quarterly review",
    "Interview",
    "All hands",
    "Office hours",
    "Retrospective",
];

/// Default meeting settings, the common subset of Zoom's settings object.
pub fn default_settings() -> Map<String, Value> {
    let v = json!({
        "host_video": false,
        "participant_video": false,
        "join_before_host": false,
        "jbh_time": 0,
        "mute_upon_entry": false,
        "watermark": false,
        "use_pmi": false,
        "approval_type": 2,
        "audio": "both",
        "auto_recording": "none",
        "waiting_room": true,
        "meeting_authentication": false,
        "email_notification": true,
        "alternative_hosts": "",
        "registrants_confirmation_email": true,
        "encryption_type": "enhanced_encryption",
        "continuous_meeting_chat": {"enable": false}
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Build the account for `seed` with `n_users` users (at least one: the owner).
pub fn generate(seed: u64, n_users: usize, now: Timestamp) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let day0 = now
        .checked_sub(SignedDuration::from_secs(
            now.as_second().rem_euclid(86_400),
        ))
        .unwrap_or(now);
    let mut world = World::default();

    // Users. The first is the owner ("me"), the second an admin; the rest mostly active members.
    let mut emails = std::collections::HashSet::new();
    // The next suffix to try per name, so 20,000 users do not retry every taken address.
    let mut next_suffix: std::collections::HashMap<String, u32> = Default::default();
    for i in 0..n_users.max(1) {
        let first = if i == 0 {
            "Ada"
        } else {
            *FIRST.choose(&mut rng).unwrap_or(&"Sam")
        };
        let last = if i == 0 {
            "Example"
        } else {
            *LAST.choose(&mut rng).unwrap_or(&"Sample")
        };
        let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
        let mut email = format!("{base}@example.com");
        let k = next_suffix.entry(base.clone()).or_insert(2);
        while !emails.insert(email.clone()) {
            email = format!("{base}{k}@example.com");
            *k += 1;
        }
        let status = match (i, rng.random_range(0..20)) {
            (0..=1, _) => "active",
            (_, 0..=1) => "inactive",
            (_, 2) => "pending",
            _ => "active",
        };
        let dept = *DEPTS.choose(&mut rng).unwrap_or(&"Engineering");
        let created_at = day0 - SignedDuration::from_hours(24 * (400 + rng.random_range(0..900)));
        let last_login_time = (status == "active")
            .then(|| day0 - SignedDuration::from_mins(rng.random_range(0..(24 * 60 * 120))));
        let mut profile = Map::new();
        profile.insert(
            "job_title".into(),
            json!(*TITLES.choose(&mut rng).unwrap_or(&"Analyst")),
        );
        profile.insert("language".into(), json!("en-US"));
        profile.insert("location".into(), json!("Example City"));
        profile.insert("company".into(), json!("Example Corp"));
        profile.insert(
            "employee_unique_id".into(),
            json!(format!("EMP-{:04}", i + 1)),
        );
        profile.insert("last_client_version".into(), json!("6.4.0.12345(mac)"));
        profile.insert(
            "pic_url".into(),
            json!(format!("https://example.com/p/{base}.jpg")),
        );
        profile.insert("verified".into(), json!(1));
        world.users.push(User {
            id: ids::user_id(&mut rng),
            email,
            first_name: first.to_string(),
            last_name: last.to_string(),
            kind: if i < 2 || rng.random_bool(0.7) { 2 } else { 1 },
            status: status.to_string(),
            role_id: match i {
                0 => "0",
                1 => "1",
                _ => "2",
            }
            .to_string(),
            pmi: 5_550_001_001 + i as i64,
            timezone: TIMEZONES.choose(&mut rng).unwrap_or(&"UTC").to_string(),
            dept: dept.to_string(),
            created_at,
            last_login_time,
            profile,
        });
    }

    // Groups by department, so group membership is meaningful.
    for dept in DEPTS {
        let member_ids = world
            .users
            .iter()
            .filter(|u| u.dept == *dept)
            .map(|u| u.id.clone())
            .collect();
        world.groups.push(Group {
            id: ids::group_id(&mut rng),
            name: dept.to_string(),
            member_ids,
        });
    }

    // Meetings: one-off ones spread over -30..+30 days, some weekly series, one live now.
    let hosts: Vec<usize> = (0..world.users.len())
        .filter(|i| world.users[*i].status == "active")
        .collect();
    let mut special = 0u32;
    for &h in &hosts {
        let host = world.users[h].clone();
        let singles = rng.random_range(0..=3);
        for _ in 0..singles {
            let day = rng.random_range(-30i64..=30);
            let start =
                day0 + SignedDuration::from_mins(day * 1440 + rng.random_range(16..40) * 30);
            let duration = [15, 30, 45, 60][rng.random_range(0..4)];
            let m = new_meeting(
                &mut world,
                &mut rng,
                &host,
                2,
                start,
                duration,
                None,
                Vec::new(),
            );
            if start < now && add_minutes(start, duration) < now {
                add_instance(&mut world, &mut rng, &host, &m, start, &mut special);
            }
        }
        if rng.random_bool(0.4) {
            // A weekly series: 9 occurrences from four weeks ago to four weeks ahead.
            let first = day0
                + SignedDuration::from_mins(
                    -28 * 1440 + rng.random_range(0..7) * 1440 + rng.random_range(16..40) * 30,
                );
            let occ: Vec<Timestamp> = (0..9)
                .map(|w| first + SignedDuration::from_hours(24 * 7 * w))
                .collect();
            let weekday = first
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .weekday()
                .to_sunday_one_offset();
            let recurrence = json!({"type": 2, "repeat_interval": 1, "weekly_days": weekday.to_string(), "end_times": 9});
            let m = new_meeting(
                &mut world,
                &mut rng,
                &host,
                8,
                first,
                30,
                Some(recurrence),
                occ.clone(),
            );
            for t in occ.into_iter().filter(|t| add_minutes(*t, 30) < now) {
                add_instance(&mut world, &mut rng, &host, &m, t, &mut special);
            }
        }
        if rng.random_bool(0.1) {
            new_meeting(
                &mut world,
                &mut rng,
                &host,
                3,
                day0,
                60,
                Some(json!({"type": 1})),
                Vec::new(),
            );
        }
    }
    if let Some(owner) = world.owner().cloned() {
        let start = now - SignedDuration::from_mins(10);
        let mut m = new_meeting(&mut world, &mut rng, &owner, 2, start, 60, None, Vec::new());
        m.topic = "Live demo meeting".into();
        m.status = "started".into();
        world.meetings.insert(m.id, m);
    }
    world.instances.sort_by_key(|i| i.start);
    world
}

#[allow(clippy::too_many_arguments)]
fn new_meeting(
    world: &mut World,
    rng: &mut StdRng,
    host: &User,
    kind: i64,
    start: Timestamp,
    duration: i64,
    recurrence: Option<Value>,
    occurrences: Vec<Timestamp>,
) -> Meeting {
    let mut id = ids::meeting_id(rng);
    while world.meetings.contains_key(&id) {
        id = ids::meeting_id(rng);
    }
    let topic = format!("{} (example)", TOPICS.choose(rng).unwrap_or(&"Sync"));
    let m = Meeting {
        id,
        uuid: ids::meeting_uuid(rng),
        host_id: host.id.clone(),
        kind,
        topic,
        agenda: String::new(),
        start: (kind != 3).then_some(start),
        duration,
        timezone: host.timezone.clone(),
        created_at: start - SignedDuration::from_hours(24 * rng.random_range(1..20)),
        password: format!("{:06}", rng.random_range(0..1_000_000)),
        settings: default_settings(),
        recurrence,
        occurrences,
        status: "waiting".into(),
    };
    world.meetings.insert(id, m.clone());
    m
}

fn add_instance(
    world: &mut World,
    rng: &mut StdRng,
    host: &User,
    m: &Meeting,
    start: Timestamp,
    special: &mut u32,
) {
    let mut uuid = ids::meeting_uuid(rng);
    // Every fifth instance gets a UUID that needs double encoding (BEHAVIOR §5).
    *special += 1;
    if *special % 10 == 3 {
        uuid.replace_range(0..1, "/");
    } else if *special % 10 == 8 {
        uuid.replace_range(5..7, "//");
    }
    let start = start + SignedDuration::from_secs(rng.random_range(0..90));
    let end =
        add_minutes(start, m.duration) + SignedDuration::from_secs(rng.random_range(-300..300));
    // The caller's host, not a search of every user: generation stays linear in the users.
    let host = Some(host.clone());
    let mut participants = Vec::new();
    let mut number = 16_778_240u64;
    if let Some(h) = &host {
        participants.push(Participant {
            user_id: h.id.clone(),
            name: h.display_name(),
            email: h.email.clone(),
            join: start,
            leave: end,
            number: number.to_string(),
        });
    }
    // One meeting in eight is a one-person meeting, which reports leave out.
    let others = if rng.random_range(0..8) == 0 {
        0
    } else {
        rng.random_range(1..7)
    };
    for _ in 0..others {
        number += 1024;
        let join = start + SignedDuration::from_secs(rng.random_range(0..300));
        let leave = end - SignedDuration::from_secs(rng.random_range(0..300));
        let leave = if leave <= join {
            add_minutes(join, 1)
        } else {
            leave
        };
        if rng.random_bool(0.8) {
            let u = &world.users[rng.random_range(0..world.users.len())];
            participants.push(Participant {
                user_id: u.id.clone(),
                name: u.display_name(),
                email: u.email.clone(),
                join,
                leave,
                number: number.to_string(),
            });
        } else {
            participants.push(Participant {
                user_id: String::new(),
                name: "Guest Visitor".into(),
                email: format!("guest{number}@example.org"),
                join,
                leave,
                number: number.to_string(),
            });
        }
    }
    let recording = if rng.random_bool(0.35) {
        let mb = m.duration * 3_000_000;
        vec![
            RecordingFile {
                id: ids::file_id(rng),
                file_type: "MP4",
                recording_type: "shared_screen_with_speaker_view",
                size: mb,
            },
            RecordingFile {
                id: ids::file_id(rng),
                file_type: "M4A",
                recording_type: "audio_only",
                size: mb / 10,
            },
        ]
    } else {
        Vec::new()
    };
    world.instances.push(Instance {
        uuid,
        meeting_id: m.id,
        host_id: m.host_id.clone(),
        topic: m.topic.clone(),
        kind: m.kind,
        start,
        end,
        participants,
        recording,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_account() {
        let now = Timestamp::now();
        let a = generate(7, 40, now);
        let b = generate(7, 40, now);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let c = generate(8, 40, now);
        assert_ne!(a.users[1].id, c.users[1].id);
    }

    #[test]
    fn account_has_what_the_routes_need() {
        let now = Timestamp::now();
        let w = generate(1, 40, now);
        assert_eq!(w.users.len(), 40);
        assert_eq!(w.owner().unwrap().role_id, "0");
        assert!(
            w.meetings
                .keys()
                .all(|id| (10_000_000_000..100_000_000_000).contains(id))
        );
        assert!(w.instances.iter().any(|i| i.uuid.starts_with('/')));
        assert!(w.instances.iter().any(|i| i.uuid.contains("//")));
        assert!(w.instances.iter().all(|i| i.end < now));
        assert!(w.meetings.values().any(|m| m.status == "started"));
        let emails: std::collections::HashSet<_> = w.users.iter().map(|u| &u.email).collect();
        assert_eq!(emails.len(), 40);
    }
}
