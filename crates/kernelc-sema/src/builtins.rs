//! Calls: user functions, casts, math functions, reductions, constructors, random
//! numbers and `print` (LANGUAGE.md §6). NumPy-style prefixes (`np.sqrt`, `math.exp`,
//! `np.random.normal`, `np.linalg.norm`) name the same builtins, and `a.sum(axis=0)`-style
//! methods the same reductions.

use crate::consts::is_module;
use crate::library::{is_library_builtin, is_library_method};
use crate::lower::{cast, parse_annotation, FnLower, TE};
use crate::tir::*;
use crate::types::{promote, with_rank};
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast::{self, ExprKind as A};
use kernelc_syntax::Span;

/// True for names of builtin functions.
pub(crate) fn is_builtin(n: &str) -> bool {
    crate::library::is_library_builtin(n)
        || MathFn::from_name(n).is_some()
        || ReduceOp::from_name(n).is_some()
        || DType::from_name(n).is_some()
        || matches!(
            n,
            "where"
                | "dot"
                | "len"
                | "zeros"
                | "ones"
                | "empty"
                | "full"
                | "arange"
                | "linspace"
                | "zeros_like"
                | "empty_like"
                | "ones_like"
                | "full_like"
                | "seed"
                | "random"
                | "normal"
                | "randint"
                | "print"
                | "range"
                | "prange"
        )
        || crate::arrays::is_array_builtin(n)
        || crate::complex::is_complex_builtin(n)
}

impl<'c, 'a> FnLower<'c, 'a> {
    pub(crate) fn call(
        &mut self,
        func: &'a ast::Expr,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
    ) -> Option<TE> {
        match &func.kind {
            A::Name(n) if self.names.contains_key(n) => {
                self.fail(func.span, format!("'{n}' is a variable, not a function"))
            }
            A::Name(n) if self.cx.funcs.contains_key(n.as_str()) => {
                let name: &str = self
                    .cx
                    .funcs
                    .get_key_value(n.as_str())
                    .map(|(k, _)| *k)
                    .expect("present");
                self.call_with_keywords(name, args, kwargs, span)
            }
            A::Name(n) if is_library_builtin(n) => {
                self.library_builtin(n, None, args, kwargs, span, false)
            }
            A::Name(n) => self.builtin(n, None, args, kwargs, span, func.span),
            A::Attribute(base, attr) if is_module_path(base) && is_library_builtin(&attr.name) => {
                self.library_builtin(&attr.name, None, args, kwargs, span, true)
            }
            A::Attribute(base, attr) if is_module_path(base) => {
                self.builtin(&attr.name, None, args, kwargs, span, func.span)
            }
            A::Attribute(base, attr) if is_library_method(&attr.name) => {
                // a.sum(axis=0), a.sort(), a.cumsum() and friends
                let this = self.expr(base)?;
                self.library_builtin(&attr.name, Some(this), args, kwargs, span, false)
            }
            A::Attribute(base, attr) => {
                if let Some(r) = self.array_method(base, attr, args, kwargs, span) {
                    return r;
                }
                if matches!(attr.name.as_str(), "conjugate" | "conj") {
                    let this = self.expr(base)?;
                    return self.complex_builtin(&attr.name, Some(this), args, span);
                }
                if matches!(attr.name.as_str(), "astype" | "copy" | "clip") {
                    let this = self.expr(base)?;
                    self.builtin(&attr.name, Some(this), args, kwargs, span, attr.span)
                } else {
                    self.fail(attr.span, format!("arrays have no method '{}'", attr.name))
                }
            }
            _ => self.fail(func.span, "this cannot be called"),
        }
    }

