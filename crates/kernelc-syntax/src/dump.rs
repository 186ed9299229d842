//! Printing the AST: a readable tree dump (what `kernelc ir --stage ast` shows) and
//! `unparse_expr`, which turns an expression back into fully parenthesised source.
//!
//! The dump writes one statement per line, blocks indented by two spaces, statements in a
//! Python-like form and expressions as S-expressions:
//!
//! ```text
//! @njit
//! def saxpy(a: f64, x: (index f64 (slice _ _ _))) -> f64
//!   total = 0.0
//!   for i in (call range (call len x))
//!     total += (** (index x i) 2)
//!   return (+ (* a total) 1)
//! ```
//!
//! Spans are not printed (except for imports, which have nothing else), so a dump only
//! depends on the tree's structure.

use std::fmt::Write;

use crate::ast::*;

/// The whole module, one item after another.
pub fn dump_module(module: &Module) -> String {
    let mut out = String::new();
    for item in &module.items {
        match item {
            Item::Import(span) => {
                let _ = writeln!(out, "import @{span}");
            }
            Item::Const(c) => {
                let _ = writeln!(out, "const {} = {}", c.name.name, dump_expr(&c.value));
            }
            Item::Func(f) => dump_func(f, &mut out),
        }
    }
    out
}

fn dump_func(f: &FuncDef, out: &mut String) {
    for d in &f.decorators {
        let _ = writeln!(out, "@{}", dump_expr(d));
    }
    let mut params: Vec<String> = Vec::new();
    for p in &f.params {
        if p.kw_only && !params.iter().any(|s| s == "*") {
            params.push("*".to_string());
        }
        let mut s = match &p.ann {
            Some(ann) => format!("{}: {}", p.name.name, dump_expr(ann)),
            None => p.name.name.clone(),
        };
        if let Some(d) = &p.default {
            s.push_str(&format!("={}", dump_expr(d)));
        }
        params.push(s);
    }
    let _ = write!(out, "def {}({})", f.name.name, params.join(", "));
    if let Some(ret) = &f.ret {
        let _ = write!(out, " -> {}", dump_expr(ret));
    }
    out.push('\n');
    dump_block(&f.body, 1, out);
}

/// A list of statements, as [`dump_module`] prints a function body (no indentation).
pub fn dump_stmts(stmts: &[Stmt]) -> String {
    let mut out = String::new();
    dump_block(stmts, 0, &mut out);
    out
}

fn dump_block(stmts: &[Stmt], level: usize, out: &mut String) {
    for stmt in stmts {
        dump_stmt(stmt, level, out);
    }
}

fn dump_stmt(stmt: &Stmt, level: usize, out: &mut String) {
    let pad = "  ".repeat(level);
    let line = match &stmt.kind {
        StmtKind::Assign { target, ann, value } => match ann {
            Some(ann) => format!(
                "{}: {} = {}",
                dump_expr(target),
                dump_expr(ann),
                dump_expr(value)
            ),
            None => format!("{} = {}", dump_expr(target), dump_expr(value)),
        },
        StmtKind::ChainAssign { targets, value } => {
            let mut s = String::new();
            for t in targets {
                s.push_str(&dump_expr(t));
                s.push_str(" = ");
            }
            s.push_str(&dump_expr(value));
            s
        }
        StmtKind::Assert { cond, msg } => match msg {
            Some(m) => format!("assert {}, {}", dump_expr(cond), dump_expr(m)),
            None => format!("assert {}", dump_expr(cond)),
        },
        StmtKind::AugAssign { target, op, value } => format!(
            "{} {}= {}",
            dump_expr(target),
            op.symbol(),
            dump_expr(value)
        ),
        StmtKind::If { cond, body, orelse } => {
            let _ = writeln!(out, "{pad}if {}", dump_expr(cond));
            dump_block(body, level + 1, out);
            if !orelse.is_empty() {
                let _ = writeln!(out, "{pad}else");
                dump_block(orelse, level + 1, out);
            }
            return;
        }
        StmtKind::While { cond, body } => {
            let _ = writeln!(out, "{pad}while {}", dump_expr(cond));
            dump_block(body, level + 1, out);
            return;
        }
        StmtKind::For { target, iter, body } => {
            let _ = writeln!(out, "{pad}for {} in {}", dump_expr(target), dump_expr(iter));
            dump_block(body, level + 1, out);
            return;
        }
        StmtKind::Break => "break".to_string(),
        StmtKind::Continue => "continue".to_string(),
        StmtKind::Pass => "pass".to_string(),
        StmtKind::Return(None) => "return".to_string(),
        StmtKind::Return(Some(e)) => format!("return {}", dump_expr(e)),
        StmtKind::Expr(e) => format!("expr {}", dump_expr(e)),
    };
    let _ = writeln!(out, "{pad}{line}");
}

