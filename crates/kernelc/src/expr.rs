//! numexpr-style evaluation of an expression string over named values: the expression is
//! the body of a function whose parameters are the names given, compiled to native code
//! once per (expression, argument types) and cached, like numexpr's `evaluate`.

use crate::{compile_native, CompileError, Error, Source};
use kernelc_codegen::{JitProgram, Listing};
use kernelc_interp::Value;
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

static CACHE: LazyLock<RwLock<HashMap<Key, Arc<JitProgram>>>> = LazyLock::new(Default::default);

/// The compiled program for an expression and argument types (cached).
fn compiled(
    text: &str,
    args: &[(String, Type)],
    into: Option<Type>,
) -> Result<Arc<JitProgram>, Error> {
    let key = Key {
        text: text.to_string(),
        args: args.to_vec(),
        into,
    };
    if let Some(p) = CACHE.read().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(p);
    }
    let src = Source::new("<expr>", text);
    let (expr, diags) = kernelc_syntax::parse_expression(text);
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
    let jit = Arc::new(compile_native(&src, program, Listing::None)?);
    if let Ok(mut c) = CACHE.write() {
        c.insert(key, jit.clone());
    }
    Ok(jit)
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

fn signature(vars: &[(&str, Value)]) -> Result<Vec<(String, Type)>, Error> {
    vars.iter()
        .map(|(n, v)| match crate::dispatch::type_of(v) {
            Some(t) => Ok((n.to_string(), t)),
            None => Err(Error::Argument(format!(
                "'{n}' is not a number or an array"
            ))),
        })
        .collect()
}

/// Evaluates an expression over named values (numbers or arrays) with native code.
pub fn eval_values(text: &str, vars: &[(&str, Value)]) -> Result<Value, Error> {
    let src = Source::new("<expr>", text);
    let args = signature(vars)?;
    let jit = compiled(text, &args, None)?;
    let values: Vec<Value> = vars.iter().map(|(_, v)| v.clone()).collect();
    let mut rng = Default::default();
    jit.call(0, &values, &mut std::io::sink(), &mut rng)
        .map_err(|e| Error::at_runtime(&src, e))
}

/// Evaluates an expression into an existing array (`out[:] = expr`: broadcast to its
/// shape, converted to its element type, no other allocation for element-wise trees).
pub fn eval_values_into(
    text: &str,
    vars: &[(&str, Value)],
    out: &kernelc_runtime::Array,
) -> Result<(), Error> {
    let src = Source::new("<expr>", text);
    let args = signature(vars)?;
    let out_v = Value::Array(out.clone());
    let out_t = crate::dispatch::type_of(&out_v).expect("an array has a type");
    let jit = compiled(text, &args, Some(out_t))?;
    let mut values = vec![out_v];
    values.extend(vars.iter().map(|(_, v)| v.clone()));
    let mut rng = Default::default();
    jit.call(0, &values, &mut std::io::sink(), &mut rng)
        .map(|_| ())
        .map_err(|e| Error::at_runtime(&src, e))
}
