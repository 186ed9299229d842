//! The run-time half of a loop nest: [`rt_nest_setup`] applies each operand's view,
//! checks and broadcasts the shapes (in the interpreter's order, with its messages),
//! allocates the result, and writes the geometry the generated loops read.
//!
//! Produced from a [`kernelc_loops::Nest`] by [`NestInfo::new`] at compile time (the
//! compiled program owns it; generated code holds its address), consumed by
//! `crate::nest` (the loops) through the [`Geometry`] layout.

use crate::abi::{unpack_span, ArrayHandle, JitCtx};
use kernelc_interp::index::{select, Item, Selection};
use kernelc_loops::{Leaf, Nest, Order, ShapeStep, Sink, ViewItem};
use kernelc_runtime::error::msg;
use kernelc_runtime::{Array, DType, RuntimeError};
use kernelc_sema::tir::ReduceOp;
use kernelc_syntax::Span;
use smallvec::SmallVec;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A shape or strides list: inline up to rank 4, so setting up a nest over small arrays
/// allocates nothing but its result.
type Dims<T> = SmallVec<[T; 4]>;

/// What the setup helper needs to know about a nest.
pub struct NestInfo {
    ndim: usize,
    ops: Vec<OpInfo>,
    steps: Vec<ShapeStep>,
    sink: SinkInfo,
    span: Span,
}

struct OpInfo {
    dtype: DType,
    view: Vec<ViewKind>,
    span: Span,
}

#[derive(Clone, Copy)]
enum ViewKind {
    Int(Span),
    Slice {
        start: bool,
        stop: bool,
        step: bool,
        span: Span,
    },
}

enum SinkInfo {
    New(DType),
    Store,
    /// `out`: the dtype of an axis reduction's result array; `flatten`: a pairwise sum
    /// over all elements (the loops need one line).
    Reduce {
        axis: Option<usize>,
        out: DType,
        flatten: bool,
    },
}

/// The layout of the geometry block (i64 words) the helper writes:
/// `shape[ndim]`, then per operand and for the result (`ops + 1` slots)
/// `data pointer, strides[ndim] (bytes, 0 where broadcast)`, then the result handle and
/// a flags word.
#[derive(Clone, Copy)]
pub struct Geometry {
    pub ndim: usize,
    pub ops: usize,
}

impl Geometry {
    pub fn shape(&self, d: usize) -> usize {
        d
    }
    /// Slot `k` (`k == ops` is the result array).
    pub fn data(&self, k: usize) -> usize {
        self.ndim + k * (1 + self.ndim)
    }
    pub fn stride(&self, k: usize, d: usize) -> usize {
        self.data(k) + 1 + d
    }
    pub fn result(&self) -> usize {
        self.data(self.ops + 1)
    }
    pub fn flags(&self) -> usize {
        self.result() + 1
    }
    pub fn words(&self) -> usize {
        self.flags() + 1
    }
}

/// Flag: a store's value overlaps its target (go through the temporary).
pub const FLAG_OVERLAP: i64 = 1;
/// Flag: a pairwise sum's space does not flatten to one line.
pub const FLAG_UNFLATTENED: i64 = 2;

impl NestInfo {
    pub fn new(n: &Nest) -> NestInfo {
        let ops = n
            .operands
            .iter()
            .map(|o| OpInfo {
                dtype: o.dtype,
                span: o.span,
                view: o
                    .view
                    .iter()
                    .map(|v| match v {
                        ViewItem::Int(_, s) => ViewKind::Int(*s),
                        ViewItem::Slice {
                            start,
                            stop,
                            step,
                            span,
                        } => ViewKind::Slice {
                            start: start.is_some(),
                            stop: stop.is_some(),
                            step: step.is_some(),
                            span: *span,
                        },
                    })
                    .collect(),
            })
            .collect();
        let sink = match &n.sink {
            Sink::NewArray => SinkInfo::New(n.elem.dtype),
            Sink::Store { .. } => SinkInfo::Store,
            Sink::Reduce {
                op, axis, order, ..
            } => SinkInfo::Reduce {
                axis: axis.filter(|_| n.ndim >= 2),
                out: match op {
                    ReduceOp::ArgMin | ReduceOp::ArgMax => DType::I64,
                    _ => n.elem.dtype,
                },
                flatten: *order == Order::Pairwise && axis.filter(|_| n.ndim >= 2).is_none(),
            },
        };
        NestInfo {
            ndim: n.ndim,
            ops,
            steps: n.shape_steps.clone(),
            sink,
            span: n.span,
        }
    }

