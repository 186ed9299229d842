//! A generator of random, well-typed kernel programs.
//!
//! [`generate`] turns a seed into the source text of a small `.k` program (helpers plus a
//! `main()`), deterministically. The generator builds text directly but keeps a *typed
//! environment*: every variable in scope with its element type, rank and (for arrays) its
//! exact shape, which values loop counters can take, and what may be written where (inside
//! a `prange` body only private variables, reduction variables and the loop's own output
//! row may be written). Every expression is built bottom-up together with its type
//! ([`Sx`] for scalars, [`Ax`] for arrays), using the same NEP 50 promotion rules as the
//! compiler (see [`crate::ty`]), so the program type-checks by construction.
//!
//! Runtime errors are part of what is tested (both executors must report the same message
//! at the same place), so a small fraction of the generated operations may fail: indices
//! out of bounds, integer division by zero, negative integer powers, float-to-int casts of
//! nan or huge values, `randint` with an empty range, shape mismatches. Most operations are
//! guarded (indices are reduced modulo the size, divisors kept away from zero) so that a
//! typical program runs to its end and prints what it computed.
//!
//! Programs stay small and fast: at most a few hundred loop iterations in total, arrays of
//! at most a hundred elements.

use crate::rng::Rng;
use crate::ty::{arith, promote, Dt, Op, ALL, NARROW};
use kernelc::optable::{MathFn, ReduceOp};

mod tuples;

/// Probability that an index, divisor or cast is left unguarded (may fail at runtime).
const P_UNSAFE: f64 = 0.01;
/// Maximum nesting of compound statements.
const MAX_DEPTH: usize = 3;
/// Maximum expression depth.
const MAX_EXPR: u32 = 3;
/// Upper bound on the product of the iteration counts of enclosing loops.
const MAX_WORK: usize = 400;

/// Generates the program of one seed.
pub fn generate(seed: u64) -> String {
    Gen::new(seed).program(seed)
}

/// A scalar expression with its type.
#[derive(Clone, Debug)]
struct Sx {
    text: String,
    dt: Dt,
    /// A literal or constant (NEP 50 "weak": adopts the other operand's type).
    weak: bool,
    /// The value of an integer literal or integer constant (the compiler checks that it
    /// fits when it takes the type i32).
    lit: Option<i64>,
}

impl Sx {
    fn strong(text: String, dt: Dt) -> Sx {
        Sx {
            text,
            dt,
            weak: false,
            lit: None,
        }
    }
}

/// An array expression with its element type and exact shape.
#[derive(Clone, Debug)]
struct Ax {
    text: String,
    dt: Dt,
    shape: Shape,
    /// The value is a new buffer (not a view of some variable's memory).
    fresh: bool,
}

type Shape = Vec<usize>;

/// The type of a variable or parameter.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Scalar(Dt),
    Array(Dt, Shape),
}

impl Kind {
    fn annotation(&self) -> String {
        match self {
            Kind::Scalar(d) => d.name().to_string(),
            Kind::Array(d, s) if s.len() == 1 => format!("{}[:]", d.name()),
            Kind::Array(d, _) => format!("{}[:, :]", d.name()),
        }
    }
}

/// A variable in scope.
#[derive(Clone, Debug)]
struct Var {
    name: String,
    kind: Kind,
    /// Scalars: may be assigned. Arrays: elements may be written.
    writable: bool,
    /// Declared with a type annotation: assignments convert to its type.
    annotated: bool,
    /// Arrays: the buffer was allocated in this function (writing it is not a side
    /// effect visible to the caller).
    owned: bool,
    /// Integer loop counters: the inclusive range of values they take.
    range: Option<(i64, i64)>,
    /// Index of the scope that declared it (prange bodies use it to tell private
    /// variables from outer ones).
    scope: usize,
}

/// What a function returns.
#[derive(Clone, Debug, PartialEq)]
enum Ret {
    Nothing,
    Value(Kind),
}

/// A generated helper function, callable from later functions.
#[derive(Clone, Debug)]
struct Helper {
    name: String,
    params: Vec<Kind>,
    ret: Ret,
    /// No prints, no random draws, no writes into caller-visible arrays: callable from a
    /// prange body.
    pure_fn: bool,
}

/// A reduction operator of a prange loop.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Red {
    Add,
    Sub,
    Mul,
    Min,
    Max,
}

/// The prange loop whose body is being generated.
#[derive(Clone, Debug)]
struct Prange {
    /// Scope index of the body: variables declared at or after it are private.
    scope: usize,
    /// The loop variable (the only index allowed on the first axis of `outs`).
    var: String,
    /// Output arrays: written only at `[var]`, never read in the body.
    outs: Vec<String>,
    /// Reduction variables: updated only with their operator, never read in the body.
    reductions: Vec<(String, Red)>,
}

/// The function being generated.
struct Func {
    lines: Vec<String>,
    indent: usize,
    scopes: Vec<Vec<Var>>,
    /// Enclosing loops, innermost last: `true` for a prange loop.
    loops: Vec<bool>,
    prange: Option<Prange>,
    ret: Ret,
    /// Whether a return annotation converts returned values.
    ret_annotated: bool,
    /// Still pure (see [`Helper::pure_fn`]).
    pure_fn: bool,
    /// Product of the iteration counts of the enclosing loops.
    work: usize,
    /// Statements left to generate in this function.
    budget: usize,
}

impl Func {
    fn new(ret: Ret, budget: usize) -> Func {
        Func {
            lines: Vec::new(),
            indent: 1,
            scopes: vec![Vec::new()],
            loops: Vec::new(),
            prange: None,
            ret,
            ret_annotated: false,
            pure_fn: true,
            work: 1,
            budget,
        }
    }

    fn line(&mut self, text: impl AsRef<str>) {
        self.lines
            .push(format!("{}{}", "    ".repeat(self.indent), text.as_ref()));
    }

    fn declare(&mut self, mut v: Var) {
        v.scope = self.scopes.len() - 1;
        self.scopes.last_mut().expect("a scope").push(v);
    }

    fn vars(&self) -> impl Iterator<Item = &Var> {
        self.scopes.iter().flatten()
    }

    fn var(&self, name: &str) -> Option<&Var> {
        self.vars().find(|v| v.name == name)
    }

    /// Declared outside the active prange body (shared by all iterations).
    fn is_outer(&self, v: &Var) -> bool {
        self.prange.as_ref().is_some_and(|p| v.scope < p.scope)
    }

    fn readable_scalar(&self, v: &Var) -> bool {
        matches!(v.kind, Kind::Scalar(_))
            && !self
                .prange
                .as_ref()
                .is_some_and(|p| p.reductions.iter().any(|(n, _)| *n == v.name))
    }

    fn readable_array(&self, v: &Var) -> bool {
        matches!(v.kind, Kind::Array(..))
            && !self
                .prange
                .as_ref()
                .is_some_and(|p| p.outs.contains(&v.name))
    }

    fn can_assign(&self, v: &Var) -> bool {
        matches!(v.kind, Kind::Scalar(_)) && v.writable && !self.is_outer(v)
    }

    fn can_write_elements(&self, v: &Var) -> bool {
        matches!(v.kind, Kind::Array(..)) && v.writable && !self.is_outer(v)
    }

    fn in_prange(&self) -> bool {
        self.prange.is_some()
    }
}

/// The program generator: a random stream plus what is global to the program.
struct Gen {
    rng: Rng,
    next_name: usize,
    helpers: Vec<Helper>,
    /// Top-level constants: name, value as a weak scalar.
    consts: Vec<Sx>,
}

