//! Tuples as values: the interned tuple type, and their lowering.
//!
//! A tuple type is a fixed list of element types (scalars, arrays, tuples); its *leaves* are
//! the scalar and array types met depth first. Sema scalarises tuple-typed locals: a tuple
//! local `t` gets one hidden local per element (`t[0]`, `t[1]`, themselves scalarised when
//! they are tuples), reading `t` gives `Tuple([t[0], t[1]])`, and assigning it becomes an
//! [`StmtKind::Unpack`] into its leaves. So the typed IR has no tuple-typed local: executors
//! only see tuple-valued expressions (`Tuple`, `Shape`, calls of tuple-returning
//! functions, `TupleGet`) where they are consumed: unpacking, `return`, call arguments
//! (flattened into the callee's leaf parameters), shapes and `print`.

use crate::lower::{cast, convert, FnLower, TE};
use crate::tir::*;
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::{Diagnostic, Span};
use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// Most elements a tuple may have (also bounds the leaves of nested tuples).
pub const MAX_TUPLE: usize = 64;

/// The element types of a tuple type, interned for the life of the process (so
/// [`Type`] stays `Copy`; the table only grows by the distinct tuple types compiled).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TupleType(&'static [Type]);

impl std::fmt::Debug for TupleType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")
    }
}

impl TupleType {
    /// The interned tuple type of these elements.
    pub fn new(elems: &[Type]) -> TupleType {
        static TABLE: OnceLock<Mutex<HashSet<&'static [Type]>>> = OnceLock::new();
        let table = TABLE.get_or_init(|| Mutex::new(HashSet::new()));
        let mut t = table.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&s) = t.get(elems) {
            return TupleType(s);
        }
        let s: &'static [Type] = Box::leak(elems.to_vec().into_boxed_slice());
        t.insert(s);
        TupleType(s)
    }

    /// A tuple of `n` i64 values (a shape).
    pub fn ints(n: usize) -> TupleType {
        TupleType::new(&vec![Type::Scalar(DType::I64); n])
    }

    pub fn elems(self) -> &'static [Type] {
        self.0
    }

    pub fn len(self) -> usize {
        self.0.len()
    }

    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// The scalar and array types of the tuple, depth first.
    pub fn leaves(self) -> Vec<Type> {
        let mut out = Vec::new();
        leaves_of(Type::Tuple(self), &mut out);
        out
    }

    /// The range of leaves (in [`TupleType::leaves`] order) that element `k` covers.
    pub fn leaf_range(self, k: usize) -> std::ops::Range<usize> {
        let start: usize = self.0[..k].iter().map(|&t| leaf_count(t)).sum();
        start..start + leaf_count(self.0[k])
    }

    /// True when every element is an i64 scalar (a shape).
    pub fn is_shape(self) -> bool {
        self.0.iter().all(|&t| t == Type::Scalar(DType::I64))
    }
}

/// Appends the leaves of a value of type `t` (itself when it is not a tuple).
pub fn leaves_of(t: Type, out: &mut Vec<Type>) {
    match t {
        Type::Tuple(tt) => tt.0.iter().for_each(|&e| leaves_of(e, out)),
        t => out.push(t),
    }
}

/// How many leaves a value of type `t` has (1 when it is not a tuple).
pub fn leaf_count(t: Type) -> usize {
    match t {
        Type::Tuple(tt) => tt.0.iter().map(|&e| leaf_count(e)).sum(),
        _ => 1,
    }
}

impl std::fmt::Display for TupleType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(")?;
        for (k, t) in self.0.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{t}")?;
        }
        f.write_str(if self.0.len() == 1 { ",)" } else { ")" })
    }
}

/// Unifies two tuple types element by element (the rule of [`crate::types::unify`] for
/// each element); `None` when the lengths or an element differ beyond unification.
pub fn unify_tuples(cur: TupleType, new: TupleType, fixed: bool) -> Option<Type> {
    if cur.len() != new.len() {
        return None;
    }
    let mut out = Vec::with_capacity(cur.len());
    for (&c, &n) in cur.elems().iter().zip(new.elems()) {
        out.push(crate::types::unify(Some(c), n, false, fixed)?);
    }
    Some(Type::Tuple(TupleType::new(&out)))
}

/// An expression of type `ty` reading local `id`.
pub(crate) fn local(id: LocalId, ty: Type, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Local(id),
        ty,
        span,
    }
}

pub(crate) fn int(v: i64, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Const(Scalar::I64(v)),
        ty: Type::Scalar(DType::I64),
        span,
    }
}

