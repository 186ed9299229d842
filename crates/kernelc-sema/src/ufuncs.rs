//! `@vectorize` and `@guvectorize` (Numba's universal functions), lowered by sema to
//! existing typed IR so both executors run them natively without knowing about them.
//!
//! * A `@vectorize` function (with or without a list of signatures) is an ordinary scalar
//!   function; called with an array argument it applies element-wise with NumPy's
//!   broadcasting. The call becomes statements run before the enclosing statement (as a
//!   list comprehension's loop is, `FnLower::pending`): the arguments into temporaries, a
//!   result array of the broadcast shape (made by a whole-array expression over the
//!   arguments, so shape errors are NumPy's broadcasting errors in both executors), and
//!   one counted loop per axis calling the scalar function on each element. The call's
//!   value is the result array.
//! * A `@guvectorize(signatures, "(n),()->(n)")` function's core is called over the outer
//!   dimensions of its arguments with row views (inputs broadcast on their outer axes);
//!   output arguments the caller leaves out are allocated (outer shape + core shape, the
//!   core sizes taken from the inputs) and returned. A scalar core output `()` is passed
//!   as a one-element view, as Numba does (`out[0] = ...`).
//!
//! Signatures pick the loop as NumPy's ufunc type resolution does: the first signature
//! every argument converts to safely; without signatures the argument types are used.
//! Type names in signatures are Numba's (`f8` is float64, `i8` is int64).

use crate::lower::{parse_annotation, FnLower, TE};
use crate::tir::*;
use crate::tuples::local;
use crate::types::{widens_to, with_rank};
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::Span;

/// The meaning of a function's decorators.
#[derive(Clone, Debug)]
pub(crate) enum Ufunc {
    Vectorize {
        sigs: Vec<Sig>,
        parallel: bool,
    },
    GuVectorize {
        sigs: Vec<Sig>,
        layout: Layout,
        parallel: bool,
    },
}

/// One signature: parameter types and the result (`None` for `void`).
#[derive(Clone, Debug)]
pub(crate) struct Sig {
    args: Vec<Type>,
    ret: Option<Type>,
}

/// A gufunc layout `"(m,n),(n)->(m)"`: the core dimension names of each input and output.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    ins: Vec<Vec<String>>,
    outs: Vec<Vec<String>>,
}

/// The name a decorator expression calls (`vectorize`, `numba.vectorize`, `nb.vectorize(...)`).
fn decorator_name(e: &ast::Expr) -> Option<&str> {
    match &e.kind {
        A::Name(n) => Some(n),
        A::Attribute(_, a) => Some(&a.name),
        A::Call { func, .. } => decorator_name(func),
        _ => None,
    }
}

/// What `def`'s decorators make of it (`None`: an ordinary function), or an error at the
/// decorator for a signature or layout that cannot be read.
pub(crate) fn ufunc_of(def: &ast::FuncDef) -> Result<Option<Ufunc>, (Span, String)> {
    for d in &def.decorators {
        let name = decorator_name(d);
        let (args, kwargs): (&[ast::Expr], &[ast::Keyword]) = match &d.kind {
            A::Call { args, kwargs, .. } => (args, kwargs),
            _ => (&[], &[]),
        };
        let kw = |n: &str| kwargs.iter().find(|k| k.name.name == n).map(|k| &k.value);
        // `target="parallel"`: the outermost loop over the elements is a prange.
        let parallel = matches!(kw("target").map(|e| &e.kind), Some(A::Str(t)) if t == "parallel");
        match name {
            Some("vectorize") => {
                let sigs = match args.first().or(kw("signatures")) {
                    Some(s) => signatures(s)?,
                    None => Vec::new(),
                };
                return Ok(Some(Ufunc::Vectorize { sigs, parallel }));
            }
            Some("guvectorize") => {
                let (sig_e, layout_e) = match args {
                    [s, l, ..] => (Some(s), Some(l)),
                    [s] => (Some(s), kw("signature").or(kw("layout"))),
                    [] => (kw("signatures").or(kw("ftylist")), kw("signature")),
                };
                let Some(layout_e) = layout_e else {
                    return Err((
                        d.span,
                        "@guvectorize needs a layout string such as \"(n),()->(n)\"".into(),
                    ));
                };
                let A::Str(text) = &layout_e.kind else {
                    return Err((
                        layout_e.span,
                        "the layout of @guvectorize is a string such as \"(n),()->(n)\"".into(),
                    ));
                };
                let layout = parse_layout(text).ok_or_else(|| {
                    (
                        layout_e.span,
                        format!(
                            "cannot read the gufunc layout \"{text}\": write it as \"(n),()->(n)\""
                        ),
                    )
                })?;
                let sigs = match sig_e {
                    Some(s) => signatures(s)?,
                    None => Vec::new(),
                };
                let n = layout.ins.len() + layout.outs.len();
                if n != def.params.len() {
                    return Err((
                        layout_e.span,
                        format!(
                            "the layout \"{text}\" names {n} arguments but {}() has {}",
                            def.name.name,
                            def.params.len()
                        ),
                    ));
                }
                if sigs.iter().any(|s| s.args.len() != n) {
                    return Err((
                        sig_e.map_or(d.span, |e| e.span),
                        format!(
                            "each signature of {}() must have {n} arguments",
                            def.name.name
                        ),
                    ));
                }
                return Ok(Some(Ufunc::GuVectorize {
                    sigs,
                    layout,
                    parallel,
                }));
            }
            _ => {}
        }
    }
    Ok(None)
}

