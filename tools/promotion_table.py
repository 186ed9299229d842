#!/usr/bin/env python3
"""Writes NumPy 2's promotion table for the kernel language's element types to
crates/kernelc-sema/tests/data/promotion.txt (read by crates/kernelc-sema/tests/promotion.rs).

Each line is `A B -> R`: the result type of an arithmetic operator (`+`) between a value
of type A and a value of type B. A type prefixed with `weak:` is a Python literal
(NEP 50): `weak:int` is `1`, `weak:float` is `1.5`, `weak:bool` is `True`.
Usage: tools/promotion_table.py
"""
import os

import numpy as np

NAMES = {
    "bool": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
    "f32": np.float32, "f64": np.float64,
}
BACK = {np.dtype(v): k for k, v in NAMES.items()}
WEAK = {"weak:int": 1, "weak:float": 1.5, "weak:bool": True}


def main():
    lines = []
    for a, ta in NAMES.items():
        for b, tb in NAMES.items():
            r = np.result_type(ta, tb)
            lines.append("%s %s -> %s" % (a, b, BACK[r]))
        for w, v in WEAK.items():
            r = (np.ones(1, ta) + v).dtype
            lines.append("%s %s -> %s" % (a, w, BACK[r]))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates",
                       "kernelc-sema", "tests", "data", "promotion.txt")
    with open(out, "w") as f:
        f.write("# NumPy %s promotion table (tools/promotion_table.py)\n" % np.__version__)
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
