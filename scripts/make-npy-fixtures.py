#!/usr/bin/env python3
"""Write reference .npy / .npz files with real numpy, plus their expected decoded values.

Output: test/fixtures/npy-reference/*.npy, *.npz and expected.json. Each expected entry holds
the shape, n, d and the values as numpy itself decodes them: `a.reshape(n, -1).astype(np.float64)`
in C order, flattened. Python's json writes floats with repr(), which round-trips exactly.

Run from the repository root:  python3 scripts/make-npy-fixtures.py
"""
import io
import json
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "npy-reference")


def expected(a):
    a = np.asarray(a)
    n = a.shape[0]
    flat = a.reshape(n, -1).astype(np.float64)
    return {
        "dtype": a.dtype.str,
        "fortran_order": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
        "shape": list(a.shape),
        "n": int(n),
        "d": int(flat.shape[1]),
        "values": [float(x) for x in flat.ravel(order="C")],
    }


def save(name, a, version=None):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        if version is None:
            np.save(f, a)
        else:
            np.lib.format.write_array(f, a, version=version)
    return expected(a)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240601)
    base = rng.standard_normal((5, 3))
    cases = {}

    # Floats, both byte orders, versions 1.0 / 2.0 / 3.0.
    cases["f8_le_c.npy"] = save("f8_le_c.npy", base.astype("<f8"))
    cases["f8_be_c.npy"] = save("f8_be_c.npy", base.astype(">f8"))
    cases["f4_le_c.npy"] = save("f4_le_c.npy", base.astype("<f4"))
    cases["f4_be_c.npy"] = save("f4_be_c.npy", base.astype(">f4"))
    cases["f8_v2.npy"] = save("f8_v2.npy", base, version=(2, 0))
    cases["f8_v3.npy"] = save("f8_v3.npy", base, version=(3, 0))
    # float16 corner values: smallest subnormal 2^-24, largest subnormal, smallest normal, max, -0.
    half = np.array(
        [[2.0**-24, 1023 * 2.0**-24], [2.0**-14, 65504.0], [-0.0, -1.5], [0.333251953125, -2.0**-24]]
    )
    cases["f2_le.npy"] = save("f2_le.npy", half.astype("<f2"))
    cases["f2_be.npy"] = save("f2_be.npy", half.astype(">f2"))

    # Integers (little and big endian), including 64-bit values beyond 2^53 (rounded to nearest
    # float64, as numpy's astype does).
    ints = np.array([[0, 1, -1], [127, -128, 5], [42, -7, 100]])
    for t in ["i1", "i2", "i4", "i8"]:
        cases[f"{t}_le.npy"] = save(f"{t}_le.npy", ints.astype("<" + t))
        if t != "i1":
            cases[f"{t}_be.npy"] = save(f"{t}_be.npy", ints.astype(">" + t))
    uints = np.array([[0, 1, 255], [7, 200, 13]])
    for t in ["u1", "u2", "u4", "u8"]:
        cases[f"{t}_le.npy"] = save(f"{t}_le.npy", uints.astype("<" + t))
        if t != "u1":
            cases[f"{t}_be.npy"] = save(f"{t}_be.npy", uints.astype(">" + t))
    big_i = np.array([[2**53 + 1, -(2**63)], [2**63 - 1, 2**53 + 3]], dtype="<i8")
    cases["i8_beyond_2p53.npy"] = save("i8_beyond_2p53.npy", big_i)
    big_u = np.array([[2**64 - 1, 2**53 + 1], [2**63 + 2**11 + 1, 9007199254740993]], dtype=">u8")
    cases["u8_beyond_2p53_be.npy"] = save("u8_beyond_2p53_be.npy", big_u)
    cases["bool.npy"] = save("bool.npy", np.array([[True, False, True], [False, False, True]]))

    # Orders and ranks: Fortran 2-D and 3-D, C 3-D, 1-D, a single row.
    cube = np.arange(24, dtype=np.float64).reshape(3, 2, 4) * 0.5 - 3
    cases["f8_fortran_2d.npy"] = save("f8_fortran_2d.npy", np.asfortranarray(base))
    cases["f4_fortran_3d_be.npy"] = save("f4_fortran_3d_be.npy", np.asfortranarray(cube.astype(">f4")))
    cases["f8_c_3d.npy"] = save("f8_c_3d.npy", cube)
    cases["i2_fortran_3d.npy"] = save("i2_fortran_3d.npy", np.asfortranarray(cube.astype("<i2")))
    cases["f8_1d.npy"] = save("f8_1d.npy", np.array([0.5, -1.25, 3.0, 1e300]))
    cases["f8_one_row.npy"] = save("f8_one_row.npy", np.array([[1.0, 2.0, 3.0]]))

    # .npz: stored (savez) and deflated (savez_compressed), several arrays each.
    layers = {"layer1": base, "layer2": cube.astype("<f4"), "head": ints.astype(">i2")}
    for fname, writer in [("stored.npz", np.savez), ("deflated.npz", np.savez_compressed)]:
        writer(os.path.join(OUT, fname), **layers)
        cases[fname] = {"arrays": {k: expected(v) for k, v in layers.items()}}

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"numpy_version": np.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} fixtures to {os.path.normpath(OUT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