/// An expression as an S-expression: `(+ a (* b 2))`, `(call f x axis=1)`,
/// `(index a i (slice 1 _ 2))`, `(. a shape)`, `(tuple m n)`, `(if cond then else)`,
/// `(< a b)` and for chains `(chain a < b <= c)`.
pub fn dump_expr(e: &Expr) -> String {
    let mut out = String::new();
    write_sexpr(e, &mut out);
    out
}

fn write_sexpr(e: &Expr, out: &mut String) {
    match &e.kind {
        ExprKind::Int(v) => {
            let _ = write!(out, "{v}");
        }
        ExprKind::Float(v) => {
            let _ = write!(out, "{v:?}");
        }
        ExprKind::Imag(v) => {
            let _ = write!(out, "{v:?}j");
        }
        ExprKind::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        ExprKind::Str(s) => {
            let _ = write!(out, "{s:?}");
        }
        ExprKind::FString(parts) => {
            out.push_str("(fstring");
            for p in parts {
                match p {
                    FPart::Text(t) => {
                        let _ = write!(out, " {t:?}");
                    }
                    FPart::Field {
                        value, conv, spec, ..
                    } => {
                        out.push_str(" (field ");
                        write_sexpr(value, out);
                        if let Some(c) = conv {
                            let _ = write!(out, " !{c}");
                        }
                        if !spec.is_empty() {
                            let _ = write!(out, " {spec:?}");
                        }
                        out.push(')');
                    }
                }
            }
            out.push(')');
        }
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Unary(op, x) => {
            let _ = write!(out, "({} ", op.symbol());
            write_sexpr(x, out);
            out.push(')');
        }
        ExprKind::Binary(op, l, r) => {
            let _ = write!(out, "({} ", op.symbol());
            write_sexpr(l, out);
            out.push(' ');
            write_sexpr(r, out);
            out.push(')');
        }
        ExprKind::Logical(op, l, r) => {
            out.push_str(match op {
                LogicalOp::And => "(and ",
                LogicalOp::Or => "(or ",
            });
            write_sexpr(l, out);
            out.push(' ');
            write_sexpr(r, out);
            out.push(')');
        }
        ExprKind::Compare(first, rest) => {
            if let [(op, rhs)] = rest.as_slice() {
                let _ = write!(out, "({} ", op.symbol());
                write_sexpr(first, out);
                out.push(' ');
                write_sexpr(rhs, out);
            } else {
                out.push_str("(chain ");
                write_sexpr(first, out);
                for (op, rhs) in rest {
                    let _ = write!(out, " {} ", op.symbol());
                    write_sexpr(rhs, out);
                }
            }
            out.push(')');
        }
        ExprKind::IfExp { cond, then, orelse } => {
            out.push_str("(if ");
            write_sexpr(cond, out);
            out.push(' ');
            write_sexpr(then, out);
            out.push(' ');
            write_sexpr(orelse, out);
            out.push(')');
        }
        ExprKind::Call { func, args, kwargs } => {
            out.push_str("(call ");
            write_sexpr(func, out);
            for a in args {
                out.push(' ');
                write_sexpr(a, out);
            }
            for k in kwargs {
                let _ = write!(out, " {}=", k.name.name);
                write_sexpr(&k.value, out);
            }
            out.push(')');
        }
        ExprKind::Attribute(value, attr) => {
            out.push_str("(. ");
            write_sexpr(value, out);
            let _ = write!(out, " {})", attr.name);
        }
        ExprKind::Subscript(value, items) => {
            out.push_str("(index ");
            write_sexpr(value, out);
            for item in items {
                out.push(' ');
                match item {
                    IndexItem::Expr(e) => write_sexpr(e, out),
                    IndexItem::Slice { lo, hi, step, .. } => {
                        out.push_str("(slice");
                        for part in [lo, hi, step] {
                            out.push(' ');
                            match part {
                                Some(e) => write_sexpr(e, out),
                                None => out.push('_'),
                            }
                        }
                        out.push(')');
                    }
                }
            }
            out.push(')');
        }
        ExprKind::Tuple(items) => {
            out.push_str("(tuple");
            for item in items {
                out.push(' ');
                write_sexpr(item, out);
            }
            out.push(')');
        }
        ExprKind::List(items) => {
            out.push_str("(list");
            for item in items {
                out.push(' ');
                write_sexpr(item, out);
            }
            out.push(')');
        }
        ExprKind::ListComp {
            elem,
            var,
            iter,
            cond,
        } => {
            out.push_str("(listcomp ");
            write_sexpr(elem, out);
            let _ = write!(out, " {} ", var.name);
            write_sexpr(iter, out);
            if let Some(c) = cond {
                out.push(' ');
                write_sexpr(c, out);
            }
            out.push(')');
        }
        ExprKind::NoneLit => out.push_str("None"),
        ExprKind::Error => out.push_str("<error>"),
    }
}

/// Writes `text` as the inside of a double-quoted literal (braces doubled in an f-string).
fn push_escaped(text: &str, fstring: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '{' if fstring => out.push_str("{{"),
            '}' if fstring => out.push_str("}}"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            _ => out.push(c),
        }
    }
}

