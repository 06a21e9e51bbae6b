"""
Reference for bench/sync-realistic.ts: a magnipy-like numpy/scipy loop over every activation file of a
local store, the work a user would do without magtrack: for each <root>/<run>/activations/<layer>/step_<N>.npy,
the profile of bench/reference_magnipy_like.py (np.unique rows, scipy cdist, t_conv(q = 0.95) by
TOMS748 with one Cholesky per probe, 30 linear scales on [0, t_conv], MagArea, dimension).

Usage: python3 reference_sync_loop.py ROOT
Prints one JSON line: wall time (s) of the whole loop (reading the files included), the number of
clouds, the OpenBLAS core in use (openblas_get_corename: run with OPENBLAS_CORETYPE=SkylakeX, Debian's
OpenBLAS 0.3.21 otherwise picks Haswell or SSE3 kernels on this CPU) and t_conv per file.
"""
import ctypes
import glob
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_magnipy_like import profile  # noqa: E402


def openblas_core():
    for line in open("/proc/self/maps"):
        path = line.split()[-1]
        if "openblas" in path.lower() and ".so" in path:
            try:
                f = ctypes.CDLL(path).openblas_get_corename
            except (OSError, AttributeError):
                continue
            f.restype = ctypes.c_char_p
            return f().decode()
    return "unknown"


def main():
    root = sys.argv[1]
    files = sorted(glob.glob(os.path.join(root, "*", "activations", "*", "step_*.npy")))
    t0 = time.perf_counter()
    t_conv = {}
    for f in files:
        T, _area, _dim, _D = profile(np.load(f))
        t_conv[os.path.relpath(f, root)] = float(T)
    wall = time.perf_counter() - t0
    print(json.dumps({"wall_s": wall, "clouds": len(files), "openblas_core": openblas_core(),
                      "numpy": np.__version__, "t_conv": t_conv}))


if __name__ == "__main__":
    main()
