//! Tuple statements of generated programs: several variables declared by one unpacking
//! (`x, y = e1, e2`), swaps (`a, b = b, a`, of scalars or of arrays), and loops over `enumerate(a)` and
//! `zip(a, b)` of 1-D arrays.

use super::{Func, Gen, Kind, Var, MAX_DEPTH, MAX_EXPR};

impl Gen {
    /// One tuple statement (falls back to declaring a scalar when nothing fits).
    pub(super) fn tuple_stmt(&mut self, f: &mut Func, depth: usize) {
        let loops = depth < MAX_DEPTH && f.budget > 0;
        match self.rng.below(if loops { 4 } else { 2 }) {
            0 => self.unpack_decl(f),
            1 => self.swap(f),
            2 => self.for_enumerate(f, depth),
            _ => self.for_zip(f, depth),
        }
    }

    /// `x, y[, z] = e1, e2[, e3]`: fresh scalars, each of its expression's exact type.
    fn unpack_decl(&mut self, f: &mut Func) {
        let n = 2 + self.rng.below(2);
        let mut names = Vec::new();
        let mut values = Vec::new();
        let mut kinds = Vec::new();
        for _ in 0..n {
            let d = self.hint();
            let e = self.exact(f, d, MAX_EXPR - 1);
            names.push(self.fresh("t"));
            values.push(e.text);
            kinds.push(d);
        }
        f.line(format!("{} = {}", names.join(", "), values.join(", ")));
        for (name, d) in names.into_iter().zip(kinds) {
            f.declare(scalar(name, Kind::Scalar(d), true, None));
        }
    }

    /// `a, b = b, a` of two arrays of one dtype and shape whose names may be rebound (in a
    /// loop this is double buffering: each name must keep its array alive); `false` when
    /// there are no such two.
    fn swap_arrays(&mut self, f: &mut Func) -> bool {
        let rebindable = |v: &Var| matches!(v.kind, Kind::Array(..)) && !f.is_outer(v);
        let Some(a) = self.pick_var(f, rebindable) else {
            return false;
        };
        let same: Vec<Var> = f
            .vars()
            .filter(|v| {
                rebindable(v)
                    && v.kind == a.kind
                    && v.name != a.name
                    && v.writable == a.writable
                    && v.owned == a.owned
            })
            .cloned()
            .collect();
        match same.as_slice() {
            [] => false,
            [b] => {
                f.line(format!("{0}, {1} = {1}, {0}", a.name, b.name));
                true
            }
            [b, c, ..] => {
                f.line(format!(
                    "{0}, {1}, {2} = {1}, {2}, {0}",
                    a.name, b.name, c.name
                ));
                true
            }
        }
    }

    /// `a, b = b, a` of two assignable scalars of one type (or a three-way rotation), or
    /// of two arrays.
    fn swap(&mut self, f: &mut Func) {
        if self.chance(0.4) && self.swap_arrays(f) {
            return;
        }
        let Some(a) = self.pick_var(f, |v| f.can_assign(v)) else {
            return self.unpack_decl(f);
        };
        let same: Vec<Var> = f
            .vars()
            .filter(|v| f.can_assign(v) && v.kind == a.kind && v.name != a.name)
            .cloned()
            .collect();
        match same.len() {
            0 => self.unpack_decl(f),
            1 => {
                let b = &same[0];
                f.line(format!("{0}, {1} = {1}, {0}", a.name, b.name));
            }
            _ => {
                let (b, c) = (&same[0], &same[1]);
                f.line(format!(
                    "{0}, {1}, {2} = {1}, {2}, {0}",
                    a.name, b.name, c.name
                ));
            }
        }
    }

    /// A readable 1-D array short enough to loop over here.
    fn loop_array(&mut self, f: &Func, limit: usize) -> Option<Var> {
        self.pick_var(f, |v| {
            f.readable_array(v)
                && matches!(&v.kind, Kind::Array(_, s) if s.len() == 1 && s[0] <= limit)
        })
    }

    /// `for i, x in enumerate(a[, start]):`.
    fn for_enumerate(&mut self, f: &mut Func, depth: usize) {
        let limit = self.loop_limit(f);
        let Some(a) = self.loop_array(f, limit) else {
            return self.for_range(f, depth);
        };
        let Kind::Array(d, shape) = &a.kind else {
            return;
        };
        let (d, n) = (*d, shape[0]);
        let (i, x) = (self.fresh("k"), self.fresh("x"));
        let start = if self.chance(0.3) {
            self.rng.range(-3, 3)
        } else {
            0
        };
        if start == 0 && self.chance(0.5) {
            f.line(format!("for {i}, {x} in enumerate({}):", a.name));
        } else {
            f.line(format!("for {i}, {x} in enumerate({}, {start}):", a.name));
        }
        let range = (n > 0).then(|| (start, start + n as i64 - 1));
        self.loop_body(f, depth, n, false, |f| {
            f.declare(scalar(i, Kind::Scalar(crate::ty::Dt::I64), false, range));
            f.declare(scalar(x, Kind::Scalar(d), false, None));
        });
    }

    /// `for x, y in zip(a, b):` (as many iterations as the shorter array).
    fn for_zip(&mut self, f: &mut Func, depth: usize) {
        let limit = self.loop_limit(f);
        let (Some(a), Some(b)) = (self.loop_array(f, limit), self.loop_array(f, limit)) else {
            return self.for_range(f, depth);
        };
        let (Kind::Array(da, sa), Kind::Array(db, sb)) = (&a.kind, &b.kind) else {
            return;
        };
        let (da, db, n) = (*da, *db, sa[0].min(sb[0]));
        let (x, y) = (self.fresh("x"), self.fresh("x"));
        f.line(format!("for {x}, {y} in zip({}, {}):", a.name, b.name));
        self.loop_body(f, depth, n, false, |f| {
            f.declare(scalar(x, Kind::Scalar(da), false, None));
            f.declare(scalar(y, Kind::Scalar(db), false, None));
        });
    }
}

fn scalar(name: String, kind: Kind, writable: bool, range: Option<(i64, i64)>) -> Var {
    Var {
        name,
        kind,
        writable,
        annotated: false,
        owned: false,
        range,
        scope: 0,
    }
}
