//! Local files for scripts: CSV (header row <-> maps) and JSON, read and written.
//!
//! Output files are written atomically: to a temporary file beside the target, then renamed
//! over it, so a script stopped halfway (Ctrl-C, an error, a full disk) never leaves a
//! half-written CSV where yesterday's good one was. Relative paths are relative to the working
//! directory, as with any command-line tool; missing folders of an output path are created.
//! Errors name the file and say what to do.

use super::convert::{to_dynamic, to_json};
use super::table::grid;
use rhai::{Array, Dynamic, Map};
use std::io::Write;
use std::path::Path;

/// Read a CSV file whose first row names the columns: one map per row, values as strings.
pub fn read_csv(path: &str) -> Result<Array, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("read_csv: cannot read {path}: {}", io_reason(&e)))?;
    // Spreadsheet exports often start with a byte-order mark; it is not part of the header.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| format!("read_csv: {path}: {}", csv_reason(&e)))?
        .clone();
    let mut rows = Array::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("read_csv: {path}: {}", csv_reason(&e)))?;
        let mut map = Map::new();
        for (name, value) in headers.iter().zip(record.iter()) {
            map.insert(name.trim().into(), value.into());
        }
        rows.push(Dynamic::from_map(map));
    }
    Ok(rows)
}

/// Write `rows` (maps) as CSV with a header row; `columns` picks and orders the columns.
/// Returns the number of rows written.
pub fn write_csv(path: &str, rows: &Array, columns: Option<&Array>) -> Result<i64, String> {
    let g = grid(rows, columns).map_err(|m| format!("write_csv: {m}"))?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| format!("write_csv: {path}: {e}");
    writer.write_record(&g.columns).map_err(fail)?;
    for row in &g.rows {
        writer.write_record(row).map_err(fail)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| format!("write_csv: {path}: {e}"))?;
    write_atomically(path, &bytes).map_err(|m| format!("write_csv: {m}"))?;
    Ok(g.rows.len() as i64)
}

/// Read a JSON file as Rhai values (objects as maps, `null` as `()`).
pub fn read_json(path: &str) -> Result<Dynamic, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("read_json: cannot read {path}: {}", io_reason(&e)))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "read_json: {path} is not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    Ok(to_dynamic(&value))
}

/// Write `value` as indented JSON with a final newline.
pub fn write_json(path: &str, value: &Dynamic) -> Result<(), String> {
    let json = to_json(value).map_err(|m| format!("write_json: {m}"))?;
    let mut text = serde_json::to_string_pretty(&json).map_err(|e| format!("write_json: {e}"))?;
    text.push('\n');
    write_atomically(path, text.as_bytes()).map_err(|m| format!("write_json: {m}"))
}

/// Write `bytes` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomically(path: &str, bytes: &[u8]) -> Result<(), String> {
    let target = Path::new(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let reason = |e: std::io::Error| format!("cannot write {path}: {}", io_reason(&e));
    // `out/report.csv` in a fresh checkout: make the folder rather than fail at the end of a run.
    std::fs::create_dir_all(dir).map_err(reason)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".zoomsh-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(reason)?;
    temp.write_all(bytes).map_err(reason)?;
    temp.as_file().sync_all().map_err(reason)?;
    temp.persist(target).map_err(|e| reason(e.error))?;
    Ok(())
}

/// An I/O error as a lowercase reason with a hint.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory; check the path".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::InvalidData => "it is not UTF-8 text; save it as UTF-8".into(),
        _ => e.to_string(),
    }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "line {} has {len} fields but the header has {expected_len}; quote values that contain commas",
            pos.as_ref().map(|p| p.line()).unwrap_or(0)
        ),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_through_maps() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.csv");
        std::fs::write(
            &path,
            "\u{feff}topic,start,host\n\"Sync, weekly\",2030-01-15T09:00,ada@example.com\n",
        )
        .unwrap();
        let p = path.to_str().unwrap();
        let rows = read_csv(p).unwrap();
        assert_eq!(rows.len(), 1);
        let row = rows[0].read_lock::<Map>().unwrap().clone();
        assert_eq!(row["topic"].to_string(), "Sync, weekly");
        assert_eq!(row["host"].to_string(), "ada@example.com");

        let out = dir.path().join("out.csv");
        let cols: Array = vec!["topic".into(), "host".into()];
        let n = write_csv(out.to_str().unwrap(), &rows, Some(&cols)).unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "topic,host\n\"Sync, weekly\",ada@example.com\n"
        );
        // No temporary file is left beside the output.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 2);
    }

    #[test]
    fn a_ragged_csv_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, "a,b\n1,2\n3,4,5\n").unwrap();
        let err = read_csv(path.to_str().unwrap()).unwrap_err();
        assert!(
            err.ends_with(
                "line 3 has 3 fields but the header has 2; quote values that contain commas"
            ),
            "{err}"
        );
    }

    #[test]
    fn json_round_trips_and_missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        let p = path.to_str().unwrap();
        let v = to_dynamic(&serde_json::json!({"id": 85746065432_i64, "tags": ["a"], "n": null}));
        write_json(p, &v).unwrap();
        assert_eq!(
            to_json(&read_json(p).unwrap()).unwrap(),
            serde_json::json!({"id": 85746065432_i64, "tags": ["a"], "n": null})
        );
        let err = read_json("/nonexistent/x.json").unwrap_err();
        assert_eq!(
            err,
            "read_json: cannot read /nonexistent/x.json: no such file or directory; check the path"
        );
    }
}
