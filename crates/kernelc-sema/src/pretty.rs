//! A readable text form of the typed IR (`kernelc ir --stage typed`), and walkers over it.

use crate::tir::*;
use kernelc_runtime::Scalar;
use std::fmt::Write;

/// Prints a whole program.
pub fn print_program(p: &Program) -> String {
    let mut out = String::new();
    for (id, f) in p.funcs.iter().enumerate() {
        print_func(&mut out, id, f);
    }
    out
}

/// Prints one function (`fn #id name(params) -> ret:`, its locals, its body).
pub fn print_func(out: &mut String, id: FuncId, f: &Func) {
    let params: Vec<String> = f
        .params
        .iter()
        .map(|&l| format!("{}: {}", f.locals[l].name, f.locals[l].ty))
        .collect();
    let _ = writeln!(
        out,
        "fn #{id} {}({}) -> {}:",
        f.name,
        params.join(", "),
        f.ret
    );
    let locals: Vec<String> = f
        .locals
        .iter()
        .skip(f.params.len())
        .map(|l| format!("{}: {}", l.name, l.ty))
        .collect();
    if !locals.is_empty() {
        let _ = writeln!(out, "    locals {}", locals.join(", "));
    }
    block(out, f, &f.body, 1);
}

fn block(out: &mut String, f: &Func, b: &Block, depth: usize) {
    if b.is_empty() {
        let _ = writeln!(out, "{}pass", "    ".repeat(depth));
    }
    for s in b {
        stmt(out, f, s, depth);
    }
}

fn stmt(out: &mut String, f: &Func, s: &Stmt, depth: usize) {
    let pad = "    ".repeat(depth);
    let name = |l: LocalId| f.locals[l].name.clone();
    match &s.kind {
        StmtKind::Assign { local, value } => {
            let _ = writeln!(out, "{pad}{} = {}", name(*local), expr(f, value));
        }
        StmtKind::Assert { cond, msg } => {
            let m = msg.as_ref().map(|m| format!(", {m:?}")).unwrap_or_default();
            let _ = writeln!(out, "{pad}assert {}{m}", expr(f, cond));
        }
        StmtKind::Unpack { locals, value } => {
            let names: Vec<String> = locals.iter().map(|&l| name(l)).collect();
            let _ = writeln!(out, "{pad}{} = {}", names.join(", "), expr(f, value));
        }
        StmtKind::Store {
            array,
            index,
            aug,
            value,
        } => {
            let op = match aug {
                Some(a) => format!("{}=({})", a.op.symbol(), a.ty),
                None => "=".into(),
            };
            let _ = writeln!(
                out,
                "{pad}{}[{}] {op} {}",
                expr(f, array),
                indices(f, index),
                expr(f, value)
            );
        }
        StmtKind::If { cond, then, orelse } => {
            let _ = writeln!(out, "{pad}if {}:", expr(f, cond));
            block(out, f, then, depth + 1);
            // An `else` holding exactly one `if` prints as `elif` at the same depth, so an
            // n-branch chain prints in O(n) text, not O(n^2) indentation.
            let mut orelse = orelse;
            while let [Stmt {
                kind:
                    StmtKind::If {
                        cond,
                        then,
                        orelse: next,
                    },
                ..
            }] = orelse.as_slice()
            {
                let _ = writeln!(out, "{pad}elif {}:", expr(f, cond));
                block(out, f, then, depth + 1);
                orelse = next;
            }
            if !orelse.is_empty() {
                let _ = writeln!(out, "{pad}else:");
                block(out, f, orelse, depth + 1);
            }
        }
        StmtKind::While { cond, body } => {
            let _ = writeln!(out, "{pad}while {}:", expr(f, cond));
            block(out, f, body, depth + 1);
        }
        StmtKind::For {
            var,
            start,
            stop,
            step,
            body,
            parallel,
        } => {
            let kw = if parallel.is_some() {
                "prange"
            } else {
                "range"
            };
            let _ = write!(
                out,
                "{pad}for {} in {kw}({}, {}, {})",
                name(*var),
                expr(f, start),
                expr(f, stop),
                expr(f, step)
            );
            if let Some(p) = parallel {
                let reds: Vec<String> = p
                    .reductions
                    .iter()
                    .map(|r| format!("{} {:?}", name(r.local), r.op))
                    .collect();
                let privs: Vec<String> = p.private.iter().map(|&l| name(l)).collect();
                let _ = write!(
                    out,
                    " reductions[{}] private[{}]",
                    reds.join(", "),
                    privs.join(", ")
                );
            }
            let _ = writeln!(out, ":");
            block(out, f, body, depth + 1);
        }
        StmtKind::Break => {
            let _ = writeln!(out, "{pad}break");
        }
        StmtKind::Continue => {
            let _ = writeln!(out, "{pad}continue");
        }
        StmtKind::Return(v) => {
            let _ = match v {
                Some(v) => writeln!(out, "{pad}return {}", expr(f, v)),
                None => writeln!(out, "{pad}return"),
            };
        }
        StmtKind::Expr(e) => {
            let _ = writeln!(out, "{pad}{}", expr(f, e));
        }
        StmtKind::SelectStore { array, sel, value } => {
            let _ = writeln!(
                out,
                "{pad}{}[{} {}] = {}",
                expr(f, array),
                sel.name(),
                expr(f, sel.operand()),
                expr(f, value)
            );
        }
        StmtKind::Nest(id) => {
            let _ = writeln!(out, "{pad}nest #{id}");
        }
    }
}

