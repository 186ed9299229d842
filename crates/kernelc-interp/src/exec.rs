//! The interpreter state, function calls and statements.
//!
//! Control flow (`break`, `continue`, `return`) travels as a [`Flow`] value, errors as
//! `Err(RuntimeError)`; nothing unwinds. `prange` loops run their fixed chunks
//! (`kernelc_runtime::reduce::prange_chunks`) serially, in order, with the same private
//! reduction copies and per-chunk random streams a parallel executor uses, so the results
//! are the ones every thread count must give.

use crate::elementwise::{self, Operand};
use crate::fused;
use crate::index::{self, Item, Selection};
use crate::scalar::{binary_scalar, cast_scalar};
use crate::value::Value;
use kernelc_runtime::error::msg;
use kernelc_runtime::optable::range_count;
use kernelc_runtime::reduce::prange_chunks;
use kernelc_runtime::rng::Rng;
use kernelc_runtime::{Array, Interrupt, RuntimeError, Scalar};
use kernelc_sema::tir::{
    AugOp, Block, Expr, ExprKind, Func, FuncId, Index, Parallel, Program, Stmt, StmtKind, Type,
};
use kernelc_syntax::Span;
use std::io::Write;

/// Deepest call nesting allowed (Python's default recursion limit; the runtime's one
/// definition, which native code uses too).
pub const MAX_DEPTH: usize = kernelc_runtime::error::MAX_DEPTH;

/// Executes functions of one [`Program`].
pub struct Interpreter<'p> {
    pub(crate) program: &'p Program,
    pub(crate) rng: Rng,
    pub(crate) out: &'p mut dyn Write,
    pub(crate) depth: usize,
    /// Polled at loop back-edges and calls; see [`Interpreter::set_interrupt`].
    pub(crate) interrupt: Interrupt,
}

/// The locals of one active call.
pub(crate) struct Frame<'p> {
    pub(crate) func: &'p Func,
    pub(crate) locals: Vec<Option<Value>>,
}

/// How a statement finished.
pub(crate) enum Flow {
    Next,
    Break,
    Continue,
    Return(Value),
}

/// Builds a runtime error at a span.
pub(crate) fn error_at(message: impl Into<String>, span: Span) -> RuntimeError {
    RuntimeError::new(message, span.start, span.end)
}

impl<'p> Frame<'p> {
    /// The value of a local, or Python's error for an unassigned one.
    #[inline]
    pub(crate) fn get(&self, id: usize, span: Span) -> Result<&Value, RuntimeError> {
        match self.locals.get(id) {
            Some(Some(v)) => Ok(v),
            _ => Err(self.unset(id, span)),
        }
    }

    #[cold]
    fn unset(&self, id: usize, span: Span) -> RuntimeError {
        let name = self.func.locals.get(id).map_or("?", |l| l.name.as_str());
        error_at(
            format!("local variable '{name}' referenced before assignment"),
            span,
        )
    }

    #[inline]
    pub(crate) fn set(&mut self, id: usize, v: Value) {
        if let Some(slot) = self.locals.get_mut(id) {
            *slot = Some(v);
        }
    }
}

/// Whether a value has a type (the binder's guarantee, checked at the entry).
fn value_type_matches(v: &Value, ty: Type) -> bool {
    match (v, ty) {
        (Value::Scalar(s), Type::Scalar(d)) => s.dtype() == d,
        (Value::Array(a), Type::Array(t)) => a.dtype() == t.dtype && a.ndim() == t.ndim as usize,
        (Value::Tuple(t), Type::Tuple(tt)) => {
            t.len() == tt.len()
                && t.iter()
                    .zip(tt.elems())
                    .all(|(v, &ty)| value_type_matches(v, ty))
        }
        (Value::Str(_), Type::Str) | (Value::None, Type::None) => true,
        _ => false,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Scalar(s) => s.dtype().to_string(),
        Value::Array(a) => format!("{}-d {} array", a.ndim(), a.dtype()),
        Value::Tuple(t) => format!("tuple of {}", t.len()),
        other => other.kind().to_string(),
    }
}

