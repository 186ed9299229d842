//! The argument binder: the one place where the values of a call meet the parameters of a
//! kernel function. Every front end goes through it — the Rust API ([`crate::Function`],
//! [`crate::eval`]), the `kernelc` CLI (`--arg NAME=VALUE`), the benchmark harness, the
//! fuzzer and the Python package — so a binding error reads the same everywhere.
//!
//! Binding a call takes three steps:
//! 1. [`Params::order`]: positional and named arguments to parameters (unknown, missing
//!    and repeated names, too many arguments: [`Error::Argument`]);
//! 2. [`adapt`]: a literal (a number without a declared width: a CLI literal, a Python int
//!    or float) given to a parameter annotated with a scalar type takes that type when its
//!    value fits; the argument types then form the signature the function is compiled for;
//! 3. [`Binding::values`]: once compiled, scalars are converted to the compiled parameter
//!    types (an annotation widens: `x: f64` given an `i64`), and read-only arrays are copied
//!    when the function may write into that parameter. Which parameters may be written is
//!    computed once per compiled signature ([`Binding::new`]), not per call.
//!
//! The rank and dtype of array arguments are checked against annotations by the compiler
//! (a compile error at the parameter); values are checked against the compiled signature
//! here, so the executors receive only values of their parameter types.

use crate::api::Input;
use crate::Error;
use kernelc_interp::Value;
use kernelc_runtime::{DType, Scalar};
use kernelc_sema::tir::{ExprKind, FuncId, Program, StmtKind, Type};
use kernelc_syntax::ast;

/// The parameters of one kernel function as written: names, declared (annotated) types and
/// default values.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The function's name.
    pub func: String,
    /// Parameter names, in order.
    pub names: Vec<String>,
    /// The type each parameter is annotated with (`None`: not annotated, or an annotation
    /// the compiler will report).
    pub declared: Vec<Option<Type>>,
    /// The default value of each parameter (`def f(x, n=10)`), a compile-time constant;
    /// an omitted argument takes it.
    pub defaults: Vec<Option<Scalar>>,
    /// Parameters after a bare `*` (`def f(x, *, scale=1)`): given by name only.
    pub kw_only: Vec<bool>,
}

/// Where the value of one parameter comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Slot {
    /// The k-th positional argument.
    Positional(usize),
    /// The k-th named argument.
    Named(usize),
    /// The parameter's default value.
    Default(Scalar),
}

impl Params {
    /// The parameters of a parsed function definition of `module`.
    pub(crate) fn of(module: &ast::Module, def: &ast::FuncDef) -> Params {
        Params {
            func: def.name.name.clone(),
            defaults: kernelc_sema::param_defaults(module, def),
            kw_only: def.params.iter().map(|p| p.kw_only).collect(),
            names: def.params.iter().map(|p| p.name.name.clone()).collect(),
            declared: def
                .params
                .iter()
                .map(|p| {
                    p.ann
                        .as_ref()
                        .and_then(|a| kernelc_sema::parse_annotation(a).ok())
                })
                .collect(),
        }
    }

    /// Parameters named by an expression's variables (no annotations, no defaults).
    pub fn of_names(func: &str, names: &[&str]) -> Params {
        Params {
            func: func.to_string(),
            names: names.iter().map(|n| n.to_string()).collect(),
            declared: vec![None; names.len()],
            defaults: vec![None; names.len()],
            kw_only: vec![false; names.len()],
        }
    }

    /// `f(a, b)`: the function with its parameter names.
    fn header(&self) -> String {
        format!("{}({})", self.func, self.names.join(", "))
    }