/// True when evaluating `e` twice is the same as once, and dropping it changes nothing (no
/// call, random draw, print or library call, which may fail).
pub(crate) fn pure(e: &Expr) -> bool {
    let mut ok = true;
    crate::pretty::walk_expr(e, &mut |x| {
        ok &= !matches!(
            x.kind,
            ExprKind::Call(..)
                | ExprKind::Random { .. }
                | ExprKind::Seed(_)
                | ExprKind::Print(..)
                | ExprKind::Lib(..)
        )
    });
    ok
}

/// Where one leaf of an unpacked value goes.
enum LeafTarget<'a> {
    Local(LocalId, Span),
    Store(&'a ast::Expr, &'a [ast::IndexItem], Span),
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// `(a, b, ...)`: a tuple of any values.
    pub(crate) fn tuple_literal(&mut self, items: &'a [ast::Expr], span: Span) -> Option<TE> {
        let mut out = Vec::new();
        for it in items {
            let te = self.expr(it);
            out.push(te.and_then(|te| match te.ty() {
                Type::Str | Type::None => self.fail(
                    te.e.span,
                    "a tuple can hold numbers, arrays and tuples, not this",
                ),
                _ => Some(te.e),
            }));
        }
        let out: Option<Vec<Expr>> = out.into_iter().collect();
        let out = out?;
        if out.len() > MAX_TUPLE {
            return self.fail(
                span,
                format!("a tuple can have at most {MAX_TUPLE} elements"),
            );
        }
        let tys: Vec<Type> = out.iter().map(|e| e.ty).collect();
        let tt = TupleType::new(&tys);
        if leaf_count(Type::Tuple(tt)) > 4 * MAX_TUPLE {
            return self.fail(span, "this tuple is nested too deeply");
        }
        Some(TE::strong(Expr {
            kind: ExprKind::Tuple(out),
            ty: Type::Tuple(tt),
            span,
        }))
    }

    /// The element locals of tuple local `id` (hidden locals `t[0]`, `t[1]`, ... created on
    /// first use, typed from the tuple's current type).
    pub(crate) fn tuple_elems(&mut self, id: LocalId) -> Vec<LocalId> {
        let Some(Type::Tuple(tt)) = self.locals[id].ty else {
            return Vec::new();
        };
        let mut ids = self.tuple_locals.get(&id).cloned().unwrap_or_default();
        for (k, &t) in tt.elems().iter().enumerate() {
            if k == ids.len() {
                let name = format!("{}[{k}]", self.locals[id].name);
                let span = self.locals[id].span;
                ids.push(self.hidden_local(name, t, span));
            } else {
                let info = &mut self.locals[ids[k]];
                if info.ty != Some(t) {
                    info.ty = Some(t);
                }
            }
        }
        ids.truncate(tt.len());
        self.tuple_locals.insert(id, ids.clone());
        ids
    }

    /// The leaf locals of a local: itself, or the leaves of its elements for a tuple.
    pub(crate) fn leaf_locals(&mut self, id: LocalId) -> Vec<LocalId> {
        match self.locals[id].ty {
            Some(Type::Tuple(_)) => {
                let mut out = Vec::new();
                for e in self.tuple_elems(id) {
                    out.extend(self.leaf_locals(e));
                }
                out
            }
            _ => vec![id],
        }
    }

    /// Reading tuple local `id`: the tuple of its elements.
    pub(crate) fn read_tuple_local(&mut self, id: LocalId, tt: TupleType, span: Span) -> Expr {
        let items = self
            .tuple_elems(id)
            .into_iter()
            .zip(tt.elems())
            .map(|(e, &t)| match t {
                Type::Tuple(et) => self.read_tuple_local(e, et, span),
                t => local(e, t, span),
            })
            .collect();
        Expr {
            kind: ExprKind::Tuple(items),
            ty: Type::Tuple(tt),
            span,
        }
    }

    /// `t = value` for a tuple-typed value: unifies the type, then unpacks into `t`'s
    /// leaves.
    pub(crate) fn assign_tuple_local(
        &mut self,
        id: LocalId,
        v: TE,
        span: Span,
        out: &mut Block,
    ) -> Option<()> {
        let vt = v.ty();
        let vspan = v.e.span;
        self.assign_local(id, v_typed(vt, vspan), span)?;
        let leaves = self.leaf_locals(id);
        self.unpack_to(
            leaves
                .into_iter()
                .map(|l| LeafTarget::Local(l, span))
                .collect(),
            v.e,
            span,
            out,
        )
    }

    /// `a, b = value` (targets nested as written; names, array elements, tuples).
    pub(crate) fn unpack_assign(
        &mut self,
        target: &'a ast::Expr,
        v: TE,
        span: Span,
        out: &mut Block,
    ) -> Option<()> {
        let mut leaves = Vec::new();
        self.leaf_targets(target, v.ty(), v.e.span, &mut leaves)?;
        self.unpack_to(leaves, v.e, span, out)
    }

    /// Matches a target against a value type, recording where each leaf goes (and
    /// unifying the types of the named locals).
    fn leaf_targets(
        &mut self,
        target: &'a ast::Expr,
        ty: Type,
        vspan: Span,
        out: &mut Vec<LeafTarget<'a>>,
    ) -> Option<()> {
        match &target.kind {
            A::Tuple(items) => {
                let Type::Tuple(tt) = ty else {
                    return self.fail(
                        vspan,
                        format!(
                            "cannot unpack a value of type {ty} into {} variables: only tuples can be unpacked",
                            items.len()
                        ),
                    );
                };
                if tt.len() != items.len() {
                    return self.fail(
                        vspan,
                        format!(
                            "cannot unpack a tuple of {} elements into {} variables",
                            tt.len(),
                            items.len()
                        ),
                    );
                }
                let mut ok = Some(());
                for (it, &et) in items.iter().zip(tt.elems()) {
                    if self.leaf_targets(it, et, vspan, out).is_none() {
                        ok = None;
                    }
                }
                ok
            }
            A::Name(n) => {
                let id = self.names[n.as_str()];
                self.assign_local(id, v_typed(ty, vspan), target.span)?;
                for l in self.leaf_locals(id) {
                    out.push(LeafTarget::Local(l, target.span));
                }
                Some(())
            }
            A::Subscript(base, items) => {
                if ty.tuple().is_some() {
                    return self.fail(target.span, "a tuple cannot be stored in an array element");
                }
                out.push(LeafTarget::Store(base, items, target.span));
                Some(())
            }
            _ => self.fail(
                target.span,
                "cannot assign to this expression: assign to a variable or an array element",
            ),
        }
    }

    /// Evaluates a tuple value whole, then assigns its leaves to `targets` in order.
    fn unpack_to(
        &mut self,
        targets: Vec<LeafTarget<'a>>,
        value: Expr,
        span: Span,
        out: &mut Block,
    ) -> Option<()> {
        let Type::Tuple(tt) = value.ty else {
            return self.fail(value.span, "only a tuple can be unpacked");
        };
        let leaf_tys = tt.leaves();
        if leaf_tys.len() != targets.len() {
            return None; // reported by leaf_targets
        }
        // Direct: distinct locals of exactly the leaf types.
        let mut seen = HashSet::new();
        let direct: Option<Vec<LocalId>> = targets
            .iter()
            .zip(&leaf_tys)
            .map(|(t, &lt)| match t {
                LeafTarget::Local(id, _) if self.locals[*id].ty == Some(lt) && seen.insert(*id) => {
                    Some(*id)
                }
                _ => None,
            })
            .collect();
        if let Some(locals) = direct {
            out.push(Stmt {
                kind: StmtKind::Unpack { locals, value },
                span,
            });
            return Some(());
        }
        let vspan = value.span;
        let temps: Vec<LocalId> = leaf_tys.iter().map(|&t| self.temp(t, vspan)).collect();
        out.push(Stmt {
            kind: StmtKind::Unpack {
                locals: temps.clone(),
                value,
            },
            span,
        });
        let mut ok = Some(());
        for ((t, tmp), &lt) in targets.into_iter().zip(temps).zip(&leaf_tys) {
            let v = TE::strong(local(tmp, lt, vspan));
            let kind = match t {
                LeafTarget::Local(id, tspan) => self
                    .assign_local(id, v, tspan)
                    .map(|value| StmtKind::Assign { local: id, value }),
                LeafTarget::Store(base, items, tspan) => self.store_to(base, items, v, tspan),
            };
            match kind {
                Some(kind) => out.push(Stmt { kind, span }),
                None => ok = None,
            }
        }
        ok
    }

    /// A tuple-valued expression converted to tuple type `to` (element-wise casts). A
    /// literal converts its items; any other value is unpacked into temporaries first.
    pub(crate) fn convert_tuple(&mut self, e: Expr, to: TupleType, out: &mut Block) -> Expr {
        if e.ty == Type::Tuple(to) {
            return e;
        }
        let span = e.span;
        if let ExprKind::Tuple(items) = e.kind {
            let items = items
                .into_iter()
                .zip(to.elems())
                .map(|(x, &t)| match t {
                    Type::Tuple(tt) => self.convert_tuple(x, tt, out),
                    t => convert(x, t),
                })
                .collect();
            return Expr {
                kind: ExprKind::Tuple(items),
                ty: Type::Tuple(to),
                span,
            };
        }
        let Type::Tuple(from) = e.ty else { return e };
        let rebuilt = self.convert_tuple_to_locals(e, from, out);
        self.convert_tuple(rebuilt, to, out)
    }

    /// Evaluates a tuple value (of type `tt`) into temporaries, one per leaf, and returns
    /// the tuple of them (cheap to read any number of times).
    pub(crate) fn convert_tuple_to_locals(
        &mut self,
        e: Expr,
        tt: TupleType,
        out: &mut Block,
    ) -> Expr {
        let span = e.span;
        let leaf_tys = tt.leaves();
        let temps: Vec<LocalId> = leaf_tys.iter().map(|&t| self.temp(t, span)).collect();
        out.push(Stmt {
            kind: StmtKind::Unpack {
                locals: temps.clone(),
                value: e,
            },
            span,
        });
        let mut it = temps.into_iter().zip(leaf_tys);
        rebuild(tt, &mut it, span)
    }

    /// `t[k]` with a constant `k` (negative counts from the end).
    pub(crate) fn tuple_index(
        &mut self,
        t: TE,
        tt: TupleType,
        items: &'a [ast::IndexItem],
        span: Span,
    ) -> Option<TE> {
        let n = tt.len() as i64;
        let k = match items {
            [ast::IndexItem::Expr(e)] => match self.expr(e).map(|x| x.e.kind) {
                Some(ExprKind::Const(Scalar::I64(k))) => k,
                Some(_) => {
                    return self.fail(
                        e.span,
                        "a tuple can only be indexed with a constant integer (t[0], t[-1])",
                    )
                }
                None => return None,
            },
            _ => {
                return self.fail(
                    span,
                    "a tuple can only be indexed with one constant integer (slices of tuples are not supported)",
                )
            }
        };
        let kk = if k < 0 { k + n } else { k };
        if kk < 0 || kk >= n {
            return self.fail(
                span,
                format!("tuple index {k} is out of range for a tuple of {n} element(s)"),
            );
        }
        Some(TE::strong(self.tuple_get(t.e, kk as usize, span)))
    }

    /// Element `k` of a tuple-valued expression.
    pub(crate) fn tuple_get(&mut self, t: Expr, k: usize, span: Span) -> Expr {
        let ty = t.ty.tuple().expect("a tuple").elems()[k];
        match t.kind {
            ExprKind::Shape(arr) if pure(&arr) => Expr {
                kind: ExprKind::Dim(arr, k),
                ty,
                span,
            },
            ExprKind::Tuple(items) if items.iter().enumerate().all(|(j, x)| j == k || pure(x)) => {
                let mut it = items.into_iter().nth(k).expect("in range");
                it.span = span;
                it
            }
            kind => Expr {
                kind: ExprKind::TupleGet(
                    Box::new(Expr {
                        kind,
                        ty: t.ty,
                        span: t.span,
                    }),
                    k,
                ),
                ty,
                span,
            },
        }
    }

    /// A shape argument that is a tuple: each element an integer, converted to i64.
    pub(crate) fn shape_tuple(&mut self, x: TE) -> Option<Expr> {
        let Type::Tuple(tt) = x.ty() else {
            return None;
        };
        let span = x.e.span;
        if tt.is_shape() {
            return Some(x.e);
        }
        if !tt
            .elems()
            .iter()
            .all(|t| matches!(t, Type::Scalar(d) if d.is_int() || *d == DType::Bool))
        {
            return self.fail(
                span,
                format!("a shape must be an integer or a tuple of integers, not {tt}"),
            );
        }
        let items: Vec<Expr> = match x.e.kind {
            ExprKind::Tuple(items) => items.into_iter().map(|e| cast(e, DType::I64)).collect(),
            _ => {
                return self.fail(
                    span,
                    "a shape must be a tuple of i64 here: convert its elements with int(...)",
                )
            }
        };
        Some(Expr {
            kind: ExprKind::Tuple(items),
            ty: Type::Tuple(TupleType::ints(tt.len())),
            span,
        })
    }

    /// A tuple used as an index (`a[idx]`, `idx` from `np.ndindex`): its elements, each an
    /// integer, become one (i64) index each.
    pub(crate) fn tuple_as_index(&mut self, t: TE) -> Option<Vec<Expr>> {
        let tt = t.ty().tuple().expect("a tuple");
        let span = t.e.span;
        if !tt
            .elems()
            .iter()
            .all(|t| matches!(t, Type::Scalar(d) if d.is_int()))
        {
            return self.fail(span, format!("array indices must be integers, not {tt}"));
        }
        if !pure(&t.e) {
            return self.fail(
                span,
                "a tuple index must be a variable or a literal: assign the tuple to a variable first",
            );
        }
        Some(
            (0..tt.len())
                .map(|k| cast(self.tuple_get(t.e.clone(), k, span), DType::I64))
                .collect(),
        )
    }

    /// `t == u` (`eq`) or `t != u` of two tuples, as Python: equal lengths and every
    /// element equal. Both must be evaluable without effects (literals, tuple variables),
    /// since elements are compared one by one and the comparison stops at the first
    /// difference.
    pub(crate) fn tuple_equal(&mut self, l: TE, r: TE, eq: bool, span: Span) -> Option<TE> {
        for x in [&l, &r] {
            if !pure(&x.e) {
                return self.fail(
                    x.e.span,
                    "a tuple compared with == or != must be a variable or a literal: assign it to a variable first",
                );
            }
        }
        let e = self.elements_equal(l.e, r.e, span)?;
        Some(TE::strong(if eq {
            e
        } else {
            Expr {
                kind: ExprKind::Unary(UnOp::Not, Box::new(e)),
                ty: Type::Scalar(DType::Bool),
                span,
            }
        }))
    }

    /// Python's `==` of two values inside tuples (nested tuples element by element).
    fn elements_equal(&mut self, l: Expr, r: Expr, span: Span) -> Option<Expr> {
        let boolean = |kind| Expr {
            kind,
            ty: Type::Scalar(DType::Bool),
            span,
        };
        match (l.ty, r.ty) {
            (Type::Tuple(a), Type::Tuple(b)) => {
                if a.len() != b.len() {
                    return Some(boolean(ExprKind::Const(Scalar::Bool(false))));
                }
                let mut all: Option<Expr> = None;
                for k in 0..a.len() {
                    let x = self.tuple_get(l.clone(), k, span);
                    let y = self.tuple_get(r.clone(), k, span);
                    let c = self.elements_equal(x, y, span)?;
                    all = Some(match all {
                        None => c,
                        Some(p) => {
                            boolean(ExprKind::Logical(LogicalOp::And, Box::new(p), Box::new(c)))
                        }
                    });
                }
                Some(all.unwrap_or_else(|| boolean(ExprKind::Const(Scalar::Bool(true)))))
            }
            (Type::Scalar(a), Type::Scalar(b)) => {
                let t = crate::types::promote(a, false, b, false);
                Some(boolean(ExprKind::Binary(
                    BinOp::Eq,
                    Box::new(cast(l, t)),
                    Box::new(cast(r, t)),
                )))
            }
            (a, b) => self.fail(
                span,
                format!(
                    "cannot compare {a} and {b} inside tuples (only numbers and tuples of numbers)"
                ),
            ),
        }
    }

    /// `len(t)` of a tuple.
    pub(crate) fn tuple_len(tt: TupleType, span: Span) -> TE {
        TE::strong(int(tt.len() as i64, span))
    }

    /// Refuses a write into a tuple element (`t[0] = v`): tuples are immutable.
    pub(crate) fn tuple_store_error(&mut self, base: &TE, span: Span) -> Option<StmtKind> {
        let t = base.ty();
        self.error(
            Diagnostic::error(
                span,
                format!("tuples are immutable: an element of a {t} cannot be assigned"),
            )
            .with_note("build a new tuple instead: t = (v, t[1])"),
        );
        None
    }
}

/// A placeholder value of type `t` for unifying a local's type (never emitted).
fn v_typed(t: Type, span: Span) -> TE {
    TE::strong(Expr {
        kind: ExprKind::Const(Scalar::I64(0)),
        ty: t,
        span,
    })
}

/// A tuple expression of type `tt` built from leaf locals taken from `it`.
fn rebuild(tt: TupleType, it: &mut impl Iterator<Item = (LocalId, Type)>, span: Span) -> Expr {
    let items = tt
        .elems()
        .iter()
        .map(|&t| match t {
            Type::Tuple(et) => rebuild(et, it, span),
            _ => {
                let (id, lt) = it.next().expect("one leaf per element");
                local(id, lt, span)
            }
        })
        .collect();
    Expr {
        kind: ExprKind::Tuple(items),
        ty: Type::Tuple(tt),
        span,
    }
}