/// An expression as fully parenthesised source text that parses back to the same tree:
/// every operator application is wrapped in parentheses (`((a + b) * (-c))`).
/// (A NaN float, which has no literal, prints as `nan`; an infinite one as `1e999`.)
pub fn unparse_expr(e: &Expr) -> String {
    let mut out = String::new();
    write_source(e, &mut out);
    out
}

fn write_source(e: &Expr, out: &mut String) {
    match &e.kind {
        ExprKind::Int(v) => {
            let _ = write!(out, "{v}");
        }
        ExprKind::Float(v) => {
            if v.is_nan() {
                out.push_str("nan");
            } else if v.is_infinite() {
                out.push_str("1e999");
            } else {
                let _ = write!(out, "{v:?}");
            }
        }
        ExprKind::Imag(v) => {
            if v.is_infinite() {
                out.push_str("1e999j");
            } else {
                let _ = write!(out, "{v:?}j");
            }
        }
        ExprKind::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
        ExprKind::Str(s) => {
            out.push('"');
            push_escaped(s, false, out);
            out.push('"');
        }
        ExprKind::FString(parts) => {
            out.push_str("f\"");
            for p in parts {
                match p {
                    FPart::Text(t) => push_escaped(t, true, out),
                    FPart::Field {
                        value, conv, spec, ..
                    } => {
                        out.push('{');
                        write_source(value, out);
                        if let Some(c) = conv {
                            let _ = write!(out, "!{c}");
                        }
                        if !spec.is_empty() {
                            let _ = write!(out, ":{spec}");
                        }
                        out.push('}');
                    }
                }
            }
            out.push('"');
        }
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Unary(op, x) => {
            out.push('(');
            out.push_str(op.symbol());
            if *op == UnaryOp::Not {
                out.push(' ');
            }
            write_source(x, out);
            out.push(')');
        }
        ExprKind::Binary(op, l, r) => {
            out.push('(');
            write_source(l, out);
            let _ = write!(out, " {} ", op.symbol());
            write_source(r, out);
            out.push(')');
        }
        ExprKind::Logical(op, l, r) => {
            out.push('(');
            write_source(l, out);
            out.push_str(match op {
                LogicalOp::And => " and ",
                LogicalOp::Or => " or ",
            });
            write_source(r, out);
            out.push(')');
        }
        ExprKind::Compare(first, rest) => {
            out.push('(');
            write_source(first, out);
            for (op, rhs) in rest {
                let _ = write!(out, " {} ", op.symbol());
                write_source(rhs, out);
            }
            out.push(')');
        }
        ExprKind::IfExp { cond, then, orelse } => {
            out.push('(');
            write_source(then, out);
            out.push_str(" if ");
            write_source(cond, out);
            out.push_str(" else ");
            write_source(orelse, out);
            out.push(')');
        }
        ExprKind::Call { func, args, kwargs } => {
            write_postfix_base(func, out);
            out.push('(');
            let mut first = true;
            for a in args {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                write_source(a, out);
            }
            for k in kwargs {
                if !first {
                    out.push_str(", ");
                }
                first = false;
                let _ = write!(out, "{}=", k.name.name);
                write_source(&k.value, out);
            }
            out.push(')');
        }
        ExprKind::Attribute(value, attr) => {
            write_postfix_base(value, out);
            let _ = write!(out, ".{}", attr.name);
        }
        ExprKind::Subscript(value, items) => {
            write_postfix_base(value, out);
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match item {
                    IndexItem::Expr(e) => write_source(e, out),
                    IndexItem::Slice { lo, hi, step, .. } => {
                        if let Some(lo) = lo {
                            write_source(lo, out);
                        }
                        out.push(':');
                        if let Some(hi) = hi {
                            write_source(hi, out);
                        }
                        if let Some(step) = step {
                            out.push(':');
                            write_source(step, out);
                        }
                    }
                }
            }
            out.push(']');
        }
        ExprKind::Tuple(items) => {
            out.push('(');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_source(item, out);
            }
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        ExprKind::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_source(item, out);
            }
            out.push(']');
        }
        ExprKind::ListComp {
            elem,
            var,
            iter,
            cond,
        } => {
            out.push('[');
            write_source(elem, out);
            let _ = write!(out, " for {} in ", var.name);
            write_source(iter, out);
            if let Some(c) = cond {
                out.push_str(" if ");
                write_source(c, out);
            }
            out.push(']');
        }
        ExprKind::NoneLit => out.push_str("None"),
        ExprKind::Error => out.push_str("<error>"),
    }
}

/// The operand of a call, subscript or attribute. Everything composite is already
/// parenthesised; an integer literal needs parentheses too (`(1).real`, not `1.real`).
fn write_postfix_base(e: &Expr, out: &mut String) {
    if matches!(e.kind, ExprKind::Int(_)) {
        out.push('(');
        write_source(e, out);
        out.push(')');
    } else {
        write_source(e, out);
    }
}
