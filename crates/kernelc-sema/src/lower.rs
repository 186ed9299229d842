//! Function instantiation: for one function and one argument signature, infer the type of
//! every local (a fixpoint over all assignments, as Numba unifies them), then lower the body
//! to the typed IR, reporting every error.
//!
//! Each instantiation runs the lowering of its body several times: inference passes, with
//! diagnostics suppressed and unknown types allowed, until the local types stop changing,
//! then one final pass that emits the IR and the diagnostics.

use crate::consts::{eval_const, is_module};
use crate::tir::*;
use crate::types::widens_to;
use crate::CompileResult;
use kernelc_runtime::{DType, Scalar};
use kernelc_syntax::ast::{self, StmtKind as S};
use kernelc_syntax::{Diagnostic, Span};
use std::collections::{HashMap, HashSet};

/// A lowered expression with its weakness (derived only from literals and constants, so
/// NEP 50 lets the other operand decide the type).
pub(crate) struct TE {
    pub e: Expr,
    pub weak: bool,
}

impl TE {
    pub fn strong(e: Expr) -> TE {
        TE { e, weak: false }
    }
    pub fn ty(&self) -> Type {
        self.e.ty
    }
}

/// What a memoised instantiation knows.
enum Inst {
    /// Being lowered right now (a recursive call reached it).
    InProgress {
        id: FuncId,
        /// The annotated return type, or the one inferred so far from the `return`s
        /// lowered (a recursive call takes it: the base case types the recursion).
        ret: Option<Type>,
        /// Whether `ret` is an annotation.
        annotated: bool,
        /// Provisional return types handed to calls from other functions being lowered
        /// (mutual recursion): the final type must equal them.
        lent: Vec<Type>,
    },
    Done {
        id: FuncId,
        ret: Type,
        ok: bool,
    },
}

/// Whole-program state: the module, constants, instantiated functions.
pub(crate) struct Ctx<'a> {
    pub funcs: HashMap<&'a str, &'a ast::FuncDef>,
    pub consts: HashMap<String, Scalar>,
    /// Globals bound to other expressions (`globals.rs`): definition index and initializer.
    pub globals: HashMap<String, (usize, &'a ast::Expr)>,
    insts: HashMap<(String, Vec<Type>), Inst>,
    /// The instantiations being lowered, innermost last.
    stack: Vec<(String, Vec<Type>)>,
    pub out: Vec<Option<Func>>,
    /// Diagnostics of final instantiations, each reported once.
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    fn new(module: &'a ast::Module, diags: &mut Vec<Diagnostic>) -> Ctx<'a> {
        let mut funcs = HashMap::new();
        let mut consts = HashMap::new();
        let mut globals = HashMap::new();
        for item in &module.items {
            match item {
                ast::Item::Func(f) => {
                    if let Some(prev) = funcs.insert(f.name.name.as_str(), f) {
                        diags.push(
                            Diagnostic::error(
                                f.name.span,
                                format!("function '{}' is defined twice", f.name.name),
                            )
                            .with_label(prev.name.span, "first defined here"),
                        );
                    }
                }
                ast::Item::Const(c) if crate::globals::is_expression_global(&c.value, &globals) => {
                    consts.remove(&c.name.name);
                    let k = globals.len();
                    globals.insert(c.name.name.clone(), (k, &c.value));
                }
                ast::Item::Const(c) => match eval_const(&c.value, &consts) {
                    Ok(v) => {
                        globals.remove(&c.name.name);
                        consts.insert(c.name.name.clone(), v);
                    }
                    Err(msg) => diags.push(Diagnostic::error(c.value.span, msg)),
                },
                ast::Item::Import(_) => {}
            }
        }
        // Reported with the functions' own errors (not before them).
        let mut later = Vec::new();
        crate::calls::check_defaults(&funcs, &consts, &mut later);
        Ctx {
            funcs,
            consts,
            globals,
            insts: HashMap::new(),
            stack: Vec::new(),
            out: Vec::new(),
            diags: later,
        }
    }

    /// Records the return type inferred so far for the instantiation being lowered
    /// (`name` for `args`), so recursive calls can take it; an annotation stays.
    pub fn provisional_ret(&mut self, name: &str, args: &[Type], t: Type) {
        if let Some(Inst::InProgress {
            ret,
            annotated: false,
            ..
        }) = self.insts.get_mut(&(name.to_string(), args.to_vec()))
        {
            *ret = Some(t);
        }
    }

    /// Instantiates `name` for argument types `args` (memoised) and returns its id and
    /// return type. `None` when it failed (its errors are in `self.diags`).
    pub fn instantiate(
        &mut self,
        name: &str,
        args: &[Type],
        call: Span,
    ) -> Result<(FuncId, Type), Diagnostic> {
        let key = (name.to_string(), args.to_vec());
        match self.insts.get_mut(&key) {
            Some(Inst::Done { id, ret, ok }) => {
                return if *ok {
                    Ok((*id, *ret))
                } else {
                    Err(Diagnostic::error(call, String::new()))
                }
            }
            Some(Inst::InProgress { id, ret, lent, .. }) => {
                return match ret {
                    Some(r) => {
                        if self.stack.last() != Some(&key) {
                            lent.push(*r);
                        }
                        Ok((*id, *r))
                    }
                    None => Err(Diagnostic::error(
                        call,
                        format!(
                            "the return type of '{name}' is not known at this recursive call: \
                             no return without recursion (a base case) gives it; add one, or \
                             annotate the return type (def {name}(...) -> type:)"
                        ),
                    )),
                };
            }
            None => {}
        }
        let def = *self.funcs.get(name).expect("caller checked the name");
        let id = self.out.len();
        self.out.push(None);
        let ret_ann = def.ret.as_ref().and_then(|r| parse_annotation(r).ok());
        self.insts.insert(
            key.clone(),
            Inst::InProgress {
                id,
                ret: ret_ann,
                annotated: ret_ann.is_some(),
                lent: Vec::new(),
            },
        );
        self.stack.push(key.clone());
        let mut result = instantiate_def(self, def, args);
        self.stack.pop();
        if let (Ok(func), Some(Inst::InProgress { lent, .. })) = (&result, self.insts.get(&key)) {
            if let Some(t) = lent.iter().find(|&&t| t != func.ret) {
                result = Err(vec![Diagnostic::error(
                    def.name.span,
                    format!(
                        "'{name}' returns {}, but a mutually recursive call used it as {t} \
                         before that was known: annotate its return type \
                         (def {name}(...) -> {}:)",
                        func.ret, func.ret
                    ),
                )]);
            }
        }
        let (ret, ok) = match result {
            Ok(func) => {
                let ret = func.ret;
                self.out[id] = Some(func);
                (ret, true)
            }
            Err(diags) => {
                self.diags.extend(diags);
                (Type::None, false)
            }
        };
        self.insts.insert(key, Inst::Done { id, ret, ok });
        if ok {
            Ok((id, ret))
        } else {
            Err(Diagnostic::error(call, String::new()))
        }
    }
}

/// Parses a type annotation: `f64`, `i32`, `f64[:]`, `f32[:, :]` (also NumPy/Numba names
/// like `float64`, and `[::1]` for contiguous axes).
pub fn parse_annotation(e: &ast::Expr) -> Result<Type, Diagnostic> {
    let bad = || {
        Diagnostic::error(
            e.span,
            "this is not a type: write a type such as f64, i32, bool or f64[:, :]",
        )
    };
    let dtype_of = |e: &ast::Expr| -> Option<DType> {
        match &e.kind {
            ast::ExprKind::Name(n) => DType::from_name(n),
            ast::ExprKind::Attribute(m, a) if matches!(&m.kind, ast::ExprKind::Name(m) if is_module(m) || m == "numba" || m == "nb") => {
                DType::from_name(&a.name)
            }
            _ => None,
        }
    };
    if let Some(d) = dtype_of(e) {
        return Ok(Type::Scalar(d));
    }
    if let ast::ExprKind::NoneLit = e.kind {
        // `-> None`: a function without a value.
        return Ok(Type::None);
    }
    if let ast::ExprKind::Subscript(base, items) = &e.kind {
        let d = dtype_of(base).ok_or_else(bad)?;
        let all_slices = items.iter().all(|i| match i {
            ast::IndexItem::Slice {
                lo: None,
                hi: None,
                step,
                ..
            } => step
                .as_ref()
                .is_none_or(|s| matches!(s.kind, ast::ExprKind::Int(1))),
            _ => false,
        });
        if all_slices && !items.is_empty() && items.len() <= 32 {
            return Ok(crate::types::with_rank(d, items.len()));
        }
    }
    Err(bad())
}

fn instantiate_def<'a>(
    cx: &mut Ctx<'a>,
    def: &'a ast::FuncDef,
    args: &[Type],
) -> CompileResult<Func> {
    let mut f = FnLower::new(cx, def, args)?;
    // Inference passes: run the lowering until the local types settle.
    for _ in 0..16 {
        f.changed = false;
        f.diags.clear();
        f.lower_body();
        if !f.changed {
            break;
        }
    }
    f.final_pass = true;
    f.diags.clear();
    f.failed.clear();
    let body = f.lower_body();
    if f.diags.is_empty() {
        f.check_falls_through(&body);
    }
    if !f.diags.is_empty() {
        return Err(std::mem::take(&mut f.diags));
    }
    let ret = f.ret.map(|(t, _)| t).unwrap_or(Type::None);
    // Tuple parameters are passed as their leaves.
    let params = (0..def.params.len())
        .flat_map(|p| f.leaf_locals(p))
        .collect();
    if let Some((at, to)) = crate::complex::real_cast_of_complex(&body) {
        return Err(vec![Diagnostic::error(
            at,
            format!(
                "this operation converts complex values to {to}, which would drop their imaginary parts: it is not supported for complex values (take z.real, z.imag or abs(z) first)"
            ),
        )]);
    }
    let locals = f
        .locals
        .iter()
        .map(|l| Local {
            name: l.name.clone(),
            ty: l.ty.unwrap_or(Type::None),
            span: l.span,
        })
        .collect();
    Ok(Func {
        name: def.name.name.clone(),
        params,
        locals,
        ret,
        body,
        span: def.span,
    })
}

