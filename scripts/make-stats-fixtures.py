#!/usr/bin/env python3
"""Reference values for src/analysis/ (test/analysis/rank-correlations.test.ts).

Kendall tau-b and Spearman rho with two-sided p-values from scipy.stats.kendalltau (variant "b",
method "auto": exact without ties for n <= 33 or <= 1 discordant/concordant pair, else asymptotic
with tie correction) and scipy.stats.spearmanr; Benjamini-Hochberg q from statsmodels'
multipletests(method="fdr_bh") (scipy 1.10 has no false_discovery_control); the stratified Kendall
test of src/analysis/stratified.ts by brute-force pair counting per stratum, with its one-stratum
case also from scipy.stats.kendalltau(method="asymptotic").

Run:  /usr/bin/python3 scripts/make-stats-fixtures.py
(Debian bookworm: python3-numpy 1.24.2, python3-scipy 1.10.1, python3-statsmodels 0.13.5; the
versions are also written into the fixture's "provenance" field.)
"""
import json
import math
import pathlib

import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.multitest import multipletests

OUT = pathlib.Path(__file__).resolve().parent.parent / "test" / "fixtures" / "stats" / "rank-correlations.json"
SEED = 20261204


def num(v):
    v = float(v)
    return None if math.isnan(v) else v


def pair_case(name, x, y):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    k = stats.kendalltau(x, y)
    s = stats.spearmanr(x, y)
    return {"name": name, "x": x, "y": y, "tau": num(k.statistic), "p": num(k.pvalue),
            "rho": num(s.statistic), "rho_p": num(s.pvalue)}


def stratified_reference(x, y, g):
    """Brute force: S_k and its tie-corrected null variance per stratum, pooled (see stratified.ts)."""
    sum_s = sum_v = sum_d = 0.0
    n_used = 0
    for level in sorted(set(g)):
        idx = [i for i, v in enumerate(g) if v == level]
        if len(idx) < 2:
            continue
        xs = [x[i] for i in idx]
        ys = [y[i] for i in idx]
        n = len(xs)
        s = sum(np.sign(xs[i] - xs[j]) * np.sign(ys[i] - ys[j]) for i in range(n) for j in range(i + 1, n))
        def ties(vals):
            _, c = np.unique(vals, return_counts=True)
            c = c.astype(float)
            return (c * (c - 1) / 2).sum(), (c * (c - 1) * (c - 2)).sum(), (c * (c - 1) * (2 * c + 5)).sum()
        tx, x0, x1 = ties(xs)
        ty, y0, y1 = ties(ys)
        n0 = n * (n - 1) / 2
        d = math.sqrt((n0 - tx) * (n0 - ty))
        if d == 0:
            continue
        m = n * (n - 1.0)
        third = x0 * y0 / (9 * m * (n - 2)) if n > 2 else 0.0
        v = (m * (2 * n + 5) - x1 - y1) / 18 + 2 * tx * ty / m + third
        sum_s += s
        sum_v += v
        sum_d += d
        n_used += n
    tau = sum_s / sum_d
    p = 2 * stats.norm.sf(abs(sum_s / math.sqrt(sum_v)))
    return {"n": n_used, "tau": tau, "p": float(min(1.0, p))}


