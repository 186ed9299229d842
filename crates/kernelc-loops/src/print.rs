//! The text form of planned functions and their nests (`kernelc ir --stage loops`).

use crate::nest::*;
use crate::PlannedProgram;
use kernelc_sema::tir::{Func, ReduceOp};
use std::fmt::Write;

/// Prints every planned function (as typed IR, with `nest #k` where a nest runs) followed
/// by its nests.
pub fn print_program(p: &PlannedProgram) -> String {
    let mut out = String::new();
    for (id, pf) in p.funcs.iter().enumerate() {
        kernelc_sema::pretty::print_func(&mut out, id, &pf.func);
        for (k, n) in pf.nests.iter().enumerate() {
            print_nest(&mut out, &pf.func, k, n);
        }
    }
    out
}

fn leaf(f: &Func, l: &Leaf) -> String {
    match l {
        Leaf::Const(s) => kernelc_sema::pretty::scalar(*s),
        Leaf::Local(id) => f.locals[*id].name.clone(),
    }
}

fn operand(f: &Func, o: &Operand) -> String {
    let mut s = f.locals[o.array].name.clone();
    if !o.view.is_empty() {
        let items: Vec<String> = o
            .view
            .iter()
            .map(|v| match v {
                ViewItem::Int(l, _) => leaf(f, l),
                ViewItem::Slice {
                    start, stop, step, ..
                } => {
                    let p = |x: &Option<Leaf>| x.as_ref().map(|l| leaf(f, l)).unwrap_or_default();
                    match step {
                        Some(_) => format!("{}:{}:{}", p(start), p(stop), p(step)),
                        None => format!("{}:{}", p(start), p(stop)),
                    }
                }
            })
            .collect();
        let _ = write!(s, "[{}]", items.join(", "));
    }
    format!("{s}: {} rank {}", o.dtype, o.ndim)
}

/// An element expression in prefix form.
pub fn elem(f: &Func, e: &Elem) -> String {
    let args = |xs: Vec<&Elem>| xs.iter().map(|x| elem(f, x)).collect::<Vec<_>>().join(", ");
    match &e.kind {
        ElemKind::Read(k) => format!("in{k}"),
        ElemKind::Scalar(l) => leaf(f, l),
        ElemKind::Unary(op, x) => format!("{op:?}:{}({})", e.dtype, elem(f, x)),
        ElemKind::Binary(op, _, _) => format!("{op:?}:{}({})", e.dtype, args(e.children())),
        ElemKind::PowInt(x, n) => format!("powi{n}:{}({})", e.dtype, elem(f, x)),
        ElemKind::Cast(x) => format!("{}({})", e.dtype, elem(f, x)),
        ElemKind::Math(m, _) => format!("{}:{}({})", m.name(), e.dtype, args(e.children())),
        ElemKind::Where(..) => format!("where:{}({})", e.dtype, args(e.children())),
    }
}

fn print_nest(out: &mut String, f: &Func, k: usize, n: &Nest) {
    let sink = match &n.sink {
        Sink::NewArray => format!("new {}[rank {}]", n.elem.dtype, n.ndim),
        Sink::Store { aug, overlap } => {
            let op = aug
                .map(|a| format!(" {}= ({})", a.op.symbol(), a.ty))
                .unwrap_or_default();
            let via = overlap
                .map(|v| format!(", overlapping: #{} then #{}", v.materialize, v.then))
                .unwrap_or_default();
            format!("store into in0{op}{via}")
        }
        Sink::Reduce {
            op,
            axis,
            order,
            unflattened,
        } => {
            let axis = axis.map(|a| format!(" axis {a}")).unwrap_or_default();
            let order = match (order, op) {
                (Order::Pairwise, _) => " pairwise",
                (_, ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Norm | ReduceOp::Prod) => {
                    " in order"
                }
                _ => "",
            };
            let via = unflattened
                .map(|v| format!(", unflattened: #{} then #{}", v.materialize, v.then))
                .unwrap_or_default();
            format!("{}{axis}{order}{via}", op.name())
        }
    };
    let _ = writeln!(out, "  nest #{k}: rank {} -> {sink}", n.ndim);
    for (i, o) in n.operands.iter().enumerate() {
        let _ = writeln!(out, "    in{i} = {}", operand(f, o));
    }
    let steps: Vec<String> = n
        .shape_steps
        .iter()
        .map(|s| match s {
            ShapeStep::Operand(k) => format!("in{k}"),
            ShapeStep::Scalar => "()".to_string(),
            ShapeStep::Broadcast(c, _) => format!("broadcast/{c}"),
            ShapeStep::Aligned(_) => "aligned".to_string(),
        })
        .collect();
    if !steps.is_empty() {
        let _ = writeln!(out, "    shape {}", steps.join(" "));
    }
    let _ = writeln!(out, "    elem {}", elem(f, &n.elem));
    if n.fallback.is_some() {
        let _ = writeln!(out, "    when empty: errors of the operands' operations");
    }
}