impl<'p> Interpreter<'p> {
    /// An interpreter for `program` whose `print` output goes to `out`. The random
    /// generator starts unseeded (`Rng::seeded(0)`).
    pub fn new(program: &'p Program, out: &'p mut dyn Write) -> Interpreter<'p> {
        Interpreter {
            program,
            rng: Rng::default(),
            out,
            depth: 0,
            interrupt: Interrupt::new(),
        }
    }

    /// Stops the running program with a runtime error (at the loop or call where it
    /// notices) once `interrupt` is triggered, from any thread or by a deadline.
    pub fn set_interrupt(&mut self, interrupt: Interrupt) {
        self.interrupt = interrupt;
    }

    /// The error for a triggered interrupt at `span` (loop back-edges and calls).
    #[inline]
    fn poll_interrupt(&self, span: Span) -> Result<(), RuntimeError> {
        match self.interrupt.check() {
            None => Ok(()),
            Some(m) => Err(error_at(m, span)),
        }
    }

    /// Accepted for API compatibility with the JIT; `prange` chunks run serially here, in
    /// chunk order (what any thread count of the JIT gives).
    pub fn set_threads(&mut self, _n: usize) {}

    /// The random generator's state (shared by every call on this interpreter).
    pub fn rng(&self) -> Rng {
        self.rng
    }

    /// Replaces the random generator's state.
    pub fn set_rng(&mut self, rng: Rng) {
        self.rng = rng;
    }

    /// The current call depth (the JIT hands its own depth over when it delegates).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Sets the call depth (see [`Interpreter::depth`]).
    pub fn set_depth(&mut self, depth: usize) {
        self.depth = depth;
    }

    /// Evaluates one expression of function `func` with the given local values: the JIT
    /// delegates the operations it does not compile to native code (whole-array
    /// expressions, printing, ...) here, so both executors share one definition of them.
    pub fn eval_in(
        &mut self,
        func: FuncId,
        expr: &'p Expr,
        locals: Vec<Option<Value>>,
    ) -> Result<Value, RuntimeError> {
        let mut frame = self.frame_with(func, locals, expr.span)?;
        self.eval(&mut frame, expr)
    }

    /// Executes one statement of function `func` with the given local values (see
    /// [`Interpreter::eval_in`]). Only statements that change no local are delegated.
    pub fn exec_in(
        &mut self,
        func: FuncId,
        stmt: &'p Stmt,
        locals: Vec<Option<Value>>,
    ) -> Result<(), RuntimeError> {
        let mut frame = self.frame_with(func, locals, stmt.span)?;
        self.exec_stmt(&mut frame, stmt).map(|_| ())
    }

    fn frame_with(
        &self,
        func: FuncId,
        mut locals: Vec<Option<Value>>,
        span: Span,
    ) -> Result<Frame<'p>, RuntimeError> {
        let f = self
            .program
            .funcs
            .get(func)
            .ok_or_else(|| error_at(format!("internal error: no function #{func}"), span))?;
        // The JIT may pass more locals than the function has (its temporaries).
        let n = locals.len().max(f.locals.len());
        locals.resize(n, None);
        Ok(Frame { func: f, locals })
    }

    /// Calls function `func` of the program with `args` (one per parameter, of the
    /// parameter's type). Returns the function's value (`Value::None` when it returns
    /// nothing).
    pub fn call(&mut self, func: FuncId, args: Vec<Value>) -> Result<Value, RuntimeError> {
        // Tuple arguments are passed as their leaves (the function's parameters).
        let args = if args.iter().any(|a| matches!(a, Value::Tuple(_))) {
            let mut flat = Vec::new();
            args.into_iter().for_each(|a| a.flatten_into(&mut flat));
            flat
        } else {
            args
        };
        let Some(f) = self.program.funcs.get(func) else {
            return Err(RuntimeError::new(
                format!("internal error: no function #{func}"),
                0,
                0,
            ));
        };
        // The facade's binder (crates/kernelc/src/bind.rs) gives every parameter a value of
        // its type; anything else is a bug of the caller.
        if args.len() != f.params.len() {
            return Err(error_at(
                format!(
                    "internal error: {}() called with {} values for {} parameters",
                    f.name,
                    args.len(),
                    f.params.len()
                ),
                f.span,
            ));
        }
        for (a, &p) in args.iter().zip(&f.params) {
            let ty = f.locals.get(p).map(|l| l.ty);
            if !ty.is_some_and(|t| value_type_matches(a, t)) {
                let want = ty.map_or("?".to_string(), |t| t.to_string());
                return Err(error_at(
                    format!(
                        "internal error: a {} value for a parameter of {}() of type {want}",
                        describe(a),
                        f.name
                    ),
                    f.span,
                ));
            }
        }
        self.call_func(func, args, f.span)
    }

    /// Runs a call (arguments already checked by sema or [`Interpreter::call`]).
    pub(crate) fn call_func(
        &mut self,
        func: FuncId,
        args: Vec<Value>,
        span: Span,
    ) -> Result<Value, RuntimeError> {
        let Some(f) = self.program.funcs.get(func) else {
            return Err(error_at(
                format!("internal error: no function #{func}"),
                span,
            ));
        };
        if self.depth >= MAX_DEPTH {
            return Err(error_at("maximum recursion depth exceeded", span));
        }
        self.poll_interrupt(span)?;
        let mut frame = Frame {
            func: f,
            locals: vec![None; f.locals.len()],
        };
        for (&p, a) in f.params.iter().zip(args) {
            frame.set(p, a);
        }
        self.depth += 1;
        let r = self.exec_block(&mut frame, &f.body);
        self.depth -= 1;
        Ok(match r? {
            Flow::Return(v) => v,
            _ => Value::None,
        })
    }

    pub(crate) fn exec_block(
        &mut self,
        f: &mut Frame<'p>,
        block: &'p Block,
    ) -> Result<Flow, RuntimeError> {
        for s in block {
            match self.exec_stmt(f, s)? {
                Flow::Next => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Next)
    }

    #[inline(never)]
    fn exec_stmt(&mut self, f: &mut Frame<'p>, s: &'p Stmt) -> Result<Flow, RuntimeError> {
        match &s.kind {
            StmtKind::Assign { local, value } => {
                let v = if let Type::Scalar(_) = value.ty {
                    Value::Scalar(self.eval_scalar(f, value)?)
                } else {
                    self.eval(f, value)?
                };
                f.set(*local, v);
            }
            StmtKind::Store {
                array,
                index,
                aug,
                value,
            } => self.exec_store(f, array, index, *aug, value, s.span)?,
            StmtKind::If { cond, then, orelse } => {
                let block = if self.eval_bool(f, cond)? {
                    then
                } else {
                    orelse
                };
                return self.exec_block(f, block);
            }
            StmtKind::While { cond, body } => {
                while self.eval_bool(f, cond)? {
                    self.poll_interrupt(s.span)?;
                    match self.exec_block(f, body)? {
                        Flow::Break => break,
                        Flow::Next | Flow::Continue => {}
                        ret @ Flow::Return(_) => return Ok(ret),
                    }
                }
            }
            StmtKind::For {
                var,
                start,
                stop,
                step,
                body,
                parallel,
            } => {
                let start = self.eval_i64(f, start)?;
                let stop = self.eval_i64(f, stop)?;
                let step_v = self.eval_i64(f, step)?;
                if step_v == 0 {
                    return Err(error_at(msg::RANGE_STEP_ZERO, step.span));
                }
                return match parallel {
                    None => self.exec_for(f, *var, start, stop, step_v, body, s.span),
                    Some(par) => self.exec_prange(f, *var, start, stop, step_v, body, par, s.span),
                };
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Assert { cond, msg } => {
                if !self.eval_scalar(f, cond)?.truthy() {
                    return Err(error_at(msg::assertion(msg.as_deref()), s.span));
                }
            }
            StmtKind::Unpack { locals, value } => {
                let mut leaves = Vec::with_capacity(locals.len());
                self.eval(f, value)?.flatten_into(&mut leaves);
                if leaves.len() != locals.len() {
                    return Err(crate::eval::internal(
                        "unpacking a tuple of another size",
                        s.span,
                    ));
                }
                for (&l, v) in locals.iter().zip(leaves) {
                    f.set(l, v);
                }
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(f, e)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Expr(e) => {
                self.eval(f, e)?;
            }
            StmtKind::SelectStore { array, sel, value } => {
                self.exec_select_store(f, array, sel, value, s.span)?
            }
            StmtKind::Nest(_) => {
                return Err(crate::eval::internal(
                    "a planned loop nest reached the interpreter",
                    s.span,
                ))
            }
        }
        Ok(Flow::Next)
    }

    #[allow(clippy::too_many_arguments)]
    fn exec_for(
        &mut self,
        f: &mut Frame<'p>,
        var: usize,
        start: i64,
        stop: i64,
        step: i64,
        body: &'p Block,
        span: Span,
    ) -> Result<Flow, RuntimeError> {
        let mut i = start;
        while (step > 0 && i < stop) || (step < 0 && i > stop) {
            self.poll_interrupt(span)?;
            f.set(var, Value::Scalar(Scalar::I64(i)));
            match self.exec_block(f, body)? {
                Flow::Break => break,
                Flow::Next | Flow::Continue => {}
                ret @ Flow::Return(_) => return Ok(ret),
            }
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
        Ok(Flow::Next)
    }

    /// A `prange` loop: the iterations split into the fixed chunks of
    /// [`prange_chunks`], run in chunk order. Each chunk starts every reduction variable at
    /// its operator's identity and draws random numbers from its own stream
    /// (`Rng::for_chunk(base, k)` with `base` one draw of the parent stream); afterwards
    /// each variable is `((outer op p0) op p1) op ...`.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn exec_prange(
        &mut self,
        f: &mut Frame<'p>,
        var: usize,
        start: i64,
        stop: i64,
        step: i64,
        body: &'p Block,
        par: &'p Parallel,
        span: Span,
    ) -> Result<Flow, RuntimeError> {
        let n = range_count(start, stop, step);
        let (chunk_len, chunks) = prange_chunks(n);
        let base = self.rng.substream();
        let outer: Vec<Value> = par
            .reductions
            .iter()
            .map(|r| f.get(r.local, span).cloned())
            .collect::<Result<_, _>>()?;
        let mut partials: Vec<Vec<Scalar>> = Vec::with_capacity(chunks as usize);
        let parent = self.rng;
        let mut result = Ok(Flow::Next);
        // Private locals (every local the body assigns, except the loop variable and the
        // reductions) start unassigned in each chunk and are restored afterwards, as each
        // chunk of a parallel run has its own copies.
        let mut private = kernelc_sema::pretty::assigned_locals(body, f.locals.len());
        for &id in &par.private {
            private[id] = true;
        }
        private[var] = false;
        for r in &par.reductions {
            private[r.local] = false;
        }
        let private: Vec<usize> = (0..private.len()).filter(|&id| private[id]).collect();
        let saved: Vec<Option<Value>> = private.iter().map(|&id| f.locals[id].clone()).collect();
        'chunks: for k in 0..chunks {
            for &id in &private {
                f.locals[id] = None;
            }
            for (r, v) in par.reductions.iter().zip(&outer) {
                let Value::Scalar(s) = v else {
                    result = Err(error_at("internal error: array reduction variable", span));
                    break 'chunks;
                };
                f.set(r.local, Value::Scalar(r.op.identity(s.dtype())));
            }
            self.rng = Rng::for_chunk(base, k);
            let first = k * chunk_len;
            let last = (first + chunk_len).min(n);
            for j in first..last {
                let i = (start as i128 + j as i128 * step as i128) as i64;
                f.set(var, Value::Scalar(Scalar::I64(i)));
                if let Err(e) = self.poll_interrupt(span) {
                    result = Err(e);
                    break 'chunks;
                }
                match self.exec_block(f, body) {
                    Ok(Flow::Next | Flow::Continue) => {}
                    Ok(other) => {
                        // `break`/`return` in a prange are compile errors; stop here.
                        result = Ok(other);
                        break 'chunks;
                    }
                    Err(e) => {
                        result = Err(e);
                        break 'chunks;
                    }
                }
            }
            let mut p = Vec::with_capacity(par.reductions.len());
            for r in &par.reductions {
                match f.get(r.local, span) {
                    Ok(Value::Scalar(s)) => p.push(*s),
                    _ => {
                        result = Err(error_at("internal error: reduction variable lost", span));
                        break 'chunks;
                    }
                }
            }
            partials.push(p);
        }
        self.rng = parent;
        for (&id, v) in private.iter().zip(saved) {
            f.locals[id] = v;
        }
        let flow = result?;
        for (i, (r, v)) in par.reductions.iter().zip(outer).enumerate() {
            let Value::Scalar(mut acc) = v else { continue };
            for p in &partials {
                acc = r.op.combine(acc, p[i]).ok_or_else(|| {
                    error_at(
                        "internal error: reduction partials of different types",
                        span,
                    )
                })?;
            }
            f.set(r.local, Value::Scalar(acc));
        }
        Ok(flow)
    }

    /// `array[index] = value` and `array[index] op= value`.
    #[inline(never)]
    fn exec_store(
        &mut self,
        f: &mut Frame<'p>,
        array: &'p Expr,
        index: &'p [Index],
        aug: Option<AugOp>,
        value: &'p Expr,
        span: Span,
    ) -> Result<(), RuntimeError> {
        // Python's order: the right side first for `=`, the target first for `op=`.
        let mut val = None;
        let mut fused_val = None;
        if aug.is_none() {
            if crate::eval::is_fusable(value) {
                // Evaluated straight into the target below (no temporary) when safe.
                fused_val = Some(self.build_node(f, value)?);
            } else {
                val = Some(self.eval(f, value)?);
            }
        }
        let local = match array.kind {
            ExprKind::Local(id) => Some(id),
            _ => None,
        };
        let owned = match local {
            None => self.eval(f, array)?,
            Some(_) => Value::None,
        };
        let items = self.eval_items(f, index)?;
        if aug.is_some() {
            val = Some(self.eval(f, value)?);
        }
        let val = val.unwrap_or(Value::None);
        let target = match local {
            Some(id) => f.get(id, array.span)?,
            None => &owned,
        };
        let Value::Array(target) = target else {
            return Err(error_at("internal error: store into a non-array", span));
        };
        match index::select(target, &items, span)? {
            Selection::Element(off) => {
                let Value::Scalar(v) = val else {
                    return Err(error_at(
                        "internal error: array stored into an element",
                        span,
                    ));
                };
                let dt = target.dtype();
                let new = match aug {
                    None => cast_scalar(v, dt),
                    Some(AugOp { op, ty }) => cast_scalar(target.read_at(off), ty)
                        .and_then(|old| binary_scalar(op, old, v))
                        .and_then(|r| cast_scalar(r, dt)),
                }
                .map_err(|m| error_at(m, span))?;
                // SAFETY: the interpreter runs on one thread, and no slice of the target's
                // buffer is alive here (the value was computed before the write).
                unsafe { target.write_at(off, new) };
            }
            Selection::View(view) => match fused_val {
                Some(mut node) => {
                    let done =
                        fused::eval_into(&mut node, &view).map_err(|(m, s)| error_at(m, s))?;
                    if !done {
                        let r = fused::eval_new(node).map_err(|(m, s)| error_at(m, s))?;
                        store_region(&view, None, &Value::Array(r))
                            .map_err(|m| error_at(m, span))?;
                    }
                }
                None => store_region(&view, aug, &val).map_err(|m| error_at(m, span))?,
            },
        }
        Ok(())
    }

    /// Evaluates index items to integers (no heap allocation for up to four items).
    pub(crate) fn eval_items(
        &mut self,
        f: &mut Frame<'p>,
        index: &'p [Index],
    ) -> Result<Items, RuntimeError> {
        let mut items = Items::new(index.len());
        for it in index {
            items.push(match it {
                Index::Int(e) => Item::Int(self.eval_i64(f, e)?, e.span),
                Index::Slice {
                    start,
                    stop,
                    step,
                    span,
                } => {
                    let mut opt = |e: &'p Option<Expr>| -> Result<Option<i64>, RuntimeError> {
                        match e {
                            Some(e) => Ok(Some(self.eval_i64(f, e)?)),
                            None => Ok(None),
                        }
                    };
                    Item::Slice {
                        start: opt(start)?,
                        stop: opt(stop)?,
                        step: opt(step)?,
                        span: *span,
                    }
                }
            });
        }
        Ok(items)
    }
}

