//! The array operations of LANGUAGE.md §9 ([`ArrayOp`], `StmtKind::SelectStore`): views
//! with a new geometry, copies, masks, fancy indexing, `.flat` and list-built arrays,
//! evaluated with the runtime's shared definitions (`kernelc_runtime::select`).

use crate::exec::{error_at, Frame, Interpreter};
use crate::value::Value;
use kernelc_runtime::select::{self, Source};
use kernelc_runtime::{Array, RuntimeError};
use kernelc_sema::tir::{ArrayOp, Expr, Sel};
use kernelc_syntax::Span;

fn array(v: Value, span: Span) -> Result<Array, RuntimeError> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(crate::eval::internal("expected an array", span)),
    }
}

impl<'p> Interpreter<'p> {
    fn eval_array(&mut self, f: &mut Frame<'p>, e: &'p Expr) -> Result<Array, RuntimeError> {
        let v = self.eval(f, e)?;
        array(v, e.span)
    }

    /// Evaluates an [`ArrayOp`] (its operands left to right).
    pub(crate) fn eval_array_op(
        &mut self,
        f: &mut Frame<'p>,
        op: &'p ArrayOp,
        e: &'p Expr,
    ) -> Result<Value, RuntimeError> {
        let span = e.span;
        let at = |r: Result<Array, String>| r.map_err(|m| error_at(m, span));
        Ok(match op {
            ArrayOp::Transpose { array, perm } => {
                Value::Array(select::transpose(&self.eval_array(f, array)?, perm))
            }
            ArrayOp::NewAxes { array, axes } => {
                Value::Array(select::new_axes(&self.eval_array(f, array)?, axes))
            }
            ArrayOp::Copy { array } => Value::Array(select::copy(&self.eval_array(f, array)?)),
            ArrayOp::Reshape { array, shape, copy } => {
                let a = self.eval_array(f, array)?;
                let mut dims = Vec::with_capacity(shape.len());
                for s in shape {
                    dims.push(self.eval_i64(f, s)?);
                }
                Value::Array(at(select::reshape(&a, &dims, *copy))?)
            }
            ArrayOp::Select { array, sel } => {
                let a = self.eval_array(f, array)?;
                match sel {
                    Sel::Mask { mask, axis } => {
                        let m = self.eval_array(f, mask)?;
                        Value::Array(at(select::mask_select(&a, &m, *axis))?)
                    }
                    Sel::Take { index, axis } => {
                        let i = self.eval_array(f, index)?;
                        Value::Array(at(select::take(&a, &i, *axis))?)
                    }
                    Sel::Flat { index } => {
                        let i = self.eval_i64(f, index)?;
                        let off = select::flat_offset(&a, i).map_err(|m| error_at(m, span))?;
                        Value::Scalar(a.read_at(off))
                    }
                }
            }
            ArrayOp::List { items, shape } => {
                let d =
                    e.ty.dtype()
                        .ok_or_else(|| crate::eval::internal("list without a dtype", span))?;
                let mut vals = Vec::with_capacity(items.len());
                for it in items {
                    vals.push(self.eval_scalar(f, it)?);
                }
                Value::Array(select::from_scalars(d, shape, &vals))
            }
            ArrayOp::Stack { items } => {
                let d =
                    e.ty.dtype()
                        .ok_or_else(|| crate::eval::internal("stack without a dtype", span))?;
                let mut arrays = Vec::with_capacity(items.len());
                for it in items {
                    arrays.push(self.eval_array(f, it)?);
                }
                let refs: Vec<&Array> = arrays.iter().collect();
                Value::Array(at(select::stack(d, &refs))?)
            }
        })
    }

    /// `array[sel] = value`: the value, then the array, then the selector.
    pub(crate) fn exec_select_store(
        &mut self,
        f: &mut Frame<'p>,
        array: &'p Expr,
        sel: &'p Sel,
        value: &'p Expr,
        span: Span,
    ) -> Result<(), RuntimeError> {
        let v = self.eval(f, value)?;
        let a = self.eval_array(f, array)?;
        let src = match &v {
            Value::Scalar(s) => Source::Scalar(*s),
            Value::Array(x) => Source::Array(x),
            _ => return Err(crate::eval::internal("storing a non-number", span)),
        };
        let at = |r: Result<(), String>| r.map_err(|m| error_at(m, span));
        match sel {
            Sel::Mask { mask, axis } => {
                let m = self.eval_array(f, mask)?;
                // SAFETY: the interpreter runs on one thread (prange chunks run in order)
                // and holds no slice of any array across statements.
                at(unsafe { select::mask_store(&a, &m, *axis, src) })
            }
            Sel::Take { index, axis } => {
                let i = self.eval_array(f, index)?;
                // SAFETY: as above.
                at(unsafe { select::take_store(&a, &i, *axis, src) })
            }
            Sel::Flat { index } => {
                let i = self.eval_i64(f, index)?;
                let off = select::flat_offset(&a, i).map_err(|m| error_at(m, span))?;
                let Source::Scalar(s) = src else {
                    return Err(crate::eval::internal(
                        "storing an array into one element",
                        span,
                    ));
                };
                if !a.buffer().is_writable() {
                    return Err(error_at("assignment destination is read-only", span));
                }
                // SAFETY: as above; the offset is in bounds (checked).
                unsafe { a.write_at(off, s) };
                Ok(())
            }
        }
    }
}