/// A local variable during inference.
pub(crate) struct LocalInfo {
    pub name: String,
    /// `None` until an assignment gives it a type.
    pub ty: Option<Type>,
    /// Declared by an annotation (parameter or `x: f64 = ...`): assignments convert to it.
    pub fixed: bool,
    /// The first binding.
    pub span: Span,
    /// The assignment that last widened the type (for unification errors).
    pub ty_span: Span,
}

/// Lowers one function body for one signature.
pub(crate) struct FnLower<'c, 'a> {
    pub cx: &'c mut Ctx<'a>,
    pub def: &'a ast::FuncDef,
    pub locals: Vec<LocalInfo>,
    pub names: HashMap<String, LocalId>,
    pub final_pass: bool,
    pub changed: bool,
    pub diags: Vec<Diagnostic>,
    /// Return type so far and whether it is annotated.
    pub ret: Option<(Type, bool)>,
    pub ret_span: Span,
    /// Nesting of loops: `true` for a prange (break/return are errors directly inside).
    pub loops: Vec<bool>,
    /// Counter for hidden temporaries (reused across passes so ids are stable).
    pub temp_counter: usize,
    /// Locals whose assignment had an error (their later uses are not reported again).
    pub failed: HashSet<LocalId>,
    /// Statements an expression of the statement being lowered needs run first (a list
    /// comprehension's loop); emitted before it.
    pub pending: Vec<Stmt>,
    /// Hidden locals of the expression globals this function uses (`globals.rs`).
    pub global_ids: HashMap<String, LocalId>,
    /// Their initialisations, emitted at the function's entry (per lowering pass).
    pub global_inits: Vec<Stmt>,
    pub global_done: HashSet<String>,
    /// Definition indices of the globals whose initializers are being lowered.
    pub global_stack: Vec<usize>,
    /// The element locals of each tuple-typed local (see `tuples.rs`).
    pub tuple_locals: HashMap<LocalId, Vec<LocalId>>,
    /// The argument types this instantiation is lowered for.
    pub sig: Vec<Type>,
}