/// Evaluated index items, inline for the common short case (kept on the stack: the
/// inline variant is the point).
#[allow(clippy::large_enum_variant)]
pub(crate) enum Items {
    Inline { buf: [Item; 4], len: usize },
    Heap(Vec<Item>),
}

impl Items {
    fn new(n: usize) -> Items {
        if n <= 4 {
            Items::Inline {
                buf: [Item::Int(0, Span::default()); 4],
                len: 0,
            }
        } else {
            Items::Heap(Vec::with_capacity(n))
        }
    }

    fn push(&mut self, item: Item) {
        match self {
            Items::Inline { buf, len } if *len < 4 => {
                buf[*len] = item;
                *len += 1;
            }
            Items::Inline { buf, len } => {
                let mut v = buf[..*len].to_vec();
                v.push(item);
                *self = Items::Heap(v);
            }
            Items::Heap(v) => v.push(item),
        }
    }
}

impl std::ops::Deref for Items {
    type Target = [Item];
    fn deref(&self) -> &[Item] {
        match self {
            Items::Inline { buf, len } => &buf[..*len],
            Items::Heap(v) => v,
        }
    }
}

/// Writes `val` into the region `view`: plainly (broadcast to the region's shape) or as
/// `cast(old, ty) op val`, cast back to the element type.
fn store_region(view: &Array, aug: Option<AugOp>, val: &Value) -> Result<(), String> {
    let operand = match val {
        Value::Scalar(s) => Operand::Scalar(*s),
        Value::Array(a) => Operand::Array(a),
        other => return Err(format!("internal error: storing a {}", other.kind())),
    };
    let dt = view.dtype();
    match aug {
        None => {
            if operand.dtype() == dt {
                elementwise::assign(view, operand)
            } else {
                let converted = match operand {
                    Operand::Scalar(s) => Value::Scalar(cast_scalar(s, dt)?),
                    Operand::Array(a) => Value::Array(elementwise::cast_array(a, dt)?),
                };
                store_region(view, None, &converted)
            }
        }
        Some(AugOp { op, ty }) => {
            let old_cast;
            let old = if ty == dt {
                view
            } else {
                old_cast = elementwise::cast_array(view, ty)?;
                &old_cast
            };
            let r = elementwise::binary(op, Operand::Array(old), operand)?;
            if r.shape() != view.shape() {
                return Err(format!(
                    "non-broadcastable output operand with shape {} doesn't match the broadcast shape {}",
                    msg::shape(view.shape()),
                    msg::shape(r.shape())
                ));
            }
            let r = if r.dtype() == dt {
                r
            } else {
                elementwise::cast_array(&r, dt)?
            };
            elementwise::assign(view, Operand::Array(&r))
        }
    }
}
