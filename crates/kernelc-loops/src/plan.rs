//! The planner: rewrites one typed-IR function so that every whole-array operation is a
//! loop nest ([`crate::nest`]), decided once, here.
//!
//! * Array-typed element-wise trees become `NewArray` nests, reductions and `dot`
//!   `Reduce` nests, region stores (`out[:] = e`, `a[1:-1] += e`) `Store` nests.
//! * Whatever a nest reads that is not an array local or a view of one (a call, a
//!   constructor, an axis reduction used inside a bigger tree, a scalar sub-expression) is
//!   evaluated first, left to right, into a planner temporary (a local named `$n<k>`),
//!   as the interpreter evaluates a tree's leaves first.
//! * Calls inside expressions that the code generator hands to the runtime (printing,
//!   constructors, views) are taken out the same way, so callees always run natively.
//! * Sub-expressions evaluated only conditionally (`a if c else b`, the right side of
//!   `and`/`or`, later operands of a comparison chain) are planned only when that needs no
//!   temporary; otherwise they stay as written.
//! * A `while` condition that needs temporaries is re-evaluated at the top of the body.
//!
//! Temporaries created inside a `prange` body are added to its private locals.

use crate::nest::*;
use crate::{PlannedFunc, PlannedProgram};
use kernelc_runtime::{DType, Scalar};
use kernelc_sema::tir::*;
use kernelc_syntax::Span;

/// Plans every function of a program.
pub fn plan_program(p: &Program) -> PlannedProgram {
    PlannedProgram {
        funcs: p.funcs.iter().map(plan_func).collect(),
        entry: p.entry,
    }
}

/// Plans one function.
pub fn plan_func(f: &Func) -> PlannedFunc {
    let mut p = Planner {
        locals: f.locals.clone(),
        nests: Vec::new(),
        private: Vec::new(),
    };
    let body = p.block(&f.body);
    for n in &mut p.nests {
        if elem_fallible(&n.elem) {
            n.fallback = Some(to_expr(&n.elem, &n.operands, &p.locals));
        }
    }
    PlannedFunc {
        func: Func {
            name: f.name.clone(),
            params: f.params.clone(),
            locals: p.locals,
            ret: f.ret,
            body,
            span: f.span,
        },
        nests: p.nests,
    }
}

struct Planner {
    locals: Vec<Local>,
    nests: Vec<Nest>,
    /// The private-local lists of the enclosing `prange` bodies being planned.
    private: Vec<Vec<LocalId>>,
}

/// True for array-typed element-wise operations (the nodes of a fused tree).
fn elementwise(e: &Expr) -> bool {
    e.ty.is_array()
        && matches!(
            e.kind,
            ExprKind::Unary(..)
                | ExprKind::Binary(..)
                | ExprKind::PowInt(..)
                | ExprKind::Cast(..)
                | ExprKind::Math(..)
                | ExprKind::Where(..)
        )
}

/// True for the nodes of one nest's element expression: element-wise and call-free (a
/// tree with a call runs operator by operator, as the interpreter runs it, so a call's
/// effects and the operators' errors keep Python's order).
fn fused_node(e: &Expr) -> bool {
    elementwise(e) && !has_call(e)
}

/// True for expressions that become a nest of their own.
fn nest_root(e: &Expr) -> bool {
    elementwise(e)
        || matches!(&e.kind, ExprKind::Reduce { arg, .. } if arg.ty.is_array())
        || matches!(e.kind, ExprKind::Dot(..))
}

/// True when planning `e` could change it (a nest or a call inside).
fn needs_plan(e: &Expr) -> bool {
    let mut found = false;
    kernelc_sema::pretty::walk_expr(e, &mut |x| {
        found |= nest_root(x) || matches!(x.kind, ExprKind::Call(..) | ExprKind::Lib(..));
    });
    found
}

fn has_call(e: &Expr) -> bool {
    let mut found = false;
    kernelc_sema::pretty::walk_expr(e, &mut |x| found |= matches!(x.kind, ExprKind::Call(..)));
    found
}

/// The interpreter's test for evaluating `e` as one fused tree (its `is_fusable` and
/// `children_fusable`): the shape check then covers all of the tree's array leaves at once.
fn interp_fusable(e: &Expr) -> bool {
    elementwise(e) && !has_call(e)
}

fn interp_fuses(e: &Expr) -> bool {
    interp_fusable(e)
        && match &e.kind {
            ExprKind::Binary(_, l, r) => interp_fusable(l) || interp_fusable(r),
            ExprKind::Unary(_, x) | ExprKind::PowInt(x, _) | ExprKind::Cast(x) => interp_fusable(x),
            ExprKind::Math(_, args) => args.iter().any(interp_fusable),
            ExprKind::Where(c, a, b) => interp_fusable(c) || interp_fusable(a) || interp_fusable(b),
            _ => false,
        }
}

/// True when an element-wise tree can fail element by element (integer `//`, `%`, `**`;
/// float to integer casts): then the order in which elements are visited decides which
/// error is reported.
fn fallible(e: &Expr) -> bool {
    if !elementwise(e) {
        return false;
    }
    let own = match &e.kind {
        ExprKind::Binary(op, a, _) => {
            matches!(op, BinOp::FloorDiv | BinOp::Mod | BinOp::Pow)
                && a.ty.dtype().is_some_and(|d| !d.is_float())
        }
        ExprKind::Cast(x) => {
            x.ty.dtype().is_some_and(|d| d.is_float())
                && e.ty
                    .dtype()
                    .is_some_and(|d| !d.is_float() && d != DType::Bool)
        }
        _ => false,
    };
    own || ew_children(e).into_iter().any(fallible)
}

/// The element-wise children of an element-wise node, in evaluation order.
fn ew_children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Unary(_, x) | ExprKind::PowInt(x, _) | ExprKind::Cast(x) => vec![x],
        ExprKind::Binary(_, a, b) => vec![a, b],
        ExprKind::Math(_, xs) => xs.iter().collect(),
        ExprKind::Where(a, b, c) => vec![a, b, c],
        _ => Vec::new(),
    }
}