fn indices(f: &Func, index: &[Index]) -> String {
    let parts: Vec<String> = index
        .iter()
        .map(|i| match i {
            Index::Int(e) => expr(f, e),
            Index::Slice {
                start, stop, step, ..
            } => {
                let o = |e: &Option<Expr>| e.as_ref().map(|e| expr(f, e)).unwrap_or_default();
                match step {
                    Some(_) => format!("{}:{}:{}", o(start), o(stop), o(step)),
                    None => format!("{}:{}", o(start), o(stop)),
                }
            }
        })
        .collect();
    parts.join(", ")
}

pub fn scalar(s: Scalar) -> String {
    match s {
        Scalar::Bool(b) => format!("{b}"),
        Scalar::I64(v) => format!("{v}"),
        Scalar::F32(v) => format!("{v:?}f32"),
        Scalar::F64(v) => format!("{v:?}"),
        i => format!("{}{}", i.as_i128().unwrap_or(0), i.dtype()),
    }
}

/// One expression, fully parenthesised, element-wise nodes tagged with their type.
pub fn expr(f: &Func, e: &Expr) -> String {
    let ty = e.ty;
    match &e.kind {
        ExprKind::Const(s) => scalar(*s),
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Local(l) => f.locals[*l].name.clone(),
        ExprKind::Unary(op, x) => format!("({op:?} {})", expr(f, x)),
        ExprKind::Binary(op, a, b) => {
            format!("({} {} {} : {ty})", expr(f, a), op.symbol(), expr(f, b))
        }
        ExprKind::PowInt(x, n) => format!("({} ** {n} : {ty})", expr(f, x)),
        ExprKind::Chain(xs, ops) => {
            let mut t = expr(f, &xs[0]);
            for (x, (op, d)) in xs[1..].iter().zip(ops) {
                t += &format!(" {}({d}) {}", op.symbol(), expr(f, x));
            }
            format!("(chain {t})")
        }
        ExprKind::Logical(op, a, b) => format!(
            "({} {} {})",
            expr(f, a),
            if *op == LogicalOp::And { "and" } else { "or" },
            expr(f, b)
        ),
        ExprKind::IfExp { cond, then, orelse } => format!(
            "({} if {} else {})",
            expr(f, then),
            expr(f, cond),
            expr(f, orelse)
        ),
        ExprKind::Cast(x) => format!("{ty}({})", expr(f, x)),
        ExprKind::Call(id, args) => format!("call #{id}({})", list(f, args)),
        ExprKind::Math(m, args) => format!("{}({} : {ty})", m.name(), list(f, args)),
        ExprKind::Complex(op, args) => format!("{}({} : {ty})", op.name(), list(f, args)),
        ExprKind::Where(c, a, b) => format!(
            "where({}, {}, {} : {ty})",
            expr(f, c),
            expr(f, a),
            expr(f, b)
        ),
        ExprKind::Reduce { op, arg, axis } => match axis {
            Some(k) => format!("{}({}, axis={k} : {ty})", op.name(), expr(f, arg)),
            None => format!("{}({} : {ty})", op.name(), expr(f, arg)),
        },
        ExprKind::Dot(a, b) => format!("dot({}, {} : {ty})", expr(f, a), expr(f, b)),
        ExprKind::Lib(l, args) => format!("{l:?}({} : {ty})", list(f, args)),
        ExprKind::Dim(a, k) => format!("{}.shape[{k}]", expr(f, a)),
        ExprKind::Size(a) => format!("{}.size", expr(f, a)),
        ExprKind::Shape(a) => format!("{}.shape", expr(f, a)),
        ExprKind::Tuple(xs) if xs.len() == 1 => format!("({},)", list(f, xs)),
        ExprKind::Tuple(xs) => format!("({})", list(f, xs)),
        ExprKind::TupleGet(t, k) => format!("{}[{k}]", expr(f, t)),
        ExprKind::Index(a, idx) => format!("{}[{}]", expr(f, a), indices(f, idx)),
        ExprKind::ArrayOp(op) => {
            let kids: Vec<Expr> = op.children().into_iter().cloned().collect();
            format!("{}({} : {ty})", op.name(), list(f, &kids))
        }
        ExprKind::Alloc(a) => match a {
            Alloc::Zeros { shape } => format!("zeros({} : {ty})", expr(f, shape)),
            Alloc::Ones { shape } => format!("ones({} : {ty})", expr(f, shape)),
            Alloc::Full { shape, value } => {
                format!("full({}, {} : {ty})", expr(f, shape), expr(f, value))
            }
            Alloc::Arange { start, stop, step } => format!(
                "arange({}, {}, {} : {ty})",
                expr(f, start),
                expr(f, stop),
                expr(f, step)
            ),
            Alloc::Linspace { start, stop, num } => format!(
                "linspace({}, {}, {} : {ty})",
                expr(f, start),
                expr(f, stop),
                expr(f, num)
            ),
        },
        ExprKind::Random { dist, shape } => {
            let d = match dist {
                Dist::Uniform => "random".to_string(),
                Dist::Normal => "normal".to_string(),
                Dist::Randint { lo, hi } => format!("randint[{}, {}]", expr(f, lo), expr(f, hi)),
            };
            match shape {
                Some(s) => format!("{d}({} : {ty})", expr(f, s)),
                None => format!("{d}()"),
            }
        }
        ExprKind::Seed(s) => format!("seed({})", expr(f, s)),
        ExprKind::Print(args, false) => format!("print({})", list(f, args)),
        ExprKind::Print(args, true) => format!("print_raw({})", list(f, args)),
        ExprKind::Format(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    FmtPart::Text(t) => format!("{t:?}"),
                    FmtPart::Field(x, spec) => format!("{{{}:{}}}", expr(f, x), spec.describe()),
                })
                .collect();
            format!("format({})", parts.join(", "))
        }
        ExprKind::Nest(id) => format!("nest #{id}"),
    }
}