def main():
    rng = np.random.default_rng(SEED)
    cases = []
    # small n without ties: scipy's exact branch
    for n in (3, 4, 5, 7, 10, 15, 20, 33):
        x = rng.standard_normal(n)
        y = 0.6 * x + rng.standard_normal(n)
        cases.append(pair_case(f"untied n={n}", x, y))
    cases.append(pair_case("perfectly concordant n=8", range(8), [v * 2 + 1 for v in range(8)]))
    cases.append(pair_case("perfectly discordant n=6", range(6), [-v for v in range(6)]))
    cases.append(pair_case("one swap n=9", range(9), [0, 1, 2, 4, 3, 5, 6, 7, 8]))
    cases.append(pair_case("4c = n(n-1) n=5 (tau 0)", [1, 2, 3, 4, 5], [2, 5, 3, 1, 4]))
    # n > 33 without ties: asymptotic, except when at most one pair is discordant (exact again)
    for n in (34, 50):
        x = rng.standard_normal(n)
        cases.append(pair_case(f"untied n={n}", x, x + 1.5 * rng.standard_normal(n)))
    cases.append(pair_case("n=60 one discordant pair (exact)", range(60), [*range(58), 59, 58]))
    cases.append(pair_case("n=200 sorted (exact, n >= 171)", range(200), range(200)))
    # ties: asymptotic with tie correction
    cases.append(pair_case("ties in x n=6", [1, 1, 2, 3, 3, 3], [0.1, 0.5, 0.2, 0.9, 0.7, 0.8]))
    cases.append(pair_case("ties in y n=7", [5, 1, 4, 2, 7, 3, 6], [1, 0, 1, 0, 2, 0, 2]))
    cases.append(pair_case("ties in both n=8", [1, 1, 2, 2, 3, 3, 4, 4], [1, 2, 1, 3, 3, 3, 4, 2]))
    cases.append(pair_case("ties n=5 small", [0.1, 0.1, 0.3, 0.3, 0.5], [3, 1, 2, 2, 5]))
    x = np.round(rng.standard_normal(36) * 2) / 2
    cases.append(pair_case("rounded n=36 many ties", x, np.round(x + rng.standard_normal(36))))
    lr = np.repeat([0.01, 0.03, 0.1, 0.3], 3)
    cases.append(pair_case("param levels vs outcome n=12", lr, lr * 3 + rng.standard_normal(12) * 0.3))
    # degenerate: scipy gives NaN
    cases.append(pair_case("constant y n=5", [1, 2, 3, 4, 5], [2, 2, 2, 2, 2]))
    cases.append(pair_case("n=3 untied", [1, 3, 2], [1, 2, 3]))

    bh = []
    for m in (1, 5, 12, 40):
        p = rng.uniform(0, 1, m) ** 3
        bh.append({"p": p.tolist(), "q": multipletests(p, method="fdr_bh")[1].tolist()})
    p = [0.01, 0.04, 0.04, 0.03, 0.5, 0.01, 1.0]
    bh.append({"p": p, "q": multipletests(p, method="fdr_bh")[1].tolist()})

    strat = []
    g = ["a"] * 6 + ["b"] * 5 + ["c"] * 7 + ["d"]
    x = np.round(rng.standard_normal(19), 1)
    y = np.where(np.array(g) == "b", 2.0, 0.0) + x * 0.5 + np.round(rng.standard_normal(19), 1)
    strat.append({"name": "4 levels, one singleton, ties", "x": x.tolist(), "y": y.tolist(), "g": g,
                  **stratified_reference(list(x), list(y), g)})
    x = rng.standard_normal(12)
    y = x + rng.standard_normal(12)
    one = ["all"] * 12
    k = stats.kendalltau(x, y, method="asymptotic")
    ref = stratified_reference(list(x), list(y), one)
    assert abs(ref["p"] - k.pvalue) < 1e-12 and abs(ref["tau"] - k.statistic) < 1e-12
    strat.append({"name": "one stratum = kendalltau asymptotic", "x": x.tolist(), "y": y.tolist(), "g": one,
                  "n": 12, "tau": float(k.statistic), "p": float(k.pvalue)})

    doc = {
        "provenance": {
            "script": "scripts/make-stats-fixtures.py",
            "command": "/usr/bin/python3 scripts/make-stats-fixtures.py",
            "numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
            "seed": SEED,
        },
        "pairs": cases, "bh": bh, "stratified": strat,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print("wrote", OUT, "numpy", np.__version__, "scipy", scipy.__version__, "statsmodels", statsmodels.__version__)


if __name__ == "__main__":
    main()