/// The shape steps of an array-typed expression `e` whose array leaves are operands
/// `next, next+1, ...` in left-to-right order, as the interpreter checks them.
fn shape_steps(e: &Expr, next: &mut usize, out: &mut Vec<ShapeStep>) {
    if !elementwise(e) || has_call(e) {
        out.push(ShapeStep::Operand(*next));
        *next += 1;
    } else if interp_fuses(e) {
        // One check over every array leaf of the fused tree, at its root.
        fn leaves(e: &Expr, next: &mut usize, out: &mut Vec<ShapeStep>, n: &mut u8) {
            if !e.ty.is_array() {
                return;
            }
            if elementwise(e) {
                for c in ew_children(e) {
                    leaves(c, next, out, n);
                }
            } else {
                out.push(ShapeStep::Operand(*next));
                *next += 1;
                *n = n.saturating_add(1);
            }
        }
        let mut n = 0;
        leaves(e, next, out, &mut n);
        out.push(ShapeStep::Broadcast(n, e.span));
    } else {
        // Operator by operator; scalars take part as shape `()`.
        let kids = ew_children(e);
        for c in &kids {
            if c.ty.is_array() {
                shape_steps(c, next, out);
            } else {
                out.push(ShapeStep::Scalar);
            }
        }
        out.push(ShapeStep::Broadcast(kids.len() as u8, e.span));
    }
}

/// Operands of a nest under construction.
#[derive(Default)]
struct Operands {
    list: Vec<Operand>,
}

impl Planner {
    // ---- temporaries -----------------------------------------------------------------

    fn temp(&mut self, ty: Type, span: Span) -> LocalId {
        let id = self.locals.len();
        self.locals.push(Local {
            name: format!("$n{id}"),
            ty,
            span,
        });
        if let Some(p) = self.private.last_mut() {
            p.push(id);
        }
        id
    }

    /// Assigns `value` to a new temporary (in `pre`) and returns it.
    fn hoist(&mut self, value: Expr, pre: &mut Vec<Stmt>) -> LocalId {
        let id = self.temp(value.ty, value.span);
        pre.push(Stmt {
            span: value.span,
            kind: StmtKind::Assign { local: id, value },
        });
        id
    }

