//! Calls of user functions with keyword arguments and default parameter values
//! (`def f(x, y=2.0, *, scale=1)`, `f(a, scale=3)`): the arguments are matched to the
//! parameters as Python does, and omitted parameters take their defaults, which are
//! compile-time constants as in Numba (a number, or arithmetic of numbers and module
//! constants). The result is an ordinary positional `ExprKind::Call`, so neither executor
//! knows about keywords or defaults. The facade's binder (`kernelc::bind`) applies the
//! same defaults to entry calls through [`param_defaults`].

use crate::consts::eval_const;
use crate::lower::{FnLower, TE};
use crate::tir::*;
use kernelc_runtime::Scalar;
use kernelc_syntax::{ast, Diagnostic, Span};
use std::collections::HashMap;

/// The default value of each parameter of `def` (`None`: no default, or one that is not a
/// constant, which the compiler reports).
pub fn param_defaults(module: &ast::Module, def: &ast::FuncDef) -> Vec<Option<Scalar>> {
    let consts = module_consts(module);
    def.params
        .iter()
        .map(|p| p.default.as_ref().and_then(|d| eval_const(d, &consts).ok()))
        .collect()
}

/// The module's top-level constants that evaluate to numbers.
fn module_consts(module: &ast::Module) -> HashMap<String, Scalar> {
    let mut consts = HashMap::new();
    for item in &module.items {
        if let ast::Item::Const(c) = item {
            match eval_const(&c.value, &consts) {
                Ok(v) => consts.insert(c.name.name.clone(), v),
                Err(_) => consts.remove(&c.name.name),
            };
        }
    }
    consts
}

/// Checks the default values of every function: each must be a constant number.
pub(crate) fn check_defaults(
    funcs: &HashMap<&str, &ast::FuncDef>,
    consts: &HashMap<String, Scalar>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut defs: Vec<&&ast::FuncDef> = funcs.values().collect();
    defs.sort_by_key(|d| d.span.start);
    for def in defs {
        for p in &def.params {
            let Some(d) = &p.default else { continue };
            if let Err(msg) = eval_const(d, consts) {
                let what = if matches!(d.kind, ast::ExprKind::NoneLit) {
                    "a default of None is not supported".to_string()
                } else {
                    msg
                };
                diags.push(
                    Diagnostic::error(d.span, format!("default value of '{}': {what}", p.name.name))
                        .with_note("defaults are compile-time constants (as in Numba): a number, or arithmetic of numbers and module constants"),
                );
            }
        }
    }
}

/// Plural `s`.
fn s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'` (as Python lists missing arguments).
fn quoted_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl<'c, 'a> FnLower<'c, 'a> {
    /// `name(args..., kw=value...)` of a user function: arguments are evaluated in the
    /// order written, matched to parameters (positional first, then by name), and omitted
    /// parameters take their defaults; then the call is an ordinary one
    /// ([`FnLower::call_user`]).
    pub(crate) fn call_with_keywords(
        &mut self,
        name: &str,
        args: &'a [ast::Expr],
        kwargs: &'a [ast::Keyword],
        span: Span,
    ) -> Option<TE> {
        let def = self.cx.funcs[name];
        match crate::ufuncs::ufunc_of(def) {
            Ok(Some(crate::ufuncs::Ufunc::GuVectorize {
                sigs,
                layout,
                parallel,
            })) => {
                return self.guvectorize_call(name, &sigs, &layout, parallel, args, kwargs, span);
            }
            Ok(_) => {}
            Err((at, msg)) => return self.fail(at, msg),
        }
        let params = &def.params;
        let positional: Vec<Option<TE>> = args.iter().map(|a| self.expr(a)).collect();
        let named: Vec<Option<TE>> = kwargs.iter().map(|k| self.expr(&k.value)).collect();
        let n_pos = params.iter().filter(|p| !p.kw_only).count();
        if args.len() > n_pos {
            let kw = params.len() - n_pos;
            let extra = if kw > 0 {
                format!(" (and {kw} keyword-only argument{})", s(kw))
            } else {
                String::new()
            };
            return self.fail(
                args[n_pos].span,
                format!(
                    "{name}() takes {n_pos} positional argument{}{extra} but {} {} given",
                    s(n_pos),
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
            );
        }
        // Where each parameter's value comes from: the argument's span and value.
        let mut slots: Vec<Option<(Span, Option<TE>)>> = params.iter().map(|_| None).collect();
        for (k, te) in positional.into_iter().enumerate() {
            slots[k] = Some((args[k].span, te));
        }
        let mut ok = true;
        for (kw, te) in kwargs.iter().zip(named) {
            let Some(p) = params.iter().position(|p| p.name.name == kw.name.name) else {
                let names: Vec<&str> = params.iter().map(|p| p.name.name.as_str()).collect();
                let note = if names.is_empty() {
                    format!("{name}() takes no arguments")
                } else {
                    format!("the parameters of {name}() are: {}", names.join(", "))
                };
                self.error(
                    Diagnostic::error(
                        kw.name.span,
                        format!(
                            "{name}() got an unexpected keyword argument '{}'",
                            kw.name.name
                        ),
                    )
                    .with_label(def.name.span, format!("{name}() is defined here"))
                    .with_note(note),
                );
                ok = false;
                continue;
            };
            if let Some((first, _)) = &slots[p] {
                self.error(
                    Diagnostic::error(
                        kw.name.span,
                        format!(
                            "{name}() got multiple values for argument '{}'",
                            kw.name.name
                        ),
                    )
                    .with_label(*first, "first given here"),
                );
                ok = false;
                continue;
            }
            slots[p] = Some((kw.name.span, te));
        }
        // Omitted parameters: their defaults, or an error naming every missing one.
        let mut missing = Vec::new();
        for (slot, p) in slots.iter_mut().zip(params) {
            if slot.is_some() {
                continue;
            }
            match &p.default {
                Some(d) => {
                    // A bad default is reported once, at the definition (check_defaults).
                    let v = eval_const(d, &self.cx.consts).ok().map(|v| TE {
                        e: Expr {
                            kind: ExprKind::Const(v),
                            ty: Type::Scalar(v.dtype()),
                            span: d.span,
                        },
                        weak: true,
                    });
                    ok &= v.is_some();
                    *slot = Some((d.span, v));
                }
                None => missing.push(p),
            }
        }
        if !missing.is_empty() {
            let kw_only = missing.iter().all(|p| p.kw_only);
            let names: Vec<&str> = missing.iter().map(|p| p.name.name.as_str()).collect();
            self.error(
                Diagnostic::error(
                    span,
                    format!(
                        "{name}() missing {} required {}argument{}: {}",
                        names.len(),
                        if kw_only { "keyword-only " } else { "" },
                        s(names.len()),
                        quoted_list(&names)
                    ),
                )
                .with_label(def.name.span, format!("{name}() is defined here")),
            );
            return None;
        }
        if !ok {
            return None;
        }
        let values: Option<Vec<TE>> = slots.into_iter().map(|s| s.and_then(|(_, v)| v)).collect();
        self.call_user(name, values?, span)
    }
}