impl<'c, 'a> FnLower<'c, 'a> {
    fn new(
        cx: &'c mut Ctx<'a>,
        def: &'a ast::FuncDef,
        args: &[Type],
    ) -> CompileResult<FnLower<'c, 'a>> {
        let mut diags = Vec::new();
        if args.len() != def.params.len() {
            // Checked by the caller; defensive.
            return Err(vec![Diagnostic::error(
                def.name.span,
                "wrong number of arguments",
            )]);
        }
        let mut f = FnLower {
            cx,
            def,
            locals: Vec::new(),
            names: HashMap::new(),
            final_pass: false,
            changed: false,
            diags: Vec::new(),
            ret: None,
            ret_span: def.span,
            loops: Vec::new(),
            temp_counter: 0,
            failed: HashSet::new(),
            pending: Vec::new(),
            global_ids: HashMap::new(),
            global_inits: Vec::new(),
            global_done: HashSet::new(),
            global_stack: Vec::new(),
            tuple_locals: HashMap::new(),
            sig: args.to_vec(),
        };
        for (p, &t) in def.params.iter().zip(args) {
            if f.names.contains_key(&p.name.name) {
                diags.push(Diagnostic::error(
                    p.name.span,
                    format!("duplicate parameter '{}'", p.name.name),
                ));
            }
            let id = f.locals.len();
            f.names.insert(p.name.name.clone(), id);
            f.locals.push(LocalInfo {
                name: p.name.name.clone(),
                ty: Some(t),
                fixed: true,
                span: p.name.span,
                ty_span: p.span,
            });
        }
        if let Some(r) = &def.ret {
            match parse_annotation(r) {
                Ok(t) => f.ret = Some((t, true)),
                Err(d) => diags.push(d),
            }
        }
        // Every name assigned anywhere in the body is a local of the whole function.
        collect_assigned(&def.body, &mut |name: &str, span: Span| {
            if !f.names.contains_key(name) {
                let id = f.locals.len();
                f.names.insert(name.to_string(), id);
                f.locals.push(LocalInfo {
                    name: name.to_string(),
                    ty: None,
                    fixed: false,
                    span,
                    ty_span: span,
                });
            }
        });
        if diags.is_empty() {
            Ok(f)
        } else {
            Err(diags)
        }
    }

    /// Reports an error (final pass only).
    pub fn error(&mut self, d: Diagnostic) {
        if self.final_pass {
            self.diags.push(d);
        }
    }

    /// Reports an error and returns `None`, for `?` chains.
    pub fn fail<T>(&mut self, span: Span, msg: impl Into<String>) -> Option<T> {
        self.error(Diagnostic::error(span, msg));
        None
    }

    /// A fresh hidden local (stable across passes: the n-th temp of a pass is the same).
    pub fn temp(&mut self, ty: Type, span: Span) -> LocalId {
        let name = format!("${}", self.temp_counter);
        self.temp_counter += 1;
        self.hidden_local(name, ty, span)
    }

    /// A hidden local with a fixed name (the same local in every pass), of type `ty`.
    pub fn hidden_local(&mut self, name: String, ty: Type, span: Span) -> LocalId {
        if let Some(&id) = self.names.get(&name) {
            self.locals[id].ty = Some(ty);
            return id;
        }
        let id = self.locals.len();
        self.names.insert(name.clone(), id);
        self.locals.push(LocalInfo {
            name,
            ty: Some(ty),
            fixed: true,
            span,
            ty_span: span,
        });
        id
    }

    /// Calls a user function, reporting its errors once.
    pub fn call_user(&mut self, name: &str, args: Vec<TE>, span: Span) -> Option<TE> {
        let def = self.cx.funcs[name];
        if args.len() != def.params.len() {
            return self.fail(
                span,
                format!(
                    "{name}() takes {} argument{} but {} {}",
                    def.params.len(),
                    if def.params.len() == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 {
                        "was given"
                    } else {
                        "were given"
                    }
                ),
            );
        }
        if let Ok(Some(crate::ufuncs::Ufunc::Vectorize { sigs, parallel })) =
            crate::ufuncs::ufunc_of(def)
        {
            return self.vectorize_call(name, &sigs, parallel, args, span);
        }
        // Argument types: weak literals become strong; annotated parameters convert.
        let mut exprs = Vec::new();
        let mut sig = Vec::new();
        for (i, (a, p)) in args.into_iter().zip(&def.params).enumerate() {
            let at = a.ty();
            let want = match &p.ann {
                Some(ann) => match parse_annotation(ann) {
                    Ok(t) => t,
                    Err(_) => return None, // reported when the callee is lowered
                },
                None => at,
            };
            let e = match (at, want) {
                (Type::Str, _) | (Type::None, _) => {
                    return self.fail(
                        a.e.span,
                        format!(
                            "argument {} of {name}() has no value a kernel can take",
                            i + 1
                        ),
                    )
                }
                (x, y) if x == y => a.e,
                (Type::Scalar(x), Type::Scalar(y)) if a.weak || widens_to(x, y) => cast(a.e, y),
                _ => {
                    return self.fail(
                        a.e.span,
                        format!("argument {} of {name}() must be {want}, not {at}", i + 1),
                    )
                }
            };
            sig.push(want);
            exprs.push(e);
        }
        match self.cx.instantiate(name, &sig, span) {
            Ok((id, ret)) => Some(TE::strong(Expr {
                kind: ExprKind::Call(id, exprs),
                ty: ret,
                span,
            })),
            Err(d) => {
                // An empty message means the callee's own errors were already reported.
                if !d.message.is_empty() {
                    self.error(d);
                }
                None
            }
        }
    }

    /// Records that `local` is assigned a value of type `t` (inference), or checks it
    /// (final pass). Returns the value converted to the local's type.
    pub fn assign_local(&mut self, id: LocalId, value: TE, span: Span) -> Option<Expr> {
        let vt = value.ty();
        if matches!(vt, Type::Str) {
            return self.fail(value.e.span, "strings can only be printed");
        }
        if matches!(vt, Type::None) {
            return self.fail(
                value.e.span,
                "this expression has no value (the function returns nothing)",
            );
        }
        let info = &self.locals[id];
        let cur = info.ty;
        let merged = crate::types::unify(cur, vt, value.weak, info.fixed);
        let Some(merged) = merged else {
            let (name, first) = (info.name.clone(), info.ty_span);
            let cur = cur.expect("checked");
            self.error(
                Diagnostic::error(
                    span,
                    format!("variable '{name}' gets type {vt} here but type {cur} elsewhere: a variable keeps one type"),
                )
                .with_label(first, format!("'{name}' gets type {cur} here")),
            );
            return None;
        };
        if Some(merged) != cur {
            let info = &mut self.locals[id];
            info.ty = Some(merged);
            info.ty_span = span;
            self.changed = true;
        }
        Some(convert(value.e, merged))
    }

    /// Lowers the function body.
    fn lower_body(&mut self) -> Block {
        self.temp_counter = 0;
        self.global_inits.clear();
        self.global_done.clear();
        let body = self.lower_block(&self.def.body);
        let mut out = std::mem::take(&mut self.global_inits);
        out.extend(body);
        out
    }

    pub fn lower_block(&mut self, stmts: &'a [ast::Stmt]) -> Block {
        let mut out = Vec::new();
        for s in stmts {
            self.lower_stmt(s, &mut out);
        }
        out
    }