    fn local_expr(&self, id: LocalId, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Local(id),
            ty: self.locals[id].ty,
            span,
        }
    }

    /// A planned expression as a local or constant: hoisted unless it already is one.
    fn leaf(&mut self, e: &Expr, pre: &mut Vec<Stmt>) -> Leaf {
        let p = self.expr(e, pre);
        match p.kind {
            ExprKind::Const(s) => Leaf::Const(s),
            ExprKind::Local(id) => Leaf::Local(id),
            _ => Leaf::Local(self.hoist(p, pre)),
        }
    }

    /// A planned array expression as an array local (hoisted unless it is one).
    fn array_local(&mut self, e: &Expr, pre: &mut Vec<Stmt>) -> LocalId {
        let p = self.expr(e, pre);
        match p.kind {
            ExprKind::Local(id) => id,
            _ => self.hoist(p, pre),
        }
    }

    fn push_nest(&mut self, n: Nest) -> NestId {
        self.nests.push(n);
        self.nests.len() - 1
    }

    // ---- statements ------------------------------------------------------------------

    fn block(&mut self, b: &[Stmt]) -> Vec<Stmt> {
        let mut out = Vec::with_capacity(b.len());
        for s in b {
            let mut pre = Vec::new();
            let s2 = self.stmt(s, &mut pre);
            out.extend(pre);
            out.push(s2);
        }
        out
    }

    fn stmt(&mut self, s: &Stmt, pre: &mut Vec<Stmt>) -> Stmt {
        let kind = match &s.kind {
            StmtKind::Assign { local, value } => StmtKind::Assign {
                local: *local,
                value: self.expr(value, pre),
            },
            StmtKind::Store {
                array,
                index,
                aug,
                value,
            } => {
                let one = index.len() == array.ty.ndim()
                    && index.iter().all(|i| matches!(i, Index::Int(_)));
                let element = one && matches!(array.kind, ExprKind::Local(_));
                if one && !element {
                    // One element of a view or of a call's result (`m[1][2] = v`,
                    // `m.T[0, 1] += 1`): the target array becomes a local, in the
                    // interpreter's order (for `=` the value first), then an element store.
                    let mut value = value.clone();
                    if aug.is_none() {
                        let v = self.expr(&value, pre);
                        let id = self.hoist(v, pre);
                        value = self.local_expr(id, s.span);
                    }
                    let a = self.expr(array, pre);
                    let id = self.hoist(a, pre);
                    let store = Stmt {
                        kind: StmtKind::Store {
                            array: self.local_expr(id, array.span),
                            index: index.clone(),
                            aug: *aug,
                            value,
                        },
                        span: s.span,
                    };
                    return self.stmt(&store, pre);
                }
                if element {
                    // The interpreter evaluates the value, then the indices (for `op=`:
                    // the indices, then the value).
                    let idx: Vec<&Expr> = index
                        .iter()
                        .filter_map(|i| match i {
                            Index::Int(x) => Some(x),
                            _ => None,
                        })
                        .collect();
                    let (value, index) = if aug.is_none() {
                        let mut xs = vec![value];
                        xs.extend(idx);
                        let mut planned = self.seq(&xs, pre);
                        let value = planned.remove(0);
                        (value, planned)
                    } else {
                        let mut xs = idx;
                        xs.push(value);
                        let mut planned = self.seq(&xs, pre);
                        let value = planned.pop().expect("value");
                        (value, planned)
                    };
                    let index = index.into_iter().map(Index::Int).collect();
                    StmtKind::Store {
                        array: array.clone(),
                        index,
                        aug: *aug,
                        value,
                    }
                } else {
                    StmtKind::Nest(self.store(s.span, array, index, *aug, value, pre))
                }
            }
            StmtKind::If { cond, then, orelse } => StmtKind::If {
                cond: self.expr(cond, pre),
                then: self.block(then),
                orelse: self.block(orelse),
            },
            StmtKind::While { cond, body } => {
                let mut cpre = Vec::new();
                let c = self.expr(cond, &mut cpre);
                let body = self.block(body);
                if cpre.is_empty() {
                    StmtKind::While { cond: c, body }
                } else {
                    // `while True: pre; if not c: break; body`.
                    let span = cond.span;
                    let not = Expr {
                        kind: ExprKind::Unary(UnOp::Not, Box::new(c)),
                        ty: Type::Scalar(DType::Bool),
                        span,
                    };
                    let mut b = cpre;
                    b.push(Stmt {
                        kind: StmtKind::If {
                            cond: not,
                            then: vec![Stmt {
                                kind: StmtKind::Break,
                                span,
                            }],
                            orelse: Vec::new(),
                        },
                        span,
                    });
                    b.extend(body);
                    StmtKind::While {
                        cond: Expr {
                            kind: ExprKind::Const(Scalar::Bool(true)),
                            ty: Type::Scalar(DType::Bool),
                            span,
                        },
                        body: b,
                    }
                }
            }
            StmtKind::For {
                var,
                start,
                stop,
                step,
                body,
                parallel,
            } => {
                let start = self.expr(start, pre);
                let stop = self.expr(stop, pre);
                let step = self.expr(step, pre);
                let (body, parallel) = match parallel {
                    Some(par) => {
                        self.private.push(par.private.clone());
                        let body = self.block(body);
                        let private = self.private.pop().unwrap_or_default();
                        let par = Parallel {
                            reductions: par.reductions.clone(),
                            private,
                        };
                        (body, Some(par))
                    }
                    None => (self.block(body), None),
                };
                StmtKind::For {
                    var: *var,
                    start,
                    stop,
                    step,
                    body,
                    parallel,
                }
            }
            StmtKind::SelectStore { array, sel, value } => {
                // The value first, then the target and the selector (as the interpreter).
                let [value, array, operand]: [Expr; 3] = self
                    .seq(&[value, array, sel.operand()], pre)
                    .try_into()
                    .expect("three");
                let mut sel = sel.clone();
                *sel.operand_mut() = operand;
                StmtKind::SelectStore { array, sel, value }
            }
            StmtKind::Unpack { locals, value } => StmtKind::Unpack {
                locals: locals.clone(),
                value: self.expr(value, pre),
            },
            StmtKind::Return(Some(e)) => StmtKind::Return(Some(self.expr(e, pre))),
            StmtKind::Expr(e) => StmtKind::Expr(self.expr(e, pre)),
            other => other.clone(),
        };
        Stmt { kind, span: s.span }
    }

    /// A region store as a `Store` nest (with its path through a temporary for overlap).
    fn store(
        &mut self,
        span: Span,
        array: &Expr,
        index: &[Index],
        aug: Option<AugOp>,
        value: &Expr,
        pre: &mut Vec<Stmt>,
    ) -> NestId {
        // The interpreter evaluates a plain store's value before its target, and the value
        // of an augmented store after it.
        let mut ops = Operands::default();
        ops.list.push(Operand {
            array: 0,
            dtype: DType::Bool,
            base_ndim: 0,
            view: Vec::new(),
            ndim: 0,
            span,
        });
        let materialized;
        let mut value = value;
        let (target, elem) = if aug.is_none() {
            let elem = self.elem(value, &mut ops, pre);
            (self.view_operand(array, index, span, pre), elem)
        } else {
            let t = self.view_operand(array, index, span, pre);
            // The interpreter computes the value of `op=` whole (over its own shape)
            // before updating: a value that can fail is computed first here too, so its
            // errors come first and also surface when the target is empty.
            if fallible(value) {
                let l = self.array_local(value, pre);
                materialized = self.local_expr(l, value.span);
                value = &materialized;
            }
            (t, self.elem(value, &mut ops, pre))
        };
        let ndim = target.ndim;
        let tdtype = target.dtype;
        ops.list[0] = target;
        let mut steps = Vec::new();
        if value.ty.is_array() {
            shape_steps(value, &mut 1, &mut steps);
        }
        // The path through a temporary: materialise the value, then copy it.
        let overlap = if value.ty.is_array() {
            let vty = Type::Array(ArrayType {
                dtype: elem.dtype,
                ndim: value.ty.ndim() as u8,
            });
            let temp = self.temp(vty, value.span);
            let shifted = shift_reads(&elem, -1);
            let mut msteps = Vec::new();
            shape_steps(value, &mut 0, &mut msteps);
            let materialize = self.push_nest(Nest {
                fallback: None,
                ndim: value.ty.ndim(),
                operands: ops.list[1..].to_vec(),
                elem: shifted,
                sink: Sink::NewArray,
                shape_steps: msteps,
                span: value.span,
            });
            let copy = self.push_nest(Nest {
                fallback: None,
                ndim,
                operands: vec![
                    ops.list[0].clone(),
                    Operand {
                        array: temp,
                        dtype: elem.dtype,
                        base_ndim: value.ty.ndim(),
                        view: Vec::new(),
                        ndim: value.ty.ndim(),
                        span: value.span,
                    },
                ],
                elem: Elem {
                    kind: ElemKind::Read(1),
                    dtype: elem.dtype,
                    span: value.span,
                },
                sink: Sink::Store { aug, overlap: None },
                shape_steps: vec![ShapeStep::Operand(1)],
                span,
            });
            Some(ViaTemp {
                temp,
                materialize,
                then: copy,
            })
        } else {
            None
        };
        let _ = tdtype;
        // The interpreter evaluates a fused value straight into the target and reports a
        // shape mismatch at the value; otherwise at the statement.
        let span = if aug.is_none() && interp_fusable(value) {
            value.span
        } else {
            span
        };
        self.push_nest(Nest {
            fallback: None,
            ndim,
            operands: ops.list,
            elem,
            sink: Sink::Store { aug, overlap },
            shape_steps: steps,
            span,
        })
    }

    /// The target of a store, or an array read through a view, as an operand.
    fn view_operand(
        &mut self,
        array: &Expr,
        index: &[Index],
        span: Span,
        pre: &mut Vec<Stmt>,
    ) -> Operand {
        let base = self.array_local(array, pre);
        let base_ndim = array.ty.ndim();
        let mut view = Vec::new();
        let mut removed = 0;
        for it in index {
            match it {
                Index::Int(x) => {
                    removed += 1;
                    view.push(ViewItem::Int(self.leaf(x, pre), x.span))
                }
                Index::Slice {
                    start,
                    stop,
                    step,
                    span,
                } => {
                    let mut opt = |x: &Option<Expr>| x.as_ref().map(|x| self.leaf(x, pre));
                    let (start, stop, step) = (opt(start), opt(stop), opt(step));
                    view.push(ViewItem::Slice {
                        start,
                        stop,
                        step,
                        span: *span,
                    })
                }
            }
        }
        // `a[:]` and `a[:, :]` are the whole array.
        if view.iter().all(|v| {
            matches!(
                v,
                ViewItem::Slice {
                    start: None,
                    stop: None,
                    step: None,
                    ..
                }
            )
        }) {
            view.clear();
        }
        Operand {
            array: base,
            dtype: array.ty.dtype().unwrap_or(DType::F64),
            base_ndim,
            view,
            ndim: base_ndim - removed,
            span,
        }
    }

    // ---- expressions -----------------------------------------------------------------

    /// The element expression of `e` (array-typed: a tree over operands; scalar: a leaf
    /// evaluated before the nest).
    fn elem(&mut self, e: &Expr, ops: &mut Operands, pre: &mut Vec<Stmt>) -> Elem {
        let dtype = e.ty.dtype().unwrap_or(DType::F64);
        let kind = if !e.ty.is_array() {
            ElemKind::Scalar(self.leaf(e, pre))
        } else {
            match &e.kind {
                ExprKind::Unary(op, x) if fused_node(e) => {
                    ElemKind::Unary(*op, Box::new(self.elem(x, ops, pre)))
                }
                ExprKind::Binary(op, a, b) if fused_node(e) => {
                    let a = self.elem(a, ops, pre);
                    let b = self.elem(b, ops, pre);
                    ElemKind::Binary(*op, Box::new(a), Box::new(b))
                }
                ExprKind::PowInt(x, n) if fused_node(e) => {
                    ElemKind::PowInt(Box::new(self.elem(x, ops, pre)), *n)
                }
                ExprKind::Cast(x) if fused_node(e) => {
                    ElemKind::Cast(Box::new(self.elem(x, ops, pre)))
                }
                ExprKind::Math(f, xs) if fused_node(e) => {
                    ElemKind::Math(*f, xs.iter().map(|x| self.elem(x, ops, pre)).collect())
                }
                ExprKind::Where(c, a, b) if fused_node(e) => {
                    let c = self.elem(c, ops, pre);
                    let a = self.elem(a, ops, pre);
                    let b = self.elem(b, ops, pre);
                    ElemKind::Where(Box::new(c), Box::new(a), Box::new(b))
                }
                ExprKind::Index(base, index)
                    if matches!(base.kind, ExprKind::Local(_)) || !needs_plan(base) =>
                {
                    let op = self.view_operand(base, index, e.span, pre);
                    ops.list.push(op);
                    ElemKind::Read(ops.list.len() - 1)
                }
                _ => {
                    let id = self.array_local(e, pre);
                    ops.list.push(Operand {
                        array: id,
                        dtype,
                        base_ndim: e.ty.ndim(),
                        view: Vec::new(),
                        ndim: e.ty.ndim(),
                        span: e.span,
                    });
                    ElemKind::Read(ops.list.len() - 1)
                }
            }
        };
        Elem {
            kind,
            dtype,
            span: e.span,
        }
    }

    /// A `NewArray` nest for an element-wise tree.
    fn new_array(&mut self, e: &Expr, pre: &mut Vec<Stmt>) -> Expr {
        if has_call(e) {
            return self.new_array_op(e, pre);
        }
        let mut ops = Operands::default();
        let elem = self.elem(e, &mut ops, pre);
        let mut steps = Vec::new();
        shape_steps(e, &mut 0, &mut steps);
        let id = self.push_nest(Nest {
            fallback: None,
            ndim: e.ty.ndim(),
            operands: ops.list,
            elem,
            sink: Sink::NewArray,
            shape_steps: steps,
            span: e.span,
        });
        Expr {
            kind: ExprKind::Nest(id),
            ty: e.ty,
            span: e.span,
        }
    }

    /// One operator of a tree with a call: its operands are evaluated first, in order
    /// (sub-trees as nests of their own), then the operator is a nest over them.
    fn new_array_op(&mut self, e: &Expr, pre: &mut Vec<Stmt>) -> Expr {
        let kids = ew_children(e);
        let planned = self.seq(&kids, pre);
        let mut ops = Operands::default();
        let mut steps = Vec::new();
        let mut elems = Vec::new();
        for (k, p) in kids.iter().zip(planned) {
            let kind = if p.ty.is_array() {
                let id = match p.kind {
                    ExprKind::Local(id) => id,
                    _ => self.hoist(p, pre),
                };
                ops.list.push(Operand {
                    array: id,
                    dtype: k.ty.dtype().unwrap_or(DType::F64),
                    base_ndim: k.ty.ndim(),
                    view: Vec::new(),
                    ndim: k.ty.ndim(),
                    span: k.span,
                });
                steps.push(ShapeStep::Operand(ops.list.len() - 1));
                ElemKind::Read(ops.list.len() - 1)
            } else {
                steps.push(ShapeStep::Scalar);
                ElemKind::Scalar(match p.kind {
                    ExprKind::Const(c) => Leaf::Const(c),
                    ExprKind::Local(id) => Leaf::Local(id),
                    _ => Leaf::Local(self.hoist(p, pre)),
                })
            };
            elems.push(Elem {
                kind,
                dtype: k.ty.dtype().unwrap_or(DType::F64),
                span: k.span,
            });
        }
        steps.push(ShapeStep::Broadcast(kids.len() as u8, e.span));
        let mut it = elems.into_iter().map(Box::new);
        let mut next = || it.next().expect("operand");
        let kind = match &e.kind {
            ExprKind::Unary(op, _) => ElemKind::Unary(*op, next()),
            ExprKind::Binary(op, _, _) => ElemKind::Binary(*op, next(), next()),
            ExprKind::PowInt(_, n) => ElemKind::PowInt(next(), *n),
            ExprKind::Cast(_) => ElemKind::Cast(next()),
            ExprKind::Math(f, xs) => ElemKind::Math(*f, (0..xs.len()).map(|_| *next()).collect()),
            _ => ElemKind::Where(next(), next(), next()),
        };
        let id = self.push_nest(Nest {
            fallback: None,
            ndim: e.ty.ndim(),
            operands: ops.list,
            elem: Elem {
                kind,
                dtype: e.ty.dtype().unwrap_or(DType::F64),
                span: e.span,
            },
            sink: Sink::NewArray,
            shape_steps: steps,
            span: e.span,
        });
        Expr {
            kind: ExprKind::Nest(id),
            ty: e.ty,
            span: e.span,
        }
    }

    /// A `Reduce` nest for `op(arg, axis)` or `dot(a, b)`.
    fn reduce(
        &mut self,
        e: &Expr,
        op: ReduceOp,
        axis: Option<usize>,
        args: &[&Expr],
        pre: &mut Vec<Stmt>,
    ) -> Expr {
        let mut ops = Operands::default();
        let mut steps = Vec::new();
        let mut next = 0;
        let elem = if let [a, b] = args {
            let x = self.elem(a, &mut ops, pre);
            let y = self.elem(b, &mut ops, pre);
            shape_steps(a, &mut next, &mut steps);
            shape_steps(b, &mut next, &mut steps);
            steps.push(ShapeStep::Aligned(e.span));
            let bin = if x.dtype == DType::Bool {
                BinOp::BitAnd
            } else {
                BinOp::Mul
            };
            Elem {
                dtype: x.dtype,
                span: e.span,
                kind: ElemKind::Binary(bin, Box::new(x), Box::new(y)),
            }
        } else {
            // Along an outer axis the lines are not visited in C order: a tree that can
            // fail is computed first (in C order, as the interpreter does), then reduced.
            let outer = axis.is_some_and(|k| k + 1 < args[0].ty.ndim());
            let materialized;
            let arg = if outer && fallible(args[0]) {
                let l = self.array_local(args[0], pre);
                materialized = self.local_expr(l, args[0].span);
                &materialized
            } else {
                args[0]
            };
            shape_steps(arg, &mut next, &mut steps);
            self.elem(arg, &mut ops, pre)
        };
        let ndim = args[0].ty.ndim();
        let float = elem.dtype.is_float();
        let pairwise = float
            && matches!(op, ReduceOp::Sum | ReduceOp::Mean | ReduceOp::Norm)
            && axis.is_none_or(|k| k + 1 == ndim);
        let order = if pairwise {
            Order::Pairwise
        } else {
            Order::InOrder
        };
        // A pairwise sum over all elements of a space of rank >= 2 may need the values in
        // C order first (when the operands do not flatten to one line).
        let unflattened = if pairwise && axis.is_none() && ndim >= 2 {
            let vty = Type::Array(ArrayType {
                dtype: elem.dtype,
                ndim: ndim as u8,
            });
            let temp = self.temp(vty, e.span);
            let materialize = self.push_nest(Nest {
                fallback: None,
                ndim,
                operands: ops.list.clone(),
                elem: elem.clone(),
                sink: Sink::NewArray,
                shape_steps: steps.clone(),
                span: e.span,
            });
            let then = self.push_nest(Nest {
                fallback: None,
                ndim,
                operands: vec![Operand {
                    array: temp,
                    dtype: elem.dtype,
                    base_ndim: ndim,
                    view: Vec::new(),
                    ndim,
                    span: e.span,
                }],
                elem: Elem {
                    kind: ElemKind::Read(0),
                    dtype: elem.dtype,
                    span: e.span,
                },
                sink: Sink::Reduce {
                    op,
                    axis,
                    order,
                    unflattened: None,
                },
                shape_steps: vec![ShapeStep::Operand(0)],
                span: e.span,
            });
            Some(ViaTemp {
                temp,
                materialize,
                then,
            })
        } else {
            None
        };
        let id = self.push_nest(Nest {
            fallback: None,
            ndim,
            operands: ops.list,
            elem,
            sink: Sink::Reduce {
                op,
                axis,
                order,
                unflattened,
            },
            shape_steps: steps,
            span: e.span,
        });
        Expr {
            kind: ExprKind::Nest(id),
            ty: e.ty,
            span: e.span,
        }
    }

    /// Plans operands evaluated left to right. When one of them needs statements to run
    /// first, every earlier operand that is not a constant or a local is evaluated first
    /// too (into a temporary, in order), so effects and errors keep Python's order.
    fn seq(&mut self, xs: &[&Expr], pre: &mut Vec<Stmt>) -> Vec<Expr> {
        self.seq_with(xs, pre, |_| false)
    }

    /// [`Self::seq`], where operands for which `local` holds must end up as locals (array
    /// arguments of calls): hoisting one counts as a statement that runs first.
    fn seq_with(
        &mut self,
        xs: &[&Expr],
        pre: &mut Vec<Stmt>,
        local: impl Fn(&Expr) -> bool,
    ) -> Vec<Expr> {
        let mut out: Vec<Expr> = Vec::with_capacity(xs.len());
        for x in xs {
            let mut p = Vec::new();
            let mut e = self.expr(x, &mut p);
            if local(&e) && !matches!(e.kind, ExprKind::Local(_)) {
                let id = self.hoist(e.clone(), &mut p);
                e = self.local_expr(id, e.span);
            }
            if !p.is_empty() {
                for prev in out.iter_mut() {
                    self.freeze(prev, pre);
                }
                pre.extend(p);
            }
            out.push(e);
        }
        out
    }

    /// A conditionally evaluated sub-expression: planned only if that needs no temporary.
    fn cond_expr(&mut self, e: &Expr) -> Expr {
        let mut pre = Vec::new();
        let p = self.expr(e, &mut pre);
        if pre.is_empty() {
            p
        } else {
            e.clone()
        }
    }

    /// A sub-expression of an operation the runtime evaluates: left as written unless it
    /// has a call or array work in it, which then runs first (natively) into a temporary.
    fn runtime_operand(&mut self, e: &Expr, pre: &mut Vec<Stmt>) -> Expr {
        if let (true, Type::Tuple(tt)) = (needs_plan(e), e.ty) {
            // A tuple: its items one by one, or its value unpacked into temporaries.
            if let ExprKind::Tuple(items) = &e.kind {
                let items = items.iter().map(|x| self.runtime_operand(x, pre)).collect();
                return Expr {
                    kind: ExprKind::Tuple(items),
                    ty: e.ty,
                    span: e.span,
                };
            }
            let p = self.expr(e, pre);
            let temps: Vec<LocalId> = tt
                .leaves()
                .into_iter()
                .map(|t| self.temp(t, e.span))
                .collect();
            pre.push(Stmt {
                span: e.span,
                kind: StmtKind::Unpack {
                    locals: temps.clone(),
                    value: p,
                },
            });
            let mut it = temps.into_iter();
            return self.rebuild_tuple(tt, &mut it, e.span);
        }
        if needs_plan(e) && matches!(e.ty, Type::Scalar(_) | Type::Array(_)) {
            let p = self.expr(e, pre);
            if matches!(p.kind, ExprKind::Local(_) | ExprKind::Const(_)) {
                return p;
            }
            let id = self.hoist(p, pre);
            self.local_expr(id, e.span)
        } else {
            e.clone()
        }
    }

    /// A tuple of type `tt` read from leaf locals taken from `it`.
    fn rebuild_tuple(
        &self,
        tt: kernelc_sema::tir::TupleType,
        it: &mut impl Iterator<Item = LocalId>,
        span: Span,
    ) -> Expr {
        let items = tt
            .elems()
            .iter()
            .map(|&t| match t {
                Type::Tuple(et) => self.rebuild_tuple(et, it, span),
                _ => self.local_expr(it.next().expect("one leaf per element"), span),
            })
            .collect();
        Expr {
            kind: ExprKind::Tuple(items),
            ty: Type::Tuple(tt),
            span,
        }
    }

    /// Plans an expression; what must run first goes to `pre`.
    fn expr(&mut self, e: &Expr, pre: &mut Vec<Stmt>) -> Expr {
        if elementwise(e) {
            return self.new_array(e, pre);
        }
        let kind = match &e.kind {
            ExprKind::Reduce { op, arg, axis } if arg.ty.is_array() => {
                return self.reduce(e, *op, *axis, &[arg], pre)
            }
            ExprKind::Dot(a, b) => return self.reduce(e, ReduceOp::Sum, None, &[a, b], pre),
            ExprKind::Const(_) | ExprKind::Str(_) | ExprKind::Local(_) | ExprKind::Nest(_) => {
                return e.clone()
            }
            // Scalar operations the code generator lowers itself.
            ExprKind::Unary(op, x) => ExprKind::Unary(*op, Box::new(self.expr(x, pre))),
            ExprKind::Binary(op, a, b) => {
                let [a, b]: [Expr; 2] = self.seq(&[a, b], pre).try_into().expect("two");
                ExprKind::Binary(*op, Box::new(a), Box::new(b))
            }
            ExprKind::PowInt(x, n) => ExprKind::PowInt(Box::new(self.expr(x, pre)), *n),
            ExprKind::Cast(x) => ExprKind::Cast(Box::new(self.expr(x, pre))),
            ExprKind::Math(f, xs) => {
                let xs: Vec<&Expr> = xs.iter().collect();
                ExprKind::Math(*f, self.seq(&xs, pre))
            }
            ExprKind::Logical(op, a, b) => {
                let a = self.expr(a, pre);
                ExprKind::Logical(*op, Box::new(a), Box::new(self.cond_expr(b)))
            }
            ExprKind::Chain(xs, ops) => {
                let mut v = vec![self.expr(&xs[0], pre)];
                v.extend(xs[1..].iter().map(|x| self.cond_expr(x)));
                ExprKind::Chain(v, ops.clone())
            }
            ExprKind::IfExp { cond, then, orelse } => ExprKind::IfExp {
                cond: Box::new(self.expr(cond, pre)),
                then: Box::new(self.cond_expr(then)),
                orelse: Box::new(self.cond_expr(orelse)),
            },
            ExprKind::Call(id, args) => {
                // Array arguments are passed as locals (a handle).
                let xs: Vec<&Expr> = args.iter().collect();
                let args = self.seq_with(&xs, pre, |a| a.ty.is_array());
                ExprKind::Call(*id, args)
            }
            ExprKind::Lib(l, args) => {
                // A runtime library helper called natively: array arguments as locals.
                let xs: Vec<&Expr> = args.iter().collect();
                let args = self.seq_with(&xs, pre, |a| a.ty.is_array());
                ExprKind::Lib(*l, args)
            }
            ExprKind::Index(base, index) if !e.ty.is_array() && base.ty.is_array() => {
                let all_int = index.len() == base.ty.ndim()
                    && index.iter().all(|i| matches!(i, Index::Int(_)));
                if all_int {
                    // One element: native when the base is a local.
                    let mut xs: Vec<&Expr> = vec![base];
                    xs.extend(index.iter().filter_map(|i| match i {
                        Index::Int(x) => Some(x),
                        _ => None,
                    }));
                    let mut planned = self.seq(&xs, pre).into_iter();
                    let b = planned.next().expect("base");
                    let b = match b.kind {
                        ExprKind::Local(id) => id,
                        _ => self.hoist(b, pre),
                    };
                    let index = planned.map(Index::Int).collect();
                    ExprKind::Index(Box::new(self.local_expr(b, base.span)), index)
                } else {
                    self.runtime_kind(e, pre)
                }
            }
            ExprKind::Index(base, index) if e.ty.is_array() && base.ty.is_array() => {
                // A view: of a local (a view of a view gets its base as a temporary), the
                // index values in order.
                let b = self.array_local(base, pre);
                let mut xs: Vec<&Expr> = Vec::new();
                for i in index {
                    match i {
                        Index::Int(x) => xs.push(x),
                        Index::Slice {
                            start, stop, step, ..
                        } => xs.extend([start, stop, step].into_iter().flatten()),
                    }
                }
                let mut planned = self.seq(&xs, pre).into_iter();
                let index = index
                    .iter()
                    .map(|i| match i {
                        Index::Int(_) => Index::Int(planned.next().expect("an index")),
                        Index::Slice {
                            start,
                            stop,
                            step,
                            span,
                        } => {
                            let mut take = |x: &Option<Expr>| {
                                x.as_ref().map(|_| planned.next().expect("a bound"))
                            };
                            Index::Slice {
                                start: take(start),
                                stop: take(stop),
                                step: take(step),
                                span: *span,
                            }
                        }
                    })
                    .collect();
                ExprKind::Index(Box::new(self.local_expr(b, base.span)), index)
            }
            ExprKind::Dim(a, k) => {
                let l = self.array_local(a, pre);
                ExprKind::Dim(Box::new(self.local_expr(l, a.span)), *k)
            }
            ExprKind::Size(a) => {
                let l = self.array_local(a, pre);
                ExprKind::Size(Box::new(self.local_expr(l, a.span)))
            }
            // Tuples: native (their items in order).
            ExprKind::Shape(a) => {
                let l = self.array_local(a, pre);
                ExprKind::Shape(Box::new(self.local_expr(l, a.span)))
            }
            ExprKind::Tuple(items) => {
                let xs: Vec<&Expr> = items.iter().collect();
                ExprKind::Tuple(self.seq(&xs, pre))
            }
            ExprKind::TupleGet(x, k) => ExprKind::TupleGet(Box::new(self.expr(x, pre)), *k),
            ExprKind::Random { dist, shape: None } => {
                let dist = match dist {
                    Dist::Randint { lo, hi } => Dist::Randint {
                        lo: Box::new(self.expr(lo, pre)),
                        hi: Box::new(self.expr(hi, pre)),
                    },
                    other => other.clone(),
                };
                ExprKind::Random { dist, shape: None }
            }
            ExprKind::Seed(x) => ExprKind::Seed(Box::new(self.expr(x, pre))),
            // Printing, formatting, constructors and random arrays: native, their operands
            // in the interpreter's order.
            ExprKind::Print(args, raw) => {
                let xs: Vec<&Expr> = args.iter().collect();
                ExprKind::Print(self.seq(&xs, pre), *raw)
            }
            ExprKind::Format(parts) => {
                let xs: Vec<&Expr> = parts
                    .iter()
                    .filter_map(|p| match p {
                        FmtPart::Field(x, _) => Some(x),
                        FmtPart::Text(_) => None,
                    })
                    .collect();
                let mut planned = self.seq(&xs, pre).into_iter();
                ExprKind::Format(
                    parts
                        .iter()
                        .map(|p| match p {
                            FmtPart::Field(_, spec) => {
                                FmtPart::Field(planned.next().expect("a field"), spec.clone())
                            }
                            t => t.clone(),
                        })
                        .collect(),
                )
            }
            ExprKind::Alloc(a) => ExprKind::Alloc(self.alloc(a, pre)),
            ExprKind::Random {
                dist,
                shape: Some(shape),
            } => {
                let mut xs: Vec<&Expr> = match dist {
                    Dist::Randint { lo, hi } => vec![lo, hi],
                    _ => Vec::new(),
                };
                xs.push(shape);
                let mut planned = self.seq(&xs, pre);
                let shape = planned.pop().expect("a shape");
                let dist = match dist {
                    Dist::Randint { .. } => {
                        let mut it = planned.into_iter();
                        Dist::Randint {
                            lo: Box::new(it.next().expect("lo")),
                            hi: Box::new(it.next().expect("hi")),
                        }
                    }
                    other => other.clone(),
                };
                ExprKind::Random {
                    dist,
                    shape: Some(Box::new(shape)),
                }
            }
            // Everything else is evaluated by the runtime.
            _ => self.runtime_kind(e, pre),
        };
        Expr {
            kind,
            ty: e.ty,
            span: e.span,
        }
    }

    /// A constructor with its operands planned in evaluation order.
    fn alloc(&mut self, a: &Alloc, pre: &mut Vec<Stmt>) -> Alloc {
        let b = |e: Expr| Box::new(e);
        match a {
            Alloc::Zeros { shape } => Alloc::Zeros {
                shape: b(self.expr(shape, pre)),
            },
            Alloc::Ones { shape } => Alloc::Ones {
                shape: b(self.expr(shape, pre)),
            },
            Alloc::Full { shape, value } => {
                let [shape, value]: [Expr; 2] =
                    self.seq(&[shape, value], pre).try_into().expect("two");
                Alloc::Full {
                    shape: b(shape),
                    value: b(value),
                }
            }
            Alloc::Arange { start, stop, step } => {
                let [start, stop, step]: [Expr; 3] = self
                    .seq(&[start, stop, step], pre)
                    .try_into()
                    .expect("three");
                Alloc::Arange {
                    start: b(start),
                    stop: b(stop),
                    step: b(step),
                }
            }
            Alloc::Linspace { start, stop, num } => {
                let [start, stop, num]: [Expr; 3] = self
                    .seq(&[start, stop, num], pre)
                    .try_into()
                    .expect("three");
                Alloc::Linspace {
                    start: b(start),
                    stop: b(stop),
                    num: b(num),
                }
            }
        }
    }

    /// Makes an operand that was planned before a later one needing statements run first
    /// keep its place in the evaluation order: its value (or, for a formatted string or a
    /// tuple literal, each of its non-trivial values) goes to a temporary evaluated now.
    fn freeze(&mut self, e: &mut Expr, pre: &mut Vec<Stmt>) {
        match &mut e.kind {
            ExprKind::Const(_) | ExprKind::Local(_) | ExprKind::Str(_) => {}
            ExprKind::Format(parts) => {
                for p in parts {
                    if let FmtPart::Field(x, _) = p {
                        self.freeze(x, pre);
                    }
                }
            }
            ExprKind::Tuple(items) => {
                for x in items {
                    self.freeze(x, pre);
                }
            }
            _ if matches!(e.ty, Type::Scalar(_) | Type::Array(_)) => {
                let id = self.hoist(e.clone(), pre);
                *e = self.local_expr(id, e.span);
            }
            _ => {}
        }
    }

    /// An operation the runtime evaluates, with its operands that need planning run first.
    fn runtime_kind(&mut self, e: &Expr, pre: &mut Vec<Stmt>) -> ExprKind {
        let mut out = e.clone();
        // Operands in evaluation order. When one of them must run first, every operand
        // with a value runs first, in order, so effects (random draws, prints in callees)
        // keep Python's order.
        let kids = kernelc_sema::pretty::children(e);
        let all = kids.iter().any(|c| needs_plan(c));
        let mut planned: Vec<Expr> = kids
            .into_iter()
            .map(|c| {
                let trivial = matches!(
                    c.kind,
                    ExprKind::Const(_) | ExprKind::Local(_) | ExprKind::Str(_)
                );
                if all && !trivial && matches!(c.ty, Type::Scalar(_) | Type::Array(_)) {
                    let p = self.expr(c, pre);
                    let id = self.hoist(p, pre);
                    self.local_expr(id, c.span)
                } else {
                    self.runtime_operand(c, pre)
                }
            })
            .collect();
        planned.reverse();
        for c in kernelc_sema::pretty::children_mut(&mut out) {
            if let Some(p) = planned.pop() {
                *c = p;
            }
        }
        out.kind
    }
}

