//! Source texts as CPython reads them: a leading UTF-8 byte-order mark is ignored, and LF,
//! CRLF and CR-only line endings (mixed, even) all end a line. Errors still point at the
//! right line and column.

use kernelc_syntax::{dump_module, parse_module, LineIndex};

const PROGRAM: &str = "def f(x):\n    if x > 0:\n        return 1\n    return 2\n";

fn parsed(src: &str) -> String {
    let (module, diags) = parse_module(src);
    assert!(diags.is_empty(), "{src:?}: {diags:?}");
    dump_module(&module)
}

#[test]
fn bom_and_every_line_ending_parse_like_lf() {
    let want = parsed(PROGRAM);
    let crlf = PROGRAM.replace('\n', "\r\n");
    let cr = PROGRAM.replace('\n', "\r");
    let mixed = "def f(x):\r    if x > 0:\r\n        return 1\n    return 2\r";
    for src in [
        format!("\u{feff}{PROGRAM}"),
        crlf.clone(),
        cr.clone(),
        format!("\u{feff}{cr}"),
        format!("\u{feff}{crlf}"),
        mixed.to_string(),
    ] {
        assert_eq!(parsed(&src), want, "{src:?}");
    }
}

#[test]
fn errors_after_cr_only_lines_have_the_right_position() {
    let src = "def f():\r    x = 1\r    y = )\r";
    let (_, diags) = parse_module(src);
    assert!(!diags.is_empty());
    let index = LineIndex::new(src);
    let (line, col) = index.line_col(src, diags[0].span.start as usize);
    assert_eq!((line, col), (3, 9), "{diags:?}");
    assert_eq!(index.line_text(src, 3), "    y = )");
}

#[test]
fn a_bom_elsewhere_is_still_an_error() {
    let (_, diags) = parse_module("def f():\n    return \u{feff}1\n");
    assert!(!diags.is_empty());
}

#[test]
fn oversize_sources_are_one_error() {
    let src = "#".repeat(kernelc_syntax::parser::MAX_SOURCE_LEN + 1);
    let (module, diags) = parse_module(&src);
    assert!(module.items.is_empty());
    assert_eq!(diags.len(), 1);
    assert!(diags[0]
        .message
        .contains("more than the limit of 16777216 bytes"));
    let (expr, diags) = kernelc_syntax::parse_expression(&src);
    assert!(expr.is_none() && diags.len() == 1);
}