    /// Lowers a statement, preceded by the statements its expressions need first.
    fn lower_stmt(&mut self, s: &'a ast::Stmt, out: &mut Block) {
        let outer = std::mem::take(&mut self.pending);
        let mut lowered = Vec::new();
        self.lower_one(s, &mut lowered);
        out.append(&mut std::mem::replace(&mut self.pending, outer));
        out.append(&mut lowered);
    }

    fn lower_one(&mut self, s: &'a ast::Stmt, out: &mut Block) {
        let span = s.span;
        let kind = match &s.kind {
            S::Pass => return,
            S::Expr(e) => {
                // A bare string is a docstring or comment.
                if matches!(e.kind, ast::ExprKind::Str(_)) {
                    return;
                }
                match self.expr(e) {
                    Some(te) => StmtKind::Expr(te.e),
                    None => return,
                }
            }
            S::Assign { target, ann, value } => {
                if let Some(ann) = ann {
                    self.declare(target, ann);
                }
                match self.assign(target, value, span, out) {
                    Some(k) => k,
                    None => return,
                }
            }
            S::ChainAssign { targets, value } => {
                return self.chain_assign(targets, value, span, out)
            }
            S::Assert { cond, msg } => match self.assert_stmt(cond, msg.as_ref(), span) {
                Some(k) => k,
                None => return,
            },
            S::AugAssign { target, op, value } => match self.aug_assign(target, *op, value, span) {
                Some(k) => k,
                None => return,
            },
            S::If { cond, body, orelse } => {
                let cond = self.condition(cond);
                let then = self.lower_block(body);
                let orelse = self.lower_block(orelse);
                match cond {
                    Some(cond) => StmtKind::If { cond, then, orelse },
                    None => return,
                }
            }
            S::While { cond, body } => {
                let cond = self.condition(cond);
                // Statements the condition needs (a comprehension's loop, a @vectorize
                // call) run before each test: `while True: <pending>; if not cond: break`.
                let before = std::mem::take(&mut self.pending);
                self.loops.push(false);
                let body = self.lower_block(body);
                self.loops.pop();
                match cond {
                    Some(cond) if before.is_empty() => StmtKind::While { cond, body },
                    Some(cond) => {
                        let cspan = cond.span;
                        let not = Expr {
                            kind: ExprKind::Unary(UnOp::Not, Box::new(cond)),
                            ty: Type::Scalar(DType::Bool),
                            span: cspan,
                        };
                        let mut whole = before;
                        whole.push(Stmt {
                            kind: StmtKind::If {
                                cond: not,
                                then: vec![Stmt {
                                    kind: StmtKind::Break,
                                    span: cspan,
                                }],
                                orelse: Vec::new(),
                            },
                            span: cspan,
                        });
                        whole.extend(body);
                        StmtKind::While {
                            cond: Expr {
                                kind: ExprKind::Const(Scalar::Bool(true)),
                                ty: Type::Scalar(DType::Bool),
                                span: cspan,
                            },
                            body: whole,
                        }
                    }
                    None => return,
                }
            }
            S::For { target, iter, body } => match self.for_loop(target, iter, body, span, out) {
                Some(k) => k,
                None => return,
            },
            S::Break | S::Continue => {
                match self.loops.last() {
                    None => {
                        let w = if matches!(s.kind, S::Break) {
                            "break"
                        } else {
                            "continue"
                        };
                        return self
                            .error(Diagnostic::error(span, format!("'{w}' outside a loop")));
                    }
                    Some(true) if matches!(s.kind, S::Break) => {
                        return self.error(Diagnostic::error(span, "'break' is not allowed directly inside a prange loop: its iterations run in parallel"));
                    }
                    _ => {}
                }
                if matches!(s.kind, S::Break) {
                    StmtKind::Break
                } else {
                    StmtKind::Continue
                }
            }
            S::Return(value) => {
                if self.loops.contains(&true) {
                    return self.error(Diagnostic::error(span, "'return' is not allowed inside a prange loop: its iterations run in parallel"));
                }
                match self.ret_stmt(value.as_ref(), span, out) {
                    Some(k) => k,
                    None => return,
                }
            }
        };
        out.push(Stmt { kind, span });
    }

    /// `x: f64 = ...` fixes the type of `x`.
    fn declare(&mut self, target: &ast::Expr, ann: &ast::Expr) {
        let ast::ExprKind::Name(name) = &target.kind else {
            return self.error(Diagnostic::error(
                target.span,
                "only a plain variable can have a type annotation",
            ));
        };
        let t = match parse_annotation(ann) {
            Ok(t) => t,
            Err(d) => return self.error(d),
        };
        let id = self.names[name.as_str()];
        let info = &mut self.locals[id];
        if info.fixed && info.ty != Some(t) {
            let first = info.ty_span;
            return self.error(
                Diagnostic::error(
                    ann.span,
                    format!("'{name}' is declared again with another type"),
                )
                .with_label(first, "first declared here"),
            );
        }
        if info.ty != Some(t) {
            self.changed = true;
        }
        info.ty = Some(t);
        info.fixed = true;
        info.ty_span = ann.span;
    }

    /// `target = value`. Statements that need more than one IR statement (tuple
    /// assignments) are pushed to `out` directly and `None` is returned.
    fn assign(
        &mut self,
        target: &'a ast::Expr,
        value: &'a ast::Expr,
        span: Span,
        out: &mut Block,
    ) -> Option<StmtKind> {
        match &target.kind {
            ast::ExprKind::Name(name) => {
                let id = self.names[name.as_str()];
                let Some(v) = self.expr(value) else {
                    self.failed.insert(id);
                    return None;
                };
                if v.ty().tuple().is_some() {
                    if self
                        .assign_tuple_local(id, v, target.span.to(value.span), out)
                        .is_none()
                    {
                        self.failed.insert(id);
                    }
                    return None;
                }
                let value = self.assign_local(id, v, target.span.to(value.span))?;
                Some(StmtKind::Assign { local: id, value })
            }
            ast::ExprKind::Subscript(base, items) => {
                self.check_global_store(base)?;
                if let Some(b) = crate::arrays::flat_base(base) {
                    return self.flat_store(b, items, None, value, span);
                }
                let v = self.expr(value);
                self.store_to(base, items, v?, span)
            }
            ast::ExprKind::Tuple(_) => {
                let v = self.expr(value);
                let Some(v) = v else {
                    let mut names = Vec::new();
                    collect_target_names(target, &mut |n, _| names.push(n.to_string()));
                    for n in names {
                        let id = self.names[n.as_str()];
                        self.failed.insert(id);
                    }
                    return None;
                };
                self.unpack_assign(target, v, span, out);
                None
            }
            _ => self.fail(
                target.span,
                "cannot assign to this expression: assign to a variable or an array element",
            ),
        }
    }

