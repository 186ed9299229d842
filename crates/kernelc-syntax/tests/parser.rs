//! Snapshot tests for the lexer and parser: each test parses a source text and compares the
//! AST dump plus every diagnostic (as `line:col: message`) against an expected snapshot.
//! Run `UPDATE_EXPECT=1 cargo test -p kernelc-syntax` to refresh the snapshots.

use expect_test::{expect, Expect};
use kernelc_syntax::ast::{Expr, ExprKind, FPart, IndexItem, Item, Stmt, StmtKind};
use kernelc_syntax::{
    dump_expr, dump_module, parse_expression, parse_module, Diagnostic, LineIndex,
};

/// Diagnostics as `line:col: message`, with labels and notes indented below.
fn render_diags(src: &str, diags: &[Diagnostic]) -> String {
    let index = LineIndex::new(src);
    let mut out = String::new();
    for d in diags {
        let (line, col) = index.line_col(src, d.span.start as usize);
        out.push_str(&format!("{line}:{col}: {}\n", d.message));
        for label in &d.labels {
            let (line, col) = index.line_col(src, label.span.start as usize);
            out.push_str(&format!("    {line}:{col}: {}\n", label.message));
        }
        for note in &d.notes {
            out.push_str(&format!("    note: {note}\n"));
        }
    }
    out
}

/// Parses a module; snapshot = AST dump, then the errors if any.
fn check(src: &str, expected: Expect) {
    let (module, diags) = parse_module(src);
    let mut out = dump_module(&module);
    if !diags.is_empty() {
        out.push_str("--- errors\n");
        out.push_str(&render_diags(src, &diags));
    }
    expected.assert_eq(&out);
}

/// Parses a stand-alone expression; snapshot = S-expression, then the errors if any.
fn check_expr(src: &str, expected: Expect) {
    let (expr, diags) = parse_expression(src);
    let mut out = match &expr {
        Some(e) => dump_expr(e),
        None => "<none>".to_string(),
    };
    out.push('\n');
    if !diags.is_empty() {
        out.push_str("--- errors\n");
        out.push_str(&render_diags(src, &diags));
    }
    expected.assert_eq(&out);
}

/// Every expression node's span, as the source text it covers, in pre-order.
fn expr_spans(src: &str, e: &Expr, depth: usize, out: &mut String) {
    let text = &src[e.span.range()];
    out.push_str(&format!("{}{}\n", "  ".repeat(depth), text));
    let mut sub = |x: &Expr| expr_spans(src, x, depth + 1, out);
    match &e.kind {
        ExprKind::Unary(_, x) | ExprKind::Attribute(x, _) => sub(x),
        ExprKind::Binary(_, l, r) | ExprKind::Logical(_, l, r) => {
            sub(l);
            sub(r);
        }
        ExprKind::Compare(first, rest) => {
            sub(first);
            rest.iter().for_each(|(_, x)| sub(x));
        }
        ExprKind::IfExp { cond, then, orelse } => {
            sub(then);
            sub(cond);
            sub(orelse);
        }
        ExprKind::Call { func, args, kwargs } => {
            sub(func);
            args.iter().for_each(&mut sub);
            kwargs.iter().for_each(|k| sub(&k.value));
        }
        ExprKind::Subscript(value, items) => {
            expr_spans(src, value, depth + 1, out);
            for item in items {
                match item {
                    IndexItem::Expr(x) => expr_spans(src, x, depth + 1, out),
                    IndexItem::Slice { lo, hi, step, span } => {
                        out.push_str(&format!(
                            "{}slice {}\n",
                            "  ".repeat(depth + 1),
                            &src[span.range()]
                        ));
                        for part in [lo, hi, step].into_iter().flatten() {
                            expr_spans(src, part, depth + 2, out);
                        }
                    }
                }
            }
        }
        ExprKind::Tuple(items) => items.iter().for_each(&mut sub),
        ExprKind::FString(parts) => {
            for p in parts {
                if let FPart::Field {
                    value, spec_span, ..
                } = p
                {
                    expr_spans(src, value, depth + 1, out);
                    out.push_str(&format!(
                        "{}spec {}\n",
                        "  ".repeat(depth + 1),
                        &src[spec_span.range()]
                    ));
                }
            }
        }
        _ => {}
    }
}