    /// Which argument gives each parameter its value, for `positional` positional
    /// arguments followed by the named ones. Errors: too many arguments, a name the
    /// function does not have, a parameter given twice, missing parameters.
    pub fn order(&self, positional: usize, named: &[&str]) -> Result<Vec<Slot>, Error> {
        let n = self.names.len();
        let n_pos = (0..n)
            .filter(|&k| !self.kw_only.get(k).copied().unwrap_or(false))
            .count();
        if positional > n_pos {
            return Err(Error::Argument(format!(
                "{}() takes {n_pos} {}argument{} but {positional} {} given",
                self.func,
                if n_pos < n { "positional " } else { "" },
                if n_pos == 1 { "" } else { "s" },
                if positional == 1 { "was" } else { "were" }
            )));
        }
        let mut slots: Vec<Option<Slot>> = (0..n)
            .map(|k| (k < positional).then_some(Slot::Positional(k)))
            .collect();
        for (k, name) in named.iter().enumerate() {
            if named[..k].contains(name) {
                return Err(Error::Argument(format!("argument '{name}' is given twice")));
            }
            let Some(p) = self.names.iter().position(|p| p == name) else {
                let takes = if self.names.is_empty() {
                    "it takes no arguments".to_string()
                } else {
                    format!("its parameters: {}", self.names.join(", "))
                };
                return Err(Error::Argument(format!(
                    "{}() has no parameter named '{name}' ({takes})",
                    self.func
                )));
            };
            if slots[p].is_some() {
                return Err(Error::Argument(format!("argument '{name}' is given twice")));
            }
            slots[p] = Some(Slot::Named(k));
        }
        for (slot, d) in slots.iter_mut().zip(&self.defaults) {
            if let (None, Some(d)) = (&slot, d) {
                *slot = Some(Slot::Default(*d));
            }
        }
        let missing: Vec<&str> = self
            .names
            .iter()
            .zip(&slots)
            .filter(|(_, s)| s.is_none())
            .map(|(n, _)| n.as_str())
            .collect();
        match missing.as_slice() {
            [] => Ok(slots.into_iter().flatten().collect()),
            [one] => Err(Error::Argument(format!(
                "missing argument of {}: {one}",
                self.header()
            ))),
            many => Err(Error::Argument(format!(
                "missing arguments of {}: {}",
                self.header(),
                many.join(", ")
            ))),
        }
    }
}

/// Step 2: the inputs of a call in parameter order, literals given their declared type
/// when their value fits (`5` for `n: i32`, `0.5` for `x: f32`).
pub(crate) fn adapt(params: &Params, inputs: Vec<Input>) -> Vec<Input> {
    inputs
        .into_iter()
        .zip(&params.declared)
        .map(|(input, declared)| match (input, declared) {
            (
                Input::Scalar {
                    value,
                    literal: true,
                },
                Some(Type::Scalar(d)),
            ) => Input::Scalar {
                value: literal_as(value, *d).unwrap_or(value),
                literal: true,
            },
            (input, _) => input,
        })
        .collect()
}

/// A literal as a value of type `d`, when it fits: a bool stays a bool; an int goes to any
/// int type that holds it and to any float type; a float to any float type.
fn literal_as(s: Scalar, d: DType) -> Option<Scalar> {
    let converted = convert(s, d);
    let fits = match s.dtype() {
        DType::Bool => d == DType::Bool,
        t if t.is_int() => d.is_float() || (d.is_int() && converted.as_i64() == s.as_i64()),
        t if t.is_float() => d.is_float(),
        _ => false,
    };
    fits.then_some(converted)
}

/// A scalar converted to type `d` as a C-style cast (the binder only converts values the
/// compiler accepted for the parameter, or literals that fit).
fn convert(s: Scalar, d: DType) -> Scalar {
    if s.dtype() == d {
        s
    } else if d == DType::Bool {
        Scalar::Bool(s.truthy())
    } else if d.is_float() {
        // Through f64, except an i64 going to a narrower float (one rounding, not two).
        match (s, d.size()) {
            (Scalar::I64(v), 4) => Scalar::from_word((v as f32).to_bits() as u64, d),
            (_, 4) => Scalar::from_word((s.as_f64() as f32).to_bits() as u64, d),
            _ => Scalar::from_word(s.as_f64().to_bits(), d),
        }
    } else {
        // Integer words are sign-extended; `from_word` keeps the type's low bits.
        Scalar::from_word(s.as_i64() as u64, d)
    }
}

/// The type an input gives the signature.
pub(crate) fn type_of_input(i: &Input) -> Type {
    match i {
        Input::Scalar { value, .. } => Type::Scalar(value.dtype()),
        Input::Array { array, .. } => Type::Array(kernelc_sema::tir::ArrayType {
            dtype: array.dtype(),
            ndim: array.ndim() as u8,
        }),
    }
}