fn list(f: &Func, xs: &[Expr]) -> String {
    xs.iter().map(|x| expr(f, x)).collect::<Vec<_>>().join(", ")
}

/// Calls `f` on every expression of a statement (pre-order, nested blocks included).
pub fn walk_stmt(s: &Stmt, f: &mut impl FnMut(&Expr)) {
    match &s.kind {
        StmtKind::Assign { value, .. }
        | StmtKind::Unpack { value, .. }
        | StmtKind::Assert { cond: value, .. } => walk_expr(value, f),
        StmtKind::Store {
            array,
            index,
            value,
            ..
        } => {
            walk_expr(array, f);
            walk_index(index, f);
            walk_expr(value, f);
        }
        StmtKind::If { cond, then, orelse } => {
            walk_expr(cond, f);
            then.iter().chain(orelse).for_each(|s| walk_stmt(s, f));
        }
        StmtKind::While { cond, body } => {
            walk_expr(cond, f);
            body.iter().for_each(|s| walk_stmt(s, f));
        }
        StmtKind::For {
            start,
            stop,
            step,
            body,
            ..
        } => {
            walk_expr(start, f);
            walk_expr(stop, f);
            walk_expr(step, f);
            body.iter().for_each(|s| walk_stmt(s, f));
        }
        StmtKind::Return(Some(e)) | StmtKind::Expr(e) => walk_expr(e, f),
        StmtKind::SelectStore { array, sel, value } => {
            walk_expr(value, f);
            walk_expr(array, f);
            walk_expr(sel.operand(), f)
        }
        StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue | StmtKind::Nest(_) => {}
    }
}

