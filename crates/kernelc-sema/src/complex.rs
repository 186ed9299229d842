//! Complex numbers in sema: `complex(re, im)` and `complex(x)`, `.real`/`.imag` (also on
//! real values: the value itself and a zero), `conjugate`/`conj`, `abs` and `angle` of
//! complex scalars, and the errors of what complex values do not support (ordering,
//! `//`, `%`, bitwise operators, conversion to a real type). Operators on complex values
//! are ordinary `Binary`/`Unary` nodes (promotion in `types.rs`); the rest is
//! [`ExprKind::Complex`].

use crate::lower::{cast, FnLower, TE};
use crate::tir::*;
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast;
use kernelc_syntax::Span;

/// The names of the complex builtins handled here (with `np.` too).
pub(crate) fn is_complex_builtin(n: &str) -> bool {
    matches!(
        n,
        "complex" | "conj" | "conjugate" | "angle" | "real" | "imag"
    )
}

fn cx(op: CxOp, args: Vec<Expr>, ty: DType, span: Span) -> Expr {
    Expr {
        kind: ExprKind::Complex(op, args),
        ty: Type::Scalar(ty),
        span,
    }
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// `complex(re[, im])`, `conj(z)`, `conjugate(z)`, `angle(z)`, `real(z)`, `imag(z)`
    /// (the name is one of [`is_complex_builtin`]); `this` is a method's receiver.
    pub(crate) fn complex_builtin(
        &mut self,
        name: &str,
        this: Option<TE>,
        args: &'a [ast::Expr],
        span: Span,
    ) -> Option<TE> {
        let a = self.lower_args(this, args)?;
        for x in &a {
            if x.ty().is_array() {
                return self.fail(
                    x.e.span,
                    format!(
                        "{name}() of arrays is not supported yet (complex arrays are not built)"
                    ),
                );
            }
            if !matches!(x.ty(), Type::Scalar(_)) {
                return self.fail(x.e.span, format!("{name}() takes numbers, not {}", x.ty()));
            }
        }
        let n = a.len();
        let (lo, hi) = if name == "complex" { (1, 2) } else { (1, 1) };
        if n < lo || n > hi {
            return self.fail(
                span,
                format!(
                    "{name}() takes {} but {n} were given",
                    if hi == 2 {
                        "1 or 2 arguments"
                    } else {
                        "1 argument"
                    }
                ),
            );
        }
        let mut it = a.into_iter();
        let x = it.next()?;
        let d = x.ty().dtype()?;
        match name {
            "complex" => {
                let Some(y) = it.next() else {
                    // complex(x): complex128, as Python's complex().
                    let mut e = cast(x.e, DType::C128);
                    e.span = span;
                    return Some(TE::strong(e));
                };
                let yd = y.ty().dtype()?;
                // complex(re, im) is complex128, as Python's complex().
                let c = DType::C128;
                if d.is_complex() || yd.is_complex() {
                    // complex(z, w) = z + w*1j, as Python.
                    let (x, y) = (cast(x.e, c), cast(y.e, c));
                    let part = c.component();
                    let (yr, yi) = (
                        cx(CxOp::Real, vec![y.clone()], part, span),
                        cx(CxOp::Imag, vec![y], part, span),
                    );
                    let (xr, xi) = (
                        cx(CxOp::Real, vec![x.clone()], part, span),
                        cx(CxOp::Imag, vec![x], part, span),
                    );
                    let sub = Expr {
                        kind: ExprKind::Binary(BinOp::Sub, Box::new(xr), Box::new(yi)),
                        ty: Type::Scalar(part),
                        span,
                    };
                    let add = Expr {
                        kind: ExprKind::Binary(BinOp::Add, Box::new(xi), Box::new(yr)),
                        ty: Type::Scalar(part),
                        span,
                    };
                    return Some(TE::strong(cx(CxOp::Make, vec![sub, add], c, span)));
                }
                let part = c.component();
                Some(TE::strong(cx(
                    CxOp::Make,
                    vec![cast(x.e, part), cast(y.e, part)],
                    c,
                    span,
                )))
            }
            "conj" | "conjugate" => {
                if !d.is_complex() {
                    return Some(x);
                }
                Some(TE::strong(cx(CxOp::Conj, vec![x.e], d, span)))
            }
            "real" | "imag" => Some(self.part(name == "real", x, span)),
            _ => {
                // angle: of a real value too (0 or pi), computed on its complex128 value
                let c = if d.is_complex() { d } else { DType::C128 };
                Some(TE::strong(cx(
                    CxOp::Angle,
                    vec![cast(x.e, c)],
                    c.component(),
                    span,
                )))
            }
        }
    }

    /// `x.real` / `x.imag` of a scalar: the part of a complex value; a real value itself
    /// and a zero of its type.
    pub(crate) fn part(&mut self, real: bool, x: TE, span: Span) -> TE {
        let Some(d) = x.ty().dtype() else {
            return x;
        };
        if !d.is_complex() {
            if real {
                return x;
            }
            let z = Scalar::zero(d);
            return TE {
                e: Expr {
                    kind: ExprKind::Const(z),
                    ty: Type::Scalar(d),
                    span,
                },
                weak: x.weak,
            };
        }
        let op = if real { CxOp::Real } else { CxOp::Imag };
        TE {
            e: cx(op, vec![x.e], d.component(), span),
            weak: x.weak,
        }
    }

    /// A math function of a complex scalar: `abs` (`hypot` of the parts, a real result)
    /// and the functions of `kernelc_runtime::complex_math` (`sqrt exp log ... arctanh`, a
    /// result of the complex type the arguments promote to); the others are compile
    /// errors.
    pub(crate) fn complex_math(&mut self, f: MathFn, args: Vec<TE>, span: Span) -> Option<TE> {
        let t = args
            .iter()
            .filter_map(|a| a.ty().dtype())
            .find(|d| d.is_complex())?;
        if args.iter().any(|a| a.ty().is_array()) {
            return self.fail(
                span,
                format!("{}() of complex arrays is not supported yet", f.name()),
            );
        }
        if f == MathFn::Abs {
            let x = args.into_iter().next()?;
            return Some(TE::strong(cx(CxOp::Abs, vec![x.e], t.component(), span)));
        }
        if f.arity() == 1 && kernelc_runtime::complex_math::cx_supported(f) {
            let x = args.into_iter().next()?;
            return Some(TE::strong(cx(CxOp::Math(f), vec![cast(x.e, t)], t, span)));
        }
        self.fail(
            span,
            format!(
                "{}() of complex numbers is not supported (complex math: sqrt exp exp2 expm1 log log1p log2 log10 sin cos tan sinh cosh tanh arcsin arccos arctan arcsinh arccosh arctanh, abs, power)",
                f.name()
            ),
        )
    }

    /// `np.exp2(z)` of a complex scalar, as NumPy's `nc_exp2`: `exp` of the parts times
    /// `ln 2`.
    pub(crate) fn complex_exp2(&mut self, x: TE, span: Span) -> Option<TE> {
        let t = x.ty().dtype()?;
        if x.ty().is_array() {
            return self.fail(span, "exp2() of complex arrays is not supported yet");
        }
        if !crate::tuples::pure(&x.e) {
            return self.fail(
                x.e.span,
                "exp2() of this complex expression: assign it to a variable first",
            );
        }
        let part = t.component();
        let ln2 = if part == DType::F32 {
            Scalar::F32(std::f32::consts::LN_2)
        } else {
            Scalar::F64(std::f64::consts::LN_2)
        };
        let scaled = |op: CxOp, e: Expr| Expr {
            kind: ExprKind::Binary(
                BinOp::Mul,
                Box::new(cx(op, vec![e], part, span)),
                Box::new(Expr {
                    kind: ExprKind::Const(ln2),
                    ty: Type::Scalar(part),
                    span,
                }),
            ),
            ty: Type::Scalar(part),
            span,
        };
        let z = cx(
            CxOp::Make,
            vec![scaled(CxOp::Real, x.e.clone()), scaled(CxOp::Imag, x.e)],
            t,
            span,
        );
        Some(TE::strong(cx(CxOp::Math(MathFn::Exp), vec![z], t, span)))
    }

    /// `np.reciprocal(z)` of a complex scalar (NumPy's own loop, not `1 / z`).
    pub(crate) fn complex_reciprocal(&mut self, x: TE, span: Span) -> Option<TE> {
        let Some(t) = x.ty().dtype().filter(|d| d.is_complex()) else {
            return self.fail(x.e.span, "reciprocal() of a complex number expected");
        };
        if x.ty().is_array() {
            return self.fail(span, "reciprocal() of complex arrays is not supported yet");
        }
        Some(TE::strong(cx(CxOp::Reciprocal, vec![x.e], t, span)))
    }

    /// The error of an operator complex numbers do not have (`<`, `//`, `%`, `&`, ...).
    pub(crate) fn complex_operator_error<T>(&mut self, symbol: &str, span: Span) -> Option<T> {
        let msg = match symbol {
            "<" | "<=" | ">" | ">=" => format!(
                "'{symbol}' is not supported for complex numbers: they have no order (compare abs(z) or z.real)"
            ),
            _ => format!("'{symbol}' is not supported for complex numbers (as in NumPy)"),
        };
        self.fail(span, msg)
    }
}

