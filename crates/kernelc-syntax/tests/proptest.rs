//! Property tests for the front end:
//! (a) any input — random text, or random kernel-language snippets glued together with
//!     spaces, newlines and indentation — parses without panicking, terminates, and yields
//!     diagnostics whose spans lie inside the source;
//! (b) a random expression tree, unparsed to source text, parses back to the same tree.

use kernelc_syntax::ast::{
    BinOp, CmpOp, Expr, ExprKind, Ident, IndexItem, Keyword, LogicalOp, UnaryOp,
};
use kernelc_syntax::lexer::{tokenize, tokenize_expression, TokenKind};
use kernelc_syntax::{
    dump_expr, dump_module, parse_expression, parse_module, unparse_expr, Diagnostic, Span,
};
use proptest::prelude::*;

/// Modest case counts keep the crate's tests fast (set `PROPTEST_CASES` for a longer run);
/// failures are not persisted to files.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::with_cases(cases)
    }
}

// ------------------------------------------------------------------ (a) robustness

fn check_diags(src: &str, diags: &[Diagnostic]) {
    for d in diags {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            assert!(span.start <= span.end, "{d:?}");
            assert!(
                src.get(span.range()).is_some(),
                "bad span in {d:?} for {src:?}"
            );
        }
        assert!(!d.message.is_empty());
    }
}

/// Runs every entry point on `src` and checks the invariants that hold for any input.
fn run_everything(src: &str) {
    let (module, diags) = parse_module(src);
    check_diags(src, &diags);
    let _ = dump_module(&module);

    let (expr, diags) = parse_expression(src);
    check_diags(src, &diags);
    if let Some(e) = &expr {
        let _ = dump_expr(e);
        let _ = unparse_expr(e);
    }
    // An expression without diagnostics always exists, and vice versa.
    assert_eq!(expr.is_some(), diags.is_empty(), "{src:?}: {diags:?}");

    for (tokens, _) in [tokenize(src), tokenize_expression(src)] {
        assert_eq!(tokens.last().map(|t| &t.kind), Some(&TokenKind::Eof));
        let indents = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Indent)
            .count();
        let dedents = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Dedent)
            .count();
        assert_eq!(indents, dedents, "{src:?}");
        for t in &tokens {
            assert!(src.get(t.span.range()).is_some(), "{t:?}");
        }
    }
}

const SNIPPETS: &[&str] = &[
    "def",
    "f",
    "x",
    "y",
    "a[i]",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    ";",
    "=",
    "==",
    "+=",
    "**=",
    "->",
    "+",
    "-",
    "*",
    "**",
    "/",
    "//",
    "%",
    "<",
    "<=",
    "!=",
    "&",
    "|",
    "^",
    "~",
    "<<",
    ">>",
    "@",
    "@njit",
    "if",
    "elif",
    "else",
    "while",
    "for",
    "in",
    "not",
    "and",
    "or",
    "return",
    "break",
    "continue",
    "pass",
    "import",
    "from",
    "as",
    "True",
    "False",
    "None",
    "lambda",
    "class",
    "is",
    "1",
    "1_000",
    "0x1f",
    "1.5",
    ".5",
    "1e-3",
    "1e",
    "0777",
    "99999999999999999999",
    "'s'",
    "\"t\"",
    "'open",
    "\"\"\"doc\"\"\"",
    "# comment",
    "\\",
    "$",
    "!",
    "?",
    "é",
    "\t",
    "range(n)",
    "f64[:, :]",
    "x if c else y",
    "a < b < c",
];

const SEPARATORS: &[&str] = &[
    "",
    " ",
    "\n",
    "\n    ",
    "\n\t",
    "\n  ",
    "\n        ",
    "\r\n",
];

fn snippet_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(SNIPPETS),
            prop::sample::select(SEPARATORS),
        ),
        0..60,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(snippet, sep)| [snippet, sep])
            .collect()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(src in any::<String>()) {
        run_everything(&src);
    }

    #[test]
    fn python_like_text_never_panics(
        src in r#"[a-z0-9_ \t\n\r()\[\]{}:=+*/%<>!.,#'"\\@~^&|-]{0,120}"#
    ) {
        run_everything(&src);
    }

    #[test]
    fn snippet_soup_never_panics(src in snippet_soup()) {
        run_everything(&src);
    }
}

// ------------------------------------------------------------------ (b) round trip