fn check_expr_spans(src: &str, expected: Expect) {
    let (expr, diags) = parse_expression(src);
    assert!(diags.is_empty(), "{}", render_diags(src, &diags));
    let mut out = String::new();
    expr_spans(src, &expr.expect("an expression"), 0, &mut out);
    expected.assert_eq(&out);
}

/// Every statement's span as source text (nested blocks indented), plus function headers.
fn check_stmt_spans(src: &str, expected: Expect) {
    fn walk(src: &str, stmts: &[Stmt], depth: usize, out: &mut String) {
        for s in stmts {
            out.push_str(&format!("{}{}\n", "  ".repeat(depth), &src[s.span.range()]));
            match &s.kind {
                StmtKind::If { body, orelse, .. } => {
                    walk(src, body, depth + 1, out);
                    if !orelse.is_empty() {
                        out.push_str(&format!("{}<else>\n", "  ".repeat(depth)));
                        walk(src, orelse, depth + 1, out);
                    }
                }
                StmtKind::While { body, .. } | StmtKind::For { body, .. } => {
                    walk(src, body, depth + 1, out)
                }
                _ => {}
            }
        }
    }
    let (module, diags) = parse_module(src);
    assert!(diags.is_empty(), "{}", render_diags(src, &diags));
    let mut out = String::new();
    for item in &module.items {
        match item {
            Item::Func(f) => {
                out.push_str(&format!("def: {}\n", &src[f.span.range()]));
                for p in &f.params {
                    out.push_str(&format!("  param: {}\n", &src[p.span.range()]));
                }
                walk(src, &f.body, 1, &mut out);
            }
            Item::Const(c) => out.push_str(&format!("const: {}\n", &src[c.span.range()])),
            Item::Import(span) => out.push_str(&format!("import: {}\n", &src[span.range()])),
        }
    }
    expected.assert_eq(&out);
}

// ------------------------------------------------------------------ expressions