/// `e` with every `Read(k)` turned into `Read(k + by)`.
fn shift_reads(e: &Elem, by: isize) -> Elem {
    let kind = match &e.kind {
        ElemKind::Read(k) => ElemKind::Read((*k as isize + by) as usize),
        ElemKind::Scalar(l) => ElemKind::Scalar(*l),
        ElemKind::Unary(op, x) => ElemKind::Unary(*op, Box::new(shift_reads(x, by))),
        ElemKind::Binary(op, a, b) => ElemKind::Binary(
            *op,
            Box::new(shift_reads(a, by)),
            Box::new(shift_reads(b, by)),
        ),
        ElemKind::PowInt(x, n) => ElemKind::PowInt(Box::new(shift_reads(x, by)), *n),
        ElemKind::Cast(x) => ElemKind::Cast(Box::new(shift_reads(x, by))),
        ElemKind::Math(f, xs) => {
            ElemKind::Math(*f, xs.iter().map(|x| shift_reads(x, by)).collect())
        }
        ElemKind::Where(c, a, b) => ElemKind::Where(
            Box::new(shift_reads(c, by)),
            Box::new(shift_reads(a, by)),
            Box::new(shift_reads(b, by)),
        ),
    };
    Elem {
        kind,
        dtype: e.dtype,
        span: e.span,
    }
}

