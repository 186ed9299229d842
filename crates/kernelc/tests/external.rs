//! The program outside the workspace (examples/external) stays under ten lines; `.ci/run`
//! builds and runs it against this crate by path and checks its output.

use std::path::Path;

#[test]
fn external_example_is_under_ten_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let main = std::fs::read_to_string(root.join("examples/external/src/main.rs")).unwrap();
    assert!(
        main.lines().count() < 10,
        "the example should stay under ten lines"
    );
    let manifest = std::fs::read_to_string(root.join("examples/external/Cargo.toml")).unwrap();
    assert!(manifest.contains("path = \"../../crates/kernelc\""));
}