    pub fn geometry(&self) -> Geometry {
        Geometry {
            ndim: self.ndim,
            ops: self.ops.len(),
        }
    }
}

/// The view items' values a nest's operand needs, in order (what generated code writes
/// after the operand's handle).
pub fn view_words(items: &[ViewItem]) -> Vec<Leaf> {
    let mut v = Vec::new();
    for it in items {
        match it {
            ViewItem::Int(l, _) => v.push(*l),
            ViewItem::Slice {
                start, stop, step, ..
            } => v.extend([start, stop, step].into_iter().flatten().copied()),
        }
    }
    v
}

fn error(span: Span, m: impl Into<String>) -> RuntimeError {
    RuntimeError::new(m, span.start, span.end)
}

/// One operand after its view: where element `[0, ...]` is, shape, strides (elements).
struct Placed {
    data: *mut u8,
    buffer: *const u8,
    shape: Dims<usize>,
    strides: Dims<isize>,
}

fn broadcast(shapes: &[Dims<usize>], span: Span) -> Result<Dims<usize>, RuntimeError> {
    let mut out: Dims<usize> = Dims::new();
    for s in shapes {
        let n = out.len().max(s.len());
        let mut next: Dims<usize> = smallvec::smallvec![0; n];
        for (k, o) in next.iter_mut().enumerate() {
            let a = if k + out.len() >= n {
                out[k + out.len() - n]
            } else {
                1
            };
            let b = if k + s.len() >= n {
                s[k + s.len() - n]
            } else {
                1
            };
            *o = if a == b || b == 1 {
                a
            } else if a == 1 {
                b
            } else {
                let m = if shapes.len() == 2 {
                    msg::broadcast(&shapes[0], &shapes[1])
                } else {
                    let all: Vec<String> = shapes.iter().map(|s| msg::shape(s)).collect();
                    format!(
                        "operands could not be broadcast together with shapes {}",
                        all.join(" ")
                    )
                };
                return Err(error(span, m));
            };
        }
        out = next;
    }
    Ok(out)
}

/// Lowest and one-past-highest byte touched by a placed operand (None when empty).
fn extent(p: &Placed, size: usize) -> Option<(usize, usize)> {
    if p.shape.contains(&0) {
        return None;
    }
    let (mut lo, mut hi) = (p.data as isize, p.data as isize);
    for (&n, &s) in p.shape.iter().zip(&p.strides) {
        let d = (n as isize - 1) * s * size as isize;
        if d < 0 {
            lo += d
        } else {
            hi += d
        }
    }
    Some((lo as usize, hi as usize + size))
}