/// True when evaluating the element expression can fail.
fn elem_fallible(e: &Elem) -> bool {
    let own = match &e.kind {
        ElemKind::Binary(op, a, _) => {
            matches!(op, BinOp::FloorDiv | BinOp::Mod | BinOp::Pow) && !a.dtype.is_float()
        }
        ElemKind::Cast(x) => x.dtype.is_float() && !e.dtype.is_float() && e.dtype != DType::Bool,
        _ => false,
    };
    own || e.children().into_iter().any(elem_fallible)
}

/// The element expression as a typed-IR expression over the function's locals (see
/// [`Nest::fallback`]). Its rank is the largest rank of the operands it reads.
fn to_expr(e: &Elem, ops: &[Operand], locals: &[Local]) -> Expr {
    let leaf = |l: &Leaf, span: Span| -> Expr {
        match l {
            Leaf::Const(c) => Expr {
                kind: ExprKind::Const(*c),
                ty: Type::Scalar(c.dtype()),
                span,
            },
            Leaf::Local(id) => Expr {
                kind: ExprKind::Local(*id),
                ty: locals[*id].ty,
                span,
            },
        }
    };
    let kids: Vec<Expr> = e
        .children()
        .into_iter()
        .map(|c| to_expr(c, ops, locals))
        .collect();
    let ndim = kids.iter().map(|k| k.ty.ndim()).max().unwrap_or(0);
    let ty = |d: DType| kernelc_sema::types::with_rank(d, ndim);
    let mut kids = kids.into_iter().map(Box::new);
    let mut next = || kids.next().expect("child");
    let kind = match &e.kind {
        ElemKind::Read(k) => {
            let o = &ops[*k];
            let base = Expr {
                kind: ExprKind::Local(o.array),
                ty: locals[o.array].ty,
                span: o.span,
            };
            if o.view.is_empty() {
                return base;
            }
            let items = o
                .view
                .iter()
                .map(|v| match v {
                    ViewItem::Int(l, s) => Index::Int(leaf(l, *s)),
                    ViewItem::Slice {
                        start,
                        stop,
                        step,
                        span,
                    } => Index::Slice {
                        start: start.as_ref().map(|l| leaf(l, *span)),
                        stop: stop.as_ref().map(|l| leaf(l, *span)),
                        step: step.as_ref().map(|l| leaf(l, *span)),
                        span: *span,
                    },
                })
                .collect();
            return Expr {
                kind: ExprKind::Index(Box::new(base), items),
                ty: Type::Array(ArrayType {
                    dtype: o.dtype,
                    ndim: o.ndim as u8,
                }),
                span: o.span,
            };
        }
        ElemKind::Scalar(l) => return leaf(l, e.span),
        ElemKind::Unary(op, _) => ExprKind::Unary(*op, next()),
        ElemKind::Binary(op, _, _) => ExprKind::Binary(*op, next(), next()),
        ElemKind::PowInt(_, n) => ExprKind::PowInt(next(), *n),
        ElemKind::Cast(_) => ExprKind::Cast(next()),
        ElemKind::Math(f, xs) => ExprKind::Math(*f, (0..xs.len()).map(|_| *next()).collect()),
        ElemKind::Where(..) => ExprKind::Where(next(), next(), next()),
    };
    Expr {
        kind,
        ty: ty(e.dtype),
        span: e.span,
    }
}