fn walk_index(index: &[Index], f: &mut impl FnMut(&Expr)) {
    for i in index {
        match i {
            Index::Int(e) => walk_expr(e, f),
            Index::Slice {
                start, stop, step, ..
            } => [start, stop, step]
                .into_iter()
                .flatten()
                .for_each(|e| walk_expr(e, f)),
        }
    }
}

/// The direct sub-expressions of an expression.
pub fn children(e: &Expr) -> Vec<&Expr> {
    let mut v: Vec<&Expr> = Vec::new();
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Str(_) | ExprKind::Local(_) | ExprKind::Nest(_) => {}
        ExprKind::Unary(_, x)
        | ExprKind::PowInt(x, _)
        | ExprKind::Cast(x)
        | ExprKind::Dim(x, _)
        | ExprKind::Size(x)
        | ExprKind::Shape(x)
        | ExprKind::TupleGet(x, _)
        | ExprKind::Seed(x) => v.push(x),
        ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) | ExprKind::Dot(a, b) => {
            v.push(a);
            v.push(b)
        }
        ExprKind::IfExp { cond, then, orelse } => v.extend([&**cond, &**then, &**orelse]),
        ExprKind::Where(a, b, c) => v.extend([&**a, &**b, &**c]),
        ExprKind::Call(_, xs)
        | ExprKind::Lib(_, xs)
        | ExprKind::Math(_, xs)
        | ExprKind::Complex(_, xs)
        | ExprKind::Tuple(xs)
        | ExprKind::Print(xs, _)
        | ExprKind::Chain(xs, _) => v.extend(xs.iter()),
        ExprKind::Reduce { arg, .. } => v.push(arg),
        ExprKind::Format(parts) => v.extend(parts.iter().filter_map(|p| match p {
            FmtPart::Field(x, _) => Some(x),
            FmtPart::Text(_) => None,
        })),
        ExprKind::ArrayOp(op) => v.extend(op.children()),
        ExprKind::Index(a, idx) => {
            v.push(a);
            for i in idx {
                match i {
                    Index::Int(x) => v.push(x),
                    Index::Slice {
                        start, stop, step, ..
                    } => v.extend([start, stop, step].into_iter().flatten()),
                }
            }
        }
        ExprKind::Alloc(a) => match a {
            Alloc::Zeros { shape } | Alloc::Ones { shape } => v.push(shape),
            Alloc::Full { shape, value } => v.extend([&**shape, &**value]),
            Alloc::Arange { start, stop, step } => v.extend([&**start, &**stop, &**step]),
            Alloc::Linspace { start, stop, num } => v.extend([&**start, &**stop, &**num]),
        },
        ExprKind::Random { dist, shape } => {
            if let Dist::Randint { lo, hi } = dist {
                v.extend([&**lo, &**hi]);
            }
            if let Some(s) = shape {
                v.push(s);
            }
        }
    }
    v
}

/// Calls `f` on `e` and every sub-expression (pre-order).
pub fn walk_expr(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    for c in children(e) {
        walk_expr(c, f);
    }
}

/// Calls `f` on every `Call` expression of a statement, mutably (used to renumber).
pub fn walk_stmt_mut(s: &mut Stmt, f: &mut impl FnMut(&mut Expr)) {
    fn ex(e: &mut Expr, f: &mut impl FnMut(&mut Expr)) {
        f(e);
        for c in children_mut(e) {
            ex(c, f);
        }
    }
    fn idx_mut(idx: &mut [Index], f: &mut impl FnMut(&mut Expr)) {
        for i in idx {
            match i {
                Index::Int(x) => ex(x, f),
                Index::Slice {
                    start, stop, step, ..
                } => {
                    for x in [start, stop, step].into_iter().flatten() {
                        ex(x, f)
                    }
                }
            }
        }
    }
    match &mut s.kind {
        StmtKind::Assign { value, .. }
        | StmtKind::Unpack { value, .. }
        | StmtKind::Assert { cond: value, .. } => ex(value, f),
        StmtKind::Store {
            array,
            index,
            value,
            ..
        } => {
            ex(array, f);
            idx_mut(index, f);
            ex(value, f)
        }
        StmtKind::If { cond, then, orelse } => {
            ex(cond, f);
            then.iter_mut()
                .chain(orelse.iter_mut())
                .for_each(|s| walk_stmt_mut(s, f));
        }
        StmtKind::While { cond, body } => {
            ex(cond, f);
            body.iter_mut().for_each(|s| walk_stmt_mut(s, f));
        }
        StmtKind::For {
            start,
            stop,
            step,
            body,
            ..
        } => {
            ex(start, f);
            ex(stop, f);
            ex(step, f);
            body.iter_mut().for_each(|s| walk_stmt_mut(s, f));
        }
        StmtKind::Return(Some(e)) | StmtKind::Expr(e) => ex(e, f),
        StmtKind::SelectStore { array, sel, value } => {
            ex(value, f);
            ex(array, f);
            ex(sel.operand_mut(), f)
        }
        StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue | StmtKind::Nest(_) => {}
    }
}