/// What the binder knows about one function compiled for one signature: the compiled
/// parameter types and which parameters the function may write into. Built once, when
/// the signature is compiled.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The parameter types of the compiled entry function.
    pub types: Vec<Type>,
    /// For each parameter, whether the function may write into its elements.
    pub written: Vec<bool>,
}

impl Binding {
    /// The binding of a compiled program's entry function.
    pub(crate) fn new(program: &Program) -> Binding {
        let f = &program.funcs[program.entry];
        Binding {
            types: f.params.iter().map(|&p| f.locals[p].ty).collect(),
            written: written_params(program, program.entry),
        }
    }

    /// The binding of a program's entry function for arguments that are never read-only
    /// (nothing to copy, so the written-parameter analysis is skipped).
    pub(crate) fn of_types(program: &Program) -> Binding {
        let f = &program.funcs[program.entry];
        Binding {
            types: f.params.iter().map(|&p| f.locals[p].ty).collect(),
            written: vec![false; f.params.len()],
        }
    }

    /// Step 3: the values the executors receive, of the compiled parameter types. Returns
    /// them with the arrays the call borrows from its caller (a result that views one is
    /// copied).
    pub(crate) fn values(
        &self,
        inputs: &[Input],
    ) -> Result<(Vec<Value>, Vec<kernelc_runtime::Array>), Error> {
        if inputs.len() != self.types.len() {
            return Err(Error::Internal(format!(
                "{} arguments bound to a function compiled for {} parameters",
                inputs.len(),
                self.types.len()
            )));
        }
        let mut values = Vec::with_capacity(inputs.len());
        let mut borrowed = Vec::new();
        for (k, (input, want)) in inputs.iter().zip(&self.types).enumerate() {
            let v = match (input, want) {
                (Input::Scalar { value, .. }, Type::Scalar(d)) => {
                    Value::Scalar(convert(*value, *d))
                }
                (Input::Array { array, read_only }, Type::Array(t))
                    if array.dtype() == t.dtype && array.ndim() == t.ndim as usize =>
                {
                    if *read_only && self.written[k] {
                        Value::Array(array.to_contiguous())
                    } else {
                        borrowed.push(array.clone());
                        Value::Array(array.clone())
                    }
                }
                (input, want) => {
                    return Err(Error::Argument(format!(
                        "argument {} must be {want}, not {}",
                        k + 1,
                        describe(&type_of_input(input))
                    )))
                }
            };
            values.push(v);
        }
        Ok((values, borrowed))
    }
}

/// A type as messages name it: `f64`, `1-d float64 array`.
fn describe(t: &Type) -> String {
    match t {
        Type::Array(a) => format!("a {}-d {} array", a.ndim, a.dtype),
        other => other.to_string(),
    }
}

/// For each parameter of `func`, whether the function might write into its elements: a
/// store rooted at it, an alias of it (any assignment that mentions it), or a call that
/// passes it to a function that stores anything (conservative).
fn written_params(program: &Program, func: FuncId) -> Vec<bool> {
    let f = &program.funcs[func];
    let stores = |fid: FuncId| {
        let mut any = false;
        for s in &program.funcs[fid].body {
            walk_stmts(s, &mut |s| any |= matches!(s.kind, StmtKind::Store { .. }));
        }
        any
    };
    f.params
        .iter()
        .map(|&p| {
            let mut w = false;
            let mentions = |e: &kernelc_sema::tir::Expr| {
                let mut m = false;
                kernelc_sema::pretty::walk_expr(e, &mut |x| {
                    m |= matches!(x.kind, ExprKind::Local(l) if l == p)
                });
                m
            };
            for s in &f.body {
                walk_stmts(s, &mut |s| match &s.kind {
                    StmtKind::Store { array, .. } => w |= mentions(array),
                    StmtKind::Assign { value, .. } => w |= value.ty.is_array() && mentions(value),
                    _ => {}
                });
                kernelc_sema::pretty::walk_stmt(s, &mut |e| {
                    if let ExprKind::Call(callee, args) = &e.kind {
                        if args.iter().any(|a| a.ty.is_array() && mentions(a))
                            && (*callee == func || stores(*callee))
                        {
                            w = true;
                        }
                    }
                });
            }
            w
        })
        .collect()
}