fn setup(info: &NestInfo, args: *const u64, geom: *mut i64) -> Result<(), RuntimeError> {
    let g = info.geometry();
    let mut pos = 0usize;
    let mut next = || {
        // SAFETY: generated code wrote one word per handle and view value.
        let w = unsafe { *args.add(pos) };
        pos += 1;
        w
    };
    let mut placed: SmallVec<[Placed; 6]> = SmallVec::new();
    let mut views: SmallVec<[Array; 2]> = SmallVec::new();
    for o in &info.ops {
        let h = next() as *const ArrayHandle;
        // SAFETY: operands are live array locals.
        let handle = unsafe { &*h };
        let base = handle.array.buffer().as_ptr() as *const u8;
        if o.view.is_empty() {
            let nd = handle.array.ndim();
            placed.push(Placed {
                data: handle.data,
                buffer: base,
                shape: handle.shape[..nd].iter().map(|&n| n as usize).collect(),
                strides: handle.strides[..nd].iter().map(|&s| s as isize).collect(),
            });
            continue;
        }
        let mut items: SmallVec<[Item; 4]> = SmallVec::new();
        for v in &o.view {
            items.push(match *v {
                ViewKind::Int(span) => Item::Int(next() as i64, span),
                ViewKind::Slice {
                    start,
                    stop,
                    step,
                    span,
                } => {
                    let mut opt = |b: bool| b.then(|| next() as i64);
                    let (start, stop, step) = (opt(start), opt(stop), opt(step));
                    Item::Slice {
                        start,
                        stop,
                        step,
                        span,
                    }
                }
            });
        }
        let v = match select(&handle.array, &items, o.span)? {
            Selection::View(v) => v,
            Selection::Element(_) => {
                return Err(error(
                    o.span,
                    "internal error: a nest operand selects one element",
                ))
            }
        };
        let data = v
            .buffer()
            .as_ptr()
            .wrapping_offset(v.offset() * v.dtype().size() as isize);
        placed.push(Placed {
            data,
            buffer: base,
            shape: v.shape().iter().copied().collect(),
            strides: v.strides().iter().copied().collect(),
        });
        views.push(v);
    }
    // Shapes, in the interpreter's order.
    let mut stack: SmallVec<[Dims<usize>; 6]> = SmallVec::new();
    for s in &info.steps {
        match *s {
            ShapeStep::Operand(k) => stack.push(placed[k].shape.clone()),
            ShapeStep::Scalar => stack.push(Dims::new()),
            ShapeStep::Broadcast(n, span) => {
                let at = stack.len().saturating_sub(n as usize);
                let b = broadcast(&stack[at..], span)?;
                stack.truncate(at);
                stack.push(b);
            }
            ShapeStep::Aligned(span) => {
                let b = stack.pop().unwrap_or_default();
                let a = stack.pop().unwrap_or_default();
                if a != b {
                    let (n, m) = (
                        a.first().copied().unwrap_or(0),
                        b.first().copied().unwrap_or(0),
                    );
                    return Err(error(
                        span,
                        format!("shapes ({n},) and ({m},) not aligned: {n} (dim 0) != {m} (dim 0)"),
                    ));
                }
                stack.push(a);
            }
        }
    }
    let value = stack.pop();
    let nd = info.ndim;
    let mut space: Dims<usize> = match info.sink {
        SinkInfo::Store => {
            let target = placed[0].shape.clone();
            if let Some(v) = &value {
                let ok = broadcast(&[v.clone(), target.clone()], info.span)
                    .map(|s| s == target)
                    .unwrap_or(false);
                if !ok {
                    return Err(error(
                        info.span,
                        format!(
                            "could not broadcast input array from shape {} into shape {}",
                            msg::shape(v),
                            msg::shape(&target)
                        ),
                    ));
                }
            }
            target
        }
        _ => value.unwrap_or_default(),
    };
    while space.len() < nd {
        space.insert(0, 1);
    }
    // SAFETY: the geometry block has `g.words()` words (generated code sized it).
    let out = unsafe { std::slice::from_raw_parts_mut(geom, g.words()) };
    for (d, &n) in space.iter().enumerate() {
        out[g.shape(d)] = n as i64;
    }
    for (k, (p, o)) in placed.iter().zip(&info.ops).enumerate() {
        out[g.data(k)] = p.data as i64;
        let pad = nd - p.shape.len();
        let size = o.dtype.size() as i64;
        for d in 0..nd {
            out[g.stride(k, d)] = if d < pad || (p.shape[d - pad] == 1 && space[d] != 1) {
                0
            } else {
                p.strides[d - pad] as i64 * size
            };
        }
    }
    let mut flags = 0;
    out[g.result()] = 0;
    match info.sink {
        SinkInfo::New(dtype) => {
            // The loops write every element before anything reads the array.
            let a = Array::try_for_overwrite(dtype, &space).map_err(|m| error(info.span, m))?;
            write_result(out, g, a, None);
        }
        SinkInfo::Reduce {
            axis: Some(k),
            out: dtype,
            ..
        } => {
            let mut shape: Vec<usize> = space.to_vec();
            shape.remove(k);
            let a = kernelc_runtime::construct::zeros(dtype, &shape)
                .map_err(|m| error(info.span, m))?;
            write_result(out, g, a, Some(k));
        }
        SinkInfo::Reduce {
            axis: None,
            flatten: true,
            ..
        } => {
            // One line in C order when every operand's strides allow it.
            let flat = (0..info.ops.len()).all(|k| {
                let mut inner: Option<(i64, usize)> = None; // (stride, extent) of the axes so far
                for d in (0..nd).rev() {
                    if space[d] == 1 {
                        continue;
                    }
                    let s = out[g.stride(k, d)];
                    match inner {
                        None => inner = Some((s, space[d])),
                        Some((is, n)) => {
                            if s != is * n as i64 {
                                return false;
                            }
                            inner = Some((is, n * space[d]));
                        }
                    }
                }
                true
            });
            if flat {
                let total: usize = space.iter().product();
                for k in 0..info.ops.len() {
                    // The element stride: that of the innermost axis longer than 1.
                    let s = (0..nd)
                        .rev()
                        .find(|&d| space[d] != 1)
                        .map(|d| out[g.stride(k, d)])
                        .unwrap_or(0);
                    for d in 0..nd {
                        out[g.stride(k, d)] = if d + 1 == nd { s } else { 0 };
                    }
                }
                for d in 0..nd {
                    out[g.shape(d)] = if d + 1 == nd { total as i64 } else { 1 };
                }
            } else {
                flags |= FLAG_UNFLATTENED;
            }
        }
        SinkInfo::Store => {
            let size = info.ops[0].dtype.size();
            if let Some((tlo, thi)) = extent(&placed[0], size) {
                for (k, p) in placed.iter().enumerate().skip(1) {
                    if p.buffer != placed[0].buffer {
                        continue;
                    }
                    let same = p.data == placed[0].data
                        && (0..nd).all(|d| out[g.stride(k, d)] == out[g.stride(0, d)]);
                    if same {
                        continue;
                    }
                    let psize = info.ops[k].dtype.size();
                    if let Some((lo, hi)) = extent(p, psize) {
                        if lo < thi && tlo < hi {
                            flags |= FLAG_OVERLAP;
                        }
                    }
                }
            }
        }
        _ => {}
    }
    out[g.flags()] = flags;
    drop(views);
    Ok(())
}