/// A list of signatures, one signature, a string, or a type call (`float64(float64)`).
fn signatures(e: &ast::Expr) -> Result<Vec<Sig>, (Span, String)> {
    match &e.kind {
        A::List(items) | A::Tuple(items) => items.iter().map(signature).collect(),
        _ => Ok(vec![signature(e)?]),
    }
}

fn signature(e: &ast::Expr) -> Result<Sig, (Span, String)> {
    let bad = || {
        (
            e.span,
            "cannot read this signature: write it as \"float64(float64, float64)\" or \
             \"void(float64[:], float64[:])\""
                .to_string(),
        )
    };
    let parsed;
    let e = match &e.kind {
        A::Str(s) => {
            let (p, diags) = kernelc_syntax::parse_expression(s);
            if !diags.is_empty() {
                return Err(bad());
            }
            parsed = p.ok_or_else(bad)?;
            &parsed
        }
        _ => e,
    };
    match &e.kind {
        A::Call { func, args, kwargs } if kwargs.is_empty() => {
            let ret = if matches!(&func.kind, A::Name(n) if n == "void")
                || matches!(&func.kind, A::NoneLit)
            {
                None
            } else {
                Some(sig_type(func).ok_or_else(bad)?)
            };
            let args = args
                .iter()
                .map(|a| sig_type(a).ok_or_else(bad))
                .collect::<Result<_, _>>()?;
            Ok(Sig { args, ret })
        }
        // `(float64, float64)`: parameters only.
        A::Tuple(items) => Ok(Sig {
            args: items
                .iter()
                .map(|a| sig_type(a).ok_or_else(bad))
                .collect::<Result<_, _>>()?,
            ret: None,
        }),
        _ => Err(bad()),
    }
}

/// A type in a Numba signature: `f8`, `float64`, `nb.float64`, `float64[:]`, `f8[:, ::1]`.
fn sig_type(e: &ast::Expr) -> Option<Type> {
    let dtype = |e: &ast::Expr| match &e.kind {
        A::Name(n) => numba_dtype(n),
        A::Attribute(_, a) => numba_dtype(&a.name),
        _ => None,
    };
    match &e.kind {
        A::Subscript(base, items) if !items.is_empty() && items.len() <= 32 => {
            Some(with_rank(dtype(base)?, items.len()))
        }
        _ => dtype(e)
            .map(Type::Scalar)
            .or_else(|| parse_annotation(e).ok()),
    }
}

