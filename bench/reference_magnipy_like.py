"""
Reference for bench/profile-vs-reference.ts: what magnipy's default profile does, on numpy/scipy.

Per cloud (a .npy file): np.unique rows (dedup, sorted) -> scipy cdist -> t_conv(q=0.95) by bracketing
[0, 10] and widening x10 until Mag >= q*n, then scipy TOMS748 with rtol 1e-5 (one Cholesky per probe)
-> 30 linear scales on [0, t_conv], one Cholesky solve per scale -> trapezoid MagArea -> magnitude
dimension (max of dlogMag/dlogt). Z = exp(-t*D) (magnipy uses exp(-D)**t: same cost).

Usage: python3 reference_magnipy_like.py REPS cloud.npy [check_ts.npy]
Prints one JSON line: median wall time (s) of the timed profile, t_conv, area, dimension, and - untimed -
the magnitude at the scales in check_ts.npy (for the accuracy comparison).
Run it with OPENBLAS_CORETYPE=SkylakeX (Debian's OpenBLAS 0.3.21 otherwise uses SSE3 kernels) and
OPENBLAS_NUM_THREADS / OMP_NUM_THREADS equal to magtrack's thread count.
"""
import json
import sys
import time

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import toms748
from scipy.spatial.distance import cdist


def magnitude(D, t):
    if t == 0:
        return 1.0
    Z = np.exp(-t * D)
    c = cho_factor(Z, lower=False, check_finite=False)
    w = cho_solve(c, np.ones(D.shape[0]), check_finite=False)
    return float(w.sum())


def t_conv(D, q=0.95):
    target = q * D.shape[0]
    f = lambda t: magnitude(D, t) - target  # noqa: E731
    lo, hi = 0.0, 10.0
    while f(hi) < 0:
        lo, hi = hi, hi * 10
    return toms748(f, lo, hi, rtol=1e-5)


def profile(X):
    X = np.unique(X, axis=0)
    D = cdist(X, X)
    T = t_conv(D)
    ts = np.linspace(0, T, 30)
    mags = np.array([magnitude(D, t) for t in ts])
    area = np.trapz(mags, ts)
    lt, lm = np.log(ts[1:]), np.log(mags[1:])
    dim = float(np.max(np.diff(lm) / np.diff(lt)))
    return T, area, dim, D


def main():
    reps = int(sys.argv[1])
    X = np.load(sys.argv[2])
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        T, area, dim, D = profile(X)
        times.append(time.perf_counter() - t0)
    out = {"median_s": float(np.median(times)), "times_s": times, "t_conv": float(T), "area": float(area), "dim": dim}
    if len(sys.argv) > 3:
        ts = np.load(sys.argv[3])
        out["check_magnitude"] = [magnitude(D, float(t)) for t in ts]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