fn expr(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn ident(name: &str) -> Ident {
    Ident {
        name: name.to_string(),
        span: Span::default(),
    }
}

const NAMES: &[&str] = &["x", "y", "a_1", "arr", "np", "f64", "_t", "sum", "Z9", "é"];

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<u64>().prop_map(|v| expr(ExprKind::Int(v))),
        (0u64..1_000_000, -30i32..30)
            .prop_map(|(m, e)| expr(ExprKind::Float(m as f64 * 10f64.powi(e)))),
        // Literals are never negative (`-1.5` is a unary minus) nor infinite or NaN.
        any::<f64>().prop_map(|v| expr(ExprKind::Float(if v.is_finite() { v.abs() } else { 1.5 }))),
        any::<bool>().prop_map(|b| expr(ExprKind::Bool(b))),
        "[a-z \\\\\"'\n\t]{0,6}".prop_map(|s| expr(ExprKind::Str(s))),
        prop::sample::select(NAMES).prop_map(|n| expr(ExprKind::Name(n.to_string()))),
    ]
}

fn bin_op() -> impl Strategy<Value = BinOp> {
    prop::sample::select(vec![
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::FloorDiv,
        BinOp::Mod,
        BinOp::Pow,
        BinOp::BitAnd,
        BinOp::BitOr,
        BinOp::BitXor,
        BinOp::Shl,
        BinOp::Shr,
    ])
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Eq,
        CmpOp::Ne,
    ])
}

fn unary_op() -> impl Strategy<Value = UnaryOp> {
    prop::sample::select(vec![
        UnaryOp::Neg,
        UnaryOp::Pos,
        UnaryOp::Not,
        UnaryOp::Invert,
    ])
}

fn index_item(e: BoxedStrategy<Expr>) -> impl Strategy<Value = IndexItem> {
    let part = prop::option::of(e.clone());
    prop_oneof![
        e.prop_map(IndexItem::Expr),
        (part.clone(), part.clone(), part).prop_map(|(lo, hi, step)| IndexItem::Slice {
            lo,
            hi,
            step,
            span: Span::default(),
        }),
    ]
}

fn any_expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 64, 4, |inner| {
        let b = |e: Expr| Box::new(e);
        prop_oneof![
            (unary_op(), inner.clone()).prop_map(move |(op, x)| expr(ExprKind::Unary(op, b(x)))),
            (bin_op(), inner.clone(), inner.clone())
                .prop_map(move |(op, l, r)| expr(ExprKind::Binary(op, b(l), b(r)))),
            (any::<bool>(), inner.clone(), inner.clone()).prop_map(move |(and, l, r)| {
                let op = if and { LogicalOp::And } else { LogicalOp::Or };
                expr(ExprKind::Logical(op, b(l), b(r)))
            }),
            (
                inner.clone(),
                prop::collection::vec((cmp_op(), inner.clone()), 1..4)
            )
                .prop_map(move |(first, rest)| expr(ExprKind::Compare(b(first), rest))),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(move |(c, t, o)| {
                expr(ExprKind::IfExp {
                    cond: b(c),
                    then: b(t),
                    orelse: b(o),
                })
            }),
            (
                inner.clone(),
                prop::collection::vec(inner.clone(), 0..4),
                prop::collection::btree_map(prop::sample::select(NAMES), inner.clone(), 0..3),
            )
                .prop_map(move |(func, args, kwargs)| {
                    let kwargs = kwargs
                        .into_iter()
                        .map(|(name, value)| Keyword {
                            name: ident(name),
                            value,
                        })
                        .collect();
                    expr(ExprKind::Call {
                        func: b(func),
                        args,
                        kwargs,
                    })
                }),
            (inner.clone(), prop::sample::select(NAMES))
                .prop_map(move |(v, name)| expr(ExprKind::Attribute(b(v), ident(name)))),
            (
                inner.clone(),
                prop::collection::vec(index_item(inner.clone()), 1..4)
            )
                .prop_map(move |(v, items)| expr(ExprKind::Subscript(b(v), items))),
            prop::collection::vec(inner, 0..4).prop_map(|items| expr(ExprKind::Tuple(items))),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn unparse_then_parse_is_identity(e in any_expr()) {
        let src = unparse_expr(&e);
        let (parsed, diags) = parse_expression(&src);
        prop_assert!(diags.is_empty(), "{src}: {diags:?}");
        let parsed = parsed.expect("no diagnostics, so an expression");
        prop_assert_eq!(dump_expr(&parsed), dump_expr(&e), "source: {}", src);
        // The parsed tree's spans cover exactly the text it came from.
        prop_assert_eq!(parsed.span, Span::new(0, src.len()));
    }
}