/// Numba's short type names (`i8` is int64 there, not int8) and NumPy's long ones.
fn numba_dtype(n: &str) -> Option<DType> {
    Some(match n {
        "b1" => DType::Bool,
        "i1" => DType::I8,
        "i2" => DType::I16,
        "i4" => DType::I32,
        "i8" => DType::I64,
        "u1" => DType::U8,
        "u2" => DType::U16,
        "u4" => DType::U32,
        "u8" => DType::U64,
        "f4" => DType::F32,
        "f8" => DType::F64,
        "c8" => DType::C64,
        "c16" => DType::C128,
        _ => return DType::from_name(n),
    })
}

/// `"(m,n),(n)->(m)"` into core dimension names.
fn parse_layout(text: &str) -> Option<Layout> {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (ins, outs) = text.split_once("->")?;
    let groups = |s: &str| -> Option<Vec<Vec<String>>> {
        let mut out = Vec::new();
        let mut rest = s;
        while !rest.is_empty() {
            let inner = rest.strip_prefix('(')?;
            let close = inner.find(')')?;
            let dims = &inner[..close];
            let names: Vec<String> = if dims.is_empty() {
                Vec::new()
            } else {
                dims.split(',').map(str::to_string).collect()
            };
            if names
                .iter()
                .any(|n| n.is_empty() || !n.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                return None;
            }
            out.push(names);
            rest = &inner[close + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
        Some(out)
    };
    let (ins, outs) = (groups(ins)?, groups(outs)?);
    (!outs.is_empty()).then_some(Layout { ins, outs })
}

/// Whether an argument of dtype `from` (a weak literal when `weak`) may take a signature's
/// `to` without loss, as NumPy's ufunc loop selection (safe casting) decides.
fn accepts(from: DType, weak: bool, to: DType) -> bool {
    if weak {
        return match from {
            d if d.is_complex() => to.is_complex(),
            d if d.is_float() => to.is_float() || to.is_complex(),
            DType::Bool => true,
            _ => to != DType::Bool,
        };
    }
    from == to || widens_to(from, to)
}

fn i64c(v: i64, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Const(Scalar::I64(v)),
        ty: Type::Scalar(DType::I64),
        span,
    }
}

fn int_bin(op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
        ty: Type::Scalar(DType::I64),
        span,
    }
}

fn dim(e: Expr, k: usize, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Dim(Box::new(e), k),
        ty: Type::Scalar(DType::I64),
        span,
    }
}

fn full(span: Span) -> Index {
    Index::Slice {
        start: None,
        stop: None,
        step: None,
        span,
    }
}

/// `min(i, n - 1)`: the index of a broadcast axis (0 when its length is 1).
fn bcast_index(i: Expr, n: Expr, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Math(
            MathFn::Minimum,
            vec![i, int_bin(BinOp::Sub, n, i64c(1, span), span)],
        ),
        ty: Type::Scalar(DType::I64),
        span,
    }
}

fn assign(local: LocalId, value: Expr, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Assign { local, value },
        span,
    }
}

