//! Complex numbers in sema: `complex(re, im)` and `complex(x)`, `.real`/`.imag` (also on
//! real values: the value itself and a zero), `conjugate`/`conj`, `abs` and `angle` of
//! complex scalars and arrays (element-wise, with a real array result for `.real`,
//! `.imag`, `abs`, `angle`), and the errors of what complex values do not support (ordering,
//! `//`, `%`, bitwise operators, conversion to a real type). Operators on complex values
//! are ordinary `Binary`/`Unary` nodes (promotion in `types.rs`); the rest is
//! [`ExprKind::Complex`].

use crate::lower::{cast, FnLower, TE};
use crate::tir::*;
use crate::types::with_rank;
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

/// A [`CxOp`] of one operand, element-wise when it is an array (result element type `ty`).
fn cx1(op: CxOp, x: Expr, ty: DType, span: Span) -> Expr {
    let ty = with_rank(ty, x.ty.ndim());
    Expr {
        kind: ExprKind::Complex(op, vec![x]),
        ty,
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
            if x.ty().is_array() && name == "complex" {
                return self.fail(
                    x.e.span,
                    "complex() takes numbers, not arrays (write re + 1j * im for arrays)",
                );
            }
            if !matches!(x.ty(), Type::Scalar(_) | Type::Array(_)) {
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
                    if x.ty().is_array() {
                        // NumPy: a new array (equal to the argument), never a view of it.
                        let ty = x.ty();
                        let array = x.e;
                        return Some(TE::strong(Expr {
                            kind: ExprKind::ArrayOp(Box::new(ArrayOp::Copy { array })),
                            ty,
                            span,
                        }));
                    }
                    return Some(x);
                }
                Some(TE::strong(cx1(CxOp::Conj, x.e, d, span)))
            }
            "real" | "imag" => Some(self.part(name == "real", x, span)),
            _ => {
                // angle: of a real value too (0 or pi), computed on its complex value
                // (complex128 for scalars; for arrays the precision NumPy's
                // `arctan2(0, x)` has: complex64 for f32 and small integers).
                let c = if d.is_complex() {
                    d
                } else if x.ty().is_array() {
                    DType::complex_of(crate::types::float_of(d))
                } else {
                    DType::C128
                };
                let z = cast(x.e, c);
                Some(TE::strong(cx1(CxOp::Angle, z, c.component(), span)))
            }
        }
    }

    /// `x.real` / `x.imag` of a scalar or an array: the part of a complex value
    /// (element-wise for arrays, a real array); a real value itself and a zero of its
    /// type (for a real array, the array itself and a new array of zeros of its shape, as
    /// NumPy).
    pub(crate) fn part(&mut self, real: bool, x: TE, span: Span) -> TE {
        let Some(d) = x.ty().dtype() else {
            return x;
        };
        if !d.is_complex() {
            if real {
                return x;
            }
            if let Type::Array(at) = x.ty() {
                let ty = x.ty();
                let shape = Expr {
                    kind: ExprKind::Shape(Box::new(x.e)),
                    ty: Type::Tuple(TupleType::ints(at.ndim as usize)),
                    span,
                };
                let alloc = Alloc::Zeros {
                    shape: Box::new(shape),
                };
                return TE::strong(Expr {
                    kind: ExprKind::Alloc(alloc),
                    ty,
                    span,
                });
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
            e: cx1(op, x.e, d.component(), span),
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
        if f == MathFn::Abs {
            let x = args.into_iter().next()?;
            return Some(TE::strong(cx1(CxOp::Abs, x.e, t.component(), span)));
        }
        if f.arity() == 1 && kernelc_runtime::complex_math::cx_supported(f) {
            let x = args.into_iter().next()?;
            return Some(TE::strong(cx1(CxOp::Math(f), cast(x.e, t), t, span)));
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
        Some(TE::strong(cx1(CxOp::Reciprocal, x.e, t, span)))
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

/// True when `e` holds an operation complex values do not have yet: a library operation
/// (`sort`, `cumsum`, `matmul`, ...; not the reshapes of `keepdims` and tuples of axes) or a math function other than `abs` with a complex
/// operand. Builtins written in terms of these check their result with it.
pub(crate) fn unsupported_complex(e: &Expr) -> bool {
    let is_c = |x: &Expr| x.ty.dtype().is_some_and(|d| d.is_complex());
    let mut found = false;
    crate::pretty::walk_expr(e, &mut |x| {
        found |= match &x.kind {
            // keepdims and tuples of axes only move elements: any type.
            ExprKind::Lib(LibFn::ExpandDims { .. } | LibFn::GroupAxes { .. }, _) => false,
            ExprKind::Lib(_, args) => is_c(x) || args.iter().any(is_c),
            ExprKind::Math(_, args) => args.iter().any(is_c),
            _ => false,
        };
    });
    found
}

/// The first conversion of complex values to a real type (other than `bool`, which NumPy
/// defines as "either part is non-zero") in a function body, with the target type: the
/// builtins written for real values (`var`, `median`, `cumsum`, `fabs`, ...) convert
/// their argument, which would drop the imaginary parts. Explicit conversions are refused
/// where they are written (`f64(z)`, `z.astype(f64)`); this catches the rest.
pub(crate) fn real_cast_of_complex(body: &[Stmt]) -> Option<(Span, DType)> {
    let mut found = None;
    for s in body {
        crate::pretty::walk_stmt(s, &mut |e: &Expr| {
            if found.is_some() {
                return;
            }
            if let ExprKind::Cast(x) = &e.kind {
                let from = x.ty.dtype();
                let to = e.ty.dtype();
                if let (Some(f), Some(t)) = (from, to) {
                    if f.is_complex() && !t.is_complex() && t != DType::Bool {
                        found = Some((e.span, t));
                    }
                }
            }
        });
    }
    found
}

/// `conj(x)` of a complex scalar or array (element-wise); a real `x` itself.
pub(crate) fn conjugated(x: TE, span: Span) -> TE {
    match x.ty().dtype() {
        Some(d) if d.is_complex() => TE::strong(cx1(CxOp::Conj, x.e, d, span)),
        _ => x,
    }
}
