//! Property tests: conversions and parsers hold for generated inputs, not just the ones we
//! thought of.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use zoomsh::script::convert::{to_dynamic, to_json};
use zoomsh::zoom::{ErrorBody, snippet};

/// Any JSON value zoomsh can meet: integers over the whole i64 range (11-digit meeting ids and
/// beyond), finite floats, any unicode, deep nesting, empty containers.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| Value::Number(i.into())),
        (10_000_000_000_i64..99_999_999_999).prop_map(|i| Value::Number(i.into())),
        any::<f64>()
            .prop_filter("JSON holds finite numbers only", |f| f.is_finite())
            .prop_map(|f| Value::Number(Number::from_f64(f).unwrap())),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(8, 256, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_to_rhai_and_back_is_the_identity(v in json_value()) {
        let back = to_json(&to_dynamic(&v)).unwrap();
        prop_assert_eq!(back, v);
    }

    #[test]
    fn integers_stay_integers(i in any::<i64>()) {
        let d = to_dynamic(&Value::Number(i.into()));
        prop_assert_eq!(d.as_int().unwrap(), i);
    }

    #[test]
    fn error_bodies_of_any_bytes_parse_without_panicking(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = ErrorBody::parse(&body);
        let s = snippet(&body);
        prop_assert!(!s.contains('\n'));
        prop_assert!(s.chars().count() <= 301);
    }

    #[test]
    fn zoom_error_shapes_keep_code_and_message(code in any::<i64>(), message in any::<String>(), alt in any::<bool>()) {
        let body = if alt {
            serde_json::json!({"status": false, "errorCode": code, "errorMessage": message})
        } else {
            serde_json::json!({"code": code, "message": message})
        };
        let parsed = ErrorBody::parse(body.to_string().as_bytes());
        prop_assert_eq!(parsed.code, Some(code));
        prop_assert_eq!(parsed.message, Some(message));
    }
}

/// Meeting UUIDs as Zoom makes them: base64 text of 22-24 characters, some beginning with `/`
/// or holding `//`.
fn meeting_uuid() -> impl Strategy<Value = String> {
    let body = "[A-Za-z0-9+/]{20,22}={0,2}";
    prop_oneof![
        body.prop_map(|b| b),
        body.prop_map(|b| format!("/{b}")),
        (body, 1usize..18).prop_map(|(b, at)| {
            let at = at.min(b.len());
            format!("{}//{}", &b[..at], &b[at..])
        }),
    ]
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn zoom_path_encoding_decodes_back_to_the_uuid(uuid in meeting_uuid()) {
        use zoomsh::zoom::paths::{encode_segment, needs_double_encoding};
        let segment = encode_segment(&uuid);
        // One path segment on the wire: no raw `/`, `+` or `=`.
        prop_assert!(!segment.contains(['/', '+', '=']), "{segment}");
        // Zoom decodes the segment once, and once more for the UUIDs it requires double-encoded.
        let once = decode(&segment);
        if needs_double_encoding(&uuid) {
            // After the first decode the `/`s must still be encoded, or Zoom splits the path.
            prop_assert!(!once.contains('/'), "{once}");
            prop_assert_eq!(decode(&once), uuid);
        } else {
            prop_assert_eq!(once, uuid);
        }
    }
}