/// A bool array of the broadcast shape of `arrays` (`bool(a) & bool(b)`): its shape is the
/// result shape, and a mismatch is NumPy's broadcasting error, in both executors. (For
/// gufuncs the operands are fresh bool arrays of the inputs' outer shapes.)
fn broadcast_probe(arrays: Vec<Expr>, span: Span) -> Option<Expr> {
    let mut acc: Option<Expr> = None;
    for a in arrays {
        let rank = a.ty.ndim();
        // A fresh array in every case (`~a` for a bool array): the result is written.
        let kind = if a.ty.dtype() == Some(DType::Bool) {
            ExprKind::Unary(UnOp::Invert, Box::new(a))
        } else {
            ExprKind::Cast(Box::new(a))
        };
        let eq = Expr {
            kind,
            ty: with_rank(DType::Bool, rank),
            span,
        };
        acc = Some(match acc {
            None => eq,
            Some(p) => {
                let r = p.ty.ndim().max(rank);
                Expr {
                    kind: ExprKind::Binary(BinOp::BitAnd, Box::new(p), Box::new(eq)),
                    ty: with_rank(DType::Bool, r),
                    span,
                }
            }
        });
    }
    acc
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// The first signature whose parameters every argument converts to safely; the
    /// argument types themselves when there are no signatures.
    fn pick_sig(
        &mut self,
        name: &str,
        sigs: &[Sig],
        args: &[TE],
        core: Option<&Layout>,
        span: Span,
    ) -> Option<Sig> {
        if sigs.is_empty() {
            return Some(Sig {
                args: args.iter().map(|a| a.ty()).collect(),
                ret: None,
            });
        }
        for s in sigs {
            let ok = args.iter().zip(&s.args).all(|(a, &p)| {
                let (Some(from), Some(to)) = (a.ty().dtype(), p.dtype()) else {
                    return false;
                };
                let weak = a.weak && !a.ty().is_array();
                accepts(from, weak, to)
                    && match core {
                        // gufunc inputs: the argument has at least the core's rank.
                        Some(_) => a.ty().ndim() >= p.ndim(),
                        None => true,
                    }
            });
            if ok {
                return Some(s.clone());
            }
        }
        let got: Vec<String> = args.iter().map(|a| a.ty().to_string()).collect();
        self.fail(
            span,
            format!(
                "{name}() has no loop for arguments ({}): none of its signatures takes them",
                got.join(", ")
            ),
        )
    }

    /// A call of a `@vectorize` function: element-wise over its array arguments.
    pub(crate) fn vectorize_call(
        &mut self,
        name: &str,
        sigs: &[Sig],
        parallel: bool,
        args: Vec<TE>,
        span: Span,
    ) -> Option<TE> {
        for a in &args {
            if !matches!(a.ty(), Type::Scalar(_) | Type::Array(_)) {
                return self.fail(
                    a.e.span,
                    format!(
                        "the arguments of the @vectorize function {name}() are numbers or arrays, not {}",
                        a.ty()
                    ),
                );
            }
        }
        let sig = self.pick_sig(name, sigs, &args, None, span)?;
        // Scalar parameter types: the element types.
        let elem: Vec<DType> = args
            .iter()
            .zip(&sig.args)
            .map(|(a, p)| p.dtype().or(a.ty().dtype()).expect("numbers"))
            .collect();
        let any_array = args.iter().any(|a| a.ty().is_array());
        let scalar_sig: Vec<Type> = elem.iter().map(|&d| Type::Scalar(d)).collect();
        let (id, ret) = match self.cx.instantiate(name, &scalar_sig, span) {
            Ok(r) => r,
            Err(d) => {
                if !d.message.is_empty() {
                    self.error(d);
                }
                return None;
            }
        };
        let ret_d = match (sig.ret, ret) {
            (Some(t), _) => t.dtype()?,
            (None, Type::Scalar(d)) => d,
            (None, t) => {
                return self.fail(
                    span,
                    format!("the @vectorize function {name}() must return a number, not {t}"),
                )
            }
        };
        let cast_to = |e: Expr, d: DType| crate::lower::cast(e, d);
        if !any_array {
            let call_args = args
                .into_iter()
                .zip(&elem)
                .map(|(a, &d)| cast_to(a.e, d))
                .collect();
            let call = Expr {
                kind: ExprKind::Call(id, call_args),
                ty: ret,
                span,
            };
            return Some(TE::strong(cast_to(call, ret_d)));
        }
        // The arguments, once, in order.
        let mut pre = Vec::new();
        let mut temps = Vec::new();
        for a in args {
            let ty = a.ty();
            let t = self.temp(ty, a.e.span);
            pre.push(assign(t, a.e, span));
            temps.push((t, ty));
        }
        let rank = temps.iter().map(|(_, t)| t.ndim()).max().unwrap_or(0);
        let rty = with_rank(ret_d, rank);
        let probe = broadcast_probe(
            temps
                .iter()
                .filter(|(_, t)| t.is_array())
                .map(|&(t, ty)| local(t, ty, span))
                .collect(),
            span,
        )?;
        let r = self.temp(rty, span);
        pre.push(assign(r, cast_to(probe, ret_d), span));
        let idx: Vec<LocalId> = (0..rank)
            .map(|_| self.temp(Type::Scalar(DType::I64), span))
            .collect();
        let i64t = Type::Scalar(DType::I64);
        let call_args: Vec<Expr> = temps
            .iter()
            .zip(&elem)
            .map(|(&(t, ty), &d)| {
                let read = match ty {
                    Type::Array(at) => {
                        let k = at.ndim as usize;
                        let index = (0..k)
                            .map(|m| {
                                let i = local(idx[rank - k + m], i64t, span);
                                Index::Int(bcast_index(i, dim(local(t, ty, span), m, span), span))
                            })
                            .collect();
                        Expr {
                            kind: ExprKind::Index(Box::new(local(t, ty, span)), index),
                            ty: Type::Scalar(at.dtype),
                            span,
                        }
                    }
                    _ => local(t, ty, span),
                };
                cast_to(read, d)
            })
            .collect();
        let call = Expr {
            kind: ExprKind::Call(id, call_args),
            ty: ret,
            span,
        };
        let store = Stmt {
            kind: StmtKind::Store {
                array: local(r, rty, span),
                index: idx
                    .iter()
                    .map(|&i| Index::Int(local(i, i64t, span)))
                    .collect(),
                aug: None,
                value: cast_to(call, ret_d),
            },
            span,
        };
        pre.push(self.loops_over(&idx, r, rty, vec![store], parallel, span));
        self.pending.extend(pre);
        Some(TE::strong(local(r, rty, span)))
    }

    /// Counted loops `for idx[j] in range(arr.shape[j])`, outermost first, around `body`;
    /// with `parallel` the outermost is a prange (its iterations write disjoint elements;
    /// the inner indices are private).
    fn loops_over(
        &self,
        idx: &[LocalId],
        arr: LocalId,
        ty: Type,
        body: Block,
        parallel: bool,
        span: Span,
    ) -> Stmt {
        let mut body = body;
        for (j, &i) in idx.iter().enumerate().rev() {
            let par = (parallel && j == 0 && !self.loops.contains(&true)).then(|| Parallel {
                reductions: Vec::new(),
                private: idx[1..].to_vec(),
            });
            body = vec![Stmt {
                kind: StmtKind::For {
                    var: i,
                    start: i64c(0, span),
                    stop: dim(local(arr, ty, span), j, span),
                    step: i64c(1, span),
                    body,
                    parallel: par,
                },
                span,
            }];
        }
        body.pop().expect("one statement")
    }

    /// A call of a `@guvectorize` function with its inputs and, optionally, its outputs.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn guvectorize_call(
        &mut self,
        name: &str,
        sigs: &[Sig],
        layout: &Layout,
        parallel: bool,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
    ) -> Option<TE> {
        let n_in = layout.ins.len();
        let n_out = layout.outs.len();
        if let Some(k) = kwargs.first() {
            return self.fail(
                k.name.span,
                format!("the gufunc {name}() takes its arguments by position"),
            );
        }
        if args.len() != n_in && args.len() != n_in + n_out {
            return self.fail(
                span,
                format!(
                    "the gufunc {name}() takes {n_in} input{} (and optionally {n_out} output{}), but {} were given",
                    if n_in == 1 { "" } else { "s" },
                    if n_out == 1 { "" } else { "s" },
                    args.len()
                ),
            );
        }
        let vals: Vec<Option<TE>> = args.iter().map(|a| self.expr(a)).collect();
        let vals: Vec<TE> = vals.into_iter().collect::<Option<_>>()?;
        let outs_given = vals.len() == n_in + n_out;
        for (k, a) in vals.iter().enumerate() {
            let core = if k < n_in {
                &layout.ins[k]
            } else {
                &layout.outs[k - n_in]
            };
            let ok = match a.ty() {
                Type::Scalar(_) => core.is_empty() && k < n_in,
                Type::Array(at) => at.ndim as usize >= core.len().max(usize::from(k >= n_in)),
                _ => false,
            };
            if !ok {
                return self.fail(
                    a.e.span,
                    format!(
                        "argument {} of the gufunc {name}() is {}, but its layout ({}) needs {}",
                        k + 1,
                        a.ty(),
                        core.join(","),
                        if k >= n_in {
                            "an array to write into".to_string()
                        } else {
                            format!("at least {} dimension(s)", core.len())
                        }
                    ),
                );
            }
        }
        let sig = self.pick_sig(
            name,
            sigs,
            &vals[..n_in.min(vals.len())],
            Some(layout),
            span,
        )?;
        // Each parameter's type: the signature's, else from the argument (core rank).
        let mut params = Vec::new();
        for k in 0..n_in + n_out {
            let core = if k < n_in {
                layout.ins[k].len()
            } else {
                layout.outs[k - n_in].len().max(1)
            };
            let from_arg = vals.get(k).and_then(|a| a.ty().dtype());
            // Given outputs are written in their own element type.
            let given_out = if k >= n_in { from_arg } else { None };
            let d = given_out
                .or(sig
                    .args
                    .get(k)
                    .filter(|_| !sigs.is_empty())
                    .and_then(|t| t.dtype()))
                .or(from_arg)
                .or_else(|| vals[0].ty().dtype())?;
            let t = if core == 0 {
                Type::Scalar(d)
            } else {
                with_rank(d, core)
            };
            params.push(t);
        }
        let i64t = Type::Scalar(DType::I64);
        let mut pre = Vec::new();
        let mut temps = Vec::new();
        for a in vals {
            let ty = a.ty();
            let t = self.temp(ty, a.e.span);
            pre.push(assign(t, a.e, span));
            temps.push((t, ty));
        }
        let outer_of = |k: usize, ty: Type| {
            let core = if k < n_in {
                layout.ins[k].len()
            } else {
                layout.outs[k - n_in].len()
            };
            ty.ndim() - core
        };
        // The outer shape: of the given outputs, else the inputs' broadcast.
        let (shape_arr, shape_ty, outer) = if outs_given {
            let (t, ty) = temps[n_in];
            (t, ty, outer_of(n_in, ty))
        } else {
            let views: Vec<Expr> = temps
                .iter()
                .enumerate()
                .filter(|&(k, &(_, ty))| outer_of(k, ty) > 0)
                .map(|(k, &(t, ty))| {
                    // A bool array of the input's outer shape (its core may be empty).
                    let o = outer_of(k, ty);
                    let dims: Vec<Expr> =
                        (0..o).map(|j| dim(local(t, ty, span), j, span)).collect();
                    Expr {
                        kind: ExprKind::Alloc(Alloc::Zeros {
                            shape: Box::new(Expr {
                                kind: ExprKind::Tuple(dims),
                                ty: Type::Tuple(TupleType::ints(o)),
                                span,
                            }),
                        }),
                        ty: with_rank(DType::Bool, o),
                        span,
                    }
                })
                .collect();
            match broadcast_probe(views, span) {
                Some(p) => {
                    let pty = p.ty;
                    let t = self.temp(pty, span);
                    pre.push(assign(t, p, span));
                    (t, pty, pty.ndim())
                }
                None => (usize::MAX, i64t, 0),
            }
        };
        // The outputs the caller left out: outer shape + core sizes from the inputs.
        let mut outs = Vec::new();
        for o in 0..n_out {
            if outs_given {
                outs.push(temps[n_in + o]);
                continue;
            }
            let mut shape: Vec<Expr> = (0..outer)
                .map(|j| dim(local(shape_arr, shape_ty, span), j, span))
                .collect();
            let core = &layout.outs[o];
            for c in core {
                let found = temps
                    .iter()
                    .take(n_in)
                    .enumerate()
                    .find_map(|(k, &(t, ty))| {
                        let pos = layout.ins[k].iter().position(|n| n == c)?;
                        let o = outer_of(k, ty);
                        Some(dim(local(t, ty, span), o + pos, span))
                    });
                match found {
                    Some(e) => shape.push(e),
                    None => {
                        return self.fail(
                            span,
                            format!(
                                "the size of the output dimension '{c}' of {name}() is not known from the inputs: pass the output array"
                            ),
                        )
                    }
                }
            }
            if shape.is_empty() {
                shape.push(i64c(1, span));
            }
            let d = params[n_in + o].dtype()?;
            let oty = with_rank(d, shape.len());
            let n = shape.len();
            let t = self.temp(oty, span);
            pre.push(assign(
                t,
                Expr {
                    kind: ExprKind::Alloc(Alloc::Zeros {
                        shape: Box::new(Expr {
                            kind: ExprKind::Tuple(shape),
                            ty: Type::Tuple(TupleType::ints(n)),
                            span,
                        }),
                    }),
                    ty: oty,
                    span,
                },
                span,
            ));
            outs.push((t, oty));
        }
        let (id, _) = match self.cx.instantiate(name, &params, span) {
            Ok(r) => r,
            Err(d) => {
                if !d.message.is_empty() {
                    self.error(d);
                }
                return None;
            }
        };
        let idx: Vec<LocalId> = (0..outer).map(|_| self.temp(i64t, span)).collect();
        let mut call_args = Vec::new();
        for (k, &(t, ty)) in temps.iter().take(n_in).enumerate() {
            let o = outer_of(k, ty);
            let arg = if o == 0 {
                local(t, ty, span)
            } else {
                let core = ty.ndim() - o;
                let mut index: Vec<Index> = (0..o)
                    .map(|m| {
                        let i = local(idx[outer - o + m], i64t, span);
                        Index::Int(bcast_index(i, dim(local(t, ty, span), m, span), span))
                    })
                    .collect();
                index.extend((0..core).map(|_| full(span)));
                let d = ty.dtype().expect("array");
                Expr {
                    kind: ExprKind::Index(Box::new(local(t, ty, span)), index),
                    ty: if core == 0 {
                        Type::Scalar(d)
                    } else {
                        with_rank(d, core)
                    },
                    span,
                }
            };
            let arg = match params[k].dtype() {
                Some(d) => crate::lower::cast(arg, d),
                None => arg,
            };
            call_args.push(arg);
        }
        for (o, &(t, ty)) in outs.iter().enumerate() {
            let core = layout.outs[o].len();
            let oo = ty.ndim() - core.max(usize::from(!outs_given && outer == 0));
            let oo = if outs_given { ty.ndim() - core } else { oo };
            let mut index: Vec<Index> = Vec::new();
            for m in 0..oo {
                let i = local(idx[outer - oo + m], i64t, span);
                let last = m + 1 == oo;
                if core == 0 && last {
                    // A scalar core output: a one-element view.
                    index.push(Index::Slice {
                        start: Some(i.clone()),
                        stop: Some(int_bin(BinOp::Add, i, i64c(1, span), span)),
                        step: None,
                        span,
                    });
                } else {
                    index.push(Index::Int(i));
                }
            }
            index.extend((0..core).map(|_| full(span)));
            let arg = if index
                .iter()
                .all(|i| matches!(i, Index::Slice { start: None, .. }))
            {
                local(t, ty, span)
            } else {
                Expr {
                    kind: ExprKind::Index(Box::new(local(t, ty, span)), index),
                    ty: params[n_in + o],
                    span,
                }
            };
            call_args.push(arg);
        }
        let call = Stmt {
            kind: StmtKind::Expr(Expr {
                kind: ExprKind::Call(id, call_args),
                ty: Type::None,
                span,
            }),
            span,
        };
        if outer == 0 {
            pre.push(call);
        } else {
            pre.push(self.loops_over(&idx, shape_arr, shape_ty, vec![call], parallel, span));
        }
        self.pending.extend(pre);
        // The outputs (a scalar core output without outer axes is its one element).
        let values: Vec<Expr> = outs
            .iter()
            .enumerate()
            .map(|(o, &(t, ty))| {
                if !outs_given && outer == 0 && layout.outs[o].is_empty() {
                    Expr {
                        kind: ExprKind::Index(
                            Box::new(local(t, ty, span)),
                            vec![Index::Int(i64c(0, span))],
                        ),
                        ty: Type::Scalar(ty.dtype().expect("array")),
                        span,
                    }
                } else {
                    local(t, ty, span)
                }
            })
            .collect();
        Some(TE::strong(if values.len() == 1 {
            values.into_iter().next().expect("one")
        } else {
            let tys: Vec<Type> = values.iter().map(|v| v.ty).collect();
            let tt = TupleType::new(&tys);
            Expr {
                kind: ExprKind::Tuple(values),
                ty: Type::Tuple(tt),
                span,
            }
        }))
    }
}