    /// `base[items] = v` for an already lowered value.
    pub(crate) fn store_to(
        &mut self,
        base: &'a ast::Expr,
        items: &'a [ast::IndexItem],
        v: TE,
        span: Span,
    ) -> Option<StmtKind> {
        let array = self.expr(base)?;
        if array.ty().tuple().is_some() {
            return self.tuple_store_error(&array, span);
        }
        let (index, region) = match self.classify_index(&array, items, base.span.to(span))? {
            crate::arrays::Subscript::Basic(index, region) => (index, region),
            crate::arrays::Subscript::Select { view, sel } => {
                return self.select_store(view, sel, None, v, span)
            }
            crate::arrays::Subscript::NewAxes { .. } => {
                return self.fail(span, "cannot assign through None/np.newaxis in an index")
            }
        };
        let dtype = array.ty().dtype()?;
        let value = self.store_value(v, dtype, region, span)?;
        Some(StmtKind::Store {
            array: array.e,
            index,
            aug: None,
            value,
        })
    }

    /// Converts a value to be stored into an element (`region` = rank of the written view,
    /// 0 for one element) of an array of element type `dtype`.
    fn store_value(&mut self, v: TE, dtype: DType, region: usize, span: Span) -> Option<Expr> {
        match v.ty() {
            Type::Scalar(_) => Some(cast(v.e, dtype)),
            Type::Array(a) if region == 0 => self.fail(
                v.e.span,
                format!(
                    "cannot store an array ({}) into a single element",
                    Type::Array(a)
                ),
            ),
            Type::Array(a) if a.ndim as usize > region => self.fail(
                span,
                format!(
                    "cannot store a {}-dimensional array into a {region}-dimensional region",
                    a.ndim
                ),
            ),
            Type::Array(_) => Some(cast(v.e, dtype)),
            _ => self.fail(v.e.span, "this value cannot be stored in an array"),
        }
    }

    fn aug_assign(
        &mut self,
        target: &'a ast::Expr,
        op: ast::BinOp,
        value: &'a ast::Expr,
        span: Span,
    ) -> Option<StmtKind> {
        match &target.kind {
            ast::ExprKind::Name(name) => {
                let id = self.names[name.as_str()];
                let cur = self.read_local(id, target.span)?;
                if let Type::Array(at) = cur.ty() {
                    // In place, as NumPy does for `a += b`.
                    let v = self.expr(value)?;
                    let ty = self.aug_type(at.dtype, op, &v, span)?;
                    self.check_in_place(at.dtype, ty, op, span)?;
                    let value = self.elementwise_operand(v, ty)?;
                    if value.ty.ndim() > at.ndim as usize {
                        return self.fail(span, format!("cannot update a {}-dimensional array in place with a {}-dimensional one", at.ndim, value.ty.ndim()));
                    }
                    return Some(StmtKind::Store {
                        array: cur.e,
                        index: Vec::new(),
                        aug: Some(AugOp { op: binop(op), ty }),
                        value,
                    });
                }
                let v = self.expr(value)?;
                let res = self.binary(op, cur, v, span)?;
                let value = self.assign_local(id, res, span)?;
                Some(StmtKind::Assign { local: id, value })
            }
            ast::ExprKind::Subscript(base, items) => {
                self.check_global_store(base)?;
                if let Some(b) = crate::arrays::flat_base(base) {
                    return self.flat_store(b, items, Some(op), value, span);
                }
                let array = self.expr(base)?;
                let v = self.expr(value);
                let (index, region) = match self.classify_index(&array, items, target.span)? {
                    crate::arrays::Subscript::Basic(index, region) => (index, region),
                    crate::arrays::Subscript::Select { view, sel } => {
                        return self.select_store(view, sel, Some(op), v?, span)
                    }
                    crate::arrays::Subscript::NewAxes { .. } => {
                        return self.fail(
                            target.span,
                            "cannot update through None/np.newaxis in an index",
                        )
                    }
                };
                let v = v?;
                let dtype = array.ty().dtype()?;
                let ty = self.aug_type(dtype, op, &v, span)?;
                if region == 0 && v.ty().is_array() {
                    return self.fail(v.e.span, "cannot combine an array into a single element");
                }
                if region > 0 {
                    self.check_in_place(dtype, ty, op, span)?;
                }
                let value = self.elementwise_operand(v, ty)?;
                if value.ty.ndim() > region {
                    return self.fail(
                        span,
                        "the right side has more dimensions than the updated region",
                    );
                }
                Some(StmtKind::Store {
                    array: array.e,
                    index,
                    aug: Some(AugOp { op: binop(op), ty }),
                    value,
                })
            }
            _ => self.fail(target.span, "cannot update this expression in place"),
        }
    }

    /// The type an `op=` on array elements of type `dtype` computes in.
    fn aug_type(&mut self, dtype: DType, op: ast::BinOp, v: &TE, span: Span) -> Option<DType> {
        let vd = v.ty().dtype().or_else(|| {
            self.fail(
                v.e.span,
                "this value cannot be combined with array elements",
            )
        })?;
        self.binary_type(op, dtype, false, vd, v.weak, span)
    }

    /// NumPy refuses in-place updates of a region whose result kind does not fit the
    /// array (`a += 1.5` on an int array); a single element converts (`a[i] += 1.5`).
    fn check_in_place(
        &mut self,
        dtype: DType,
        ty: DType,
        op: ast::BinOp,
        span: Span,
    ) -> Option<()> {
        if !crate::types::same_kind(ty, dtype) {
            return self.fail(
                span,
                format!(
                    "cannot update an array of {dtype} in place with '{}=': the result is {ty}; write a = a {} ... to make a new array",
                    op.symbol(),
                    op.symbol()
                ),
            );
        }
        Some(())
    }

    /// Casts an operand of an element-wise update to `ty`.
    fn elementwise_operand(&mut self, v: TE, ty: DType) -> Option<Expr> {
        match v.ty() {
            Type::Scalar(_) | Type::Array(_) => Some(cast(v.e, ty)),
            _ => self.fail(
                v.e.span,
                "this value cannot be combined with array elements",
            ),
        }
    }