/// The direct sub-expressions, in evaluation order.
pub fn children_mut(e: &mut Expr) -> Vec<&mut Expr> {
    let mut v: Vec<&mut Expr> = Vec::new();
    match &mut e.kind {
        ExprKind::Const(_) | ExprKind::Str(_) | ExprKind::Local(_) | ExprKind::Nest(_) => {}
        ExprKind::Unary(_, x)
        | ExprKind::PowInt(x, _)
        | ExprKind::Cast(x)
        | ExprKind::Dim(x, _)
        | ExprKind::Size(x)
        | ExprKind::Shape(x)
        | ExprKind::TupleGet(x, _)
        | ExprKind::Seed(x) => v.push(x),
        ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) | ExprKind::Dot(a, b) => {
            v.push(a);
            v.push(b)
        }
        ExprKind::IfExp { cond, then, orelse } => {
            v.push(cond);
            v.push(then);
            v.push(orelse)
        }
        ExprKind::Where(a, b, c) => {
            v.push(a);
            v.push(b);
            v.push(c)
        }
        ExprKind::Call(_, xs)
        | ExprKind::Lib(_, xs)
        | ExprKind::Math(_, xs)
        | ExprKind::Complex(_, xs)
        | ExprKind::Tuple(xs)
        | ExprKind::Print(xs, _)
        | ExprKind::Chain(xs, _) => v.extend(xs.iter_mut()),
        ExprKind::Reduce { arg, .. } => v.push(arg),
        ExprKind::Format(parts) => v.extend(parts.iter_mut().filter_map(|p| match p {
            FmtPart::Field(x, _) => Some(x),
            FmtPart::Text(_) => None,
        })),
        ExprKind::ArrayOp(op) => v.extend(op.children_mut()),
        ExprKind::Index(a, idx) => {
            v.push(a);
            for i in idx {
                match i {
                    Index::Int(x) => v.push(x),
                    Index::Slice {
                        start, stop, step, ..
                    } => v.extend([start, stop, step].into_iter().flatten()),
                }
            }
        }
        ExprKind::Alloc(a) => match a {
            Alloc::Zeros { shape } | Alloc::Ones { shape } => v.push(shape),
            Alloc::Full { shape, value } => {
                v.push(shape);
                v.push(value)
            }
            Alloc::Arange { start, stop, step } => {
                v.push(start);
                v.push(stop);
                v.push(step)
            }
            Alloc::Linspace { start, stop, num } => {
                v.push(start);
                v.push(stop);
                v.push(num)
            }
        },
        ExprKind::Random { dist, shape } => {
            if let Dist::Randint { lo, hi } = dist {
                v.push(lo);
                v.push(hi);
            }
            if let Some(s) = shape {
                v.push(s)
            }
        }
    }
    v
}

/// Every local a block assigns (assignments, unpacking and `for` variables, nested blocks
/// included), as flags indexed by local id (`n` locals). The private locals of a `prange`
/// body are these minus its reduction variables: each executor computes them from the body
/// it runs, so hidden locals (comprehensions, `for v in array`, planner temporaries) are
/// private without registering anywhere.
pub fn assigned_locals(body: &[Stmt], n: usize) -> Vec<bool> {
    fn go(body: &[Stmt], out: &mut [bool]) {
        for s in body {
            match &s.kind {
                StmtKind::Assign { local, .. } => out[*local] = true,
                StmtKind::Unpack { locals, .. } => locals.iter().for_each(|&l| out[l] = true),
                StmtKind::If { then, orelse, .. } => {
                    go(then, out);
                    go(orelse, out);
                }
                StmtKind::While { body, .. } => go(body, out),
                StmtKind::For { var, body, .. } => {
                    out[*var] = true;
                    go(body, out);
                }
                _ => {}
            }
        }
    }
    let mut out = vec![false; n];
    go(body, &mut out);
    out
}