/// Python's `len(range(len)[start:stop:step])`: the length of a slice of an axis.
fn slice_len(n: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> usize {
    let n = n as i64;
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let norm = |v: i64, lo: i64, hi: i64| {
        if v < 0 {
            clamp(v + n, lo, hi)
        } else {
            clamp(v, lo, hi)
        }
    };
    let (s, e) = if step > 0 {
        (
            start.map_or(0, |v| norm(v, 0, n)),
            stop.map_or(n, |v| norm(v, 0, n)),
        )
    } else {
        (
            start.map_or(n - 1, |v| norm(v, -1, n - 1)),
            stop.map_or(-1, |v| norm(v, -1, n - 1)),
        )
    };
    let len = if step > 0 {
        (e - s + step - 1) / step
    } else {
        (s - e + (-step) - 1) / (-step)
    };
    len.max(0) as usize
}

fn slice_text(start: Option<i64>, stop: Option<i64>, step: i64, show_step: bool) -> String {
    let o = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    if step == 1 && !show_step {
        format!("{}:{}", o(start), o(stop))
    } else {
        format!("{}:{}:{}", o(start), o(stop), step)
    }
}

fn shape_text(shape: &[usize], tuple: bool) -> String {
    match shape {
        [n] if !tuple => n.to_string(),
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn float_text(x: f64) -> String {
    let t = format!("{x:?}");
    if x.is_sign_negative() {
        format!("({t})")
    } else {
        t
    }
}

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng::new(seed),
            next_name: 0,
            helpers: Vec::new(),
            consts: Vec::new(),
        }
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next_name += 1;
        format!("{prefix}{}", self.next_name)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.chance(p)
    }

    // ------------------------------------------------------------------------------
    // Program structure
    // ------------------------------------------------------------------------------

    fn program(&mut self, seed: u64) -> String {
        let mut out = format!("# kernelc-fuzz seed {seed}\n");
        for _ in 0..self.rng.below(3) {
            let name = self.fresh("C");
            let (text, sx) = if self.chance(0.5) {
                let v = self.rng.range(-20, 20);
                (
                    v.to_string(),
                    Sx {
                        text: name.clone(),
                        dt: Dt::I64,
                        weak: true,
                        lit: Some(v),
                    },
                )
            } else {
                let v = *self.rng.pick(&[0.5, 2.5, -1.25, 9.81, 1e-3, 3.0]);
                (
                    float_text(v),
                    Sx {
                        text: name.clone(),
                        dt: Dt::F64,
                        weak: true,
                        lit: None,
                    },
                )
            };
            out += &format!("{name} = {text}\n");
            self.consts.push(sx);
        }
        if !self.consts.is_empty() {
            out.push('\n');
        }
        if self.chance(0.15) {
            out += &self.recursive_helper();
        }
        for _ in 0..self.rng.below(4) {
            out += &self.helper();
        }
        out += &self.main();
        out
    }

    /// `def main():` — a seed, some statements, a final print of the live variables.
    fn main(&mut self) -> String {
        let budget = 8 + self.rng.below(20);
        let mut f = Func::new(Ret::Nothing, budget);
        if self.chance(0.5) {
            let s = self.rng.range(0, 1000);
            f.line(format!("seed({s})"));
        }
        while f.budget > 0 {
            self.stmt(&mut f, 0);
        }
        let mut names: Vec<String> = f.scopes[0].iter().map(|v| v.name.clone()).collect();
        if !names.is_empty() {
            let start = names.len().saturating_sub(6);
            names.drain(..start);
            f.line(format!("print({})", names.join(", ")));
        }
        if f.lines.is_empty() {
            f.line("pass");
        }
        format!("def main():\n{}\n", f.lines.join("\n"))
    }

    /// A helper with scalar and array parameters, called from later functions.
    fn helper(&mut self) -> String {
        let name = self.fresh("h");
        let nparams = self.rng.below(4);
        let mut params = Vec::new();
        for _ in 0..nparams {
            params.push(self.random_kind());
        }
        let ret = match self.rng.below(10) {
            0..=2 => Ret::Nothing,
            3..=7 => Ret::Value(Kind::Scalar(*self.rng.pick(&ALL))),
            _ => {
                let shape = self.random_shape();
                Ret::Value(Kind::Array(*self.rng.pick(&ALL), shape))
            }
        };
        let mut f = Func::new(ret.clone(), 2 + self.rng.below(6));
        let mut sig = Vec::new();
        for (i, k) in params.iter().enumerate() {
            let pname = format!("p{i}");
            let annotated = self.chance(0.4);
            sig.push(if annotated {
                format!("{pname}: {}", k.annotation())
            } else {
                pname.clone()
            });
            f.declare(Var {
                name: pname,
                kind: k.clone(),
                writable: true,
                annotated,
                owned: false,
                range: None,
                scope: 0,
            });
        }
        let mut header = format!("def {name}({})", sig.join(", "));
        if let Ret::Value(k) = &ret {
            // Only scalar returns are annotated: an annotated array return would have to
            // match the rank exactly, which it does, but keep the common form frequent.
            if matches!(k, Kind::Scalar(_)) && self.chance(0.3) {
                header += &format!(" -> {}", k.annotation());
                f.ret_annotated = true;
            }
        }
        while f.budget > 0 {
            self.stmt(&mut f, 0);
        }
        if let Ret::Value(k) = &ret {
            let v = self.return_value(&mut f, k);
            f.line(format!("return {v}"));
        }
        if f.lines.is_empty() {
            f.line("pass");
        }
        self.helpers.push(Helper {
            name,
            params,
            ret,
            pure_fn: f.pure_fn,
        });
        format!("{header}:\n{}\n\n", f.lines.join("\n"))
    }

    /// A recursive helper (needs its return annotation): a bounded recursion on `n`.
    fn recursive_helper(&mut self) -> String {
        let name = self.fresh("rec");
        let dt = *self.rng.pick(&[Dt::I64, Dt::F64, Dt::F32, Dt::I32]);
        let mut f = Func::new(Ret::Value(Kind::Scalar(dt)), 0);
        f.ret_annotated = true;
        f.pure_fn = true;
        f.declare(Var {
            name: "n".into(),
            kind: Kind::Scalar(Dt::I64),
            writable: false,
            annotated: true,
            owned: false,
            range: Some((0, 12)),
            scope: 0,
        });
        f.declare(Var {
            name: "x".into(),
            kind: Kind::Scalar(dt),
            writable: false,
            annotated: true,
            owned: false,
            range: None,
            scope: 0,
        });
        let base = self.exact(&mut f, dt, 1);
        let step = self.exact(&mut f, dt, 2);
        let text = format!(
            "def {name}(n: i64, x: {t}) -> {t}:\n    if n <= 0:\n        return {}\n    return {name}(n - 1, {})\n\n",
            base.text,
            step.text,
            t = dt.name()
        );
        self.helpers.push(Helper {
            name: name.clone(),
            params: vec![Kind::Scalar(Dt::I64), Kind::Scalar(dt)],
            ret: Ret::Value(Kind::Scalar(dt)),
            pure_fn: f.pure_fn,
        });
        text
    }

    fn return_value(&mut self, f: &mut Func, k: &Kind) -> String {
        match k {
            Kind::Scalar(d) if f.ret_annotated => self.sx(f, *d, 2).text,
            Kind::Scalar(d) => self.exact(f, *d, 2).text,
            Kind::Array(d, shape) => self.exact_array(f, shape, *d, 2).text,
        }
    }

    fn random_kind(&mut self) -> Kind {
        let d = *self.rng.pick(&ALL);
        if self.chance(0.5) {
            Kind::Scalar(d)
        } else {
            Kind::Array(d, self.random_shape())
        }
    }

    fn random_shape(&mut self) -> Shape {
        if self.chance(0.7) {
            let n = self.rng.weighted(&[1, 3, 4, 6, 6, 5, 3, 0, 3, 0, 2]);
            // Lengths where vector loops change shape: one vector, the unrolled body,
            // tails, and the pairwise-sum block edge (128).
            let n = if self.chance(0.08) {
                *self.rng.pick(&[8, 9, 15, 16, 17, 31, 32, 33, 64, 127, 129])
            } else {
                n
            };
            vec![n]
        } else {
            let r = if self.chance(0.03) {
                0
            } else {
                1 + self.rng.below(4)
            };
            vec![r, 1 + self.rng.below(4)]
        }
    }

    /// A shape, preferring those of arrays in scope (so expressions can reuse them).
    fn some_shape(&mut self, f: &Func) -> Shape {
        let shapes: Vec<Shape> = f
            .vars()
            .filter(|v| f.readable_array(v))
            .filter_map(|v| match &v.kind {
                Kind::Array(_, s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        if !shapes.is_empty() && self.chance(0.6) {
            self.rng.pick(&shapes).clone()
        } else {
            self.random_shape()
        }
    }

    fn hint(&mut self) -> Dt {
        *self.rng.pick(&[
            Dt::Bool,
            Dt::I32,
            Dt::I64,
            Dt::I64,
            Dt::F32,
            Dt::F64,
            Dt::F64,
        ])
    }

    // ------------------------------------------------------------------------------
    // Statements
    // ------------------------------------------------------------------------------

    fn block(&mut self, f: &mut Func, depth: usize, n: usize) {
        f.indent += 1;
        f.scopes.push(Vec::new());
        let start = f.lines.len();
        for _ in 0..n.max(1) {
            self.stmt(f, depth);
        }
        if f.lines.len() == start {
            f.line("pass");
        }
        f.scopes.pop();
        f.indent -= 1;
    }

    fn block_len(&mut self) -> usize {
        1 + self.rng.below(3)
    }

    fn stmt(&mut self, f: &mut Func, depth: usize) {
        f.budget = f.budget.saturating_sub(1);
        let in_loop = !f.loops.is_empty();
        let compound = depth < MAX_DEPTH && f.budget > 0;
        let serial = f.loops.last() == Some(&false);
        let has_arrays = f.vars().any(|v| f.can_write_elements(v));
        let has_scalars = f.vars().any(|v| f.can_assign(v));
        let pr = f.in_prange();
        let is_helper_with_value = matches!(f.ret, Ret::Value(_));
        let w = [
            14,                                               // 0 declare scalar
            if has_scalars { 8 } else { 0 },                  // 1 assign scalar
            if has_scalars { 8 } else { 0 },                  // 2 augmented scalar
            10,                                               // 3 declare array
            4,                                                // 4 view
            if has_arrays { 10 } else { 0 },                  // 5 element write
            if has_arrays { 6 } else { 0 },                   // 6 slice write
            if has_arrays { 3 } else { 0 },                   // 7 whole-array update
            if compound { 8 } else { 0 },                     // 8 if
            if compound { 4 } else { 0 },                     // 9 while
            if compound { 8 } else { 0 },                     // 10 for range
            if compound { 3 } else { 0 },                     // 11 for over an array
            if compound && !pr && depth < 2 { 5 } else { 0 }, // 12 prange
            if pr { 0 } else { 9 },                           // 13 print
            if in_loop { 4 } else { 0 },                      // 14 break / continue
            if pr { 0 } else { 3 },                           // 15 call a helper
            if pr { 0 } else { 1 },                           // 16 seed
            if is_helper_with_value && !pr { 2 } else { 0 },  // 17 early return
            if pr { 10 } else { 0 },                          // 18 reduction update
            if pr { 6 } else { 0 },                           // 19 output write
            if has_arrays { 4 } else { 0 },                   // 20 boolean-mask write
            if compound { 5 } else { 2 },                     // 21 tuple statement
        ];
        match self.rng.weighted(&w) {
            0 => self.declare_scalar(f),
            1 => self.assign_scalar(f),
            2 => self.aug_scalar(f),
            3 => self.declare_array(f),
            4 => self.view(f),
            5 => self.element_write(f),
            6 => self.slice_write(f, false),
            7 => self.slice_write(f, true),
            8 => self.if_stmt(f, depth),
            9 => self.while_stmt(f, depth),
            10 => self.for_range(f, depth),
            11 => self.for_array(f, depth),
            12 => self.prange(f, depth),
            13 => self.print(f),
            14 => {
                let c = self.cond(f);
                let kw = if serial && self.chance(0.5) {
                    "break"
                } else {
                    "continue"
                };
                f.line(format!("if {}:", c.text));
                f.indent += 1;
                f.line(kw);
                f.indent -= 1;
            }
            15 => self.call_stmt(f),
            16 => {
                let s = self.rng.range(0, 50);
                f.pure_fn = false;
                f.line(format!("seed({s})"));
            }
            17 => {
                let c = self.cond(f);
                let Ret::Value(k) = f.ret.clone() else {
                    unreachable!()
                };
                let v = self.return_value(f, &k);
                f.line(format!("if {}:", c.text));
                f.indent += 1;
                f.line(format!("return {v}"));
                f.indent -= 1;
            }
            18 => self.reduction_update(f),
            19 => self.output_write(f),
            20 => self.mask_write(f),
            _ => self.tuple_stmt(f, depth),
        }
    }

    /// A bool mask of exactly `shape`: a comparison of an array expression with a scalar.
    fn mask(&mut self, f: &mut Func, shape: &[usize]) -> String {
        let d = self.hint();
        let b = self.ax(f, shape, d, 1);
        let s = self.sx(f, b.dt, 1);
        let op = *self.rng.pick(&[">", "<", ">=", "!="]);
        format!("(({}) {op} ({}))", b.text, s.text)
    }

    /// `a[mask] = e` or `a[mask] op= e` (a scalar value).
    fn mask_write(&mut self, f: &mut Func) {
        let Some(v) = self.pick_var(f, |v| f.can_write_elements(v)) else {
            return;
        };
        let Kind::Array(d, shape) = v.kind.clone() else {
            return;
        };
        if !v.owned {
            f.pure_fn = false;
        }
        let m = self.mask(f, &shape);
        if d != Dt::Bool && self.chance(0.4) {
            let op = *self.rng.pick(&["+", "-", "*"]);
            let e = self.exact(f, arith(d), 1);
            let e = self.guard_float_to_int(e, d);
            f.line(format!("{}[{m}] {op}= {}", v.name, e.text));
        } else {
            let e = self.sx(f, d, 2);
            let e = self.guard_float_to_int(e, d);
            f.line(format!("{}[{m}] = {}", v.name, e.text));
        }
    }

    fn declare_scalar(&mut self, f: &mut Func) {
        let d = self.hint();
        let name = self.fresh("v");
        let annotated = self.chance(0.25);
        let value = if annotated {
            let e = self.sx(f, d, MAX_EXPR);
            self.guard_float_to_int(e, d)
        } else {
            self.exact(f, d, MAX_EXPR)
        };
        if annotated {
            f.line(format!("{name}: {} = {}", d.name(), value.text));
        } else {
            f.line(format!("{name} = {}", value.text));
        }
        f.declare(Var {
            name,
            kind: Kind::Scalar(d),
            writable: true,
            annotated,
            owned: false,
            range: None,
            scope: 0,
        });
    }

    fn pick_var(&mut self, f: &Func, pred: impl Fn(&Var) -> bool) -> Option<Var> {
        let vs: Vec<&Var> = f.vars().filter(|v| pred(v)).collect();
        if vs.is_empty() {
            None
        } else {
            Some(vs[self.rng.below(vs.len())].clone())
        }
    }

    fn assign_scalar(&mut self, f: &mut Func) {
        let Some(v) = self.pick_var(f, |v| f.can_assign(v)) else {
            return;
        };
        let Kind::Scalar(d) = v.kind else { return };
        let value = if v.annotated {
            let e = self.sx(f, d, MAX_EXPR);
            self.guard_float_to_int(e, d)
        } else {
            self.exact(f, d, MAX_EXPR)
        };
        f.line(format!("{} = {}", v.name, value.text));
    }

    fn aug_scalar(&mut self, f: &mut Func) {
        let Some(v) = self.pick_var(f, |v| f.can_assign(v)) else {
            return;
        };
        let Kind::Scalar(d) = v.kind else { return };
        let ops: &[Op] = match d {
            _ if v.annotated && d.is_float() => &[
                Op::Add,
                Op::Sub,
                Op::Mul,
                Op::Div,
                Op::FloorDiv,
                Op::Mod,
                Op::Pow,
            ],
            Dt::Bool => &[Op::And, Op::Or, Op::Xor],
            Dt::I32 | Dt::I64 => &[
                Op::Add,
                Op::Add,
                Op::Sub,
                Op::Mul,
                Op::FloorDiv,
                Op::Mod,
                Op::Pow,
                Op::And,
                Op::Or,
                Op::Xor,
                Op::Shl,
                Op::Shr,
            ],
            _ => &[
                Op::Add,
                Op::Add,
                Op::Sub,
                Op::Mul,
                Op::Div,
                Op::FloorDiv,
                Op::Mod,
                Op::Pow,
            ],
        };
        let op = *self.rng.pick(ops);
        let target = Sx::strong(v.name.clone(), d);
        let mut rhs = self.rhs_for(f, op, &target, 2);
        if !v.annotated && op.result(promote(d, false, rhs.dt, rhs.weak)) != d {
            rhs = self.exact(f, d, 1);
            rhs = self.fix_rhs(f, op, &target, rhs);
        }
        f.line(format!("{} {}= {}", v.name, op.symbol(), rhs.text));
    }

    fn declare_array(&mut self, f: &mut Func) {
        let shape = self.some_shape(f);
        let d = self.hint();
        let a = self.ax(f, &shape, d, MAX_EXPR);
        let name = self.fresh("a");
        f.line(format!("{name} = {}", a.text));
        let owned_view = !a.fresh && self.base_owned(f, &a.text);
        let writable = a.fresh || !f.in_prange() || self.base_private(f, &a.text);
        f.declare(Var {
            name,
            kind: Kind::Array(a.dt, a.shape),
            writable,
            annotated: false,
            owned: a.fresh || owned_view,
            range: None,
            scope: 0,
        });
    }

    /// The variable an expression text starts with, when it is a plain name or a slice
    /// of one.
    fn base_var<'f>(&self, f: &'f Func, text: &str) -> Option<&'f Var> {
        let name: String = text
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let rest = &text[name.len()..];
        if rest.is_empty() || rest.starts_with('[') {
            f.var(&name)
        } else {
            None
        }
    }

    fn base_owned(&self, f: &Func, text: &str) -> bool {
        self.base_var(f, text).is_some_and(|v| v.owned)
    }

    fn base_private(&self, f: &Func, text: &str) -> bool {
        self.base_var(f, text)
            .is_some_and(|v| f.can_write_elements(v))
    }

    /// `b = a[slice]`: a view, registered with its shape.
    fn view(&mut self, f: &mut Func) {
        let Some(base) = self.pick_var(f, |v| f.readable_array(v)) else {
            return self.declare_array(f);
        };
        let Kind::Array(d, shape) = &base.kind else {
            return;
        };
        let (text, vshape) = self.random_view(&base.name, shape);
        let name = self.fresh("s");
        f.line(format!("{name} = {text}"));
        let writable = f.can_write_elements(&base);
        f.declare(Var {
            name,
            kind: Kind::Array(*d, vshape),
            writable,
            annotated: false,
            owned: base.owned,
            range: None,
            scope: 0,
        });
    }

    /// A random slice of one axis of length `n`: its text and length.
    fn random_slice(&mut self, n: usize) -> (String, usize) {
        let n_i = n as i64;
        let bound = |g: &mut Gen| -> Option<i64> {
            match g.rng.below(6) {
                0 => None,
                1 => Some(g.rng.range(-n_i - 2, -1)),
                2 => Some(g.rng.range(0, n_i + 2)),
                _ => Some(g.rng.range(0, n_i.max(0))),
            }
        };
        let start = bound(self);
        let stop = bound(self);
        let step = *self.rng.pick(&[1, 1, 1, 1, 2, 3, -1, -1, -2]);
        let show = self.chance(0.1);
        (
            slice_text(start, stop, step, show),
            slice_len(n, start, stop, step),
        )
    }

    /// A slice of exactly `len` elements of an axis of length `n` (`len <= n`).
    fn exact_slice(&mut self, n: usize, len: usize) -> String {
        for _ in 0..12 {
            let (t, l) = self.random_slice(n);
            if l == len {
                return t;
            }
        }
        let k = self.rng.below(n - len + 1) as i64;
        if len == n && self.chance(0.5) {
            return if self.chance(0.5) {
                "::-1".into()
            } else {
                ":".into()
            };
        }
        let (start, stop) = (k, k + len as i64);
        if self.chance(0.3) && start > 0 {
            // The same elements backwards: from stop-1 down to start.
            return format!("{}:{}:-1", stop - 1, start - 1);
        }
        if self.chance(0.3) {
            let s = start - n as i64;
            let e = stop - n as i64;
            return if e == 0 {
                format!("{s}:")
            } else {
                format!("{s}:{e}")
            };
        }
        format!("{start}:{stop}")
    }

    /// A view of array `name` of shape `shape`: `a[1:3]`, `m[i]`, `m[:, j]`, `m[::2, 1:]`.
    fn random_view(&mut self, name: &str, shape: &[usize]) -> (String, Shape) {
        match shape {
            [n] => {
                let (t, l) = self.random_slice(*n);
                (format!("{name}[{t}]"), vec![l])
            }
            [r, c] => match self.rng.below(4) {
                0 if *r > 0 => {
                    let i = self.safe_literal_index(*r);
                    (format!("{name}[{i}]"), vec![*c])
                }
                1 if *c > 0 => {
                    let j = self.safe_literal_index(*c);
                    (format!("{name}[:, {j}]"), vec![*r])
                }
                _ => {
                    let (t1, l1) = self.random_slice(*r);
                    let (t2, l2) = self.random_slice(*c);
                    (format!("{name}[{t1}, {t2}]"), vec![l1, l2])
                }
            },
            _ => unreachable!("only 1-D and 2-D arrays are generated"),
        }
    }

    /// A view of array `name` (of shape `vshape`) with exactly shape `want`, or `None`
    /// when there is none: `a[2:5]`, `a[::-1]`, `m[i, 1:4]`, `m[1:, ::2]`, `m[:, j]`.
    fn view_with_shape(
        &mut self,
        f: &mut Func,
        name: &str,
        vshape: &[usize],
        want: &[usize],
    ) -> Option<String> {
        match (vshape, want) {
            ([m], [n]) if m >= n => Some(format!("{name}[{}]", self.exact_slice(*m, *n))),
            ([r, c], [n]) if c >= n && *r > 0 && (r < n || self.chance(0.5)) => {
                let i = self.index(f, *r);
                Some(format!("{name}[{i}, {}]", self.exact_slice(*c, *n)))
            }
            ([r, c], [n]) if r >= n && *c > 0 => {
                let j = self.index(f, *c);
                Some(format!("{name}[{}, {j}]", self.exact_slice(*r, *n)))
            }
            ([r, c], [n, m]) if r >= n && c >= m => Some(format!(
                "{name}[{}, {}]",
                self.exact_slice(*r, *n),
                self.exact_slice(*c, *m)
            )),
            _ => None,
        }
    }

    fn safe_literal_index(&mut self, n: usize) -> i64 {
        let i = self.rng.below(n) as i64;
        if self.chance(0.3) {
            i - n as i64
        } else {
            i
        }
    }

    /// An index expression for an axis of length `n`: usually in bounds (a literal, a
    /// loop counter known to be in range, `e % n`), rarely anything.
    fn index(&mut self, f: &mut Func, n: usize) -> String {
        if n == 0 || self.chance(P_UNSAFE) {
            return match self.rng.below(3) {
                0 => (n as i64).to_string(),
                1 => (-(n as i64) - 1).to_string(),
                _ => {
                    let e = self.int_sx(f, Dt::I64, 1);
                    if e.dt == Dt::Bool {
                        format!("i64({})", e.text)
                    } else {
                        e.text
                    }
                }
            };
        }
        let ni = n as i64;
        let counters: Vec<String> = f
            .vars()
            .filter(|v| f.readable_scalar(v))
            .filter(|v| v.range.is_some_and(|(lo, hi)| lo >= -ni && hi < ni))
            .map(|v| v.name.clone())
            .collect();
        match self.rng.below(10) {
            0..=3 if !counters.is_empty() => self.rng.pick(&counters).clone(),
            0..=5 => self.safe_literal_index(n).to_string(),
            _ => {
                let e = self.int_sx(f, Dt::I64, 1);
                let e = if e.dt == Dt::Bool {
                    format!("i64({})", e.text)
                } else {
                    e.text
                };
                format!("({e}) % {n}")
            }
        }
    }

    fn element_write(&mut self, f: &mut Func) {
        let allow_empty = self.chance(0.1);
        let Some(v) = self.pick_var(f, |v| {
            f.can_write_elements(v) && (allow_empty || !is_empty_array(v))
        }) else {
            return;
        };
        let Kind::Array(d, shape) = &v.kind else {
            return;
        };
        if !v.owned {
            f.pure_fn = false;
        }
        let (target, region) = match shape.as_slice() {
            [n] => (format!("{}[{}]", v.name, self.index(f, *n)), None),
            [r, c] => {
                let i = self.index(f, *r);
                if self.chance(0.8) {
                    let j = self.index(f, *c);
                    (format!("{}[{i}, {j}]", v.name), None)
                } else {
                    (format!("{}[{i}]", v.name), Some(vec![*c]))
                }
            }
            _ => unreachable!(),
        };
        match region {
            None => {
                if self.chance(0.3) {
                    let op = *self.rng.pick(&[Op::Add, Op::Sub, Op::Mul, Op::Mod]);
                    let tgt = Sx::strong(target.clone(), *d);
                    let rhs = self.rhs_for(f, op, &tgt, 2);
                    // The result converts to the element type: guard float results.
                    let res = op.result(promote(*d, false, rhs.dt, rhs.weak));
                    let rhs = if res.is_float() && !d.is_float() {
                        self.exact(f, counted(*d), 1)
                    } else {
                        rhs
                    };
                    let rhs = self.fix_rhs(f, op, &tgt, rhs);
                    f.line(format!("{target} {}= {}", op.symbol(), rhs.text));
                } else {
                    let e = self.sx(f, *d, MAX_EXPR);
                    let e = self.guard_float_to_int(e, *d);
                    f.line(format!("{target} = {}", e.text));
                }
            }
            Some(rs) => {
                let e = self.store_value(f, &rs, *d);
                f.line(format!("{target} = {e}"));
            }
        }
    }

    /// A value to store into a region of shape `shape` of an array of type `d`: an array
    /// of that shape (or broadcastable) or a scalar, guarded against float-to-int errors.
    fn store_value(&mut self, f: &mut Func, shape: &[usize], d: Dt) -> String {
        if self.chance(0.25) {
            let e = self.sx(f, d, 2);
            return self.guard_float_to_int(e, d).text;
        }
        let a = self.ax(f, shape, d, 2);
        self.guard_array_to_int(a, d).text
    }

    /// `a[slice] = e`, `a[slice] op= e`, `a[:] = e`, `a op= e`.
    fn slice_write(&mut self, f: &mut Func, whole: bool) {
        let Some(v) = self.pick_var(f, |v| f.can_write_elements(v)) else {
            return;
        };
        let Kind::Array(d, shape) = &v.kind else {
            return;
        };
        let d = *d;
        if !v.owned {
            f.pure_fn = false;
        }
        let (target, region) = if whole {
            (v.name.clone(), shape.clone())
        } else if self.chance(0.2) {
            (format!("{}[:]", v.name), shape.clone())
        } else {
            let (t, s) = self.random_view(&v.name, shape);
            (t, s)
        };
        let aug = whole || self.chance(0.4);
        if !f.in_prange() && self.chance(0.25) {
            // The source is another view of the same array (overlapping the target in
            // most cases): NumPy reads the whole right side before writing.
            if let Some(src) = self.view_with_shape(f, &v.name, shape, &region) {
                let src = if self.chance(0.4) {
                    let (o, od, ow) = if d == Dt::Bool {
                        (self.exact_array(f, &region, d, 1).text, d, false)
                    } else {
                        self.array_or_scalar(f, &region, d, 1)
                    };
                    let op = if d == Dt::Bool {
                        Op::Or
                    } else {
                        *self.rng.pick(&[Op::Add, Op::Sub, Op::Mul])
                    };
                    let t = op.result(promote(d, false, od, ow));
                    let e = format!("({src} {} {o})", op.symbol());
                    if t == d {
                        e
                    } else {
                        self.array_cast(
                            Ax {
                                text: e,
                                dt: t,
                                shape: region.clone(),
                                fresh: true,
                            },
                            d,
                        )
                        .text
                    }
                } else {
                    src
                };
                let sym = if !aug {
                    ""
                } else if d == Dt::Bool {
                    "|"
                } else {
                    *self.rng.pick(&["+", "-", "*"])
                };
                if sym.is_empty() {
                    f.line(format!("{target} = {src}"));
                } else {
                    f.line(format!("{target} {sym}= {src}"));
                }
                return;
            }
        }
        if !aug {
            let e = self.store_value(f, &region, d);
            f.line(format!("{target} = {e}"));
            return;
        }
        // In place: the result type must fit the array (no float into int, only bool
        // into bool).
        let ops: &[Op] = match d {
            Dt::Bool => &[Op::And, Op::Or, Op::Xor],
            Dt::I32 | Dt::I64 => &[
                Op::Add,
                Op::Sub,
                Op::Mul,
                Op::FloorDiv,
                Op::Mod,
                Op::And,
                Op::Or,
                Op::Xor,
            ],
            _ => &[
                Op::Add,
                Op::Sub,
                Op::Mul,
                Op::Div,
                Op::FloorDiv,
                Op::Mod,
                Op::Pow,
            ],
        };
        let op = *self.rng.pick(ops);
        let rhs_dt = match d {
            Dt::Bool => Dt::Bool,
            Dt::I32 => *self.rng.pick(&[Dt::I32, Dt::Bool]),
            Dt::I64 => *self.rng.pick(&[Dt::I32, Dt::I64, Dt::Bool]),
            _ => self.hint(),
        };
        let rhs = if matches!(op, Op::FloorDiv | Op::Mod | Op::Pow) || self.chance(0.4) {
            let tgt = Sx::strong(v.name.clone(), d);
            let e = if d.is_float() {
                self.sx(f, rhs_dt, 1)
            } else {
                self.exact(f, rhs_dt, 1)
            };
            self.fix_rhs(f, op, &tgt, e).text
        } else {
            let rshape = if region.len() == 2 && self.chance(0.3) {
                vec![region[1]]
            } else if self.chance(0.2) {
                self.broadcast_shape(&region)
            } else {
                region.clone()
            };
            self.exact_array(f, &rshape, rhs_dt, 2).text
        };
        f.line(format!("{target} {}= {rhs}", op.symbol()));
    }

    fn if_stmt(&mut self, f: &mut Func, depth: usize) {
        let c = self.cond(f);
        f.line(format!("if {}:", c.text));
        let n = self.block_len();
        self.block(f, depth + 1, n);
        while self.chance(0.25) {
            let c = self.cond(f);
            f.line(format!("elif {}:", c.text));
            let n = self.block_len();
            self.block(f, depth + 1, n);
        }
        if self.chance(0.5) {
            f.line("else:");
            let n = self.block_len();
            self.block(f, depth + 1, n);
        }
    }

    /// How many iterations a new loop may have.
    fn loop_limit(&self, f: &Func) -> usize {
        (MAX_WORK / f.work).clamp(0, 12)
    }

    fn while_stmt(&mut self, f: &mut Func, depth: usize) {
        let limit = self.loop_limit(f);
        let k = self.rng.below(limit + 1);
        let w = self.fresh("w");
        f.line(format!("{w} = 0"));
        let cond = if self.chance(0.4) {
            let c = self.cond(f);
            if self.chance(0.5) {
                format!("{w} < {k} and {}", c.text)
            } else {
                format!("{} and {w} < {k}", c.text)
            }
        } else {
            format!("{w} < {k}")
        };
        f.declare(Var {
            name: w.clone(),
            kind: Kind::Scalar(Dt::I64),
            writable: false,
            annotated: false,
            owned: false,
            range: Some((0, k as i64)),
            scope: 0,
        });
        f.line(format!("while {cond}:"));
        f.indent += 1;
        f.line(format!("{w} += 1"));
        f.indent -= 1;
        self.loop_body(f, depth, k.max(1), false, |_| {});
    }

    /// Generates a loop body with the loop's counter declared by `declare`.
    fn loop_body(
        &mut self,
        f: &mut Func,
        depth: usize,
        iterations: usize,
        parallel: bool,
        declare: impl FnOnce(&mut Func),
    ) {
        let saved = f.work;
        f.work = (f.work * iterations.max(1)).max(1);
        f.loops.push(parallel);
        f.indent += 1;
        f.scopes.push(Vec::new());
        declare(f);
        let n = self.block_len();
        let start = f.lines.len();
        for _ in 0..n {
            self.stmt(f, depth + 1);
        }
        if f.lines.len() == start {
            f.line("pass");
        }
        f.scopes.pop();
        f.indent -= 1;
        f.loops.pop();
        f.work = saved;
    }

    /// `range(...)` arguments with `count` iterations: the text and the counter's range.
    fn range_args(&mut self, f: &Func, count: usize) -> (String, Option<(i64, i64)>) {
        let n = count as i64;
        let lens: Vec<String> = f
            .vars()
            .filter(|v| f.readable_array(v))
            .filter(|v| matches!(&v.kind, Kind::Array(_, s) if s[0] == count))
            .map(|v| v.name.clone())
            .collect();
        let range = |lo: i64, hi: i64| if n == 0 { None } else { Some((lo, hi)) };
        match self.rng.below(7) {
            0 if !lens.is_empty() => (format!("len({})", self.rng.pick(&lens)), range(0, n - 1)),
            0 | 1 => (n.to_string(), range(0, n - 1)),
            2 | 3 => {
                let a = self.rng.range(-5, 5);
                (format!("{a}, {}", a + n), range(a, a + n - 1))
            }
            4 | 5 => {
                let s = self.rng.range(2, 3);
                let a = self.rng.range(-4, 4);
                let stop = a + n * s - self.rng.range(0, s - 1);
                (format!("{a}, {stop}, {s}"), range(a, a + (n - 1) * s))
            }
            _ => {
                let s = self.rng.range(1, 3);
                let a = self.rng.range(-2, 8);
                let stop = a - n * s + self.rng.range(0, s - 1);
                (format!("{a}, {stop}, -{s}"), range(a - (n - 1) * s, a))
            }
        }
    }

    fn for_range(&mut self, f: &mut Func, depth: usize) {
        let limit = self.loop_limit(f);
        let count = self.rng.below(limit + 1);
        let (args, range) = self.range_args(f, count);
        let i = self.fresh("k");
        f.line(format!("for {i} in range({args}):"));
        self.loop_body(f, depth, count, false, |f| {
            f.declare(Var {
                name: i,
                kind: Kind::Scalar(Dt::I64),
                writable: false,
                annotated: false,
                owned: false,
                range,
                scope: 0,
            })
        });
    }

    fn for_array(&mut self, f: &mut Func, depth: usize) {
        let limit = self.loop_limit(f);
        let Some(a) = self.pick_var(f, |v| {
            f.readable_array(v) && matches!(&v.kind, Kind::Array(_, s) if s[0] <= limit)
        }) else {
            return self.for_range(f, depth);
        };
        let Kind::Array(d, shape) = &a.kind else {
            return;
        };
        let x = self.fresh("x");
        f.line(format!("for {x} in {}:", a.name));
        let kind = if shape.len() == 1 {
            Kind::Scalar(*d)
        } else {
            Kind::Array(*d, vec![shape[1]])
        };
        let writable = kind != Kind::Scalar(*d) && f.can_write_elements(&a);
        let owned = a.owned;
        self.loop_body(f, depth, shape[0], false, |f| {
            f.declare(Var {
                name: x,
                kind,
                writable,
                annotated: false,
                owned,
                range: None,
                scope: 0,
            })
        });
    }

    /// A prange loop with reductions and an output array, then a print of the results.
    fn prange(&mut self, f: &mut Func, depth: usize) {
        let n = *self
            .rng
            .pick(&[0usize, 1, 5, 16, 17, 20, 31, 33, 40, 64, 100]);
        if f.work * n > MAX_WORK * 2 {
            return self.for_range(f, depth);
        }
        // Reduction variables, declared just before the loop.
        let mut reductions = Vec::new();
        let mut printed = Vec::new();
        for _ in 0..1 + self.rng.below(2) {
            let d = *self
                .rng
                .pick(&[Dt::I32, Dt::I64, Dt::I64, Dt::F32, Dt::F64, Dt::F64]);
            let op = *self
                .rng
                .pick(&[Red::Add, Red::Add, Red::Sub, Red::Mul, Red::Min, Red::Max]);
            let name = self.fresh("r");
            let init = match (op, d.is_float()) {
                (Red::Mul, _) => "1".to_string(),
                (Red::Min, true) => "inf".to_string(),
                (Red::Max, true) => "-inf".to_string(),
                (Red::Min, false) => "1000000".to_string(),
                (Red::Max, false) => "-1000000".to_string(),
                _ => fit_int(self.literal(d), d).text,
            };
            let init = if self.chance(0.3) {
                self.exact(f, d, 1).text
            } else {
                format!("{}({init})", d.name())
            };
            f.line(format!("{name} = {init}"));
            f.declare(Var {
                name: name.clone(),
                kind: Kind::Scalar(d),
                writable: true,
                annotated: false,
                owned: false,
                range: None,
                scope: 0,
            });
            printed.push(name.clone());
            reductions.push((name, op));
        }
        let mut outs = Vec::new();
        if self.chance(0.7) {
            let d = self.hint();
            let name = self.fresh("o");
            let shape = if self.chance(0.7) {
                vec![n]
            } else {
                vec![n, 1 + self.rng.below(3)]
            };
            f.line(format!(
                "{name} = zeros({}, {})",
                shape_text(&shape, false),
                d.name()
            ));
            f.declare(Var {
                name: name.clone(),
                kind: Kind::Array(d, shape),
                writable: true,
                annotated: false,
                owned: true,
                range: None,
                scope: 0,
            });
            printed.push(name.clone());
            outs.push(name);
        }
        let i = self.fresh("k");
        let ni = n as i64;
        let (args, range) = match self.rng.below(4) {
            0 if !outs.is_empty() => (format!("len({})", outs[0]), (0, ni - 1)),
            0 | 1 => (n.to_string(), (0, ni - 1)),
            2 => {
                let a = self.rng.range(0, ni.min(3));
                (format!("{a}, {n}"), (a, ni - 1))
            }
            _ => (format!("{}, -1, -1", ni - 1), (0, ni - 1)),
        };
        f.line(format!("for {i} in prange({args}):"));
        let saved = f.prange.take();
        let saved_work = f.work;
        f.work = (f.work * n).max(1);
        f.prange = Some(Prange {
            scope: f.scopes.len(),
            var: i.clone(),
            outs,
            reductions: reductions.clone(),
        });
        f.loops.push(true);
        f.indent += 1;
        f.scopes.push(Vec::new());
        f.declare(Var {
            name: i.clone(),
            kind: Kind::Scalar(Dt::I64),
            writable: false,
            annotated: false,
            owned: false,
            range: if n == 0 { None } else { Some(range) },
            scope: 0,
        });
        let saved_budget = f.budget;
        f.budget = f.budget.max(3);
        for _ in 0..self.block_len() {
            self.stmt(f, depth + 1);
        }
        // Every reduction is updated and the output written at least once.
        for (name, op) in &reductions {
            self.reduction_update_of(f, name, *op);
        }
        if f.prange.as_ref().is_some_and(|p| !p.outs.is_empty()) {
            self.output_write(f);
        }
        f.budget = saved_budget;
        f.scopes.pop();
        f.indent -= 1;
        f.loops.pop();
        f.work = saved_work;
        f.prange = saved;
        f.line(format!("print({})", printed.join(", ")));
    }

    fn reduction_update(&mut self, f: &mut Func) {
        let Some(p) = &f.prange else { return };
        let (name, op) = self.rng.pick(&p.reductions).clone();
        self.reduction_update_of(f, &name, op);
    }

    fn reduction_update_of(&mut self, f: &mut Func, name: &str, op: Red) {
        let Some(Kind::Scalar(d)) = f.var(name).map(|v| v.kind.clone()) else {
            return;
        };
        let e = self.exact(f, d, 2).text;
        match op {
            Red::Add => f.line(format!("{name} += {e}")),
            Red::Sub => f.line(format!("{name} -= {e}")),
            Red::Mul => f.line(format!("{name} *= {e}")),
            Red::Min if self.chance(0.5) => f.line(format!("{name} = min({name}, {e})")),
            Red::Min => f.line(format!("{name} = min({e}, {name})")),
            Red::Max if self.chance(0.5) => f.line(format!("{name} = max({name}, {e})")),
            Red::Max => f.line(format!("{name} = max({e}, {name})")),
        }
    }

    /// `o[i] = e` (or `o[i, j]`, `o[i] += e`) on the prange's output array.
    fn output_write(&mut self, f: &mut Func) {
        let Some(p) = f.prange.clone() else { return };
        let Some(o) = p.outs.first() else {
            return self.reduction_update(f);
        };
        let Some(Kind::Array(d, shape)) = f.var(o).map(|v| v.kind.clone()) else {
            return;
        };
        let target = if shape.len() == 2 {
            if self.chance(0.5) {
                let e = self.store_value(f, &[shape[1]], d);
                f.line(format!("{o}[{}] = {e}", p.var));
                return;
            }
            let j = self.index(f, shape[1]);
            format!("{o}[{}, {j}]", p.var)
        } else {
            format!("{o}[{}]", p.var)
        };
        if self.chance(0.3) && d != Dt::Bool {
            let e = self.exact(f, counted(d), 2);
            f.line(format!("{target} += {}", e.text));
        } else {
            let e = self.sx(f, d, 2);
            let e = self.guard_float_to_int(e, d);
            f.line(format!("{target} = {}", e.text));
        }
    }

    fn print(&mut self, f: &mut Func) {
        f.pure_fn = false;
        let mut items = Vec::new();
        for _ in 0..1 + self.rng.below(3) {
            let item = match self.rng.below(10) {
                0..=4 => {
                    let d = self.hint();
                    self.sx(f, d, 2).text
                }
                5..=6 => match self.pick_var(f, |v| f.readable_array(v)) {
                    Some(v) => v.name,
                    None => self.literal(Dt::F64).text,
                },
                7 => "\"|\"".to_string(),
                _ => {
                    let shape = self.some_shape(f);
                    let d = self.hint();
                    self.ax(f, &shape, d, 2).text
                }
            };
            items.push(item);
        }
        f.line(format!("print({})", items.join(", ")));
    }

    /// A call of a helper as a statement (its result, if any, is printed).
    fn call_stmt(&mut self, f: &mut Func) {
        if self.helpers.is_empty() {
            return self.print(f);
        }
        let h = self.rng.pick(&self.helpers).clone();
        let call = self.call(f, &h);
        if h.ret == Ret::Nothing {
            f.line(call);
        } else {
            f.pure_fn = false;
            f.line(format!("print({call})"));
        }
    }

    /// The text of a call of `h` with arguments of its parameter types.
    fn call(&mut self, f: &mut Func, h: &Helper) -> String {
        if !h.pure_fn {
            f.pure_fn = false;
        }
        let mut args = Vec::new();
        for k in &h.params {
            args.push(match k {
                Kind::Scalar(d) => self.exact(f, *d, 1).text,
                Kind::Array(d, s) => self.exact_array(f, s, *d, 1).text,
            });
        }
        if h.name.starts_with("rec") {
            // Bounded recursion depth.
            args[0] = self.rng.range(-1, 12).to_string();
        }
        format!("{}({})", h.name, args.join(", "))
    }

    // ------------------------------------------------------------------------------
    // Scalar expressions
    // ------------------------------------------------------------------------------

    /// A literal whose kind follows `d` (weak: `1`, `2.5`, `True`).
    fn literal(&mut self, d: Dt) -> Sx {
        match d {
            Dt::Bool => Sx {
                text: if self.chance(0.5) { "True" } else { "False" }.into(),
                dt: Dt::Bool,
                weak: true,
                lit: None,
            },
            Dt::I8 | Dt::I16 | Dt::I32 | Dt::I64 | Dt::U8 | Dt::U16 | Dt::U32 | Dt::U64 => {
                let v: i64 = match self.rng.below(12) {
                    0..=6 => self.rng.range(-10, 10),
                    7 | 8 => self.rng.range(-1000, 1000),
                    9 => *self.rng.pick(&[
                        i32::MAX as i64,
                        i32::MIN as i64,
                        i32::MAX as i64 + 1,
                        1 << 31,
                        i64::MAX,
                        -i64::MAX,
                        1 << 40,
                        -(1 << 53) - 1,
                    ]),
                    10 => 0,
                    _ => self.rng.range(-100_000, 100_000),
                };
                let text = if v < 0 {
                    format!("({v})")
                } else if v >= 1000 && self.chance(0.3) {
                    // Underscore separators.
                    let s = v.to_string();
                    let mut out = String::new();
                    for (k, ch) in s.chars().enumerate() {
                        if k > 0 && (s.len() - k).is_multiple_of(3) {
                            out.push('_');
                        }
                        out.push(ch);
                    }
                    out
                } else {
                    v.to_string()
                };
                Sx {
                    text,
                    dt: Dt::I64,
                    weak: true,
                    lit: Some(v),
                }
            }
            // The generator draws no complex types yet; a float literal stands in.
            Dt::F32 | Dt::F64 | Dt::C64 | Dt::C128 => {
                let text = match self.rng.below(14) {
                    0 => "0.0".into(),
                    1 => "(-0.0)".into(),
                    2 => float_text(*self.rng.pick(&[1e300, 1e-310, 3.4e38, 1e10, -1e20, 1e-30])),
                    3 => "inf".into(),
                    4 if self.chance(0.3) => "nan".into(),
                    5 => float_text(*self.rng.pick(&[0.1, 0.5, 1.5, 2.0, -2.5, 3.25, 1e-3])),
                    _ => float_text(self.rng.range(-10_000, 10_000) as f64 / 1000.0),
                };
                Sx {
                    text,
                    dt: Dt::F64,
                    weak: true,
                    lit: None,
                }
            }
        }
    }

    /// A scalar expression whose type is usually `hint` (any type is well-typed).
    fn sx(&mut self, f: &mut Func, hint: Dt, depth: u32) -> Sx {
        if depth == 0 || self.chance(0.3) {
            return self.sx_leaf(f, hint);
        }
        let d = depth - 1;
        match self.rng.weighted(&[25, 8, 5, 4, 6, 10, 4, 3]) {
            0 => self.binary(f, hint, d),
            1 => self.compare(f, d),
            2 => self.logical(f, d),
            3 => self.unary(f, hint, d),
            4 => {
                let to = if self.chance(0.7) { hint } else { self.hint() };
                let from = self.hint();
                let e = self.sx(f, from, d);
                self.cast(e, to)
            }
            5 => self.math_scalar(f, hint, d),
            6 => {
                let c = self.cond_depth(f, d);
                let a = self.sx(f, hint, d);
                let b = if self.chance(0.7) {
                    self.sx(f, hint, d)
                } else {
                    let h = self.hint();
                    self.sx(f, h, d)
                };
                let dt = if a.dt == b.dt {
                    a.dt
                } else {
                    promote(a.dt, a.weak, b.dt, b.weak)
                };
                Sx {
                    text: format!("({} if {} else {})", a.text, c.text, b.text),
                    dt,
                    weak: a.weak && b.weak,
                    lit: None,
                }
            }
            _ => self.reduction_scalar(f, hint, d),
        }
    }

    fn sx_leaf(&mut self, f: &mut Func, hint: Dt) -> Sx {
        match self.rng.weighted(&[40, 22, 3, 15, 5, 3, 3, 3, 4]) {
            8 => self.narrow_sx(f, hint),
            0 => {
                let all: Vec<Var> = f.vars().filter(|v| f.readable_scalar(v)).cloned().collect();
                let same: Vec<&Var> = all
                    .iter()
                    .filter(|v| v.kind == Kind::Scalar(hint))
                    .collect();
                let v = if !same.is_empty() && self.chance(0.7) {
                    same[self.rng.below(same.len())].clone()
                } else if !all.is_empty() {
                    all[self.rng.below(all.len())].clone()
                } else {
                    return self.literal(hint);
                };
                let Kind::Scalar(d) = v.kind else {
                    unreachable!()
                };
                Sx::strong(v.name, d)
            }
            1 => self.literal(hint),
            2 if !self.consts.is_empty() => self.rng.pick(&self.consts).clone(),
            3 => self.element_read(f, hint),
            4 => self.reduction_scalar(f, hint, 1),
            5 => match self.pick_var(f, |v| f.readable_array(v)) {
                Some(v) => {
                    let Kind::Array(_, s) = &v.kind else {
                        unreachable!()
                    };
                    let text = match self.rng.below(4) {
                        0 => format!("len({})", v.name),
                        1 => format!("{}.size", v.name),
                        2 => format!("{}.ndim", v.name),
                        _ => format!("{}.shape[{}]", v.name, self.rng.below(s.len())),
                    };
                    Sx::strong(text, Dt::I64)
                }
                None => self.literal(hint),
            },
            6 => {
                f.pure_fn = false;
                match self.rng.below(3) {
                    0 => Sx::strong("random()".into(), Dt::F64),
                    1 => Sx::strong("normal()".into(), Dt::F64),
                    _ => {
                        let lo = self.rng.range(-20, 20);
                        let hi = if self.chance(P_UNSAFE) {
                            lo
                        } else {
                            lo + self.rng.range(1, 30)
                        };
                        Sx::strong(format!("randint({lo}, {hi})"), Dt::I64)
                    }
                }
            }
            7 => self.helper_call_scalar(f, hint),
            _ => self.literal(hint),
        }
    }

    /// Two of the narrow and unsigned integer types and an operator valid between them
    /// (bitwise operators need an integer promotion: `u64` with a signed type is f64).
    fn narrow_pair(&mut self) -> (Dt, Dt, &'static str) {
        let ta = *self.rng.pick(&NARROW);
        let tb = if self.chance(0.3) {
            ta
        } else {
            *self.rng.pick(&[
                NARROW[0],
                NARROW[1],
                NARROW[2],
                NARROW[3],
                NARROW[4],
                NARROW[5],
                Dt::I32,
                Dt::I64,
                Dt::Bool,
                Dt::F32,
            ])
        };
        let op = *self.rng.pick(&[
            "+", "-", "*", "//", "%", "&", "|", "^", "<<", ">>", "**", "/", "<", "==", ">=",
        ]);
        let t = promote(ta, false, tb, false);
        let ints = matches!(op, "&" | "|" | "^" | "<<" | ">>");
        let tb = if (ints && !t.is_int()) || (tb == Dt::Bool && matches!(op, "//" | "%" | "**")) {
            ta
        } else {
            tb
        };
        (ta, tb, op)
    }

    /// The type of `a op b` for [`Gen::narrow_pair`]'s operators.
    fn narrow_result(ta: Dt, tb: Dt, op: &str) -> Dt {
        let t = promote(ta, false, tb, false);
        match op {
            "/" if !t.is_float() => Dt::F64,
            "<" | "==" | ">=" => Dt::Bool,
            "//" | "%" | "**" | "<<" | ">>" => arith(t),
            _ => t,
        }
    }

    /// A scalar computed in the narrow and unsigned integer types: two integer values
    /// cast into them (the casts wrap), one operator between them (NumPy 2 promotion
    /// decides the type), the result cast to `hint`.
    fn narrow_sx(&mut self, f: &mut Func, hint: Dt) -> Sx {
        let (ta, tb, op) = self.narrow_pair();
        let x = self.int_sx(f, Dt::I64, 1);
        let y = self.int_sx(f, Dt::I64, 1);
        let a = format!("{}(i64({}))", ta.name(), x.text);
        let b = format!("{}(i64({}))", tb.name(), y.text);
        let text = match op {
            "//" | "%" if !self.chance(P_UNSAFE) => format!("({a} {op} max({b}, 1))"),
            "**" if promote(ta, false, tb, false).is_int() => format!("({a} ** ({b} % 3))"),
            _ => format!("({a} {op} {b})"),
        };
        let e = Sx::strong(text, Self::narrow_result(ta, tb, op));
        if e.dt == hint {
            e
        } else {
            self.cast(e, hint)
        }
    }

    /// [`Gen::narrow_sx`] on arrays: `x.astype(u8) op y.astype(i16)`, cast to `hint`.
    fn narrow_ax(&mut self, f: &mut Func, shape: &[usize], hint: Dt, depth: u32) -> Ax {
        let (ta, tb, op) = self.narrow_pair();
        let x = self.exact_array(f, shape, Dt::I64, depth);
        let a = format!("({}).astype({})", x.text, ta.name());
        let b = if self.chance(0.3) {
            let y = self.int_sx(f, Dt::I64, 1);
            format!("{}(i64({}))", tb.name(), y.text)
        } else {
            let y = self.exact_array(f, shape, Dt::I64, depth);
            format!("{}({})", tb.name(), y.text)
        };
        let text = match op {
            "//" | "%" if !self.chance(P_UNSAFE) => format!("({a} {op} maximum({b}, 1))"),
            "**" if promote(ta, false, tb, false).is_int() => format!("({a} ** ({b} % 3))"),
            _ => format!("({a} {op} {b})"),
        };
        let e = Ax {
            text,
            dt: Self::narrow_result(ta, tb, op),
            shape: shape.to_vec(),
            fresh: true,
        };
        if e.dt == hint {
            e
        } else {
            self.array_cast(e, hint)
        }
    }

    fn helper_call_scalar(&mut self, f: &mut Func, hint: Dt) -> Sx {
        let pr = f.in_prange();
        let hs: Vec<Helper> = self
            .helpers
            .iter()
            .filter(|h| matches!(h.ret, Ret::Value(Kind::Scalar(_))) && (!pr || h.pure_fn))
            .cloned()
            .collect();
        if hs.is_empty() {
            return self.literal(hint);
        }
        let h = self.rng.pick(&hs).clone();
        let Ret::Value(Kind::Scalar(d)) = h.ret else {
            unreachable!()
        };
        Sx::strong(self.call(f, &h), d)
    }

    /// `a[i]` / `m[i, j]` of an array in scope.
    fn element_read(&mut self, f: &mut Func, hint: Dt) -> Sx {
        let allow_empty = self.chance(0.1);
        let arrays: Vec<Var> = f
            .vars()
            .filter(|v| f.readable_array(v) && (allow_empty || !is_empty_array(v)))
            .cloned()
            .collect();
        if arrays.is_empty() {
            return self.literal(hint);
        }
        let same: Vec<&Var> = arrays
            .iter()
            .filter(|v| matches!(v.kind, Kind::Array(d, _) if d == hint))
            .collect();
        let v = if !same.is_empty() && self.chance(0.6) {
            same[self.rng.below(same.len())].clone()
        } else {
            arrays[self.rng.below(arrays.len())].clone()
        };
        let Kind::Array(d, shape) = &v.kind else {
            unreachable!()
        };
        let text = match shape.as_slice() {
            [n] => format!("{}[{}]", v.name, self.index(f, *n)),
            [r, c] => {
                let i = self.index(f, *r);
                let j = self.index(f, *c);
                if self.chance(0.2) {
                    format!("{}[{i}][{j}]", v.name)
                } else {
                    format!("{}[{i}, {j}]", v.name)
                }
            }
            _ => unreachable!(),
        };
        Sx::strong(text, *d)
    }

    /// A scalar of an integer (or bool) type.
    fn int_sx(&mut self, f: &mut Func, hint: Dt, depth: u32) -> Sx {
        let h = if hint.is_float() {
            *self.rng.pick(&[Dt::I32, Dt::I64, Dt::I64, Dt::Bool])
        } else {
            hint
        };
        for _ in 0..3 {
            let e = self.sx(f, h, depth);
            if !e.dt.is_float() {
                return e;
            }
        }
        self.literal(h)
    }

    /// A scalar expression of exactly type `d` (strong): casts when needed.
    fn exact(&mut self, f: &mut Func, d: Dt, depth: u32) -> Sx {
        let mut e = self.sx(f, d, depth);
        // Prefer values that need no float-to-int cast (those may fail on nan).
        for _ in 0..2 {
            if !e.dt.is_float() || d.is_float() {
                break;
            }
            e = self.sx(f, d, depth);
        }
        if e.dt == d && !e.weak {
            e
        } else {
            self.cast(e, d)
        }
    }

    /// `T(e)`, guarding float-to-int casts (nan or out of range fail at runtime) except
    /// for a small fraction.
    fn cast(&mut self, e: Sx, to: Dt) -> Sx {
        // NumPy 2 refuses to cast an out-of-bounds Python integer (`np.int32(2**40)`).
        let e = if to.is_int() { fit_int(e, to) } else { e };
        let e = self.guard_float_to_int(e, to);
        let name = match to {
            Dt::F64 if self.chance(0.15) => "float",
            Dt::I64 if self.chance(0.15) => "int",
            _ => to.name(),
        };
        Sx::strong(format!("{name}({})", e.text), to)
    }

    /// A value about to be converted to the integer type `to` (a cast, an annotated
    /// variable, an array element): clipped into range and, when its text is short
    /// enough to repeat, with nan replaced by 0; rarely left unguarded.
    fn guard_float_to_int(&mut self, e: Sx, to: Dt) -> Sx {
        if !(e.dt.is_float() && to.is_int()) || self.chance(P_UNSAFE * 4.0) {
            return e;
        }
        let clipped = format!("clip({}, -1e9, 1e9)", e.text);
        if e.text.len() <= 60 {
            Sx::strong(format!("(0.0 if isnan({}) else {clipped})", e.text), e.dt)
        } else {
            Sx::strong(clipped, e.dt)
        }
    }

    fn guard_array_to_int(&mut self, a: Ax, to: Dt) -> Ax {
        if a.dt.is_float() && to.is_int() && !self.chance(P_UNSAFE * 4.0) {
            let clipped = format!("clip({}, -1e9, 1e9)", a.text);
            let text = if a.text.len() <= 60 {
                format!("where(isnan({}), 0.0, {clipped})", a.text)
            } else {
                clipped
            };
            Ax { text, ..a }
        } else {
            a
        }
    }

    /// A condition (any scalar: numbers are tested by truthiness), mostly comparisons.
    fn cond(&mut self, f: &mut Func) -> Sx {
        self.cond_depth(f, 2)
    }

    fn cond_depth(&mut self, f: &mut Func, depth: u32) -> Sx {
        match self.rng.below(6) {
            0..=2 => self.compare(f, depth),
            3 => self.logical(f, depth),
            _ => self.sx(f, Dt::Bool, depth),
        }
    }

    fn binary(&mut self, f: &mut Func, hint: Dt, depth: u32) -> Sx {
        let op = *self.rng.pick(&[
            Op::Add,
            Op::Add,
            Op::Sub,
            Op::Sub,
            Op::Mul,
            Op::Mul,
            Op::Div,
            Op::FloorDiv,
            Op::Mod,
            Op::Pow,
            Op::And,
            Op::Or,
            Op::Xor,
            Op::Shl,
            Op::Shr,
        ]);
        let a = if op.needs_ints() {
            self.int_sx(f, hint, depth)
        } else {
            self.sx(f, hint, depth)
        };
        let b = self.rhs_for(f, op, &a, depth);
        let (a, b) = if !matches!(op, Op::FloorDiv | Op::Mod | Op::Pow | Op::Shl | Op::Shr)
            && self.chance(0.3)
        {
            (b, a)
        } else {
            (a, b)
        };
        self.combine(op, a, b)
    }

    /// The right operand of `a op ...`: exponents and shift counts small, integer divisors
    /// non-zero (mostly), integer literals that fit the result type.
    fn rhs_for(&mut self, f: &mut Func, op: Op, a: &Sx, depth: u32) -> Sx {
        let b = match op {
            Op::Pow if !a.dt.is_float() => match self.rng.below(20) {
                0..=16 => self.small_int_literal(0, 5),
                17 | 18 => self.small_int_literal(6, 64),
                _ => self.int_sx(f, a.dt, depth.min(1)),
            },
            Op::Pow => match self.rng.below(8) {
                0..=3 => self.small_int_literal(0, 4),
                4 => self.literal_text("0.5", Dt::F64),
                5 => self.literal_text("(-1.0)", Dt::F64),
                _ => {
                    let h = if self.chance(0.8) { a.dt } else { self.hint() };
                    self.sx(f, h, depth)
                }
            },
            Op::Shl | Op::Shr => match self.rng.below(10) {
                0..=7 => self.small_int_literal(0, 12),
                8 => self.small_int_literal(-3, 70),
                _ => self.int_sx(f, Dt::I64, depth.min(1)),
            },
            _ if op.needs_ints() => self.int_sx(f, a.dt, depth),
            _ => {
                let h = if self.chance(0.75) { a.dt } else { self.hint() };
                self.sx(f, h, depth)
            }
        };
        self.fix_rhs(f, op, a, b)
    }

    fn small_int_literal(&mut self, lo: i64, hi: i64) -> Sx {
        let v = self.rng.range(lo, hi);
        Sx {
            text: if v < 0 {
                format!("({v})")
            } else {
                v.to_string()
            },
            dt: Dt::I64,
            weak: true,
            lit: Some(v),
        }
    }

    fn literal_text(&mut self, text: &str, dt: Dt) -> Sx {
        Sx {
            text: text.into(),
            dt,
            weak: true,
            lit: None,
        }
    }

    /// Makes `b` a safe right operand of `a op b`.
    fn fix_rhs(&mut self, _f: &mut Func, op: Op, a: &Sx, mut b: Sx) -> Sx {
        let t = promote(a.dt, a.weak, b.dt, b.weak);
        if t == Dt::Bool && op == Op::Sub {
            // NumPy refuses `-` between booleans: subtract a count.
            return Sx::strong(format!("i64({})", b.text), Dt::I64);
        }
        if matches!(op, Op::FloorDiv | Op::Mod) && !t.is_float() && !self.chance(P_UNSAFE) {
            b = if b.weak || self.chance(0.4) {
                let mut v = self.rng.range(-9, 9);
                if v == 0 {
                    v = 7;
                }
                Sx {
                    text: if v < 0 {
                        format!("({v})")
                    } else {
                        v.to_string()
                    },
                    dt: Dt::I64,
                    weak: true,
                    lit: Some(v),
                }
            } else {
                // max(b, 1) keeps b's (integer) type; bool becomes i64.
                Sx::strong(format!("max({}, 1)", b.text), counted(b.dt))
            };
        }
        // A weak integer literal must fit the type it takes.
        let t = promote(a.dt, a.weak, b.dt, b.weak);
        if t.is_int() {
            b = fit_int(b, t);
        }
        b
    }

    /// `(a op b)` with its type. Operands must already be valid for `op`.
    fn combine(&mut self, op: Op, a: Sx, b: Sx) -> Sx {
        // Arithmetic of integer literals is folded exactly by the compiler (a result beyond
        // int64 is a compile error or a uint64 literal): one side becomes an int64 value,
        // so the operation runs (and wraps) in int64 as the generator models it.
        let a = if a.weak && b.weak && a.dt.is_int() && b.dt.is_int() {
            strong_i64(a)
        } else {
            a
        };
        let t = promote(a.dt, a.weak, b.dt, b.weak);
        let (a, b) = if t.is_int() {
            (fit_int(a, t), fit_int(b, t))
        } else {
            (a, b)
        };
        let t = promote(a.dt, a.weak, b.dt, b.weak);
        // NumPy refuses `-` on booleans.
        let op = if t == Dt::Bool && op == Op::Sub {
            Op::Xor
        } else {
            op
        };
        let text = if op == Op::Pow && self.chance(0.15) {
            format!("pow({}, {})", a.text, b.text)
        } else {
            format!("({} {} {})", a.text, op.symbol(), b.text)
        };
        Sx {
            text,
            dt: op.result(t),
            weak: a.weak && b.weak,
            lit: None,
        }
    }

    fn compare(&mut self, f: &mut Func, depth: u32) -> Sx {
        let h = self.hint();
        let n = if self.chance(0.25) { 3 } else { 2 };
        let mut text = String::from("(");
        for k in 0..n {
            let h2 = if self.chance(0.7) { h } else { self.hint() };
            let e = self.sx(f, h2, depth);
            if k > 0 {
                text += &format!(" {} ", self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]));
            }
            text += &e.text;
        }
        text.push(')');
        Sx::strong(text, Dt::Bool)
    }

    fn logical(&mut self, f: &mut Func, depth: u32) -> Sx {
        let a = self.cond_operand(f, depth);
        let text = match self.rng.below(3) {
            0 => format!("(not {})", a.text),
            k => {
                let b = self.cond_operand(f, depth);
                let op = if k == 1 { "and" } else { "or" };
                let text = format!("({} {op} {})", a.text, b.text);
                // Of two bools a bool; with a number, Python's value: the operand that
                // decided, in the operands' promoted type.
                if a.dt == Dt::Bool && b.dt == Dt::Bool {
                    return Sx::strong(text, Dt::Bool);
                }
                let d = crate::ty::promote(a.dt, a.weak, b.dt, b.weak);
                return Sx {
                    text,
                    dt: d,
                    weak: a.weak && b.weak,
                    lit: None,
                };
            }
        };
        Sx::strong(text, Dt::Bool)
    }

    fn cond_operand(&mut self, f: &mut Func, depth: u32) -> Sx {
        if self.chance(0.6) {
            self.compare(f, depth.saturating_sub(1))
        } else {
            let h = self.hint();
            self.sx(f, h, depth.saturating_sub(1))
        }
    }

    fn unary(&mut self, f: &mut Func, hint: Dt, depth: u32) -> Sx {
        match self.rng.below(5) {
            0..=2 => {
                let a = self.sx(f, hint, depth);
                if a.dt == Dt::Bool {
                    // NumPy refuses `-` on booleans.
                    return Sx {
                        text: format!("(~{})", a.text),
                        dt: Dt::Bool,
                        weak: a.weak,
                        lit: None,
                    };
                }
                // `-` of a literal tree is folded exactly by the compiler: keep it in
                // int64's range (the negation of -2**63 would be a uint64 literal).
                let a = if a.weak && a.dt.is_int() && a.lit.is_none_or(|v| v == i64::MIN) {
                    strong_i64(a)
                } else {
                    a
                };
                Sx {
                    text: format!("(-{})", a.text),
                    dt: a.dt,
                    weak: a.weak,
                    lit: a.lit.map(i64::wrapping_neg),
                }
            }
            3 => {
                let a = self.sx(f, hint, depth);
                Sx {
                    text: format!("(+{})", a.text),
                    dt: a.dt,
                    weak: a.weak,
                    lit: a.lit,
                }
            }
            _ => {
                let a = self.int_sx(f, hint, depth);
                Sx {
                    text: format!("(~{})", a.text),
                    dt: a.dt,
                    weak: a.weak,
                    lit: None,
                }
            }
        }
    }

    /// A math function of scalars.
    fn math_scalar(&mut self, f: &mut Func, hint: Dt, depth: u32) -> Sx {
        let (name, arity) = self.math_fn();
        let mut args = Vec::new();
        for _ in 0..arity {
            let h = if self.chance(0.8) { hint } else { self.hint() };
            args.push(self.sx(f, h, depth));
        }
        let (dt, weak) = math_type(name, args.iter().map(|a| (a.dt, a.weak)));
        let name = match name {
            "minimum" if self.chance(0.5) => "min",
            "maximum" if self.chance(0.5) => "max",
            n => n,
        };
        let texts: Vec<String> = args.into_iter().map(|a| a.text).collect();
        Sx {
            text: format!("{name}({})", texts.join(", ")),
            dt,
            weak,
            lit: None,
        }
    }

    /// A math function from the op table (70% unary, 20% binary, 10% `clip`), with its
    /// arity. `pow` is left out: the compiler treats `pow(x, y)` as `x ** y` (operator
    /// promotion), which `array_binary` and `binary` generate.
    fn math_fn(&mut self) -> (&'static str, usize) {
        let arity = match self.rng.below(10) {
            0..=6 => 1,
            7 | 8 => 2,
            _ => 3,
        };
        let fs: Vec<MathFn> = MathFn::ALL
            .into_iter()
            .filter(|f| f.arity() == arity && *f != MathFn::Pow)
            .collect();
        let f = *self.rng.pick(&fs);
        (f.name(), arity)
    }

    /// `sum(a)`, `a.max()`, `dot(a, b)`, `norm(a)`, ... of an array in scope or of an
    /// array expression.
    fn reduction_scalar(&mut self, f: &mut Func, hint: Dt, depth: u32) -> Sx {
        let shape = self.some_shape(f);
        let h = if self.chance(0.7) { hint } else { self.hint() };
        let a = if depth == 0 {
            self.array_leaf(f, &shape, h)
        } else {
            self.ax(f, &shape, h, depth.min(2))
        };
        if self.chance(0.12) {
            // A boolean-mask selection (its length is data-dependent): reductions that
            // are defined on empty arrays, or its size.
            let m = self.mask(f, &shape);
            let sel = format!("({})[{m}]", a.text);
            return match self.rng.below(4) {
                0 => Sx::strong(format!("{sel}.size"), Dt::I64),
                1 => Sx::strong(format!("any({sel})"), Dt::Bool),
                _ => Sx::strong(format!("sum({sel})"), reduce_type("sum", a.dt)),
            };
        }
        if shape.len() == 1 && shape[0] > 0 && self.chance(0.05) {
            // Integer-array (fancy) indexing with positions kept in bounds.
            let k = self.rng.range(1, 6);
            let sel = format!("({})[(arange({k}) * 7) % {}]", a.text, shape[0]);
            return Sx::strong(format!("sum({sel})"), reduce_type("sum", a.dt));
        }
        if shape.len() == 1 && self.chance(0.1) {
            let b = self.ax(f, &shape, h, depth.saturating_sub(1));
            let t = counted(promote(a.dt, false, b.dt, false));
            return Sx::strong(format!("dot({}, {})", a.text, b.text), t);
        }
        let op = *self.rng.pick(&[
            "sum", "sum", "prod", "min", "max", "mean", "any", "all", "argmin", "argmax", "norm",
        ]);
        let dt = reduce_type(op, a.dt);
        let is_name = a.text.chars().all(|c| c.is_ascii_alphanumeric());
        let axis = if shape.len() == 1 && self.chance(0.15) {
            if self.chance(0.5) {
                ", axis=0"
            } else {
                ", axis=-1"
            }
        } else {
            ""
        };
        let text = if is_name && op != "norm" && self.chance(0.3) {
            format!("{}.{op}({})", a.text, axis.trim_start_matches(", "))
        } else {
            format!("{op}({}{axis})", a.text)
        };
        Sx::strong(text, dt)
    }

    // ------------------------------------------------------------------------------
    // Array expressions
    // ------------------------------------------------------------------------------

    /// An array expression of exactly `shape`, usually of element type `hint`.
    fn ax(&mut self, f: &mut Func, shape: &[usize], hint: Dt, depth: u32) -> Ax {
        if depth == 0 || self.chance(0.35) {
            return self.array_leaf(f, shape, hint);
        }
        let d = depth - 1;
        match self.rng.weighted(&[30, 8, 6, 14, 5, 6, 4, 8]) {
            0 => self.array_binary(f, shape, hint, d),
            7 => self.broadcast_binary(f, shape, hint, d),
            1 => {
                // Comparison: a bool array.
                let a = self.ax(f, shape, hint, d);
                let b = self.array_or_scalar(f, shape, a.dt, d);
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                Ax {
                    text: format!("({} {op} {})", a.text, b.0),
                    dt: Dt::Bool,
                    shape: shape.to_vec(),
                    fresh: true,
                }
            }
            2 => {
                let a = self.ax(f, shape, hint, d);
                let (text, dt) = match self.rng.below(3) {
                    0 if a.dt != Dt::Bool => (format!("(-{})", a.text), a.dt),
                    0 | 1 if !a.dt.is_float() => (format!("(~{})", a.text), a.dt),
                    _ => (
                        format!("abs({})", a.text),
                        math_type("abs", [(a.dt, false)].into_iter()).0,
                    ),
                };
                Ax {
                    text,
                    dt,
                    shape: shape.to_vec(),
                    fresh: true,
                }
            }
            3 => self.array_math(f, shape, hint, d),
            4 => {
                // where(c, x, y)
                let c = self.ax(f, shape, Dt::Bool, d);
                let (x, xd, xw) = self.array_or_scalar(f, shape, hint, d);
                let (y, yd, yw) = self.array_or_scalar(f, shape, hint, d);
                Ax {
                    text: format!("where({}, {x}, {y})", c.text),
                    dt: promote(xd, xw, yd, yw),
                    shape: shape.to_vec(),
                    fresh: true,
                }
            }
            5 if self.chance(0.3) => self.narrow_ax(f, shape, hint, d),
            5 => {
                let from = self.hint();
                let a = self.ax(f, shape, from, d);
                let to = if self.chance(0.7) { hint } else { self.hint() };
                self.array_cast(a, to)
            }
            _ => {
                // (x if c else y) on arrays of one type.
                let c = self.cond_depth(f, 1);
                let x = self.ax(f, shape, hint, d);
                let y = self.exact_array(f, shape, x.dt, d);
                Ax {
                    text: format!("({} if {} else {})", x.text, c.text, y.text),
                    dt: x.dt,
                    shape: shape.to_vec(),
                    fresh: x.fresh && y.fresh,
                }
            }
        }
    }

    /// An array expression of exactly `shape` and element type `d`.
    fn exact_array(&mut self, f: &mut Func, shape: &[usize], d: Dt, depth: u32) -> Ax {
        let a = self.ax(f, shape, d, depth);
        if a.dt == d {
            a
        } else {
            self.array_cast(a, d)
        }
    }

    fn array_cast(&mut self, a: Ax, to: Dt) -> Ax {
        let a = self.guard_array_to_int(a, to);
        let text = if self.chance(0.4) {
            format!("({}).astype({})", a.text, to.name())
        } else {
            format!("{}({})", to.name(), a.text)
        };
        Ax {
            text,
            dt: to,
            shape: a.shape,
            fresh: true,
        }
    }

    /// An operand that broadcasts to `shape`: an array of that shape, a row (for 2-D) or
    /// a scalar. Returns the text, element type and weakness.
    fn array_or_scalar(
        &mut self,
        f: &mut Func,
        shape: &[usize],
        hint: Dt,
        depth: u32,
    ) -> (String, Dt, bool) {
        match self.rng.below(12) {
            0..=5 => {
                let a = self.ax(f, shape, hint, depth);
                (a.text, a.dt, false)
            }
            6 if shape.len() == 2 => {
                let a = self.ax(f, &shape[1..], hint, depth);
                (a.text, a.dt, false)
            }
            10 | 11 => {
                // An operand with axes of length 1 (or of lower rank) that broadcasts.
                let s = self.broadcast_shape(shape);
                let a = self.ax(f, &s, hint, depth);
                (a.text, a.dt, false)
            }
            _ => {
                // Weak integer literals beside arrays stay within i32 (an i32 array
                // would reject them).
                let s = fit_int(self.sx(f, hint, depth.min(1)), Dt::I32);
                (s.text, s.dt, s.weak)
            }
        }
    }

    /// A shape that broadcasts to `shape` without being it: axes of length 1, or a lower
    /// rank (`(n, 1)`, `(1, m)`, `(m,)`, `(1,)` for `(n, m)`).
    fn broadcast_shape(&mut self, shape: &[usize]) -> Shape {
        match shape {
            [_] => vec![1],
            [r, c] => match self.rng.below(5) {
                0 => vec![*r, 1],
                1 => vec![1, *c],
                2 => vec![*c],
                3 => vec![1, 1],
                _ => vec![1],
            },
            _ => shape.to_vec(),
        }
    }

    /// Two operand shapes whose broadcast is exactly `shape`, usually neither equal to it:
    /// `(n, 1)` with `(1, m)`, `(m,)` with `(n, 1)`, `(1,)` with `(n,)`, ...
    fn broadcast_pair(&mut self, shape: &[usize]) -> (Shape, Shape) {
        let (a, b) = match shape {
            [n] => (vec![1], vec![*n]),
            [r, c] => match self.rng.below(5) {
                0 | 1 => (vec![*r, 1], vec![1, *c]),
                2 => (vec![*c], vec![*r, 1]),
                3 => (vec![*r, 1], shape.to_vec()),
                _ => {
                    let s = self.broadcast_shape(shape);
                    (s, shape.to_vec())
                }
            },
            _ => (shape.to_vec(), shape.to_vec()),
        };
        if self.chance(0.5) {
            (b, a)
        } else {
            (a, b)
        }
    }

    /// An element-wise operation whose operands only broadcast to `shape` (outer-product
    /// style `x - y` with shapes `(n, 1)` and `(1, m)`, rank-different operands).
    fn broadcast_binary(&mut self, f: &mut Func, shape: &[usize], hint: Dt, depth: u32) -> Ax {
        let (sa, sb) = self.broadcast_pair(shape);
        let a = self.ax(f, &sa, hint, depth);
        let b = self.ax(f, &sb, hint, depth);
        let t = promote(a.dt, false, b.dt, false);
        let (text, dt) = match self.rng.below(8) {
            0..=4 => {
                let op = *self
                    .rng
                    .pick(&[Op::Add, Op::Sub, Op::Mul, Op::Mul, Op::Div]);
                let op = no_bool_sub(op, t);
                (
                    format!("({} {} {})", a.text, op.symbol(), b.text),
                    op.result(t),
                )
            }
            5 => {
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                (format!("({} {op} {})", a.text, b.text), Dt::Bool)
            }
            6 => {
                let name = *self
                    .rng
                    .pick(&["minimum", "maximum", "hypot", "arctan2", "copysign"]);
                let (dt, _) = math_type(name, [(a.dt, false), (b.dt, false)].into_iter());
                (format!("{name}({}, {})", a.text, b.text), dt)
            }
            _ => {
                let c = self.ax(f, shape, Dt::Bool, depth.min(1));
                (
                    format!("where({}, {}, {})", c.text, a.text, b.text),
                    promote(a.dt, false, b.dt, false),
                )
            }
        };
        Ax {
            text,
            dt,
            shape: shape.to_vec(),
            fresh: true,
        }
    }

    fn array_binary(&mut self, f: &mut Func, shape: &[usize], hint: Dt, depth: u32) -> Ax {
        let op = *self.rng.pick(&[
            Op::Add,
            Op::Add,
            Op::Sub,
            Op::Mul,
            Op::Mul,
            Op::Div,
            Op::FloorDiv,
            Op::Mod,
            Op::Pow,
            Op::And,
            Op::Or,
            Op::Xor,
        ]);
        let h = if op.needs_ints() && hint.is_float() {
            *self.rng.pick(&[Dt::Bool, Dt::I32, Dt::I64])
        } else {
            hint
        };
        let mut a = self.ax(f, shape, h, depth);
        if op.needs_ints() && a.dt.is_float() {
            a = self.array_cast(a, Dt::I64);
        }
        // The right operand: its type and weakness decide the result type.
        let (btext, bdt, bweak) = match op {
            Op::Pow if !a.dt.is_float() => {
                let e = if self.chance(0.97) {
                    self.small_int_literal(0, 4)
                } else {
                    self.small_int_literal(-2, 3)
                };
                (e.text, e.dt, true)
            }
            Op::FloorDiv | Op::Mod | Op::Pow | Op::Div => {
                let (t, d, w) = self.array_or_scalar(f, shape, a.dt, depth);
                let res = promote(a.dt, false, d, w);
                if op != Op::Pow && op != Op::Div && !res.is_float() && !self.chance(P_UNSAFE) {
                    let v = self.rng.range(1, 9);
                    if w || self.chance(0.5) {
                        (v.to_string(), Dt::I64, true)
                    } else {
                        (format!("maximum({t}, 1)"), counted(d), false)
                    }
                } else {
                    (t, d, w)
                }
            }
            _ if op.needs_ints() => {
                let (t, d, w) = self.array_or_scalar(f, shape, h, depth);
                if d.is_float() {
                    let e = self.literal(Dt::I64);
                    (e.text, Dt::I64, true)
                } else {
                    (t, d, w)
                }
            }
            _ => self.array_or_scalar(f, shape, hint, depth),
        };
        let mut btext = btext;
        let t = promote(a.dt, false, bdt, bweak);
        let op = no_bool_sub(op, t);
        if t.is_int() && bweak {
            // Keep weak integer literals within the type (compile error otherwise).
            let digits: String = btext
                .chars()
                .filter(|c| !matches!(c, '(' | ')' | '_'))
                .collect();
            if let Ok(v) = digits.parse::<i64>() {
                let (lo, hi) = t.int_range();
                if !(lo..=hi).contains(&(v as i128)) {
                    btext = (v.rem_euclid(100)).to_string();
                }
            }
        }
        let text = if !matches!(op, Op::FloorDiv | Op::Mod | Op::Pow) && self.chance(0.3) {
            format!("({btext} {} {})", op.symbol(), a.text)
        } else {
            format!("({} {} {btext})", a.text, op.symbol())
        };
        Ax {
            text,
            dt: op.result(t),
            shape: shape.to_vec(),
            fresh: true,
        }
    }

    fn array_math(&mut self, f: &mut Func, shape: &[usize], hint: Dt, depth: u32) -> Ax {
        let (name, arity) = self.math_fn();
        let a = self.ax(f, shape, hint, depth);
        let mut texts = vec![a.text];
        let mut types = vec![(a.dt, false)];
        for _ in 1..arity {
            let (t, d, w) = self.array_or_scalar(f, shape, hint, depth);
            texts.push(t);
            types.push((d, w));
        }
        let (dt, _) = math_type(name, types.into_iter());
        let name = if name == "abs" && self.chance(0.3) {
            "absolute"
        } else {
            name
        };
        Ax {
            text: format!("{name}({})", texts.join(", ")),
            dt,
            shape: shape.to_vec(),
            fresh: true,
        }
    }

    /// A leaf array of exactly `shape`: a variable, a view, a constructor, an axis
    /// reduction, a helper call.
    fn array_leaf(&mut self, f: &mut Func, shape: &[usize], hint: Dt) -> Ax {
        match self.rng.weighted(&[40, 15, 22, 6, 7]) {
            0 => {
                let vs: Vec<Var> = f
                    .vars()
                    .filter(|v| f.readable_array(v))
                    .filter(|v| matches!(&v.kind, Kind::Array(_, s) if s == shape))
                    .cloned()
                    .collect();
                if vs.is_empty() {
                    return self.constructor(f, shape, hint);
                }
                let v = self.rng.pick(&vs).clone();
                let Kind::Array(d, _) = v.kind else {
                    unreachable!()
                };
                Ax {
                    text: v.name,
                    dt: d,
                    shape: shape.to_vec(),
                    fresh: false,
                }
            }
            1 => self.view_of_shape(f, shape, hint),
            3 if shape.len() == 1 => self.axis_reduction(f, shape[0], hint),
            4 => self.helper_call_array(f, shape, hint),
            _ => self.constructor(f, shape, hint),
        }
    }

    /// A view of some array variable with exactly `shape`.
    fn view_of_shape(&mut self, f: &mut Func, shape: &[usize], hint: Dt) -> Ax {
        let cands: Vec<Var> = f
            .vars()
            .filter(|v| f.readable_array(v))
            .filter(|v| match (&v.kind, shape) {
                (Kind::Array(_, s), [n]) => match s.as_slice() {
                    [m] => m >= n,
                    [r, c] => r == n || c == n || c >= n,
                    _ => false,
                },
                (Kind::Array(_, s), [r, c]) => s.len() == 2 && s[0] >= *r && s[1] >= *c,
                _ => false,
            })
            .cloned()
            .collect();
        if cands.is_empty() {
            return self.constructor(f, shape, hint);
        }
        let v = self.rng.pick(&cands).clone();
        let Kind::Array(d, vs) = &v.kind else {
            unreachable!()
        };
        let name = &v.name;
        let text = match (vs.as_slice(), shape) {
            ([m], [n]) => format!("{name}[{}]", self.exact_slice(*m, *n)),
            ([r, c], [n]) => {
                let mut opts = Vec::new();
                if c == n && *r > 0 {
                    opts.push(0);
                }
                if r == n && *c > 0 {
                    opts.push(1);
                }
                if c >= n && *r > 0 {
                    opts.push(2);
                }
                if opts.is_empty() {
                    return self.constructor(f, shape, hint);
                }
                match *self.rng.pick(&opts) {
                    0 => {
                        let i = self.index(f, *r);
                        if self.chance(0.5) {
                            format!("{name}[{i}]")
                        } else {
                            format!("{name}[{i}, :]")
                        }
                    }
                    1 => {
                        let j = self.index(f, *c);
                        format!("{name}[:, {j}]")
                    }
                    _ => {
                        let i = self.index(f, *r);
                        format!("{name}[{i}, {}]", self.exact_slice(*c, *n))
                    }
                }
            }
            ([r, c], [n, m]) => {
                let s1 = self.exact_slice(*r, *n);
                let s2 = self.exact_slice(*c, *m);
                if s2 == ":" && self.chance(0.5) {
                    format!("{name}[{s1}]")
                } else {
                    format!("{name}[{s1}, {s2}]")
                }
            }
            _ => return self.constructor(f, shape, hint),
        };
        Ax {
            text,
            dt: *d,
            shape: shape.to_vec(),
            fresh: false,
        }
    }

    /// `sum(m, axis=0)` and friends: a 1-D array of length `n` from a 2-D operand.
    fn axis_reduction(&mut self, f: &mut Func, n: usize, hint: Dt) -> Ax {
        let other = self.rng.below(4) + usize::from(!self.chance(0.05));
        let axis = self.rng.below(2);
        let shape = if axis == 0 {
            vec![other, n]
        } else {
            vec![n, other]
        };
        let a = if self.chance(0.5) {
            self.array_leaf(f, &shape, hint)
        } else {
            self.ax(f, &shape, hint, 1)
        };
        let op = *self.rng.pick(&[
            "sum", "sum", "prod", "min", "max", "mean", "any", "all", "argmin", "argmax", "norm",
        ]);
        let axis_text = if self.chance(0.3) {
            format!("{}", axis as i64 - 2)
        } else {
            axis.to_string()
        };
        let is_name = a.text.chars().all(|c| c.is_ascii_alphanumeric());
        let text = if is_name && op != "norm" && self.chance(0.3) {
            format!("{}.{op}(axis={axis_text})", a.text)
        } else {
            format!("{op}({}, axis={axis_text})", a.text)
        };
        Ax {
            text,
            dt: reduce_type(op, a.dt),
            shape: vec![n],
            fresh: true,
        }
    }

    fn helper_call_array(&mut self, f: &mut Func, shape: &[usize], hint: Dt) -> Ax {
        let pr = f.in_prange();
        let hs: Vec<Helper> = self
            .helpers
            .iter()
            .filter(|h| matches!(&h.ret, Ret::Value(Kind::Array(_, s)) if s == shape))
            .filter(|h| !pr || h.pure_fn)
            .cloned()
            .collect();
        if hs.is_empty() {
            return self.constructor(f, shape, hint);
        }
        let h = self.rng.pick(&hs).clone();
        let Ret::Value(Kind::Array(d, _)) = h.ret else {
            unreachable!()
        };
        Ax {
            text: self.call(f, &h),
            dt: d,
            shape: shape.to_vec(),
            // A helper may return (a view of) its argument.
            fresh: false,
        }
    }

    /// `zeros`, `ones`, `full`, `arange`, `linspace`, `random`, `*_like`, `copy`.
    fn constructor(&mut self, f: &mut Func, shape: &[usize], hint: Dt) -> Ax {
        let st = shape_text(shape, self.chance(0.2));
        let one_d = shape.len() == 1;
        let n = shape[0];
        let like: Vec<Var> = f
            .vars()
            .filter(|v| f.readable_array(v))
            .filter(|v| matches!(&v.kind, Kind::Array(_, s) if s == shape))
            .cloned()
            .collect();
        let (text, dt) = match self.rng.below(12) {
            0..=2 => {
                let name = *self.rng.pick(&["zeros", "ones", "empty"]);
                match self.rng.below(3) {
                    0 => (format!("{name}({st})"), Dt::F64),
                    1 => (format!("{name}({st}, {})", hint.name()), hint),
                    _ => (format!("{name}({st}, dtype={})", hint.name()), hint),
                }
            }
            3 | 4 => {
                let v = if self.chance(0.5) {
                    self.literal(hint)
                } else {
                    self.exact(f, hint, 1)
                };
                (format!("full({st}, {})", v.text), v.dt)
            }
            5 if one_d => {
                let n = n as i64;
                match self.rng.below(4) {
                    0 => (format!("arange({n})"), Dt::I64),
                    1 => {
                        let a = self.rng.range(-5, 5);
                        let s = self.rng.range(1, 3);
                        (format!("arange({a}, {}, {s})", a + n * s), Dt::I64)
                    }
                    2 => {
                        let a = self.rng.range(-5, 5);
                        let s = self.rng.range(1, 3);
                        (format!("arange({a}, {}, -{s})", a - n * s), Dt::I64)
                    }
                    _ => {
                        let d = *self.rng.pick(&[Dt::F32, Dt::F64, Dt::I32]);
                        (format!("arange({n}, dtype={})", d.name()), d)
                    }
                }
            }
            6 if one_d => {
                let a = self.sx(f, Dt::F64, 1);
                let b = self.literal(Dt::F64);
                (format!("linspace({}, {}, {n})", a.text, b.text), Dt::F64)
            }
            7 | 8 => {
                f.pure_fn = false;
                match self.rng.below(3) {
                    0 => (format!("random({st})"), Dt::F64),
                    1 => (format!("normal({st})"), Dt::F64),
                    _ => {
                        let lo = self.rng.range(-10, 10);
                        let hi = lo + self.rng.range(1, 20);
                        (format!("randint({lo}, {hi}, {st})"), Dt::I64)
                    }
                }
            }
            9 | 10 if !like.is_empty() => {
                let v = self.rng.pick(&like).clone();
                let Kind::Array(d, _) = v.kind else {
                    unreachable!()
                };
                match self.rng.below(5) {
                    0 => (format!("zeros_like({})", v.name), d),
                    1 => (format!("ones_like({})", v.name), d),
                    2 => {
                        let x = self.literal(hint);
                        (format!("full_like({}, {})", v.name, x.text), d)
                    }
                    3 => (format!("zeros_like({}, {})", v.name, hint.name()), hint),
                    _ => (format!("{}.copy()", v.name), d),
                }
            }
            _ => (format!("zeros({st}, {})", hint.name()), hint),
        };
        Ax {
            text,
            dt,
            shape: shape.to_vec(),
            fresh: true,
        }
    }
}