    fn ret_stmt(
        &mut self,
        value: Option<&'a ast::Expr>,
        span: Span,
        out: &mut Block,
    ) -> Option<StmtKind> {
        let Some(value) = value else {
            return match self.ret {
                None => {
                    self.ret = Some((Type::None, false));
                    self.ret_span = span;
                    self.changed = true;
                    let name = self.def.name.name.as_str();
                    self.cx.provisional_ret(name, &self.sig, Type::None);
                    Some(StmtKind::Return(None))
                }
                Some((Type::None, _)) => Some(StmtKind::Return(None)),
                Some((t, _)) => self.fail(
                    span,
                    format!("this function returns {t} elsewhere, so 'return' needs a value"),
                ),
            };
        };
        let v = self.expr(value)?;
        let vt = v.ty();
        if matches!(vt, Type::Str | Type::None) {
            return self.fail(
                value.span,
                "a function can return numbers and arrays, not this",
            );
        }
        let new = crate::types::unify(
            self.ret.map(|r| r.0),
            vt,
            v.weak,
            self.ret.is_some_and(|r| r.1),
        );
        let Some(new) = new else {
            let (t, _) = self.ret.expect("set");
            let prev = self.ret_span;
            self.error(
                Diagnostic::error(
                    value.span,
                    format!("this returns {vt}, but the function returns {t} elsewhere"),
                )
                .with_label(prev, format!("returns {t} here")),
            );
            return None;
        };
        if self.ret.map(|r| r.0) != Some(new) {
            let fixed = self.ret.is_some_and(|r| r.1);
            self.ret = Some((new, fixed));
            self.ret_span = value.span;
            self.changed = true;
            let name = self.def.name.name.as_str();
            self.cx.provisional_ret(name, &self.sig, new);
        }
        if let Type::Tuple(tt) = new {
            let e = self.convert_tuple(v.e, tt, out);
            return Some(StmtKind::Return(Some(e)));
        }
        Some(StmtKind::Return(Some(convert(v.e, new))))
    }

    /// A function whose return type is a value must not fall off its end.
    fn check_falls_through(&mut self, body: &Block) {
        if let Some((t, _)) = self.ret {
            if t != Type::None && !always_returns(body) {
                let span = self.def.name.span;
                self.error(Diagnostic::error(
                    span,
                    format!(
                        "'{}' returns {t} on some paths but can reach its end without a return",
                        self.def.name.name
                    ),
                ));
            }
        }
    }

    /// `if`/`while` conditions: bool scalars; other scalars by truthiness.
    pub(crate) fn condition(&mut self, e: &'a ast::Expr) -> Option<Expr> {
        let te = self.expr(e)?;
        self.truth(te)
    }

    pub fn truth(&mut self, te: TE) -> Option<Expr> {
        match te.ty() {
            Type::Scalar(DType::Bool) => Some(te.e),
            Type::Scalar(_) => Some(cast(te.e, DType::Bool)),
            Type::Array(_) => self.fail(
                te.e.span,
                "the truth value of an array is ambiguous: use any(...) or all(...)",
            ),
            _ => self.fail(te.e.span, "this has no truth value"),
        }
    }

    fn for_loop(
        &mut self,
        target: &'a ast::Expr,
        iter: &'a ast::Expr,
        body: &'a [ast::Stmt],
        span: Span,
        out: &mut Block,
    ) -> Option<StmtKind> {
        // enumerate, zip, ndenumerate, ndindex, tuples, and tuple targets: `iter.rs`.
        if let Some(done) = self.iter_for(target, iter, body, span, out) {
            return done;
        }
        let target_expr = target;
        let ast::ExprKind::Name(tname) = &target.kind else {
            unreachable!("iter_for lowers tuple targets")
        };
        let target = &ast::Ident {
            name: tname.clone(),
            span: target.span,
        };
        let var = self.names[target.name.as_str()];
        // range / prange
        if let ast::ExprKind::Call { func, args, kwargs } = &iter.kind {
            let fname = match &func.kind {
                ast::ExprKind::Name(n) if !self.names.contains_key(n) => Some(n.as_str()),
                ast::ExprKind::Attribute(m, a) if matches!(&m.kind, ast::ExprKind::Name(m) if m == "numba" || m == "nb" || is_module(m)) => {
                    Some(a.name.as_str())
                }
                _ => None,
            };
            if let Some(fname @ ("range" | "prange")) = fname {
                if let Some(k) = kwargs.first() {
                    return self.fail(k.name.span, format!("{fname}() takes no keyword arguments"));
                }
                if args.is_empty() || args.len() > 3 {
                    return self.fail(
                        iter.span,
                        format!("{fname}() takes 1 to 3 arguments, got {}", args.len()),
                    );
                }
                let mut bounds = Vec::new();
                for a in args {
                    let te = self.expr(a);
                    bounds.push(
                        te.and_then(|te| self.int_operand(te, &format!("{fname}() arguments"))),
                    );
                }
                let one = |span| Expr {
                    kind: ExprKind::Const(Scalar::I64(1)),
                    ty: Type::Scalar(DType::I64),
                    span,
                };
                let zero = |span| Expr {
                    kind: ExprKind::Const(Scalar::I64(0)),
                    ty: Type::Scalar(DType::I64),
                    span,
                };
                let var_te = TE {
                    e: Expr {
                        kind: ExprKind::Const(Scalar::I64(0)),
                        ty: Type::Scalar(DType::I64),
                        span: target.span,
                    },
                    weak: false,
                };
                let var_ok = self.assign_local(var, var_te, target.span);
                let parallel = fname == "prange";
                self.loops.push(parallel);
                let lowered = self.lower_block(body);
                self.loops.pop();
                let mut it = bounds.into_iter();
                let (start, stop, step) = match args.len() {
                    1 => (Some(zero(iter.span)), it.next()?, Some(one(iter.span))),
                    2 => (it.next()?, it.next()?, Some(one(iter.span))),
                    _ => (it.next()?, it.next()?, it.next()?),
                };
                var_ok?;
                if self.locals[var].ty != Some(Type::Scalar(DType::I64)) {
                    let t = self.locals[var].ty.expect("assigned");
                    return self.fail(
                        target.span,
                        format!(
                            "loop variable '{}' is an integer here but has type {t} elsewhere",
                            target.name
                        ),
                    );
                }
                let parallel = if parallel {
                    Some(self.check_prange(var, body, &lowered)?)
                } else {
                    None
                };
                return Some(StmtKind::For {
                    var,
                    start: start?,
                    stop: stop?,
                    step: step?,
                    body: lowered,
                    parallel,
                });
            }
        }
        if let Some(b) = crate::arrays::flat_base(iter) {
            return self.flat_loop(var, target, b, body, span);
        }
        // for v in array: a hidden index over the first axis.
        let arr = self.expr(iter)?;
        if arr.ty().tuple().is_some() {
            // for v in t: over a tuple's elements.
            return self.tuple_for(target_expr, arr, body, span, out);
        }
        let Type::Array(at) = arr.ty() else {
            return self.fail(
                iter.span,
                format!(
                    "cannot loop over a value of type {}: loop over range(...), prange(...) or an array",
                    arr.ty()
                ),
            );
        };
        let it = self.temp(arr.ty(), iter.span);
        let idx = self.temp(Type::Scalar(DType::I64), iter.span);
        let local = |id, ty, span| Expr {
            kind: ExprKind::Local(id),
            ty,
            span,
        };
        let elem_ty = crate::types::with_rank(at.dtype, at.ndim as usize - 1);
        let elem = Expr {
            kind: ExprKind::Index(
                Box::new(local(it, arr.ty(), iter.span)),
                vec![Index::Int(local(
                    idx,
                    Type::Scalar(DType::I64),
                    target.span,
                ))],
            ),
            ty: elem_ty,
            span: iter.span,
        };
        let bind = self.assign_local(var, TE::strong(elem), target.span);
        self.loops.push(false);
        let mut lowered = self.lower_block(body);
        self.loops.pop();
        let bind = bind?;
        lowered.insert(
            0,
            Stmt {
                kind: StmtKind::Assign {
                    local: var,
                    value: bind,
                },
                span: target.span,
            },
        );
        let stop = Expr {
            kind: ExprKind::Dim(Box::new(local(it, arr.ty(), iter.span)), 0),
            ty: Type::Scalar(DType::I64),
            span: iter.span,
        };
        let c = |v, span| Expr {
            kind: ExprKind::Const(Scalar::I64(v)),
            ty: Type::Scalar(DType::I64),
            span,
        };
        // `$it = array` then the indexed loop; emitted as a two-statement block via If(true).
        let init = Stmt {
            kind: StmtKind::Assign {
                local: it,
                value: arr.e,
            },
            span: iter.span,
        };
        let lp = Stmt {
            kind: StmtKind::For {
                var: idx,
                start: c(0, iter.span),
                stop,
                step: c(1, iter.span),
                body: lowered,
                parallel: None,
            },
            span,
        };
        Some(StmtKind::If {
            cond: Expr {
                kind: ExprKind::Const(Scalar::Bool(true)),
                ty: Type::Scalar(DType::Bool),
                span,
            },
            then: vec![init, lp],
            orelse: Vec::new(),
        })
    }