/// A constant converted to a complex type (`None` for non-complex targets).
pub(crate) fn const_to_complex(s: Scalar, d: DType) -> Option<Scalar> {
    let c = s.as_c128();
    Some(match d {
        DType::C128 => Scalar::C128(c),
        DType::C64 => match s {
            Scalar::C64(v) => Scalar::C64(v),
            Scalar::F32(v) => Scalar::C64(kernelc_runtime::dtype::Complex32::new(v, 0.0)),
            _ => Scalar::C64(kernelc_runtime::dtype::Complex32::new(
                c.re as f32,
                c.im as f32,
            )),
        },
        _ => return None,
    })
}

/// True when a function holds or computes a complex value anywhere (a local, its return
/// type, or any expression).
pub fn uses_complex(f: &Func) -> bool {
    let is_c = |t: Type| t.dtype().is_some_and(|d| d.is_complex());
    if f.locals.iter().any(|l| is_c(l.ty)) || is_c(f.ret) {
        return true;
    }
    let mut found = false;
    for s in &f.body {
        crate::pretty::walk_stmt(s, &mut |e: &Expr| found |= is_c(e.ty));
    }
    found
}

/// The first place a function holds a complex array (a local, then any expression in
/// source order), if any. Complex numbers are scalars only for now: complex arrays
/// (complex64/complex128 arrays, from a list literal, a constructor, an argument or an
/// `.npy` file) are a compile error at that place, never a half-built value.
pub(crate) fn complex_array_span(locals: &[Local], body: &[Stmt]) -> Option<Span> {
    let is_ca = |t: Type| t.is_array() && t.dtype().is_some_and(|d| d.is_complex());
    if let Some(l) = locals
        .iter()
        .find(|l| is_ca(l.ty) && !l.name.starts_with('$'))
    {
        return Some(l.span);
    }
    let mut found = None;
    for s in body {
        crate::pretty::walk_stmt(s, &mut |e: &Expr| {
            if found.is_none() && is_ca(e.ty) {
                found = Some(e.span);
            }
        });
    }
    found.or_else(|| locals.iter().find(|l| is_ca(l.ty)).map(|l| l.span))
}

/// The message of [`complex_array_span`]'s error.
pub(crate) const COMPLEX_ARRAYS_MSG: &str = "complex arrays are not supported yet: complex64 and complex128 are scalar types for now (complex(re, im), 1j, arithmetic, abs, .real/.imag); keep the real and imaginary parts in two real arrays";