/// Writes a new result array into the result slot: its handle, data pointer and strides
/// over the space (0 on a reduced axis).
fn write_result(out: &mut [i64], g: Geometry, a: Array, reduced: Option<usize>) {
    let size = a.dtype().size() as i64;
    let strides: Vec<isize> = a.strides().to_vec();
    let h = ArrayHandle::into_raw(a);
    // SAFETY: just created.
    let data = unsafe { (*h).data };
    let k = g.ops;
    out[g.data(k)] = data as i64;
    let mut j = 0;
    for d in 0..g.ndim {
        out[g.stride(k, d)] = if Some(d) == reduced {
            0
        } else {
            let s = strides.get(j).copied().unwrap_or(0) as i64 * size;
            j += 1;
            s
        };
    }
    out[g.result()] = h as i64;
}

/// Prepares a nest: see the module doc. Returns 0, or 1 after recording an error.
///
/// # Safety
/// `info` is a live [`NestInfo`], `args` holds the operand words, `geom` has room for the
/// geometry, and `ctx` is the live context.
pub unsafe extern "C" fn rt_nest_setup(
    ctx: *mut JitCtx,
    info: *const NestInfo,
    args: *const u64,
    geom: *mut i64,
) -> i64 {
    // SAFETY: guaranteed by the caller.
    let (c, info) = unsafe { (&mut *ctx, &*info) };
    match catch_unwind(AssertUnwindSafe(|| setup(info, args, geom))) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            c.fail(e);
            1
        }
        Err(_) => {
            let (s, e) = unpack_span(crate::abi::pack_span(info.span.start, info.span.end));
            c.fail(RuntimeError::new(
                "internal error in a loop nest's setup",
                s,
                e,
            ));
            1
        }
    }
}
