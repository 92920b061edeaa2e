//! JSON <-> Rhai values, exactly.
//!
//! Meeting ids have 11 digits and must stay integers end to end (BEHAVIOR.md §6.1): JSON
//! integers become `i64`, floats stay floats, `null` is `()`, strings pass through byte for byte.
//! Rhai maps are ordered by key, so a round trip keeps every key and value but not key order.

use rhai::{Array, Dynamic, FLOAT, INT, Map};
use serde_json::{Number, Value};

/// A JSON value as a Rhai value.
pub fn to_dynamic(value: &Value) -> Dynamic {
    match value {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            // Beyond i64 (never seen from Zoom) or a fraction: the nearest float.
            None => Dynamic::from_float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Dynamic::from(s.clone()),
        Value::Array(items) => {
            let array: Array = items.iter().map(to_dynamic).collect();
            Dynamic::from_array(array)
        }
        Value::Object(fields) => {
            let map: Map = fields
                .iter()
                .map(|(k, v)| (k.as_str().into(), to_dynamic(v)))
                .collect();
            Dynamic::from_map(map)
        }
    }
}

/// A Rhai value as JSON. Values JSON cannot hold (functions, custom types, NaN) are an error
/// that names the type, so a script learns what it passed.
pub fn to_json(value: &Dynamic) -> Result<Value, String> {
    if value.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = value.as_int() {
        return Ok(Value::Number(Number::from(i as INT)));
    }
    if let Ok(f) = value.as_float() {
        let f: FLOAT = f;
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| format!("{f} cannot be sent as JSON; use a finite number"));
    }
    if let Ok(c) = value.as_char() {
        return Ok(Value::String(c.to_string()));
    }
    if value.is_string() {
        return Ok(Value::String(
            value.clone().into_string().unwrap_or_default(),
        ));
    }
    if value.is_array() {
        let array = value.read_lock::<Array>().expect("checked is_array");
        return array
            .iter()
            .map(to_json)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if value.is_map() {
        let map = value.read_lock::<Map>().expect("checked is_map");
        let mut out = serde_json::Map::with_capacity(map.len());
        for (k, v) in map.iter() {
            out.insert(k.to_string(), to_json(v)?);
        }
        return Ok(Value::Object(out));
    }
    if value.is_blob() {
        let blob = value.read_lock::<rhai::Blob>().expect("checked is_blob");
        return Ok(Value::Array(blob.iter().map(|b| Value::from(*b)).collect()));
    }
    Err(format!(
        "a value of type {} cannot be turned into JSON; pass maps, arrays, strings, numbers, booleans or ()",
        value.type_name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_is_exact() {
        let v = json!({
            "id": 85746065432_i64,
            "big": i64::MAX,
            "neg": -1,
            "f": 1.5,
            "whole_float": 2.0,
            "s": "héllo ✓ \u{0}",
            "n": null,
            "t": true,
            "a": [[], {}, [1, [2, [3]]]],
        });
        assert_eq!(to_json(&to_dynamic(&v)).unwrap(), v);
    }

    #[test]
    fn ids_stay_integers() {
        let d = to_dynamic(&json!(85746065432_i64));
        assert_eq!(d.as_int().unwrap(), 85746065432);
    }

    #[test]
    fn unsendable_values_are_named() {
        let err = to_json(&Dynamic::from(std::time::Duration::from_secs(1))).unwrap_err();
        assert!(err.contains("cannot be turned into JSON"), "{err}");
        assert!(to_json(&Dynamic::from_float(f64::NAN)).is_err());
    }
}
