//! numexpr-style evaluation of an expression string over named values: the expression is
//! the body of a function whose parameters are the names given, compiled once per
//! (expression, argument names and types) and cached, like numexpr's `evaluate`. The
//! arguments go through the binder like any call.

use crate::api::{Arg, Input, Output};
use crate::bind::{self, Params};
use crate::exec::{Compiled, Executor, RunOptions};
use crate::{CompileError, Error, Source};
use kernelc_interp::Value;
use kernelc_runtime::rng::Rng;
use kernelc_runtime::{Array, Element};
use kernelc_sema::tir::Type;
use kernelc_syntax::ast::{self, Expr, ExprKind, IndexItem, Stmt, StmtKind};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

/// Name of the output parameter of `eval_into` programs.
const OUT: &str = "__out__";

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    text: String,
    args: Vec<(String, Type)>,
    into: Option<Type>,
}

static CACHE: LazyLock<RwLock<HashMap<Key, Arc<Compiled>>>> = LazyLock::new(Default::default);

/// The compiled program for an expression and argument types (cached).
fn compiled(
    text: &str,
    args: &[(String, Type)],
    into: Option<Type>,
) -> Result<Arc<Compiled>, Error> {
    let key = Key {
        text: text.to_string(),
        args: args.to_vec(),
        into,
    };
    if let Some(p) = CACHE.read().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(p);
    }
    let src = Source::new("<expr>", text);
    let (expr, diags) = kernelc_syntax::parse_expression(&src.text);
    let Some(expr) = expr.filter(|_| diags.is_empty()) else {
        return Err(CompileError::new(&src, diags).into());
    };
    let module = expression_module(expr, args, into.is_some());
    let mut sig: Vec<Type> = Vec::new();
    if let Some(t) = into {
        sig.push(t);
    }
    sig.extend(args.iter().map(|(_, t)| *t));
    let program = crate::compile(&src, &module, "expr", &sig)?;
    let c = Arc::new(Compiled::new(Arc::new(src), program));
    if let Ok(mut cache) = CACHE.write() {
        cache.insert(key, c.clone());
    }
    Ok(c)
}

/// `def expr(names...): return <expr>` (or `__out__[:] = <expr>` when writing into an
/// output array).
fn expression_module(expr: Expr, args: &[(String, Type)], into: bool) -> ast::Module {
    let span = expr.span;
    let ident = |n: &str| ast::Ident {
        name: n.to_string(),
        span,
    };
    let param = |n: &str| ast::Param {
        name: ident(n),
        ann: None,
        default: None,
        kw_only: false,
        span,
    };
    let mut params: Vec<ast::Param> = Vec::new();
    if into {
        params.push(param(OUT));
    }
    params.extend(args.iter().map(|(n, _)| param(n)));
    let stmt = if into {
        let target = Expr {
            kind: ExprKind::Subscript(
                Box::new(Expr {
                    kind: ExprKind::Name(OUT.to_string()),
                    span,
                }),
                vec![IndexItem::Slice {
                    lo: None,
                    hi: None,
                    step: None,
                    span,
                }],
            ),
            span,
        };
        StmtKind::Assign {
            target,
            ann: None,
            value: expr,
        }
    } else {
        StmtKind::Return(Some(expr))
    };
    ast::Module {
        items: vec![ast::Item::Func(ast::FuncDef {
            name: ident("expr"),
            params,
            ret: None,
            body: vec![Stmt { kind: stmt, span }],
            decorators: Vec::new(),
            span,
        })],
    }
}

/// An expression's parameters: names and types.
type Signature = Vec<(String, Type)>;

