//! Fuzz the reading of whatever the network hands zoomsh: error bodies in any of Zoom's shapes
//! (or none), and JSON bodies on their way into a script and back out.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zoomsh::script::convert::{to_dynamic, to_json};
use zoomsh::zoom::{ErrorBody, snippet};

fuzz_target!(|data: &[u8]| {
    let _ = ErrorBody::parse(data);
    let s = snippet(data);
    assert!(!s.contains('\n'));
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let back = to_json(&to_dynamic(&value)).expect("JSON from the network converts back");
        // Integers beyond i64 become floats (Zoom never sends them); everything else is exact.
        if !has_huge_integer(&value) {
            assert_eq!(back, value);
        }
    }
});

fn has_huge_integer(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_u64() && n.as_i64().is_none(),
        serde_json::Value::Array(a) => a.iter().any(has_huge_integer),
        serde_json::Value::Object(m) => m.values().any(has_huge_integer),
        _ => false,
    }
}
