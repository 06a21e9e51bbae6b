#!/usr/bin/env python3
"""Fixtures for the fitted magnitude dimension (test/core/dimension-fit.test.ts).

Paths in R^10 of n = 1000 points: x_0 = 0, x_k = x_{k-1} + increment, increments i.i.d. per
coordinate. Brownian: standard normal increments (range dimension 2). Levy: symmetric alpha-stable
increments, scipy.stats.levy_stable(alpha, beta=0) (range dimension alpha for alpha < 2), as in
Andreeva et al. TAG-ML 2023 (their Lévy experiment, R^10).

Run:  /usr/bin/python3 scripts/make-levy-fixtures.py
(Debian bookworm python3-numpy 1.24.2, python3-scipy 1.10.1; versions are written to
test/fixtures/trajectory/README.md's table by hand and printed here.)
"""
import pathlib

import numpy as np
import scipy
from scipy.stats import levy_stable

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "trajectory"
N, D, SEED = 1000, 10, 20231
ALPHAS = (0.8, 1.2, 1.6, 1.9)


def path(increments: np.ndarray) -> np.ndarray:
    return np.vstack([np.zeros((1, D)), np.cumsum(increments, axis=0)])[:N]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    np.save(OUT / "brownian_r10.npy", path(rng.standard_normal((N, D))))
    for alpha in ALPHAS:
        inc = levy_stable.rvs(alpha, 0.0, size=(N, D), random_state=np.random.default_rng(SEED + int(alpha * 100)))
        np.save(OUT / f"levy_alpha{alpha:.1f}_r10.npy", path(inc))
    print("numpy", np.__version__, "scipy", scipy.__version__, "seed", SEED, "alphas", ALPHAS)


if __name__ == "__main__":
    main()