#[test]
fn numexpr_expression() {
    check_expr(
        "x + (y**2 + (z*x + 1)*3)",
        expect![[r#"
        (+ x (+ (** y 2) (* (+ (* z x) 1) 3)))
    "#]],
    );
    check_expr(
        "\n   x + 1 \n\n",
        expect![[r#"
        (+ x 1)
    "#]],
    );
    check_expr(
        "a +\n    b",
        expect![[r#"
        (+ a b)
    "#]],
    );
}

#[test]
fn precedence() {
    check_expr(
        "a + b * c - d / e // f % g",
        expect![[r#"
        (- (+ a (* b c)) (% (// (/ d e) f) g))
    "#]],
    );
    check_expr(
        "-x**2",
        expect![[r#"
        (- (** x 2))
    "#]],
    );
    check_expr(
        "2**-1",
        expect![[r#"
        (** 2 (- 1))
    "#]],
    );
    check_expr(
        "a ** b ** c",
        expect![[r#"
        (** a (** b c))
    "#]],
    );
    check_expr(
        "-a * +b - ~c",
        expect![[r#"
        (- (* (- a) (+ b)) (~ c))
    "#]],
    );
    check_expr(
        "a | b ^ c & d << 1 >> 2",
        expect![[r#"
        (| a (^ b (& c (>> (<< d 1) 2))))
    "#]],
    );
    check_expr(
        "a + b < c * d",
        expect![[r#"
        (< (+ a b) (* c d))
    "#]],
    );
    check_expr(
        "not a == b and c or d",
        expect![[r#"
        (or (and (not (== a b)) c) d)
    "#]],
    );
    check_expr(
        "not not x",
        expect![[r#"
        (not (not x))
    "#]],
    );
    check_expr(
        "a or b or c and d",
        expect![[r#"
        (or (or a b) (and c d))
    "#]],
    );
    check_expr(
        "x if a < b else y if c else z",
        expect![[r#"
        (if (< a b) x (if c y z))
    "#]],
    );
    check_expr(
        "(a if c else b) + 1",
        expect![[r#"
        (+ (if c a b) 1)
    "#]],
    );
    check_expr(
        "a - b - c",
        expect![[r#"
        (- (- a b) c)
    "#]],
    );
}

#[test]
fn chained_comparisons() {
    check_expr(
        "a < b < c",
        expect![[r#"
        (chain a < b < c)
    "#]],
    );
    check_expr(
        "0 <= i < n != m == k >= 1 > 0",
        expect![[r#"
        (chain 0 <= i < n != m == k >= 1 > 0)
    "#]],
    );
    check_expr(
        "(a < b) < c",
        expect![[r#"
        (< (< a b) c)
    "#]],
    );
}

#[test]
fn postfix_forms() {
    check_expr(
        "a[1:-1, ::2, i]",
        expect![[r#"
        (index a (slice 1 (- 1) _) (slice _ _ 2) i)
    "#]],
    );
    check_expr(
        "a[:] + a[1:] + a[:n] + a[::] + a[i, :] + a[:, j]",
        expect![[r#"
        (+ (+ (+ (+ (+ (index a (slice _ _ _)) (index a (slice 1 _ _))) (index a (slice _ n _))) (index a (slice _ _ _))) (index a i (slice _ _ _))) (index a (slice _ _ _) j))
    "#]],
    );
    check_expr(
        "a[i][j]",
        expect![[r#"
        (index (index a i) j)
    "#]],
    );
    check_expr(
        "sum(x, axis=1)",
        expect![[r#"
        (call sum x axis=1)
    "#]],
    );
    check_expr(
        "f()",
        expect![[r#"
        (call f)
    "#]],
    );
    check_expr(
        "f(a, b,)",
        expect![[r#"
        (call f a b)
    "#]],
    );
    check_expr(
        "a.shape[0] * np.sqrt(x).size",
        expect![[r#"
        (* (index (. a shape) 0) (. (call (. np sqrt) x) size))
    "#]],
    );
    check_expr(
        "zeros((m, n), f32)",
        expect![[r#"
        (call zeros (tuple m n) f32)
    "#]],
    );
    check_expr(
        "(m,) + ()",
        expect![[r#"
        (+ (tuple m) (tuple))
    "#]],
    );
}

#[test]
fn literals() {
    check_expr(
        "(1_000, 0xff, 0XFF, 0o17, 0b101, 1.0, 1., .5, 1e-3, 1_000.5, 2.5E+3, 1E5, 0, 007.5)",
        expect![[r#"
            (tuple 1000 255 255 15 5 1.0 1.0 0.5 0.001 1000.5 2500.0 100000.0 0 7.5)
        "#]],
    );
    check_expr(
        "(True, False, 'a\\tb', \"q\\\"uote\\n\", 'x' 'y')",
        expect![[r#"
        (tuple True False "a\tb" "q\"uote\n" "xy")
    "#]],
    );
    check_expr(
        "18446744073709551615",
        expect![[r#"
        18446744073709551615
    "#]],
    );
}

#[test]
fn expression_spans() {
    check_expr_spans(
        "f(a + b, axis = 1) * -x ** 2",
        expect![[r#"
        f(a + b, axis = 1) * -x ** 2
          f(a + b, axis = 1)
            f
            a + b
              a
              b
            1
          -x ** 2
            x ** 2
              x
              2
    "#]],
    );
    check_expr_spans(
        "(a + b) * c",
        expect![[r#"
        (a + b) * c
          (a + b)
            a
            b
          c
    "#]],
    );
    check_expr_spans(
        "a[1:-1, ::2].shape",
        expect![[r#"
        a[1:-1, ::2].shape
          a[1:-1, ::2]
            a
            slice 1:-1
              1
              -1
                1
            slice ::2
              2
    "#]],
    );
    check_expr_spans(
        "x if a < b <= c else (m, n)",
        expect![[r#"
        x if a < b <= c else (m, n)
          x
          a < b <= c
            a
            b
            c
          (m, n)
            m
            n
    "#]],
    );
}

#[test]
fn expression_errors() {
    check_expr(
        "",
        expect![[r#"
        <none>
        --- errors
        1:1: expected an expression, found nothing
    "#]],
    );
    check_expr(
        "x + ",
        expect![[r#"
        <none>
        --- errors
        1:5: expected an expression, found the end of the file
    "#]],
    );
    check_expr(
        "(x + 1",
        expect![[r#"
        <none>
        --- errors
        1:1: '(' was never closed
    "#]],
    );
    check_expr(
        "x + 1)",
        expect![[r#"
        <none>
        --- errors
        1:6: unmatched ')'
    "#]],
    );
    check_expr(
        "f(a b)",
        expect![[r#"
        <none>
        --- errors
        1:5: expected ',' or ')' in the argument list, found 'b'
    "#]],
    );
    check_expr(
        "a[1)",
        expect![[r#"
        <none>
        --- errors
        1:4: closing parenthesis ')' does not match opening parenthesis '['
    "#]],
    );
    check_expr(
        "x y",
        expect![[r#"
        <none>
        --- errors
        1:3: unexpected 'y' after the end of the expression
    "#]],
    );
    check_expr(
        "a if b",
        expect![[r#"
        <none>
        --- errors
        1:7: expected 'else' in the conditional expression (a if condition else b), found the end of the file
    "#]],
    );
    check_expr(
        "[1, 2]",
        expect![[r#"
            (list 1 2)
        "#]],
    );
    check_expr(
        "{1: 2}",
        expect![[r#"
            <none>
            --- errors
            1:1: dicts and sets ({...}) are outside the kernel language; use arrays
        "#]],
    );
    check_expr(
        "a @ b",
        expect![[r#"
            (@ a b)
        "#]],
    );
    check_expr(
        "a is b",
        expect![[r#"
        <none>
        --- errors
        1:3: the 'is' operator is not supported; use '==' or '!='
    "#]],
    );
    check_expr(
        "a not in b",
        expect![[r#"
        <none>
        --- errors
        1:3: the 'in' operator is not supported
    "#]],
    );
    check_expr(
        "lambda x: x",
        expect![[r#"
            <none>
            --- errors
            1:1: lambda expressions are outside the kernel language; define a function with 'def' at the top level
        "#]],
    );
    check_expr(
        "None",
        expect![[r#"
            None
        "#]],
    );
    check_expr(
        "f(x for x in a)",
        expect![[r#"
        <none>
        --- errors
        1:5: generator expressions are not supported; write a loop instead
    "#]],
    );
    check_expr(
        "f(a=1, b)",
        expect![[r#"
        (call f b a=1)
        --- errors
        1:8: positional argument follows keyword argument
    "#]],
    );
    check_expr(
        "f(a=1, a=2)",
        expect![[r#"
        (call f a=1 a=2)
        --- errors
        1:8: keyword argument 'a' is repeated
            1:3: first given here
    "#]],
    );
    check_expr(
        "f(*args)",
        expect![[r#"
        <none>
        --- errors
        1:3: argument unpacking (*args, **kwargs) is not supported
    "#]],
    );
    check_expr(
        "a[]",
        expect![[r#"
        <none>
        --- errors
        1:3: expected an index between '[' and ']'
    "#]],
    );
    check_expr(
        "x $ y",
        expect![[r#"
        <none>
        --- errors
        1:3: unexpected character '$'
    "#]],
    );
    check_expr(
        "!x",
        expect![[r#"
        <none>
        --- errors
        1:1: '!' is not an operator; use 'not' for negation or '!=' for comparison
    "#]],
    );
    check_expr(
        "18446744073709551616",
        expect![[r#"
        <none>
        --- errors
        1:1: integer literal is too large (the largest is 18446744073709551615)
    "#]],
    );
    check_expr(
        "1__0 + 1_ + 0x + 0xfg + 1abc + 1e",
        expect![[r#"
        <none>
        --- errors
        1:1: invalid decimal literal: '_' must separate digits
        1:8: invalid decimal literal: '_' must separate digits
        1:13: invalid hexadecimal literal
        1:18: invalid hexadecimal literal
        1:25: invalid decimal literal
        1:32: invalid decimal literal
    "#]],
    );
    check_expr(
        "'abc",
        expect![[r#"
        <none>
        --- errors
        1:1: unterminated string literal
    "#]],
    );
    check_expr(
        "x.",
        expect![[r#"
        <none>
        --- errors
        1:3: expected an attribute name after '.', found the end of the file
    "#]],
    );
}

// ------------------------------------------------------------------ statements

#[test]
fn spec_example() {
    check(
        r#"# comments start with '#'
def saxpy(a: f64, x: f64[:], y: f64[:]) -> f64[:]:
    return a * x + y

def sum_squares(arr):               # annotations are optional
    total = 0.0
    for i in range(len(arr)):
        total += arr[i] ** 2
    return total

def main():                         # `kernelc run file.k` calls main() by default
    x = random(1_000_000)
    print(sum_squares(x), sum(saxpy(2.0, x, x)))
"#,
        expect![[r#"
            def saxpy(a: f64, x: (index f64 (slice _ _ _)), y: (index f64 (slice _ _ _))) -> (index f64 (slice _ _ _))
              return (+ (* a x) y)
            def sum_squares(arr)
              total = 0.0
              for i in (call range (call len arr))
                total += (** (index arr i) 2)
              return total
            def main()
              x = (call random 1000000)
              expr (call print (call sum_squares x) (call sum (call saxpy 2.0 x x)))
        "#]],
    );
}

#[test]
fn assignments() {
    check(
        "def f(a, out):
    x = 1
    y: f64 = 2.5
    a[i, j] = x
    out[:] = a[1:-1] + a[2:]
    x += 1
    x -= 1
    x *= 2
    x /= 2
    x //= 2
    x %= 2
    x **= 2
    x &= 1
    x |= 1
    x ^= 1
    x <<= 1
    x >>= 1
    a[i, j] += e
    t = m, n
    return x, y
",
        expect![[r#"
            def f(a, out)
              x = 1
              y: f64 = 2.5
              (index a i j) = x
              (index out (slice _ _ _)) = (+ (index a (slice 1 (- 1) _)) (index a (slice 2 _ _)))
              x += 1
              x -= 1
              x *= 2
              x /= 2
              x //= 2
              x %= 2
              x **= 2
              x &= 1
              x |= 1
              x ^= 1
              x <<= 1
              x >>= 1
              (index a i j) += e
              t = (tuple m n)
              return (tuple x y)
        "#]],
    );
}

#[test]
fn control_flow() {
    check(
        "def f(n):
    if n < 0:
        return -1
    elif n == 0:
        return 0
    elif n == 1:
        pass
    else:
        n = 2
    while n > 0:
        n -= 1
        if n == 5:
            break
        continue
    for i in prange(n):
        print(i)
    for v in a:
        pass
    return
",
        expect![[r#"
            def f(n)
              if (< n 0)
                return (- 1)
              else
                if (== n 0)
                  return 0
                else
                  if (== n 1)
                    pass
                  else
                    n = 2
              while (> n 0)
                n -= 1
                if (== n 5)
                  break
                continue
              for i in (call prange n)
                expr (call print i)
              for v in a
                pass
              return
        "#]],
    );
}

#[test]
fn one_line_bodies_and_semicolons() {
    check(
        "def f(x):
    if x: y = 1
    elif x > 1: y = 2; z = 3
    else: return 0
    while x: x -= 1
    for i in range(3): print(i);
    return y
",
        expect![[r#"
            def f(x)
              if x
                y = 1
              else
                if (> x 1)
                  y = 2
                  z = 3
                else
                  return 0
              while x
                x -= 1
              for i in (call range 3)
                expr (call print i)
              return y
        "#]],
    );
}

#[test]
fn top_level_items() {
    check(
        r#""""Module docstring."""
import numpy as np
import math, os.path as p
from numba import njit, prange
from numba import (njit,
                   prange,)
N = 1000
G = 9.81

@njit
def f(a: f64[:, :], n: i64) -> f64:
    return a[0, 0] * n

@njit(parallel=True)
@other.deco
def g():
    pass
"#,
        expect![[r#"
            import @24..42
            import @43..68
            import @69..99
            import @100..152
            const N = 1000
            const G = 9.81
            @njit
            def f(a: (index f64 (slice _ _ _) (slice _ _ _)), n: i64) -> f64
              return (* (index a 0 0) n)
            @(call njit parallel=True)
            @(. other deco)
            def g()
              pass
        "#]],
    );
}

#[test]
fn layout() {
    // Tabs, blank and comment lines, `\` continuation, brackets spanning lines, CRLF.
    check(
        "def f(x):\n\tif x:\n\t\ty = 1 + \\\n  2\n\n\t# comment\n\t\tz = g(a,\n b,\n\n  c)  # trailing\n\treturn a[\n0] if 0 else x\n",
        expect![[r#"
            def f(x)
              if x
                y = (+ 1 2)
                z = (call g a b c)
              return (if 0 (index a 0) x)
        "#]],
    );
    check(
        "def f():\r\n    return 1\r\n",
        expect![[r#"
        def f()
          return 1
    "#]],
    );
    check(
        "def f():\n    if x:\n        if y:\n            pass\n    return 1",
        expect![[r#"
        def f()
          if x
            if y
              pass
          return 1
    "#]],
    );
}

#[test]
fn statement_spans() {
    check_stmt_spans(
        "@njit
def f(a: f64[:], n) -> f64:
    x: f64 = a[0] + \\
        1
    if x > 0:
        pass
    elif x < 0:
        x = 1
    else:
        x = 2
    for i in range(n): x += i
    return x
N = 3
import numpy as np
",
        expect![[r#"
            def: def f(a: f64[:], n) -> f64:
              param: a: f64[:]
              param: n
              x: f64 = a[0] + \
                    1
              if x > 0:
                pass
              <else>
                elif x < 0:
                  x = 1
                <else>
                  x = 2
              for i in range(n):
                x += i
              return x
            const: N = 3
            import: import numpy as np
        "#]],
    );
}

// ------------------------------------------------------------------ errors

#[test]
fn several_errors_in_one_file() {
    check(
        "def f(x):
    if x > 0
        y = 1
    z = (1 +
    w = 2 +
    return y

def g(a b):
    return a = 1
",
        expect![[r#"
            def f(x)
              if <error>
                y = 1
              return y
            --- errors
            2:13: expected ':' after the if condition
            4:9: '(' was never closed
            8:9: expected ',' or ')' in the parameter list, found 'b'
            9:14: expected the end of the statement, found '='
        "#]],
    );
}

#[test]
fn indentation_errors() {
    check(
        "def f():
        x = 1
    y = 2
  z = 3
",
        expect![[r#"
            def f()
              x = 1
            const y = 2
            --- errors
            3:1: unindent does not match any outer indentation level
            4:1: unexpected indent
        "#]],
    );
    check(
        "def f():\n    x = 1\n        y = 2\n    return x\n",
        expect![[r#"
        def f()
          x = 1
          y = 2
          return x
        --- errors
        3:1: unexpected indent
    "#]],
    );
    check(
        "def f():\nreturn 1\n",
        expect![[r#"
        def f()
        --- errors
        2:1: expected an indented block after the function definition on line 1
        2:1: only function definitions, constants and imports are allowed at the top level of a file
    "#]],
    );
    check(
        "def f():\n\tx = 1\n        y = 2\n",
        expect![[r#"
        def f()
          x = 1
          y = 2
        --- errors
        3:1: inconsistent use of tabs and spaces in indentation
    "#]],
    );
    check(
        "  x = 1\n",
        expect![[r#"
        --- errors
        1:1: unexpected indent
    "#]],
    );
    check(
        "def f():",
        expect![[r#"
        def f()
        --- errors
        1:9: expected an indented block after the function definition on line 1
    "#]],
    );
}

#[test]
fn unsupported_statements() {
    check(
        "def f(a):
    a = b = 0
    a, b = 1, 2
    for i, x in enumerate(a):
        pass
    for i in range(3):
        pass
    else:
        pass
    while a:
        pass
    else:
        pass
    x: f64
    f(x) = 3
    a.x = 1
    1 = x
    class C:
        pass
    with open(f) as g:
        pass
    del x
    global y
    import os
    def inner():
        return 1
    lambda: 0
",
        expect![[r#"
            def f(a)
              a = b = 0
              (tuple a b) = (tuple 1 2)
              for (tuple i x) in (call enumerate a)
                pass
              for i in (call range 3)
                pass
              while a
                pass
            --- errors
            8:5: 'else' after a 'for' loop is not supported
            12:5: 'else' after a 'while' loop is not supported
            14:5: a variable annotation needs a value ('x: f64 = 0.0')
            15:5: cannot assign to a function call
                note: to compare two values, use '=='
            16:5: cannot assign to an attribute; only names and array elements (a[i]) can be assigned
            17:5: cannot assign to a literal
            18:5: classes are outside the kernel language: kernels are functions of numbers and arrays
            20:5: 'with' statements (context managers) are outside the kernel language
            22:5: 'del' statements are outside the kernel language
            23:5: 'global' declarations are outside the kernel language; pass values in as arguments and return results
            24:5: imports are only allowed at the top level of a file
            25:5: nested function definitions are not supported; define the function at the top level
            27:5: lambda expressions are outside the kernel language; define a function with 'def' at the top level
        "#]],
    );
}

#[test]
fn top_level_errors() {
    check(
        "x + 1
for i in range(3):
    print(i)
N += 1
M: i64 = 3
print(N)
def ok():
    pass
",
        expect![[r#"
            const M = 3
            def ok()
              pass
            --- errors
            1:1: only function definitions, constants and imports are allowed at the top level of a file
            2:1: only function definitions, constants and imports are allowed at the top level of a file
            4:1: only function definitions, constants and imports are allowed at the top level of a file
            5:4: top-level constants cannot have a type annotation (write 'N = 1000')
            6:1: only function definitions, constants and imports are allowed at the top level of a file
        "#]],
    );
}

#[test]
fn header_errors() {
    check(
        "def f(x)
    return x

def g(x, x, *args):
    return 1

def h(a=1):
    pass

def k(x):
    if x = 1:
        return 1
    while x
        x -= 1
    for i range(3):
        pass
    else
        pass
    if x: for i in y: pass
    else: pass
",
        expect![[r#"
            def h(a=1)
              pass
            def k(x)
              if <error>
                return 1
              if x
              else
                pass
            --- errors
            1:9: expected ':' at the end of the function header
            4:10: duplicate parameter 'x' in function definition
                4:7: first defined here
            4:13: '*args' parameters are not supported
            11:10: expected ':' after the if condition
                note: to compare two values, use '=='
            13:12: expected ':' after the while condition
            15:11: expected 'in' after the loop variable, found 'range'
            17:5: 'else' after a 'for' loop is not supported
            19:11: 'for' cannot follow ':' on the same line; start the statement on a new, indented line
        "#]],
    );
}

#[test]
fn unclosed_brackets_recover() {
    check(
        "def f(x):
    y = g(x, (1 +
    return y

def h():
    return [1
",
        expect![[r#"
            def f(x)
              return y
            def h()
            --- errors
            2:14: '(' was never closed
            6:12: '[' was never closed
        "#]],
    );
    check(
        "def f(x):\n    return x)\n\ndef g():\n    return (]\n",
        expect![[r#"
        def f(x)
        def g()
        --- errors
        2:13: unmatched ')'
        5:13: closing parenthesis ']' does not match opening parenthesis '('
    "#]],
    );
}

#[test]
fn lexer_errors_do_not_cascade() {
    check(
        "def f(x):
    y = x $ 2
    s = 'unterminated
    n = 99999999999999999999999
    m = 0777
    return y ? 1
",
        expect![[r#"
            def f(x)
            --- errors
            2:11: unexpected character '$'
            3:9: unterminated string literal
            4:9: integer literal is too large (the largest is 18446744073709551615)
            5:9: leading zeros in decimal integer literals are not permitted (use 0o for octal)
            6:14: '?' is not an operator; use 'a if condition else b'
        "#]],
    );
}

#[test]
fn misplaced_else_and_decorators() {
    check(
        "def f(x):
    else:
        x = 1
    elif x:
        pass
    return x

@njit
N = 3

@
def g():
    pass
",
        expect![[r#"
            def f(x)
              return x
            const N = 3
            def g()
              pass
            --- errors
            2:5: 'else' without a matching 'if' (check the indentation)
            4:5: 'elif' without a matching 'if' (check the indentation)
            9:1: a decorator must be followed by a function definition ('def')
            11:2: expected a decorator name after '@'
        "#]],
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep_parens = format!("{}x{}", "(".repeat(5000), ")".repeat(5000));
    let (e, diags) = parse_expression(&deep_parens);
    assert!(e.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "expression nested too deeply");

    let long_sum = format!("x{}", " + x".repeat(100_000));
    let (e, diags) = parse_expression(&long_sum);
    assert!(e.is_none());
    assert_eq!(diags[0].message, "expression nested too deeply");

    for prefix in ["-", "not ", "~", "2 ** "] {
        let (e, diags) = parse_expression(&format!("{}x", prefix.repeat(100_000)));
        assert!(e.is_none(), "{prefix}");
        assert_eq!(diags.len(), 1, "{prefix}");
    }

    // 150 levels are fine.
    let ok = format!("{}x{}", "(".repeat(150), ")".repeat(150));
    let (e, diags) = parse_expression(&ok);
    assert!(e.is_some() && diags.is_empty());
    let ok = format!("x{}", " + x".repeat(150));
    assert!(parse_expression(&ok).1.is_empty());

    let mut src = String::from("def f(x):\n");
    for depth in 1..1000 {
        src.push_str(&"    ".repeat(depth));
        src.push_str("if x:\n");
    }
    src.push_str(&"    ".repeat(1000));
    src.push_str("pass\n");
    src.push_str("def g(1):\n    pass\n");
    let (_, diags) = parse_module(&src);
    let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "too many levels of indentation",
            "expected a parameter name, found '1'"
        ]
    );
}

#[test]
fn errors_spanning_lines_and_else_headers() {
    check(
        "def m(a, b, c):
    x = f(a,
          b c)
    if a:
        pass
    else
        return 1
    y = g(a,
          b
    return y
",
        expect![[r#"
            def m(a, b, c)
              if a
                pass
              else
                return 1
              return y
            --- errors
            3:13: expected ',' or ')' in the argument list, found 'c'
                2:10: the '(' was opened here
            6:9: expected ':' after 'else'
            8:10: '(' was never closed
        "#]],
    );
}

#[test]
fn fstrings() {
    check_expr(
        r#"f"a {x:.3f} {n!r:>5} {{b}} {x + 1 = } " "tail" f'{m}'"#,
        expect![[r#"
            (fstring "a " (field x ".3f") " " (field n !r ">5") " {b} x + 1 = " (field (+ x 1) !r) " tail" (field m))
        "#]],
    );
    check_expr_spans(
        r#"f"v={a[i] * 2:8.2e}""#,
        expect![[r#"
        f"v={a[i] * 2:8.2e}"
          a[i] * 2
            a[i]
              a
              i
            2
          spec 8.2e
    "#]],
    );
    check_expr(
        r#"f"{x" + 1"#,
        expect![[r#"
        <none>
        --- errors
        1:3: f-string: expecting '}'
    "#]],
    );
    check_expr(
        r#"f"{x!z}""#,
        expect![[r#"
        <none>
        --- errors
        1:5: f-string: invalid conversion character: expected 's', 'r', or 'a'
    "#]],
    );
    // The unparsed form parses back to the same tree.
    let (e, _) = parse_expression(r#"f"{a:>{3}}""#);
    assert!(e.is_none());
    let (e, d) = parse_expression(r#"f"q\"{x:,}\n{{}}""#);
    assert!(d.is_empty());
    let e = e.expect("parses");
    let back = kernelc_syntax::dump::unparse_expr(&e);
    let (e2, d2) = parse_expression(&back);
    assert!(d2.is_empty(), "{back}: {d2:?}");
    assert_eq!(
        dump_expr(&e),
        dump_expr(&e2.expect("parses back")),
        "{back}"
    );
}

#[test]
fn defaults_and_keyword_only_parameters() {
    check(
        "def f(x, y: f64 = 2.0, *, s=-1, t):
    pass

def g(a=1, b):
    pass

def h(x, *):
    pass

def k(x, **kw):
    pass
",
        expect![[r#"
            def f(x, y: f64=2.0, *, s=(- 1), t)
              pass
            def g(a=1, b)
              pass
            def h(x)
              pass
            --- errors
            4:12: parameter 'b' without a default follows a parameter with a default
                4:7: this parameter has a default
            7:10: a bare '*' must be followed by keyword-only parameters
            10:10: '*args' and '**kwargs' parameters are not supported
        "#]],
    );
}