fn is_empty_array(v: &Var) -> bool {
    matches!(&v.kind, Kind::Array(_, s) if s.contains(&0))
}

/// A weak integer literal that does not fit in i32 replaced by one that does (the
/// compiler rejects `x_i32 + 3_000_000_000`, as NumPy 2 does).
/// NumPy refuses `-` between booleans: `^` (exclusive or) instead.
fn no_bool_sub(op: Op, t: Dt) -> Op {
    if t == Dt::Bool && op == Op::Sub {
        Op::Xor
    } else {
        op
    }
}

/// The type that counts booleans (i64); other types are themselves.
fn counted(d: Dt) -> Dt {
    if d == Dt::Bool {
        Dt::I64
    } else {
        d
    }
}

/// A weak integer literal brought into the range of integer type `t` (NumPy 2 refuses a
/// Python integer that does not fit the type it combines with).
fn fit_int(x: Sx, t: Dt) -> Sx {
    let (lo, hi) = t.int_range();
    match x.lit {
        Some(v) if x.weak && !(lo..=hi).contains(&(v as i128)) => {
            let v = v.rem_euclid(if hi < 1000 { 100 } else { 1000 });
            Sx {
                text: v.to_string(),
                dt: Dt::I64,
                weak: true,
                lit: Some(v),
            }
        }
        _ => x,
    }
}

