//! The typed IR of the array operations of LANGUAGE.md §9: views with a new geometry
//! (`a.T`, `reshape`, `np.newaxis`), copies, boolean masks, integer-array (fancy) indexing,
//! `.flat`, and arrays built from list literals. Produced by sema (`sema/src/arrays.rs`),
//! consumed by both executors, which share their run-time half
//! (`kernelc_runtime::select`), and by the planner, which treats them as leaves it
//! evaluates before a nest (like calls).
//!
//! Invariants sema guarantees:
//! * `array` operands are arrays; shapes, indices and positions are `i64` scalars.
//! * `Transpose::perm` is a permutation of `0..ndim`; `NewAxes::axes` are sorted, distinct
//!   positions of the result; `Reshape::shape` has the result's rank (one item may be -1,
//!   checked at run time).
//! * A mask is a bool array of rank `k` covering axes `axis..axis + k` of the array; an
//!   index array is an integer array (cast to i64) selecting along `axis`.
//! * `List` items are scalars of the result's element type, in C order of the static
//!   `shape`; `Stack` items are arrays of the result's element type and rank - 1.

use crate::tir::Expr;

/// An array operation of §9 (`ExprKind::ArrayOp`).
#[derive(Clone, Debug)]
pub enum ArrayOp {
    /// A view whose axis `k` is the input's axis `perm[k]` (`a.T` reverses the axes).
    Transpose { array: Expr, perm: Vec<usize> },
    /// The elements in C order with a new shape: a view when the layout allows, else a
    /// C-order copy (NumPy's rule); `copy: true` always copies (`flatten`).
    Reshape {
        array: Expr,
        shape: Vec<Expr>,
        copy: bool,
    },
    /// A view with new axes of length 1 at these positions of the result (`a[:, None]`).
    NewAxes { array: Expr, axes: Vec<usize> },
    /// A new C-contiguous copy (`a.copy()`, `np.copy(a)`).
    Copy { array: Expr },
    /// Elements chosen by a selector: a new array for a mask or an index array, one element
    /// for `.flat[i]`.
    Select { array: Expr, sel: Sel },
    /// A new array from scalars (a list literal, nested lists flattened in C order).
    List { items: Vec<Expr>, shape: Vec<usize> },
    /// A new array stacking equal-shaped arrays along a new first axis (`np.array([a, b])`).
    Stack { items: Vec<Expr> },
}

/// What a selection picks (reads: [`ArrayOp::Select`]; writes: `StmtKind::SelectStore`).
#[derive(Clone, Debug)]
pub enum Sel {
    /// `a[mask]`: the elements (or sub-arrays) where the bool array `mask` is true, in C
    /// order, as one new axis replacing the mask's axes `axis..axis + mask.ndim`.
    Mask { mask: Expr, axis: usize },
    /// `a[idx]`: the positions `idx` (negative from the end; checked) along `axis`; the
    /// index array's axes replace `axis`.
    Take { index: Expr, axis: usize },
    /// `a.flat[i]`: element `i` in C order (negative from the end; checked).
    Flat { index: Expr },
}

impl Sel {
    /// The selector's operand.
    pub fn operand(&self) -> &Expr {
        match self {
            Sel::Mask { mask: e, .. } | Sel::Take { index: e, .. } | Sel::Flat { index: e } => e,
        }
    }

    pub fn operand_mut(&mut self) -> &mut Expr {
        match self {
            Sel::Mask { mask: e, .. } | Sel::Take { index: e, .. } | Sel::Flat { index: e } => e,
        }
    }

    /// The name printed in the typed IR listing.
    pub fn name(&self) -> &'static str {
        match self {
            Sel::Mask { .. } => "mask",
            Sel::Take { .. } => "take",
            Sel::Flat { .. } => "flat",
        }
    }
}

impl ArrayOp {
    /// The direct sub-expressions, in evaluation order.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            ArrayOp::Transpose { array, .. }
            | ArrayOp::NewAxes { array, .. }
            | ArrayOp::Copy { array } => vec![array],
            ArrayOp::Reshape { array, shape, .. } => {
                let mut v = vec![array];
                v.extend(shape.iter());
                v
            }
            ArrayOp::Select { array, sel } => vec![array, sel.operand()],
            ArrayOp::List { items, .. } | ArrayOp::Stack { items } => items.iter().collect(),
        }
    }

    /// [`ArrayOp::children`], mutably.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            ArrayOp::Transpose { array, .. }
            | ArrayOp::NewAxes { array, .. }
            | ArrayOp::Copy { array } => vec![array],
            ArrayOp::Reshape { array, shape, .. } => {
                let mut v = vec![array];
                v.extend(shape.iter_mut());
                v
            }
            ArrayOp::Select { array, sel } => vec![array, sel.operand_mut()],
            ArrayOp::List { items, .. } | ArrayOp::Stack { items } => items.iter_mut().collect(),
        }
    }

    /// The name printed in the typed IR listing.
    pub fn name(&self) -> String {
        match self {
            ArrayOp::Transpose { perm, .. } => format!("transpose{perm:?}"),
            ArrayOp::Reshape { copy: false, .. } => "reshape".into(),
            ArrayOp::Reshape { copy: true, .. } => "flatten".into(),
            ArrayOp::NewAxes { axes, .. } => format!("newaxes{axes:?}"),
            ArrayOp::Copy { .. } => "copy".into(),
            ArrayOp::Select { sel, .. } => sel.name().into(),
            ArrayOp::List { shape, .. } => format!("list{shape:?}"),
            ArrayOp::Stack { .. } => "stack".into(),
        }
    }
}
