//! Indexing and slicing: bounds-checked integer indices (negative from the end), Python
//! slice clamping (any step but 0), and the views they select. Views share memory with
//! the indexed array.

use kernelc_runtime::error::msg;
use kernelc_runtime::{Array, RuntimeError};
use kernelc_syntax::Span;

/// One evaluated index item.
#[derive(Clone, Copy, Debug)]
pub enum Item {
    Int(i64, Span),
    Slice {
        start: Option<i64>,
        stop: Option<i64>,
        step: Option<i64>,
        span: Span,
    },
}

/// What an index selects.
#[derive(Debug)]
pub enum Selection {
    /// One element, at this element offset of the array's buffer.
    Element(isize),
    /// A view (no copy).
    View(Array),
}

fn err(message: impl Into<String>, span: Span) -> RuntimeError {
    RuntimeError::new(message, span.start, span.end)
}

/// Position of index `i` on an axis of length `size` (negative counts from the end), or
/// NumPy's out-of-bounds error.
#[inline]
pub fn normalize(i: i64, axis: usize, size: usize, span: Span) -> Result<usize, RuntimeError> {
    let n = size as i64;
    let j = if i < 0 { i.wrapping_add(n) } else { i };
    if (0..n).contains(&j) {
        Ok(j as usize)
    } else {
        Err(err(msg::index_out_of_bounds(i, axis, size), span))
    }
}

/// Python's `slice(start, stop, step).indices(len)` reduced to `(first, step, count)`.
pub fn slice_range(
    len: usize,
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> Result<(usize, isize, usize), String> {
    let step = step.unwrap_or(1);
    if step == 0 {
        return Err("slice step cannot be zero".to_string());
    }
    let (len, step) = (len as i128, step as i128);
    let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let clamp = |v: Option<i64>, default: i128| match v {
        None => default,
        Some(v) => {
            let v = v as i128;
            if v < 0 {
                (v + len).max(lower)
            } else {
                v.min(upper)
            }
        }
    };
    let first = clamp(start, if step < 0 { upper } else { lower });
    let last = clamp(stop, if step < 0 { lower } else { upper });
    let count = if step > 0 {
        if last > first {
            (last - first + step - 1) / step
        } else {
            0
        }
    } else if first > last {
        (first - last - step - 1) / -step
    } else {
        0
    };
    if count == 0 {
        return Ok((0, step as isize, 0));
    }
    Ok((first as usize, step as isize, count as usize))
}

/// Applies index items to an array: an element when there is one integer per axis,
/// otherwise a view (missing trailing items mean `:`).
pub fn select(a: &Array, items: &[Item], whole: Span) -> Result<Selection, RuntimeError> {
    if items.len() > a.ndim() {
        return Err(err(
            format!(
                "too many indices for array: array is {}-dimensional, but {} were indexed",
                a.ndim(),
                items.len()
            ),
            whole,
        ));
    }
    if items.len() == a.ndim() && items.iter().all(|i| matches!(i, Item::Int(..))) {
        let mut off = a.offset();
        for (axis, item) in items.iter().enumerate() {
            if let Item::Int(i, span) = *item {
                let j = normalize(i, axis, a.shape()[axis], span)?;
                off += j as isize * a.strides()[axis];
            }
        }
        return Ok(Selection::Element(off));
    }
    let mut v = a.clone();
    let mut axis = 0; // axis of `v` the next item applies to
    for (orig_axis, item) in items.iter().enumerate() {
        match *item {
            Item::Int(i, span) => {
                let j = normalize(i, orig_axis, v.shape()[axis], span)?;
                v = v.index_axis(axis, j);
            }
            Item::Slice {
                start,
                stop,
                step,
                span,
            } => {
                let (first, step, count) =
                    slice_range(v.shape()[axis], start, stop, step).map_err(|m| err(m, span))?;
                v = v.slice_axis(axis, first, step, count);
                axis += 1;
            }
        }
    }
    Ok(Selection::View(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernelc_runtime::Scalar;

    fn sp() -> Span {
        Span::new(0, 1)
    }

    fn py(len: usize, start: Option<i64>, stop: Option<i64>, step: Option<i64>) -> Vec<usize> {
        let (f, s, n) = slice_range(len, start, stop, step).unwrap();
        (0..n)
            .map(|k| (f as isize + k as isize * s) as usize)
            .collect()
    }

    #[test]
    fn slices_clamp_like_python() {
        // list(range(10))[a:b:c] in Python.
        assert_eq!(py(10, Some(1), Some(-1), None), (1..9).collect::<Vec<_>>());
        assert_eq!(
            py(10, None, None, Some(-1)),
            (0..10).rev().collect::<Vec<_>>()
        );
        assert_eq!(py(10, Some(-3), None, Some(-2)), vec![7, 5, 3, 1]);
        assert_eq!(py(10, Some(8), Some(2), Some(-3)), vec![8, 5]);
        assert_eq!(py(10, Some(100), Some(-100), Some(-4)), vec![9, 5, 1]);
        assert_eq!(py(10, Some(-100), Some(100), Some(3)), vec![0, 3, 6, 9]);
        assert_eq!(py(10, Some(5), Some(5), None), Vec::<usize>::new());
        assert_eq!(py(0, None, None, Some(-1)), Vec::<usize>::new());
        assert_eq!(
            py(3, Some(i64::MIN), Some(i64::MAX), Some(i64::MAX)),
            vec![0]
        );
        assert_eq!(
            slice_range(3, None, None, Some(0)).unwrap_err(),
            "slice step cannot be zero"
        );
    }

    #[test]
    fn select_elements_rows_and_views() {
        let a = Array::from_vec((0..12).map(|i| i as i64).collect::<Vec<_>>(), &[3, 4]);
        let Selection::Element(off) =
            select(&a, &[Item::Int(-1, sp()), Item::Int(1, sp())], sp()).unwrap()
        else {
            panic!()
        };
        assert_eq!(a.read_at(off), Scalar::I64(9));
        let Selection::View(row) = select(&a, &[Item::Int(1, sp())], sp()).unwrap() else {
            panic!()
        };
        assert_eq!(row.to_vec::<i64>(), vec![4, 5, 6, 7]);
        let all = Item::Slice {
            start: None,
            stop: None,
            step: Some(-1),
            span: sp(),
        };
        let Selection::View(v) = select(&a, &[all, Item::Int(2, sp())], sp()).unwrap() else {
            panic!()
        };
        assert_eq!(v.to_vec::<i64>(), vec![10, 6, 2]);
        let e = select(&a, &[Item::Int(3, Span::new(5, 6))], sp()).unwrap_err();
        assert_eq!(e.message, "index 3 is out of bounds for axis 0 with size 3");
        assert_eq!((e.start, e.end), (5, 6));
        let e = select(&a, &[all, Item::Int(-5, sp())], sp()).unwrap_err();
        assert_eq!(
            e.message,
            "index -5 is out of bounds for axis 1 with size 4"
        );
    }
}
