//! Lowering of the array operations of LANGUAGE.md §9 to [`ArrayOp`] / `SelectStore`:
//! `a.T`, `transpose`, `reshape`, `ravel`, `flatten`, `copy`, `np.newaxis`/`None` in an
//! index, boolean masks, integer-array (fancy) indexing on one axis, `.flat`, list literals
//! (`np.array([...])`, `w = [1.0, 2.0]`), list comprehensions, and `append`'s refusal.
//!
//! Called from the dispatch points in `expr.rs` (subscripts, attributes, list displays),
//! `builtins.rs` (functions and methods) and `lower.rs` (stores, `for v in a.flat`).

use crate::consts::is_module;
use crate::lower::{cast, FnLower, TE};
use crate::tir::*;
use crate::types::{join, with_rank};
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::{Diagnostic, Span};

/// Names of the builtin functions this module lowers (`np.transpose`, `copy`, ...).
pub(crate) fn is_array_builtin(n: &str) -> bool {
    matches!(
        n,
        "transpose" | "reshape" | "ravel" | "copy" | "array" | "asarray" | "ascontiguousarray"
    )
}

/// A classified subscript `a[items]`.
pub(crate) enum Subscript {
    /// Integers and slices only: the existing `Index` form with the rank of the result.
    Basic(Vec<Index>, usize),
    /// One boolean or integer array among the items: `view` is the array with the other
    /// items applied (the array item replaced by full slices).
    Select { view: Expr, sel: Sel },
    /// `None`/`np.newaxis` among integers and slices: the basic view, then new axes.
    NewAxes { view: Expr, axes: Vec<usize> },
}

/// One lowered index item.
enum Item {
    Int(Expr),
    Slice(Index),
    NewAxis,
    Array(Expr),
}

fn i64_const(v: i64, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Const(Scalar::I64(v)),
        ty: Type::Scalar(DType::I64),
        span,
    }
}

fn full_slice(span: Span) -> Index {
    Index::Slice {
        start: None,
        stop: None,
        step: None,
        span,
    }
}

fn array_op(op: ArrayOp, ty: Type, span: Span) -> TE {
    TE::strong(Expr {
        kind: ExprKind::ArrayOp(Box::new(op)),
        ty,
        span,
    })
}

fn local(id: LocalId, ty: Type, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Local(id),
        ty,
        span,
    }
}

/// `np.newaxis` / `numpy.newaxis` / `None`.
fn is_new_axis(e: &ast::Expr) -> bool {
    match &e.kind {
        A::NoneLit => true,
        A::Attribute(m, a) => a.name == "newaxis" && matches!(&m.kind, A::Name(m) if is_module(m)),
        _ => false,
    }
}