    /// An integer scalar operand converted to i64 (range bounds, indices, shapes).
    pub fn int_operand(&mut self, te: TE, what: &str) -> Option<Expr> {
        match te.ty() {
            Type::Scalar(d) if d.is_int() || d == DType::Bool => Some(cast(te.e, DType::I64)),
            t => self.fail(te.e.span, format!("{what} must be integers, not {t}")),
        }
    }

    /// Reads a local (error if it has no type yet in the final pass).
    pub fn read_local(&mut self, id: LocalId, span: Span) -> Option<TE> {
        match self.locals[id].ty {
            Some(Type::Tuple(tt)) => Some(TE::strong(self.read_tuple_local(id, tt, span))),
            Some(ty) => Some(TE::strong(Expr {
                kind: ExprKind::Local(id),
                ty,
                span,
            })),
            None if self.failed.contains(&id) => None,
            None => {
                let name = self.locals[id].name.clone();
                self.fail(
                    span,
                    format!("variable '{name}' is used but never gets a value"),
                )
            }
        }
    }
}

/// Converts an expression to type `to` (a cast when the element types differ).
pub(crate) fn convert(e: Expr, to: Type) -> Expr {
    match (e.ty, to) {
        (a, b) if a == b => e,
        (Type::Scalar(_), Type::Scalar(d)) => cast(e, d),
        _ => e,
    }
}

/// Casts each element of `e` to `d` (no node when already of that type). Literal constants
/// are converted at compile time.
pub(crate) fn cast(e: Expr, d: DType) -> Expr {
    let ty = match e.ty {
        Type::Scalar(x) if x == d => return e,
        Type::Array(a) if a.dtype == d => return e,
        Type::Scalar(_) => Type::Scalar(d),
        Type::Array(a) => Type::Array(ArrayType {
            dtype: d,
            ndim: a.ndim,
        }),
        _ => return e,
    };
    if let ExprKind::Const(s) = e.kind {
        if let Some(c) = const_cast(s, d) {
            return Expr {
                kind: ExprKind::Const(c),
                ty,
                span: e.span,
            };
        }
    }
    let span = e.span;
    Expr {
        kind: ExprKind::Cast(Box::new(e)),
        ty,
        span,
    }
}

/// Compile-time conversion of a literal, when exact and free of runtime errors.
fn const_cast(s: Scalar, d: DType) -> Option<Scalar> {
    if d.is_complex() {
        return crate::complex::const_to_complex(s, d);
    }
    Some(match (s.as_i128(), s, d) {
        (_, _, DType::Bool) => Scalar::Bool(s.truthy()),
        (Some(v), _, d) if d.is_int() => {
            let (lo, hi) = d.int_range();
            if !(lo..=hi).contains(&v) {
                return None;
            }
            Scalar::int_wrapping(v, d)?
        }
        (Some(v), _, DType::F64) => Scalar::F64(v as f64),
        (Some(v), _, DType::F32) => Scalar::F32(v as f32),
        (None, Scalar::F64(v), DType::F32) => Scalar::F32(v as f32),
        _ => return None,
    })
}

pub(crate) fn binop(op: ast::BinOp) -> BinOp {
    match op {
        ast::BinOp::Add => BinOp::Add,
        ast::BinOp::Sub => BinOp::Sub,
        ast::BinOp::Mul => BinOp::Mul,
        ast::BinOp::Div => BinOp::Div,
        ast::BinOp::FloorDiv => BinOp::FloorDiv,
        ast::BinOp::Mod => BinOp::Mod,
        ast::BinOp::Pow => BinOp::Pow,
        ast::BinOp::BitAnd => BinOp::BitAnd,
        ast::BinOp::BitOr => BinOp::BitOr,
        ast::BinOp::BitXor => BinOp::BitXor,
        ast::BinOp::Shl => BinOp::Shl,
        ast::BinOp::Shr => BinOp::Shr,
        // `@` is lowered as a matrix product before operators are mapped (and `@=` is not
        // part of the language: the lexer has no such token).
        ast::BinOp::MatMul => BinOp::Mul,
    }
}

/// True when every path through the block ends in `return`.
fn always_returns(b: &Block) -> bool {
    b.iter().any(|s| match &s.kind {
        StmtKind::Return(_) => true,
        StmtKind::If { then, orelse, .. } => always_returns(then) && always_returns(orelse),
        StmtKind::While { cond, body } => {
            matches!(cond.kind, ExprKind::Const(Scalar::Bool(true))) && !contains_break(body)
        }
        _ => false,
    })
}