/// Calls `g` on a statement and every statement nested in it.
fn walk_stmts(s: &kernelc_sema::tir::Stmt, g: &mut impl FnMut(&kernelc_sema::tir::Stmt)) {
    g(s);
    match &s.kind {
        StmtKind::If { then, orelse, .. } => {
            then.iter().chain(orelse).for_each(|s| walk_stmts(s, g))
        }
        StmtKind::While { body, .. } | StmtKind::For { body, .. } => {
            body.iter().for_each(|s| walk_stmts(s, g))
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(names: &[&str]) -> Params {
        Params::of_names("f", names)
    }

    #[test]
    fn order_by_position_and_name() {
        let p = params(&["a", "b", "c"]);
        assert_eq!(
            p.order(1, &["c", "b"]).unwrap(),
            vec![Slot::Positional(0), Slot::Named(1), Slot::Named(0)]
        );
        let msg = |r: Result<Vec<Slot>, Error>| r.unwrap_err().to_string();
        assert_eq!(
            msg(p.order(4, &[])),
            "error: f() takes 3 arguments but 4 were given"
        );
        assert_eq!(
            msg(p.order(1, &["a"])),
            "error: argument 'a' is given twice"
        );
        assert_eq!(
            msg(p.order(0, &["b", "b"])),
            "error: argument 'b' is given twice"
        );
        assert_eq!(
            msg(p.order(0, &["z"])),
            "error: f() has no parameter named 'z' (its parameters: a, b, c)"
        );
        assert_eq!(
            msg(p.order(2, &[])),
            "error: missing argument of f(a, b, c): c"
        );
        assert_eq!(
            msg(p.order(0, &["b"])),
            "error: missing arguments of f(a, b, c): a, c"
        );
        assert_eq!(
            msg(params(&[]).order(0, &["z"])),
            "error: f() has no parameter named 'z' (it takes no arguments)"
        );
    }

    #[test]
    fn defaults_fill_omitted_parameters_and_keyword_only_ones_are_named() {
        let (module, diags) =
            kernelc_syntax::parse_module("N = 4\ndef f(a, b=2.5, *, c=N * 2, d):\n    pass\n");
        assert!(diags.is_empty(), "{diags:?}");
        let ast::Item::Func(def) = &module.items[1] else {
            panic!("a function")
        };
        let p = Params::of(&module, def);
        assert_eq!(
            p.order(1, &["d"]).unwrap(),
            vec![
                Slot::Positional(0),
                Slot::Default(Scalar::F64(2.5)),
                Slot::Default(Scalar::I64(8)),
                Slot::Named(0)
            ]
        );
        let msg = |r: Result<Vec<Slot>, Error>| r.unwrap_err().to_string();
        assert_eq!(
            msg(p.order(3, &["d"])),
            "error: f() takes 2 positional arguments but 3 were given"
        );
        assert_eq!(
            msg(p.order(2, &[])),
            "error: missing argument of f(a, b, c, d): d"
        );
    }

    #[test]
    fn literals_take_the_declared_type_when_they_fit() {
        assert_eq!(literal_as(Scalar::I64(5), DType::I32), Some(Scalar::I32(5)));
        assert_eq!(literal_as(Scalar::I64(1 << 40), DType::I32), None);
        assert_eq!(
            literal_as(Scalar::I64(3), DType::F32),
            Some(Scalar::F32(3.0))
        );
        assert_eq!(
            literal_as(Scalar::F64(0.5), DType::F32),
            Some(Scalar::F32(0.5))
        );
        assert_eq!(literal_as(Scalar::F64(1.5), DType::I32), None);
        assert_eq!(literal_as(Scalar::Bool(true), DType::I64), None);
        assert_eq!(convert(Scalar::I32(-2), DType::I64), Scalar::I64(-2));
        assert_eq!(convert(Scalar::I64(7), DType::F64), Scalar::F64(7.0));
        assert_eq!(convert(Scalar::F32(0.5), DType::F64), Scalar::F64(0.5));
    }
}