/// The `a` of `a.flat`.
pub(crate) fn flat_base(e: &ast::Expr) -> Option<&ast::Expr> {
    match &e.kind {
        A::Attribute(b, a) if a.name == "flat" => Some(b),
        _ => None,
    }
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// Classifies and lowers the items of `array[items]`.
    pub(crate) fn classify_index(
        &mut self,
        array: &TE,
        items: &'a [ast::IndexItem],
        span: Span,
    ) -> Option<Subscript> {
        let Type::Array(at) = array.ty() else {
            return self.fail(
                array.e.span,
                format!("a value of type {} cannot be indexed", array.ty()),
            );
        };
        let nd = at.ndim as usize;
        let mut lowered = Vec::new();
        let mut ok = true;
        for it in items {
            match it {
                ast::IndexItem::Expr(e) if is_new_axis(e) => lowered.push(Item::NewAxis),
                ast::IndexItem::Expr(e) => match self.expr(e) {
                    Some(te) => match te.ty() {
                        Type::Scalar(d) if d.is_int() => {
                            lowered.push(Item::Int(cast(te.e, DType::I64)))
                        }
                        // `a[idx]` with a tuple of ints: one index per element.
                        Type::Tuple(_) => match self.tuple_as_index(te) {
                            Some(ix) => lowered.extend(ix.into_iter().map(Item::Int)),
                            None => ok = false,
                        },
                        Type::Array(a) if a.dtype == DType::Bool || a.dtype.is_int() => {
                            lowered.push(Item::Array(te.e))
                        }
                        t => {
                            ok = false;
                            self.error(Diagnostic::error(
                                e.span,
                                format!("array indices must be integers, slices, None, or integer or boolean arrays, not {t}"),
                            ));
                        }
                    },
                    None => ok = false,
                },
                ast::IndexItem::Slice { lo, hi, step, span } => {
                    let mut part = |x: &'a Option<ast::Expr>| -> Option<Option<Expr>> {
                        match x {
                            None => Some(None),
                            Some(x) => {
                                let te = self.expr(x)?;
                                Some(Some(self.int_operand(te, "slice bounds")?))
                            }
                        }
                    };
                    let (l, h, s) = (part(lo), part(hi), part(step));
                    match (l, h, s) {
                        (Some(start), Some(stop), Some(step)) => {
                            lowered.push(Item::Slice(Index::Slice {
                                start,
                                stop,
                                step,
                                span: *span,
                            }))
                        }
                        _ => ok = false,
                    }
                }
            }
        }
        if !ok {
            return None;
        }
        // Axes each item consumes.
        let consumed: usize = lowered
            .iter()
            .map(|i| match i {
                Item::NewAxis => 0,
                Item::Array(e) if e.ty.dtype() == Some(DType::Bool) => e.ty.ndim(),
                _ => 1,
            })
            .sum();
        if consumed > nd {
            return self.fail(
                span,
                format!(
                    "too many indices for array: array is {nd}-dimensional, but {consumed} were indexed"
                ),
            );
        }
        let arrays = lowered
            .iter()
            .filter(|i| matches!(i, Item::Array(_)))
            .count();
        let new_axes = lowered.iter().any(|i| matches!(i, Item::NewAxis));
        if arrays > 1 {
            return self.fail(
                span,
                "indexing with more than one array is not supported: index with one array and integers or slices",
            );
        }
        if arrays == 1 && new_axes {
            return self.fail(
                span,
                "an index array and None/np.newaxis in one index are not supported: add the axis in a second step",
            );
        }
        if arrays == 1 {
            // NumPy moves the selected axes first when integers and the array are
            // separated by a slice; that form is refused.
            let pos = lowered
                .iter()
                .position(|i| matches!(i, Item::Array(_)))
                .expect("one");
            let sep = lowered.iter().enumerate().any(|(k, i)| {
                matches!(i, Item::Int(_))
                    && lowered[k.min(pos)..k.max(pos)]
                        .iter()
                        .any(|j| matches!(j, Item::Slice(_)))
            });
            if sep {
                return self.fail(span, "an index array and integers separated by a slice are not supported (NumPy moves those axes first): index in two steps");
            }
            let mut basic = Vec::new();
            let mut axis = 0;
            let mut sel_expr = None;
            let mut trivial = true;
            for it in lowered {
                match it {
                    Item::Int(e) => {
                        trivial = false;
                        basic.push(Index::Int(e))
                    }
                    Item::Slice(s) => {
                        if let Index::Slice { start: Some(_), .. }
                        | Index::Slice { stop: Some(_), .. }
                        | Index::Slice { step: Some(_), .. } = s
                        {
                            trivial = false;
                        }
                        if sel_expr.is_none() {
                            axis += 1;
                        }
                        basic.push(s)
                    }
                    Item::Array(e) => {
                        let k = if e.ty.dtype() == Some(DType::Bool) {
                            e.ty.ndim()
                        } else {
                            1
                        };
                        for _ in 0..k {
                            basic.push(full_slice(e.span));
                        }
                        sel_expr = Some(e);
                    }
                    Item::NewAxis => unreachable!("refused above"),
                }
            }
            let e = sel_expr.expect("one array");
            let view_rank = nd - basic.iter().filter(|i| matches!(i, Index::Int(_))).count();
            let view = if trivial {
                array.e.clone()
            } else {
                Expr {
                    kind: ExprKind::Index(Box::new(array.e.clone()), basic),
                    ty: with_rank(at.dtype, view_rank),
                    span,
                }
            };
            let sel = if e.ty.dtype() == Some(DType::Bool) {
                Sel::Mask { mask: e, axis }
            } else {
                Sel::Take {
                    index: cast(e, DType::I64),
                    axis,
                }
            };
            return Some(Subscript::Select { view, sel });
        }
        let mut basic = Vec::new();
        let mut axes = Vec::new();
        let mut out = 0;
        let mut ints = 0;
        for it in lowered {
            match it {
                Item::Int(e) => {
                    ints += 1;
                    basic.push(Index::Int(e))
                }
                Item::Slice(s) => {
                    out += 1;
                    basic.push(s)
                }
                Item::NewAxis => {
                    axes.push(out);
                    out += 1
                }
                Item::Array(_) => unreachable!("handled above"),
            }
        }
        let region = nd - ints;
        if !new_axes {
            return Some(Subscript::Basic(basic, region));
        }
        if region == 0 {
            return self.fail(
                span,
                "None/np.newaxis after an index for every axis (a single element) is not supported",
            );
        }
        let view = if basic.is_empty() {
            array.e.clone()
        } else {
            Expr {
                kind: ExprKind::Index(Box::new(array.e.clone()), basic),
                ty: with_rank(at.dtype, region),
                span,
            }
        };
        Some(Subscript::NewAxes { view, axes })
    }

    /// The value of `array[items]` for the non-basic forms.
    pub(crate) fn advanced_read(&mut self, sub: Subscript, span: Span) -> Option<TE> {
        match sub {
            Subscript::Basic(..) => unreachable!("basic subscripts are lowered by the caller"),
            Subscript::Select { view, sel } => {
                let d = view.ty.dtype()?;
                let n = view.ty.ndim();
                let rank = match &sel {
                    Sel::Mask { mask, .. } => n - mask.ty.ndim() + 1,
                    Sel::Take { index, .. } => n - 1 + index.ty.ndim(),
                    Sel::Flat { .. } => 0,
                };
                if rank > 32 {
                    return self.fail(span, "the result has too many dimensions");
                }
                Some(array_op(
                    ArrayOp::Select { array: view, sel },
                    with_rank(d, rank),
                    span,
                ))
            }
            Subscript::NewAxes { view, axes } => {
                let d = view.ty.dtype()?;
                let rank = view.ty.ndim() + axes.len();
                if rank > 32 {
                    return self.fail(span, "the result has too many dimensions");
                }
                Some(array_op(
                    ArrayOp::NewAxes { array: view, axes },
                    with_rank(d, rank),
                    span,
                ))
            }
        }
    }

    /// `a.flat[i]` read.
    pub(crate) fn flat_read(
        &mut self,
        base: &'a ast::Expr,
        items: &'a [ast::IndexItem],
        span: Span,
    ) -> Option<TE> {
        let (array, index) = self.flat_parts(base, items, span)?;
        let d = array.ty.dtype()?;
        Some(array_op(
            ArrayOp::Select {
                array,
                sel: Sel::Flat { index },
            },
            Type::Scalar(d),
            span,
        ))
    }

    /// The array and the index of `a.flat[i]`.
    fn flat_parts(
        &mut self,
        base: &'a ast::Expr,
        items: &'a [ast::IndexItem],
        span: Span,
    ) -> Option<(Expr, Expr)> {
        let a = self.expr(base)?;
        if !a.ty().is_array() {
            return self.fail(
                base.span,
                format!("a value of type {} has no .flat", a.ty()),
            );
        }
        let [ast::IndexItem::Expr(i)] = items else {
            return self.fail(
                span,
                "a.flat takes one integer index (slices of .flat are not supported)",
            );
        };
        let i = self.expr(i)?;
        let i = self.int_operand(i, "flat indices")?;
        Some((a.e, i))
    }

    /// Attributes of arrays handled here (`a.T`, `a.flat` alone): `None` when `attr` is
    /// not one of them.
    pub(crate) fn array_attribute(
        &mut self,
        b: &TE,
        attr: &ast::Ident,
        span: Span,
    ) -> Option<Option<TE>> {
        let Type::Array(at) = b.ty() else {
            return None;
        };
        match attr.name.as_str() {
            "T" => {
                let perm = (0..at.ndim as usize).rev().collect();
                Some(Some(array_op(
                    ArrayOp::Transpose {
                        array: b.e.clone(),
                        perm,
                    },
                    b.ty(),
                    span,
                )))
            }
            "flat" => Some(self.fail(
                attr.span,
                "a.flat can be indexed (a.flat[i], a.flat[i] = v) or looped over (for v in a.flat)",
            )),
            _ => None,
        }
    }

    /// Array methods handled here (`a.reshape(..)`, `a.T`, `a.copy()`, `a.append` ...):
    /// `None` when `attr` is not one of them.
    pub(crate) fn array_method(
        &mut self,
        base: &'a ast::Expr,
        attr: &'a ast::Ident,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
    ) -> Option<Option<TE>> {
        let name = attr.name.as_str();
        if matches!(name, "append" | "extend" | "insert" | "pop" | "remove") {
            return Some(self.fail(
                attr.span,
                format!("'{name}' is not supported: kernel lists are fixed-size arrays (there are no growable lists); allocate the array with its final size (np.zeros(n)) and fill it"),
            ));
        }
        if !matches!(name, "transpose" | "reshape" | "ravel" | "flatten" | "copy") {
            return None;
        }
        let this = self.expr(base);
        Some(self.array_function(name, this, args, kwargs, span))
    }

    /// `np.transpose(a)`, `np.reshape(a, s)`, `np.array([...])`, `copy(a)`, ... and the
    /// methods (with `this`).
    pub(crate) fn array_function(
        &mut self,
        name: &str,
        this: Option<TE>,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
    ) -> Option<TE> {
        let mut dtype = None;
        for k in kwargs {
            match k.name.name.as_str() {
                "dtype" if matches!(name, "array" | "asarray" | "ascontiguousarray") => {
                    if let Some(d) = self.dtype_value(&k.value) {
                        dtype = Some(d);
                        continue;
                    }
                    match crate::lower::parse_annotation(&k.value) {
                        Ok(Type::Scalar(d)) => dtype = Some(d),
                        _ => return self.fail(k.value.span, crate::builtins::DTYPE_EXPECTED),
                    }
                }
                "order" if matches!(&k.value.kind, A::Str(s) if s == "C") => {}
                other => {
                    return self.fail(
                        k.name.span,
                        format!("{name}() got an unexpected keyword argument '{other}'"),
                    )
                }
            }
        }
        if matches!(name, "array" | "asarray" | "ascontiguousarray") {
            let [x] = args else {
                return self.fail(span, format!("{name}() takes one array-like argument"));
            };
            let copy = name == "array";
            return self.array_like(x, dtype, copy, span);
        }
        // The array operand: the receiver or the first argument.
        let (a, rest) = match this {
            Some(t) => (t, args),
            None => {
                let Some((first, rest)) = args.split_first() else {
                    return self.fail(span, format!("{name}() needs an array argument"));
                };
                (self.array_like(first, None, false, first.span)?, rest)
            }
        };
        let Type::Array(at) = a.ty() else {
            return self.fail(a.e.span, format!("{name}() needs an array, not {}", a.ty()));
        };
        let nd = at.ndim as usize;
        match name {
            "transpose" => {
                let perm: Vec<usize> = match rest {
                    [] => (0..nd).rev().collect(),
                    _ => {
                        let items: Vec<&'a ast::Expr> = match rest {
                            [one] => match &one.kind {
                                A::Tuple(xs) | A::List(xs) => xs.iter().collect(),
                                _ => vec![one],
                            },
                            many => many.iter().collect(),
                        };
                        let mut perm = Vec::new();
                        for it in items {
                            let k = match crate::consts::eval_const(it, &self.cx.consts) {
                                Ok(Scalar::I64(k)) => k,
                                _ => {
                                    return self
                                        .fail(it.span, "transpose axes must be integer constants")
                                }
                            };
                            let kk = if k < 0 { k + nd as i64 } else { k };
                            if kk < 0 || kk >= nd as i64 {
                                return self.fail(
                                    it.span,
                                    format!(
                                        "axis {k} is out of bounds for array of dimension {nd}"
                                    ),
                                );
                            }
                            perm.push(kk as usize);
                        }
                        let mut seen = perm.clone();
                        seen.sort_unstable();
                        seen.dedup();
                        if perm.len() != nd || seen.len() != nd {
                            return self.fail(span, "axes don't match array: give each axis once");
                        }
                        perm
                    }
                };
                let ty = a.ty();
                Some(array_op(ArrayOp::Transpose { array: a.e, perm }, ty, span))
            }
            "reshape" => {
                let shape = match rest {
                    [] => return self.fail(span, "reshape() needs a shape"),
                    [one] => {
                        let te = self.shape_like(one)?;
                        self.shape_items(te)?
                    }
                    many => {
                        let mut v = Vec::new();
                        for m in many {
                            let te = self.expr(m)?;
                            v.push(self.int_operand(te, "shape values")?);
                        }
                        v
                    }
                };
                if shape.is_empty() || shape.len() > 32 {
                    return self.fail(span, "reshape() needs 1 to 32 dimensions");
                }
                let ty = with_rank(at.dtype, shape.len());
                Some(array_op(
                    ArrayOp::Reshape {
                        array: a.e,
                        shape,
                        copy: false,
                    },
                    ty,
                    span,
                ))
            }
            "ravel" | "flatten" => {
                if !rest.is_empty() {
                    return self.fail(span, format!("{name}() takes no arguments"));
                }
                Some(array_op(
                    ArrayOp::Reshape {
                        array: a.e,
                        shape: vec![i64_const(-1, span)],
                        copy: name == "flatten",
                    },
                    with_rank(at.dtype, 1),
                    span,
                ))
            }
            "copy" => {
                if !rest.is_empty() {
                    return self.fail(span, "copy() takes no arguments");
                }
                let ty = a.ty();
                Some(array_op(ArrayOp::Copy { array: a.e }, ty, span))
            }
            _ => self.fail(span, format!("unknown array function {name}()")),
        }
    }

    /// A shape argument: a tuple, a list literal, `a.shape`, or an int.
    fn shape_like(&mut self, e: &'a ast::Expr) -> Option<TE> {
        if let A::List(xs) = &e.kind {
            let mut items = Vec::new();
            for x in xs {
                let te = self.expr(x)?;
                items.push(self.int_operand(te, "shape values")?);
            }
            if items.len() > 32 {
                return self.fail(e.span, "a shape has at most 32 dimensions");
            }
            return Some(TE::strong(Expr {
                ty: Type::Tuple(TupleType::ints(items.len())),
                kind: ExprKind::Tuple(items),
                span: e.span,
            }));
        }
        self.expr(e)
    }

    /// The i64 items of a shape value.
    pub(crate) fn shape_items(&mut self, te: TE) -> Option<Vec<Expr>> {
        let span = te.e.span;
        match (te.e.kind, te.e.ty) {
            (ExprKind::Shape(x), Type::Tuple(n)) => Some(
                (0..n.len())
                    .map(|k| Expr {
                        kind: ExprKind::Dim(x.clone(), k),
                        ty: Type::Scalar(DType::I64),
                        span,
                    })
                    .collect(),
            ),
            // Any other tuple of integers (a literal, a tuple variable, a returned tuple).
            (kind, Type::Tuple(tt))
                if tt
                    .elems()
                    .iter()
                    .all(|t| matches!(t, Type::Scalar(d) if d.is_int())) =>
            {
                if let ExprKind::Tuple(items) = kind {
                    return Some(items.into_iter().map(|e| cast(e, DType::I64)).collect());
                }
                let t = Expr {
                    kind,
                    ty: Type::Tuple(tt),
                    span,
                };
                if !crate::tuples::pure(&t) {
                    return self.fail(
                        span,
                        "a shape computed by a call must be assigned to a variable first",
                    );
                }
                Some(
                    (0..tt.len())
                        .map(|k| cast(self.tuple_get(t.clone(), k, span), DType::I64))
                        .collect(),
                )
            }
            (kind, Type::Scalar(d)) if d.is_int() => Some(vec![cast(
                Expr {
                    kind,
                    ty: Type::Scalar(d),
                    span,
                },
                DType::I64,
            )]),
            (_, t) => self.fail(
                span,
                format!("a shape must be an integer or a tuple of integers, not {t}"),
            ),
        }
    }

    /// An array-like argument: a list literal or comprehension (a new array), or an
    /// array (`copy`: a new copy, as `np.array(a)`; otherwise the array itself, cast to
    /// `dtype` when given).
    pub(crate) fn array_like(
        &mut self,
        x: &'a ast::Expr,
        dtype: Option<DType>,
        copy: bool,
        span: Span,
    ) -> Option<TE> {
        if let A::List(items) = &x.kind {
            return self.list_literal(items, dtype, x.span);
        }
        let te = self.expr(x)?;
        match te.ty() {
            Type::Array(at) => {
                let fresh = matches!(te.e.kind, ExprKind::ArrayOp(ref op) if matches!(**op, ArrayOp::List { .. } | ArrayOp::Stack { .. }));
                let mut e = te.e;
                if let Some(d) = dtype.filter(|&d| d != at.dtype) {
                    // A cast makes a new array already.
                    return Some(TE::strong(cast(e, d)));
                }
                if copy && !fresh {
                    let ty = e.ty;
                    e = Expr {
                        kind: ExprKind::ArrayOp(Box::new(ArrayOp::Copy { array: e })),
                        ty,
                        span,
                    };
                }
                Some(TE::strong(e))
            }
            t => self.fail(
                x.span,
                format!("expected an array or a list, not {t} (kernel arrays have at least one dimension)"),
            ),
        }
    }

    /// A list literal: a new array whose element type is NumPy's promotion of the
    /// elements (or `dtype`). Nested lists must be rectangular; a list of arrays stacks
    /// them.
    pub(crate) fn list_literal(
        &mut self,
        items: &'a [ast::Expr],
        dtype: Option<DType>,
        span: Span,
    ) -> Option<TE> {
        // The static shape of nested list literals, and their leaves in C order.
        fn shape_of<'e>(
            items: &'e [ast::Expr],
            depth: usize,
            shape: &mut Vec<usize>,
            leaves: &mut Vec<&'e ast::Expr>,
        ) -> Result<(), Span> {
            if shape.len() == depth {
                shape.push(items.len());
            } else if shape[depth] != items.len() {
                return Err(items.first().map(|i| i.span).unwrap_or_default());
            }
            let nested = items
                .iter()
                .filter(|i| matches!(i.kind, A::List(_)))
                .count();
            if nested != 0 && nested != items.len() {
                return Err(items[0].span);
            }
            for it in items {
                match &it.kind {
                    A::List(xs) => shape_of(xs, depth + 1, shape, leaves)?,
                    _ => {
                        if shape.len() > depth + 1 {
                            return Err(it.span);
                        }
                        leaves.push(it)
                    }
                }
            }
            Ok(())
        }
        let mut shape = Vec::new();
        let mut leaves = Vec::new();
        if shape_of(items, 0, &mut shape, &mut leaves).is_err()
            || leaves.len() != shape.iter().product::<usize>()
        {
            return self.fail(span, "nested lists must be rectangular (each inner list of one level has the same length)");
        }
        if shape.len() > 32 {
            return self.fail(span, "too many nested lists");
        }
        let mut vals = Vec::new();
        for l in &leaves {
            vals.push(self.expr(l));
        }
        let vals: Option<Vec<TE>> = vals.into_iter().collect();
        let vals = vals?;
        let arrays = vals.iter().filter(|v| v.ty().is_array()).count();
        if arrays > 0 {
            // A list of arrays: stacked along a new first axis.
            if arrays != vals.len() || shape.len() != 1 {
                return self.fail(span, "a list mixing arrays and numbers (or nested lists of arrays) cannot make an array: use a list of equal-shaped arrays");
            }
            let nd = vals[0].ty().ndim();
            if vals.iter().any(|v| v.ty().ndim() != nd) {
                return self.fail(
                    span,
                    "the arrays of a list must have the same number of dimensions",
                );
            }
            let d = dtype.unwrap_or_else(|| {
                vals.iter()
                    .filter_map(|v| v.ty().dtype())
                    .reduce(join)
                    .unwrap_or(DType::F64)
            });
            let items = vals.into_iter().map(|v| cast(v.e, d)).collect();
            return Some(array_op(
                ArrayOp::Stack { items },
                with_rank(d, nd + 1),
                span,
            ));
        }
        let mut d = None;
        for v in &vals {
            match v.ty() {
                Type::Scalar(x) => d = Some(d.map_or(x, |y| join(y, x))),
                t => {
                    return self.fail(
                        v.e.span,
                        format!("a list element must be a number or an array, not {t}"),
                    )
                }
            }
        }
        let d = dtype.or(d).unwrap_or(DType::F64);
        let items = vals.into_iter().map(|v| cast(v.e, d)).collect();
        Some(array_op(
            ArrayOp::List {
                items,
                shape: shape.clone(),
            },
            with_rank(d, shape.len()),
            span,
        ))
    }

    /// `[x] * n` or `n * [x]` (Python's list repetition): `np.full(max(n, 0), x)`.
    pub(crate) fn list_repeat(
        &mut self,
        items: &'a [ast::Expr],
        count: &'a ast::Expr,
        span: Span,
    ) -> Option<TE> {
        let [x] = items else {
            return self.fail(
                span,
                "list repetition is supported for one element only ([x] * n, an array of n copies of x)",
            );
        };
        if matches!(x.kind, A::List(_)) {
            return self.fail(
                x.span,
                "repeating a nested list is not supported: use np.full((n, m), x)",
            );
        }
        let v = self.expr(x)?;
        let Type::Scalar(d) = v.ty() else {
            return self.fail(
                x.span,
                format!("a list element must be a number, not {}", v.ty()),
            );
        };
        let n = self.expr(count)?;
        let n = self.int_operand(n, "a list repetition count")?;
        let n = Expr {
            kind: ExprKind::Math(MathFn::Maximum, vec![n, i64_const(0, span)]),
            ty: Type::Scalar(DType::I64),
            span,
        };
        Some(TE::strong(Expr {
            kind: ExprKind::Alloc(Alloc::Full {
                shape: Box::new(Expr {
                    kind: ExprKind::Tuple(vec![n]),
                    ty: Type::Tuple(TupleType::ints(1)),
                    span,
                }),
                value: Box::new(v.e),
            }),
            ty: with_rank(d, 1),
            span,
        }))
    }

    /// `[elem for var in iter if cond]`: a new 1-D array, built by statements that run
    /// before the enclosing statement (`self.pending`).
    pub(crate) fn list_comp(
        &mut self,
        elem: &'a ast::Expr,
        var: &'a ast::Ident,
        iter: &'a ast::Expr,
        cond: Option<&'a ast::Expr>,
        span: Span,
    ) -> Option<TE> {
        let i64t = Type::Scalar(DType::I64);
        // The sequence: range(...) (start, stop, constant step) or an array's first axis.
        let range_args = match &iter.kind {
            A::Call { func, args, kwargs }
                if kwargs.is_empty()
                    && matches!(&func.kind, A::Name(n) if n == "range" && !self.names.contains_key(n)) =>
            {
                Some(args)
            }
            _ => None,
        };
        let mut pre = Vec::new();
        let c = |v| i64_const(v, span);
        let (start, stop, step, arr) = if let Some(args) = range_args {
            if args.is_empty() || args.len() > 3 {
                return self.fail(
                    iter.span,
                    format!("range() takes 1 to 3 arguments, got {}", args.len()),
                );
            }
            let mut b = Vec::new();
            for a in args.iter() {
                let te = self.expr(a)?;
                b.push(self.int_operand(te, "range() arguments")?);
            }
            let step = if args.len() == 3 {
                match b[2].kind {
                    ExprKind::Const(Scalar::I64(k)) if k != 0 => k,
                    _ => return self.fail(args[2].span, "the step of a range in a list comprehension must be a non-zero integer constant"),
                }
            } else {
                1
            };
            let mut it = b.into_iter();
            let (s, e) = if args.len() == 1 {
                (c(0), it.next()?)
            } else {
                (it.next()?, it.next()?)
            };
            // Hold start and stop in temporaries (evaluated once, in order).
            let st = self.temp(i64t, iter.span);
            pre.push(assign(st, s, iter.span));
            let sp = self.temp(i64t, iter.span);
            pre.push(assign(sp, e, iter.span));
            (local(st, i64t, span), local(sp, i64t, span), step, None)
        } else {
            let a = self.expr(iter)?;
            let Type::Array(at) = a.ty() else {
                return self.fail(
                    iter.span,
                    format!(
                        "a list comprehension loops over range(...) or an array, not {}",
                        a.ty()
                    ),
                );
            };
            let t = self.temp(a.ty(), iter.span);
            let aty = a.ty();
            pre.push(assign(t, a.e, iter.span));
            let n = Expr {
                kind: ExprKind::Dim(Box::new(local(t, aty, span)), 0),
                ty: i64t,
                span,
            };
            (c(0), n, 1, Some((t, at)))
        };
        // The loop variable: a hidden local the name refers to inside the comprehension.
        let var_ty = match arr {
            Some((_, at)) => with_rank(at.dtype, at.ndim as usize - 1),
            None => i64t,
        };
        let v = self.temp(var_ty, var.span);
        let idx = match arr {
            Some(_) => self.temp(i64t, var.span),
            None => v,
        };
        let saved = self.names.insert(var.name.clone(), v);
        let value = self.expr(elem);
        let filter = cond.map(|c| self.expr(c).and_then(|c| self.truth(c)));
        match saved {
            Some(s) => self.names.insert(var.name.clone(), s),
            None => self.names.remove(&var.name),
        };
        let value = value?;
        let filter = match filter {
            Some(f) => Some(f?),
            None => None,
        };
        let Type::Scalar(d) = value.ty() else {
            return self.fail(
                elem.span,
                format!(
                    "a list comprehension builds an array of numbers; this element is {}",
                    value.ty()
                ),
            );
        };
        // count = max(0, ceil((stop - start) / step)) for the range; len(a) for arrays.
        let bin = |op, a: Expr, b: Expr| Expr {
            kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
            ty: i64t,
            span,
        };
        let count = if step > 0 {
            bin(
                BinOp::FloorDiv,
                bin(
                    BinOp::Add,
                    bin(BinOp::Sub, stop.clone(), start.clone()),
                    c(step - 1),
                ),
                c(step),
            )
        } else {
            bin(
                BinOp::FloorDiv,
                bin(
                    BinOp::Add,
                    bin(BinOp::Sub, start.clone(), stop.clone()),
                    c(-step - 1),
                ),
                c(-step),
            )
        };
        let count = Expr {
            kind: ExprKind::Math(MathFn::Maximum, vec![count, c(0)]),
            ty: i64t,
            span,
        };
        let rty = with_rank(d, 1);
        let r = self.temp(rty, span);
        let k = self.temp(i64t, span);
        pre.push(assign(
            r,
            Expr {
                kind: ExprKind::Alloc(Alloc::Zeros {
                    shape: Box::new(Expr {
                        kind: ExprKind::Tuple(vec![count]),
                        ty: Type::Tuple(TupleType::ints(1)),
                        span,
                    }),
                }),
                ty: rty,
                span,
            },
            span,
        ));
        pre.push(assign(k, c(0), span));
        let mut body = Vec::new();
        if let Some((t, at)) = arr {
            body.push(assign(
                v,
                Expr {
                    kind: ExprKind::Index(
                        Box::new(local(t, Type::Array(at), span)),
                        vec![Index::Int(local(idx, i64t, span))],
                    ),
                    ty: var_ty,
                    span,
                },
                span,
            ));
        }
        let mut store = vec![
            Stmt {
                kind: StmtKind::Store {
                    array: local(r, rty, span),
                    index: vec![Index::Int(local(k, i64t, span))],
                    aug: None,
                    value: cast(value.e, d),
                },
                span,
            },
            assign(k, bin(BinOp::Add, local(k, i64t, span), c(1)), span),
        ];
        if let Some(f) = filter {
            store = vec![Stmt {
                kind: StmtKind::If {
                    cond: f,
                    then: store,
                    orelse: Vec::new(),
                },
                span,
            }];
        }
        body.extend(store);
        pre.push(Stmt {
            kind: StmtKind::For {
                var: idx,
                start,
                stop,
                step: c(step),
                body,
                parallel: None,
            },
            span,
        });
        self.pending.extend(pre);
        let whole = local(r, rty, span);
        if cond.is_none() {
            return Some(TE::strong(whole));
        }
        // With a filter: the first k elements.
        Some(TE::strong(Expr {
            kind: ExprKind::Index(
                Box::new(whole),
                vec![Index::Slice {
                    start: None,
                    stop: Some(local(k, i64t, span)),
                    step: None,
                    span,
                }],
            ),
            ty: rty,
            span,
        }))
    }

    /// `target[sel] = value` or `target[sel] op= value` for a mask, an index array or
    /// `.flat[i]`; `op=` reads the selection, combines and stores it back (NumPy's
    /// meaning: with repeated indices the last write wins).
    pub(crate) fn select_store(
        &mut self,
        array: Expr,
        sel: Sel,
        op: Option<ast::BinOp>,
        value: TE,
        span: Span,
    ) -> Option<StmtKind> {
        let d = array.ty.dtype()?;
        let region = match &sel {
            Sel::Mask { mask, .. } => array.ty.ndim() - mask.ty.ndim() + 1,
            Sel::Take { index, .. } => array.ty.ndim() - 1 + index.ty.ndim(),
            Sel::Flat { .. } => 0,
        };
        if value.ty().ndim() > region.max(1) || (region == 0 && value.ty().is_array()) {
            return self.fail(
                value.e.span,
                format!(
                    "cannot store a {}-dimensional array into this {}-dimensional selection",
                    value.ty().ndim(),
                    region
                ),
            );
        }
        if value.ty().dtype().is_none() {
            return self.fail(value.e.span, "this value cannot be stored in an array");
        }
        let Some(op) = op else {
            return Some(StmtKind::SelectStore {
                array,
                sel,
                value: cast(value.e, d),
            });
        };
        // `$a = array; $s = selector; $a[$s] = $a[$s] op value`.
        let span_a = array.span;
        let aty = array.ty;
        let ta = self.temp(array.ty, span_a);
        let operand = sel.operand().clone();
        let ts = self.temp(operand.ty, operand.span);
        let sel_local = local(ts, operand.ty, operand.span);
        let sel2 = match &sel {
            Sel::Mask { axis, .. } => Sel::Mask {
                mask: sel_local,
                axis: *axis,
            },
            Sel::Take { axis, .. } => Sel::Take {
                index: sel_local,
                axis: *axis,
            },
            Sel::Flat { .. } => Sel::Flat { index: sel_local },
        };
        let read = array_op(
            ArrayOp::Select {
                array: local(ta, array.ty, span_a),
                sel: sel2.clone(),
            },
            with_rank(d, region),
            span,
        );
        let ty = self.binary_type(op, d, false, value.ty().dtype()?, value.weak, span)?;
        if region > 0 && (ty.is_float() && !d.is_float() || (ty != DType::Bool && d == DType::Bool))
        {
            return self.fail(
                span,
                format!(
                    "cannot update an array of {d} in place with '{}=': the result is {ty}",
                    op.symbol()
                ),
            );
        }
        let combined = self.binary(op, read, value, span)?;
        let stmts = vec![
            assign(ta, array, span_a),
            assign(ts, operand, span),
            Stmt {
                kind: StmtKind::SelectStore {
                    array: local(ta, aty, span_a),
                    sel: sel2,
                    value: cast(combined.e, d),
                },
                span,
            },
        ];
        Some(StmtKind::If {
            cond: Expr {
                kind: ExprKind::Const(Scalar::Bool(true)),
                ty: Type::Scalar(DType::Bool),
                span,
            },
            then: stmts,
            orelse: Vec::new(),
        })
    }

    /// `a.flat[i] = v` / `a.flat[i] op= v`.
    pub(crate) fn flat_store(
        &mut self,
        base: &'a ast::Expr,
        items: &'a [ast::IndexItem],
        op: Option<ast::BinOp>,
        value: &'a ast::Expr,
        span: Span,
    ) -> Option<StmtKind> {
        let v = self.expr(value);
        let (array, index) = self.flat_parts(base, items, span)?;
        self.select_store(array, Sel::Flat { index }, op, v?, span)
    }

    /// `for v in a.flat`: the body with `v = $a.flat[$i]` for `$i` in `range($a.size)`.
    pub(crate) fn flat_loop(
        &mut self,
        var: LocalId,
        target: &ast::Ident,
        base: &'a ast::Expr,
        body: &'a [ast::Stmt],
        span: Span,
    ) -> Option<StmtKind> {
        let a = self.expr(base)?;
        let Type::Array(at) = a.ty() else {
            return self.fail(
                base.span,
                format!("a value of type {} has no .flat", a.ty()),
            );
        };
        let i64t = Type::Scalar(DType::I64);
        let t = self.temp(a.ty(), base.span);
        let i = self.temp(i64t, base.span);
        let elem = array_op(
            ArrayOp::Select {
                array: local(t, a.ty(), base.span),
                sel: Sel::Flat {
                    index: local(i, i64t, target.span),
                },
            },
            Type::Scalar(at.dtype),
            target.span,
        );
        let bind = self.assign_local(var, elem, target.span);
        self.loops.push(false);
        let mut lowered = self.lower_block(body);
        self.loops.pop();
        lowered.insert(0, assign(var, bind?, target.span));
        let size = Expr {
            kind: ExprKind::Size(Box::new(local(t, a.ty(), base.span))),
            ty: i64t,
            span: base.span,
        };
        Some(StmtKind::If {
            cond: Expr {
                kind: ExprKind::Const(Scalar::Bool(true)),
                ty: Type::Scalar(DType::Bool),
                span,
            },
            then: vec![
                assign(t, a.e, base.span),
                Stmt {
                    kind: StmtKind::For {
                        var: i,
                        start: i64_const(0, span),
                        stop: size,
                        step: i64_const(1, span),
                        body: lowered,
                        parallel: None,
                    },
                    span,
                },
            ],
            orelse: Vec::new(),
        })
    }
}

fn assign(local: LocalId, value: Expr, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Assign { local, value },
        span,
    }
}