fn contains_break(b: &Block) -> bool {
    b.iter().any(|s| match &s.kind {
        StmtKind::Break => true,
        StmtKind::If { then, orelse, .. } => contains_break(then) || contains_break(orelse),
        _ => false,
    })
}

/// Calls `f` for every name bound by an assignment or `for` in a block (Python's rule: a
/// name assigned anywhere in a function is local to it).
pub(crate) fn collect_assigned(stmts: &[ast::Stmt], f: &mut impl FnMut(&str, Span)) {
    for s in stmts {
        match &s.kind {
            S::Assign { target, .. } | S::AugAssign { target, .. } => {
                collect_target_names(target, f);
            }
            S::ChainAssign { targets, .. } => {
                targets.iter().for_each(|t| collect_target_names(t, f));
            }
            S::For { target, body, .. } => {
                collect_target_names(target, f);
                collect_assigned(body, f);
            }
            S::If { body, orelse, .. } => {
                collect_assigned(body, f);
                collect_assigned(orelse, f);
            }
            S::While { body, .. } => collect_assigned(body, f),
            _ => {}
        }
    }
}

/// Calls `f` for every name an assignment target binds (`a`, `a, (b, c)`).
pub(crate) fn collect_target_names(target: &ast::Expr, f: &mut impl FnMut(&str, Span)) {
    match &target.kind {
        ast::ExprKind::Name(n) => f(n, target.span),
        ast::ExprKind::Tuple(items) => items.iter().for_each(|t| collect_target_names(t, f)),
        _ => {}
    }
}

/// Compiles `entry` for argument types `args`: the program of every function it reaches.
pub fn compile(module: &ast::Module, entry: &str, args: &[Type]) -> CompileResult<Program> {
    let module = &crate::numpy_args::normalize(module);
    let mut diags = Vec::new();
    let mut cx = Ctx::new(module, &mut diags);
    let Some(def) = cx.funcs.get(entry).copied() else {
        diags.push(Diagnostic::error(
            Span::default(),
            format!("there is no function named '{entry}'"),
        ));
        return Err(diags);
    };
    if def.params.len() != args.len() {
        diags.push(Diagnostic::error(
            def.name.span,
            format!(
                "'{entry}' takes {} arguments but is called with {}",
                def.params.len(),
                args.len()
            ),
        ));
        return Err(diags);
    }
    // Annotated parameters fix the signature.
    let mut sig = Vec::new();
    for (p, &a) in def.params.iter().zip(args) {
        match &p.ann {
            Some(ann) => match parse_annotation(ann) {
                Ok(t) => {
                    if t != a
                        && !matches!((a, t), (Type::Scalar(x), Type::Scalar(y)) if widens_to(x, y))
                    {
                        diags.push(Diagnostic::error(
                            p.span,
                            format!(
                                "parameter '{}' is declared {t} but the argument is {a}",
                                p.name.name
                            ),
                        ));
                    }
                    sig.push(t)
                }
                Err(d) => diags.push(d),
            },
            None => sig.push(a),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let res = cx.instantiate(entry, &sig, def.name.span);
    diags.append(&mut cx.diags);
    resolve_unreached(module, &cx, &mut diags);
    match res {
        Ok((id, _)) if diags.is_empty() => Ok(finish(cx.out, id)),
        _ => {
            sort_diags(&mut diags);
            Err(diags)
        }
    }
}

/// Type-checks a module without a call: `main`-like functions (all parameters annotated,
/// or none) are instantiated; the rest get name resolution only.
pub fn check(module: &ast::Module) -> Vec<Diagnostic> {
    let module = &crate::numpy_args::normalize(module);
    let mut diags = Vec::new();
    let mut cx = Ctx::new(module, &mut diags);
    for item in &module.items {
        let ast::Item::Func(def) = item else { continue };
        let sig: Result<Vec<Type>, _> = def
            .params
            .iter()
            .map(|p| {
                p.ann
                    .as_ref()
                    .ok_or(())
                    .and_then(|a| parse_annotation(a).map_err(|d| diags.push(d)))
            })
            .collect();
        if let Ok(sig) = sig {
            let _ = cx.instantiate(&def.name.name, &sig, def.name.span);
        }
    }
    diags.append(&mut cx.diags);
    resolve_unreached(module, &cx, &mut diags);
    sort_diags(&mut diags);
    diags
}

fn sort_diags(diags: &mut Vec<Diagnostic>) {
    diags.sort_by_key(|d| (d.span.start, d.span.end));
    diags.dedup();
}

/// Name resolution for functions that were not instantiated (their errors would otherwise
/// go unseen until a call reaches them).
fn resolve_unreached(module: &ast::Module, cx: &Ctx, diags: &mut Vec<Diagnostic>) {
    let instantiated: HashSet<&str> = cx.out.iter().flatten().map(|f| f.name.as_str()).collect();
    let failed: HashSet<&str> = cx.insts.keys().map(|(n, _)| n.as_str()).collect();
    for item in &module.items {
        let ast::Item::Func(def) = item else { continue };
        if instantiated.contains(def.name.name.as_str()) || failed.contains(def.name.name.as_str())
        {
            continue;
        }
        crate::expr::resolve_names(def, cx, diags);
    }
}

/// Keeps only the functions reachable from the entry, renumbered.
fn finish(out: Vec<Option<Func>>, entry: FuncId) -> Program {
    let mut order = vec![usize::MAX; out.len()];
    let mut list = vec![entry];
    order[entry] = 0;
    let mut i = 0;
    while i < list.len() {
        let f = out[list[i]].as_ref().expect("finished");
        let mut callees = Vec::new();
        for s in &f.body {
            visit_calls_stmt(s, &mut callees);
        }
        for c in callees {
            if order[c] == usize::MAX {
                order[c] = list.len();
                list.push(c);
            }
        }
        i += 1;
    }
    let mut funcs: Vec<Func> = Vec::with_capacity(list.len());
    let mut out: Vec<Option<Func>> = out;
    for &old in &list {
        let mut f = out[old].take().expect("finished");
        for s in &mut f.body {
            remap_stmt(s, &order);
        }
        funcs.push(f);
    }
    Program { funcs, entry: 0 }
}

fn visit_calls_stmt(s: &Stmt, out: &mut Vec<FuncId>) {
    crate::pretty::walk_stmt(s, &mut |e| {
        if let ExprKind::Call(id, _) = &e.kind {
            out.push(*id);
        }
    });
}

fn remap_stmt(s: &mut Stmt, order: &[usize]) {
    crate::pretty::walk_stmt_mut(s, &mut |e| {
        if let ExprKind::Call(id, _) = &mut e.kind {
            *id = order[*id];
        }
    });
}