/// The binder's first two steps for an expression: the names are the parameters (each
/// given once), in the order given.
fn bind_vars(vars: &[(&str, Arg<'_>)]) -> Result<(Signature, Vec<Input>), Error> {
    let names: Vec<&str> = vars.iter().map(|(n, _)| *n).collect();
    let params = Params::of_names("expr", &names);
    params.order(0, &names)?;
    let inputs: Vec<Input> = vars.iter().map(|(_, a)| a.input.clone()).collect();
    let sig = names
        .iter()
        .zip(&inputs)
        .map(|(n, i)| (n.to_string(), bind::type_of_input(i)))
        .collect();
    Ok((sig, inputs))
}

/// Runs a compiled expression (expressions print nothing; each evaluation starts from the
/// same random state).
fn run(c: &Compiled, inputs: &[Input], executor: Executor) -> Result<Output, Error> {
    let (values, borrowed) = c.binding().values(inputs)?;
    let options = RunOptions {
        executor,
        ..RunOptions::default()
    };
    let v = c.run(&options, values, &mut std::io::sink(), &mut Rng::default())?;
    Ok(Output::from_value(v, &borrowed))
}

/// Evaluates a numexpr-style expression over named arguments with native code, compiled
/// once per (expression, argument types) and cached.
///
/// ```
/// let x = vec![1.0, 2.0, 3.0];
/// let y = vec![4.0, 5.0, 6.0];
/// let z = vec![1.0, 1.0, 1.0];
/// let r = kernelc::eval("x + (y**2 + (z*x + 1)*3)", &[("x", (&x).into()), ("y", (&y).into()), ("z", (&z).into())]).unwrap();
/// assert_eq!(r.into_vec::<f64>().unwrap(), vec![23.0, 36.0, 51.0]);
/// ```
pub fn eval(expr: &str, vars: &[(&str, Arg<'_>)]) -> Result<Output, Error> {
    eval_with(Executor::Jit, expr, vars)
}

/// [`eval`] under a chosen executor.
///
/// ```
/// use kernelc::Executor;
/// let x = vec![1.0, 2.0];
/// let r = kernelc::eval_with(Executor::Interp, "x * 3", &[("x", (&x).into())]).unwrap();
/// assert_eq!(r.into_vec::<f64>(), Some(vec![3.0, 6.0]));
/// ```
pub fn eval_with(
    executor: Executor,
    expr: &str,
    vars: &[(&str, Arg<'_>)],
) -> Result<Output, Error> {
    let (sig, inputs) = bind_vars(vars)?;
    let c = compiled(expr, &sig, None)?;
    run(&c, &inputs, executor)
}

/// The type of an expression's result for named argument types, without running it
/// (`None` inside: the expression has no value).
///
/// ```
/// use kernelc::{ArrayType, DType, Type};
/// let a = Type::Array(ArrayType { dtype: DType::F32, ndim: 2 });
/// assert_eq!(kernelc::expression_type("a * 2", &[("a", a)]).unwrap(), a);
/// assert_eq!(kernelc::expression_type("sum(a)", &[("a", a)]).unwrap(), Type::Scalar(DType::F32));
/// ```
pub fn expression_type(expr: &str, vars: &[(&str, Type)]) -> Result<Type, Error> {
    let names: Vec<&str> = vars.iter().map(|(n, _)| *n).collect();
    Params::of_names("expr", &names).order(0, &names)?;
    let sig: Vec<(String, Type)> = vars.iter().map(|(n, t)| (n.to_string(), *t)).collect();
    let c = compiled(expr, &sig, None)?;
    let p = c.program();
    Ok(p.funcs[p.entry].ret)
}

/// Evaluates an expression into the caller's buffer (`out[:] = expr`, broadcast to its
/// length; no allocation for element-wise expressions).
///
/// ```
/// let a = [1.0, 2.0];
/// let b = [3.0, 4.0];
/// let mut out = [0.0; 2];
/// kernelc::eval_into("2*a + 3*b**2", &[("a", (&a[..]).into()), ("b", (&b[..]).into())], &mut out[..]).unwrap();
/// assert_eq!(out, [29.0, 52.0]);
/// ```
pub fn eval_into<T: Element>(
    expr: &str,
    vars: &[(&str, Arg<'_>)],
    out: &mut [T],
) -> Result<(), Error> {
    eval_into_array(expr, vars, &crate::api::slice_target(out))
}

/// Evaluates an expression into an existing array (`out[:] = expr`: broadcast to its
/// shape, converted to its element type, no other allocation for element-wise trees).
pub fn eval_into_array(expr: &str, vars: &[(&str, Arg<'_>)], out: &Array) -> Result<(), Error> {
    let (sig, mut inputs) = bind_vars(vars)?;
    let target = Input::Array {
        array: out.clone(),
        read_only: false,
    };
    let c = compiled(expr, &sig, Some(bind::type_of_input(&target)))?;
    inputs.insert(0, target);
    run(&c, &inputs, Executor::Jit).map(|_| ())
}

/// Named values as arguments.
fn args_of<'v>(vars: &[(&'v str, Value)]) -> Result<Vec<(&'v str, Arg<'static>)>, Error> {
    vars.iter()
        .map(|(n, v)| Ok((*n, Arg::from_value(v, &format!("'{n}'"))?)))
        .collect()
}

/// [`eval`] over executor values (numbers or arrays).
pub fn eval_values(text: &str, vars: &[(&str, Value)]) -> Result<Value, Error> {
    eval(text, &args_of(vars)?).map(Output::into_value)
}

/// [`eval_into_array`] over executor values (numbers or arrays).
pub fn eval_values_into(text: &str, vars: &[(&str, Value)], out: &Array) -> Result<(), Error> {
    eval_into_array(text, &args_of(vars)?, out)
}