    /// Lowers positional arguments (with an optional receiver first).
    pub(crate) fn lower_args(
        &mut self,
        this: Option<TE>,
        args: &'a [ast::Expr],
    ) -> Option<Vec<TE>> {
        let mut out = vec![];
        let mut ok = true;
        if let Some(t) = this {
            out.push(t);
        }
        for a in args {
            match self.expr(a) {
                Some(te) => out.push(te),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn arity(&mut self, name: &str, n: usize, lo: usize, hi: usize, span: Span) -> Option<()> {
        if n < lo || n > hi {
            let want = if lo == hi {
                format!("{lo}")
            } else {
                format!("{lo} to {hi}")
            };
            return self.fail(
                span,
                format!(
                    "{name}() takes {want} argument{} but {n} {}",
                    if hi == 1 { "" } else { "s" },
                    if n == 1 { "was given" } else { "were given" }
                ),
            );
        }
        Some(())
    }

    fn builtin(
        &mut self,
        name: &str,
        this: Option<TE>,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
        name_span: Span,
    ) -> Option<TE> {
        if this.is_none() && crate::arrays::is_array_builtin(name) {
            return self.array_function(name, None, args, kwargs, span);
        }
        if name == "print" && this.is_none() {
            return self.print_call(args, kwargs, span);
        }
        // keyword arguments: dtype= for constructors
        let mut dtype_kw = None;
        for k in kwargs {
            match k.name.name.as_str() {
                "dtype"
                    if matches!(
                        name,
                        "zeros"
                            | "ones"
                            | "empty"
                            | "full"
                            | "arange"
                            | "zeros_like"
                            | "empty_like"
                            | "ones_like"
                            | "full_like"
                    ) =>
                {
                    dtype_kw = Some(&k.value)
                }
                other => {
                    return self.fail(
                        k.name.span,
                        format!("{name}() got an unexpected keyword argument '{other}'"),
                    )
                }
            }
        }
        if matches!(name, "range" | "prange") {
            return self.fail(
                span,
                format!("{name}() can only be used as the iterable of a for loop"),
            );
        }
        if crate::complex::is_complex_builtin(name) {
            return self.complex_builtin(name, this, args, span);
        }
        if let Some(d) = DType::from_name(name) {
            let a = self.lower_args(this, args)?;
            self.arity(name, a.len(), 1, 1, span)?;
            let x = a.into_iter().next()?;
            if x.ty().dtype().is_none() {
                return self.fail(
                    x.e.span,
                    format!("cannot convert a value of type {} to {d}", x.ty()),
                );
            }
            if x.ty().dtype().is_some_and(|x| x.is_complex()) && !d.is_complex() {
                return self.fail(
                    span,
                    format!(
                        "cannot convert a complex number to {d}: take z.real, z.imag or abs(z)"
                    ),
                );
            }
            if let (true, Some(v)) = (x.weak, crate::expr::const_int(&x.e)) {
                let (lo, hi) = d.int_range();
                if d.is_int() && x.ty().dtype() != Some(DType::Bool) && !(lo..=hi).contains(&v) {
                    return self.fail(
                        x.e.span,
                        format!("the integer {v} is out of bounds for {d} (as in NumPy)"),
                    );
                }
            }
            // An explicit cast reports its errors at the call (`int(x)`).
            let mut e = cast(x.e, d);
            e.span = span;
            return Some(TE::strong(e));
        }
        if name == "astype" {
            let Some(this) = this else {
                return self.fail(span, "astype is an array method");
            };
            let [d] = args else {
                return self.fail(span, "astype() takes one type argument");
            };
            let d = match self.dtype_value(d) {
                Some(d) => d,
                None => match parse_annotation(d) {
                    Ok(Type::Scalar(d)) => d,
                    _ => return self.fail(d.span, "astype() needs an element type such as f32"),
                },
            };
            if this.ty().dtype().is_some_and(|x| x.is_complex()) && !d.is_complex() {
                return self.fail(
                    span,
                    format!("cannot convert complex values to {d}: take z.real, z.imag or abs(z)"),
                );
            }
            return Some(TE::strong(cast(this.e, d)));
        }
        if let Some(f) = MathFn::from_name(name) {
            let a = self.lower_args(this, args)?;
            self.arity(name, a.len(), f.arity(), f.arity(), span)?;
            if f == MathFn::Pow {
                let mut it = a.into_iter();
                let (x, y) = (it.next()?, it.next()?);
                return self.binary(ast::BinOp::Pow, x, y, span);
            }
            return self.math(f, a, span);
        }
        // A constructor's positional dtype argument (`zeros(n, f32)`) is a type, not a value.
        let n_values = match name {
            "zeros" | "ones" | "empty" | "zeros_like" | "empty_like" | "ones_like" => 1,
            "full" | "full_like" => 2,
            _ => args.len(),
        };
        let a = self.lower_args(this, &args[..n_values.min(args.len())])?;
        let a_len = args.len();
        let i64t = Type::Scalar(DType::I64);
        match name {
            "len" => {
                self.arity(name, a.len(), 1, 1, span)?;
                let x = a.into_iter().next()?;
                match x.ty() {
                    Type::Array(_) => Some(TE::strong(Expr {
                        kind: ExprKind::Dim(Box::new(x.e), 0),
                        ty: i64t,
                        span,
                    })),
                    Type::Tuple(tt) => Some(Self::tuple_len(tt, span)),
                    t => self.fail(x.e.span, format!("a value of type {t} has no len()")),
                }
            }
            "where" => {
                self.arity(name, a.len(), 3, 3, span)?;
                let mut it = a.into_iter();
                let (c, x, y) = (it.next()?, it.next()?, it.next()?);
                let (Some(_), Some(xd), Some(yd)) =
                    (c.ty().dtype(), x.ty().dtype(), y.ty().dtype())
                else {
                    return self.fail(span, "where() takes a condition and two values or arrays");
                };
                let nd = c.ty().ndim().max(x.ty().ndim()).max(y.ty().ndim());
                let t = promote(xd, x.weak, yd, y.weak);
                let weak = x.weak && y.weak && c.weak;
                let e = Expr {
                    kind: ExprKind::Where(
                        Box::new(cast(c.e, DType::Bool)),
                        Box::new(cast(x.e, t)),
                        Box::new(cast(y.e, t)),
                    ),
                    ty: with_rank(t, nd),
                    span,
                };
                Some(TE { e, weak })
            }
            "zeros" | "ones" | "empty" | "full" => {
                let n = if name == "full" { 2 } else { 1 };
                self.arity(name, a_len, n, n + 1, span)?;
                let mut it = a.into_iter();
                let shape = self.shape_arg(it.next()?)?;
                let value = if name == "full" {
                    Some(it.next()?)
                } else {
                    None
                };
                let dtype = match (args.get(n), dtype_kw) {
                    (Some(_), _) => self.dtype_arg(args.get(n))?,
                    (None, Some(k)) => self.dtype_arg(Some(k))?,
                    (None, None) => match &value {
                        Some(v) => match v.ty() {
                            Type::Scalar(d) => d,
                            t => {
                                return self.fail(
                                    v.e.span,
                                    format!("full() needs a single fill value, not {t}"),
                                )
                            }
                        },
                        None => DType::F64,
                    },
                };
                let ndim = shape_rank(&shape);
                let alloc = match (name, value) {
                    ("ones", _) => Alloc::Ones {
                        shape: Box::new(shape),
                    },
                    ("full", Some(v)) => {
                        if !matches!(v.ty(), Type::Scalar(_)) {
                            return self.fail(v.e.span, "full() needs a single fill value");
                        }
                        Alloc::Full {
                            shape: Box::new(shape),
                            value: Box::new(cast(v.e, dtype)),
                        }
                    }
                    _ => Alloc::Zeros {
                        shape: Box::new(shape),
                    },
                };
                self.alloc(alloc, dtype, ndim, span)
            }
            "zeros_like" | "empty_like" | "ones_like" | "full_like" => {
                let n = if name == "full_like" { 2 } else { 1 };
                self.arity(name, a_len, n, n + 1, span)?;
                let mut it = a.into_iter();
                let like = it.next()?;
                let Type::Array(at) = like.ty() else {
                    return self.fail(
                        like.e.span,
                        format!("{name}() needs an array, not {}", like.ty()),
                    );
                };
                let value = if n == 2 { Some(it.next()?) } else { None };
                let dtype = match (args.get(n), dtype_kw) {
                    (Some(_), _) => self.dtype_arg(args.get(n))?,
                    (None, Some(k)) => self.dtype_arg(Some(k))?,
                    (None, None) => at.dtype,
                };
                let shape = Box::new(Expr {
                    kind: ExprKind::Shape(Box::new(like.e)),
                    ty: Type::Tuple(TupleType::ints(at.ndim as usize)),
                    span,
                });
                let alloc = match (name, value) {
                    ("ones_like", _) => Alloc::Ones { shape },
                    ("full_like", Some(v)) => {
                        if !matches!(v.ty(), Type::Scalar(_)) {
                            return self.fail(v.e.span, "full_like() needs a single fill value");
                        }
                        Alloc::Full {
                            shape,
                            value: Box::new(cast(v.e, dtype)),
                        }
                    }
                    _ => Alloc::Zeros { shape },
                };
                self.alloc(alloc, dtype, at.ndim as usize, span)
            }
            "arange" => {
                self.arity(name, a.len(), 1, 3, span)?;
                let mut dt = None;
                for x in &a {
                    match x.ty() {
                        Type::Scalar(d) => {
                            // NumPy converts each argument as a Python number: integers
                            // give int64, floats (f32 too) and uint64 float64.
                            let d = if d.is_float() || d == DType::U64 {
                                DType::F64
                            } else if d.is_complex() {
                                d
                            } else {
                                DType::I64
                            };
                            dt = Some(dt.map_or(d, |t| promote(t, false, d, false)))
                        }
                        t => {
                            return self.fail(x.e.span, format!("arange() takes numbers, not {t}"))
                        }
                    }
                }
                let dtype = match dtype_kw {
                    Some(k) => self.dtype_arg(Some(k))?,
                    None => dt?,
                };
                // Bounds are computed in f64 (floats) or i64 (ints), then the elements cast.
                let bt = if dtype.is_float() || dt?.is_float() {
                    DType::F64
                } else {
                    DType::I64
                };
                let c = |v: i64| Expr {
                    kind: ExprKind::Const(Scalar::I64(v)),
                    ty: i64t,
                    span,
                };
                let mut it = a.into_iter().map(|x| cast(x.e, bt));
                let (start, stop, step) = match args.len() {
                    1 => (cast(c(0), bt), it.next()?, cast(c(1), bt)),
                    2 => (it.next()?, it.next()?, cast(c(1), bt)),
                    _ => (it.next()?, it.next()?, it.next()?),
                };
                self.alloc(
                    Alloc::Arange {
                        start: Box::new(start),
                        stop: Box::new(stop),
                        step: Box::new(step),
                    },
                    dtype,
                    1,
                    span,
                )
            }
            "linspace" => {
                self.arity(name, a.len(), 2, 3, span)?;
                let mut it = a.into_iter();
                let (s, e) = (it.next()?, it.next()?);
                let num = match it.next() {
                    Some(n) => self.int_operand(n, "linspace() num")?,
                    None => Expr {
                        kind: ExprKind::Const(Scalar::I64(50)),
                        ty: i64t,
                        span,
                    },
                };
                for x in [&s, &e] {
                    if !matches!(x.ty(), Type::Scalar(_)) {
                        return self.fail(x.e.span, "linspace() takes numbers for its bounds");
                    }
                }
                self.alloc(
                    Alloc::Linspace {
                        start: Box::new(cast(s.e, DType::F64)),
                        stop: Box::new(cast(e.e, DType::F64)),
                        num: Box::new(num),
                    },
                    DType::F64,
                    1,
                    span,
                )
            }
            "seed" => {
                self.arity(name, a.len(), 1, 1, span)?;
                let s = self.int_operand(a.into_iter().next()?, "seed()")?;
                Some(TE::strong(Expr {
                    kind: ExprKind::Seed(Box::new(s)),
                    ty: Type::None,
                    span,
                }))
            }
            "random" | "normal" | "randint" => {
                let (dist, rest, dtype) = if name == "randint" {
                    self.arity(name, a.len(), 2, 3, span)?;
                    let mut it = a.into_iter();
                    let lo = self.int_operand(it.next()?, "randint() bounds")?;
                    let hi = self.int_operand(it.next()?, "randint() bounds")?;
                    (
                        Dist::Randint {
                            lo: Box::new(lo),
                            hi: Box::new(hi),
                        },
                        it.next(),
                        DType::I64,
                    )
                } else {
                    self.arity(name, a.len(), 0, 1, span)?;
                    let d = if name == "random" {
                        Dist::Uniform
                    } else {
                        Dist::Normal
                    };
                    (d, a.into_iter().next(), DType::F64)
                };
                let (shape, ty) = match rest {
                    None => (None, Type::Scalar(dtype)),
                    Some(s) => {
                        let s = self.shape_arg(s)?;
                        let nd = shape_rank(&s);
                        (Some(Box::new(s)), with_rank(dtype, nd))
                    }
                };
                let _ = name_span;
                Some(TE::strong(Expr {
                    kind: ExprKind::Random { dist, shape },
                    ty,
                    span,
                }))
            }
            _ => self.fail(name_span, crate::expr::unknown_name(name)),
        }
    }

    fn alloc(&mut self, alloc: Alloc, dtype: DType, ndim: usize, span: Span) -> Option<TE> {
        if ndim == 0 {
            return self.fail(span, "arrays need at least one dimension");
        }
        Some(TE::strong(Expr {
            kind: ExprKind::Alloc(alloc),
            ty: with_rank(dtype, ndim),
            span,
        }))
    }

    /// A shape argument: an int (1-D) or a tuple of ints, as a `Tuple` expression.
    fn shape_arg(&mut self, x: TE) -> Option<Expr> {
        let span = x.e.span;
        if let ExprKind::ArrayOp(op) = &x.e.kind {
            if let ArrayOp::List { items, shape } = &**op {
                if shape.len() == 1 && x.ty().dtype().is_some_and(|d| d.is_int()) {
                    // A list literal of integers is a shape (`zeros([m, n])`).
                    let items: Vec<Expr> =
                        items.iter().map(|i| cast(i.clone(), DType::I64)).collect();
                    return Some(Expr {
                        ty: Type::Tuple(TupleType::ints(items.len())),
                        kind: ExprKind::Tuple(items),
                        span,
                    });
                }
            }
        }
        match x.ty() {
            Type::Tuple(_) => self.shape_tuple(x),
            Type::Scalar(d) if d.is_int() => Some(Expr {
                kind: ExprKind::Tuple(vec![cast(x.e, DType::I64)]),
                ty: Type::Tuple(TupleType::ints(1)),
                span,
            }),
            t => self.fail(
                span,
                format!("a shape must be an integer or a tuple of integers, not {t}"),
            ),
        }
    }

    fn dtype_arg(&mut self, e: Option<&'a ast::Expr>) -> Option<DType> {
        let e = e?;
        if let Some(d) = self.dtype_value(e) {
            return Some(d);
        }
        match parse_annotation(e) {
            Ok(Type::Scalar(d)) => Some(d),
            _ => self.fail(e.span, DTYPE_EXPECTED),
        }
    }

    /// `print(args..., sep=" ", end="\n", flush=False)`: `sep` and `end` are string
    /// literals; with either the pieces are written raw, the separators and the end placed
    /// among them.
    fn print_call(
        &mut self,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
    ) -> Option<TE> {
        let mut sep = None;
        let mut end = None;
        for k in kwargs {
            let slot = match k.name.name.as_str() {
                "sep" => &mut sep,
                "end" => &mut end,
                "flush" => continue,
                other => {
                    return self.fail(
                        k.name.span,
                        format!("print() got an unexpected keyword argument '{other}' (kernelc knows sep, end and flush)"),
                    )
                }
            };
            match &k.value.kind {
                A::Str(s) => *slot = Some(s.clone()),
                A::NoneLit => {}
                _ => {
                    return self.fail(
                        k.value.span,
                        format!("print()'s {} must be a string literal", k.name.name),
                    )
                }
            }
        }
        let args = self.lower_args(None, args)?;
        for a in &args {
            if a.ty() == Type::None {
                return self.fail(a.e.span, "this has no value to print");
            }
        }
        let raw = sep.is_some() || end.is_some();
        let mut pieces = Vec::new();
        let text = |s: String| Expr {
            kind: ExprKind::Str(s),
            ty: Type::Str,
            span,
        };
        for (k, a) in args.into_iter().enumerate() {
            if k > 0 && raw {
                pieces.push(text(sep.clone().unwrap_or_else(|| " ".into())));
            }
            pieces.push(a.e);
        }
        if raw {
            pieces.push(text(end.unwrap_or_else(|| "\n".into())));
        }
        Some(TE::strong(Expr {
            kind: ExprKind::Print(pieces, raw),
            ty: Type::None,
            span,
        }))
    }

    /// A dtype given as a value rather than a type name: `a.dtype`, or a NumPy dtype
    /// string (`"float32"`, `"f8"`, `"<i4"`).
    pub(crate) fn dtype_value(&mut self, e: &'a ast::Expr) -> Option<DType> {
        match &e.kind {
            A::Attribute(base, attr)
                if attr.name == "dtype" && !matches!(&base.kind, A::Name(m) if is_module(m)) =>
            {
                self.expr(base)?.ty().dtype()
            }
            A::Str(s) => numpy_dtype_string(s),
            _ => None,
        }
    }

    pub(crate) fn math(&mut self, f: MathFn, args: Vec<TE>, span: Span) -> Option<TE> {
        let mut t: Option<(DType, bool)> = None;
        let mut nd = 0;
        for a in &args {
            let Some(d) = a.ty().dtype() else {
                return self.fail(
                    a.e.span,
                    format!("{}() takes numbers or arrays, not {}", f.name(), a.ty()),
                );
            };
            nd = nd.max(a.ty().ndim());
            t = Some(match t {
                None => (d, a.weak),
                Some((p, w)) => (promote(p, w, d, a.weak), w && a.weak),
            });
        }
        let (t, _) = t?;
        if t.is_complex() {
            return self.complex_math(f, args, span);
        }
        let (ct, rt) = f.types(t);
        let args = args.into_iter().map(|a| cast(a.e, ct)).collect();
        // A function of literals is a strong value (`cos(3)` is f64, as `np.cos(3)`).
        Some(TE::strong(Expr {
            kind: ExprKind::Math(f, args),
            ty: with_rank(rt, nd),
            span,
        }))
    }
}

fn shape_rank(shape: &Expr) -> usize {
    match shape.ty {
        Type::Tuple(tt) => tt.len(),
        _ => 1,
    }
}

/// `np`, `np.random`, `np.linalg`, `math`, `numba`.
fn is_module_path(e: &ast::Expr) -> bool {
    match &e.kind {
        A::Name(m) => is_module(m),
        A::Attribute(b, a) => matches!(a.name.as_str(), "random" | "linalg") && is_module_path(b),
        _ => false,
    }
}

/// The error for a `dtype=` argument that names no element type.
pub(crate) const DTYPE_EXPECTED: &str = "expected an element type (bool, i8 .. i64, u8 .. u64, f32, f64, complex64, complex128; NumPy's names such as np.float32 or \"float32\"; or a.dtype)";

/// NumPy's dtype strings: names (`"float32"`) and type codes (`"f8"`, `"<i4"`, `"u1"`, `"d"`).
fn numpy_dtype_string(s: &str) -> Option<DType> {
    let code = s.trim_start_matches(['<', '=', '|']);
    Some(match code {
        "b1" | "?" => DType::Bool,
        "i1" | "b" => DType::I8,
        "i2" | "h" => DType::I16,
        "i4" | "i" => DType::I32,
        "i8" | "l" | "q" | "p" => DType::I64,
        "u1" | "B" => DType::U8,
        "u2" | "H" => DType::U16,
        "u4" | "I" => DType::U32,
        "u8" | "L" | "Q" | "P" => DType::U64,
        "f4" | "f" => DType::F32,
        "f8" | "d" => DType::F64,
        "c8" | "F" => DType::C64,
        "c16" | "D" => DType::C128,
        _ => return DType::from_name(code),
    })
}