/// Result type of a math function of arguments `(type, weak)` (the op table's rule).
fn math_type(name: &str, args: impl Iterator<Item = (Dt, bool)>) -> (Dt, bool) {
    let mut t: Option<(Dt, bool)> = None;
    for (d, w) in args {
        t = Some(match t {
            None => (d, w),
            Some((p, pw)) => (promote(p, pw, d, w), pw && w),
        });
    }
    let (t, _) = t.expect("at least one argument");
    let f = MathFn::from_name(name).expect("a math function of the op table");
    // A function of literals is strong (`cos(3)` is f64, as `np.cos(3)`).
    (f.types(t).1, false)
}

/// Result type of a reduction of an array of element type `d` (the op table's rule).
fn reduce_type(op: &str, d: Dt) -> Dt {
    ReduceOp::from_name(op)
        .expect("a reduction of the op table")
        .types(d)
        .1
}

/// An integer literal (tree) as an explicit int64 value (`i64(...)`): not weak, and not
/// folded by the compiler.
fn strong_i64(a: Sx) -> Sx {
    Sx {
        text: format!("i64({})", a.text),
        dt: Dt::I64,
        weak: false,
        lit: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_lengths_follow_python() {
        assert_eq!(slice_len(10, Some(1), Some(-1), 1), 8);
        assert_eq!(slice_len(10, None, None, -1), 10);
        assert_eq!(slice_len(10, Some(5), Some(1), -1), 4);
        assert_eq!(slice_len(10, Some(2), Some(100), 1), 8);
        assert_eq!(slice_len(10, Some(-100), Some(2), 1), 2);
        assert_eq!(slice_len(10, Some(5), Some(2), 1), 0);
        assert_eq!(slice_len(10, Some(1), Some(7), 3), 2);
        assert_eq!(slice_len(10, None, None, -2), 5);
        assert_eq!(slice_len(0, None, None, -1), 0);
        assert_eq!(slice_len(3, Some(-5), None, -1), 0);
    }

    #[test]
    fn same_seed_same_program() {
        for seed in 0..20 {
            assert_eq!(generate(seed), generate(seed));
        }
        assert_ne!(generate(1), generate(2));
    }
}
