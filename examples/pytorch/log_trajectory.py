"""Log weight-trajectory windows for magtrack (TAG23's quantity: magnitude of the training trajectory).

Every `every` optimiser steps the model's parameters are flattened (all of them, or per parameter
group) and appended as one row to a window; when a window holds `window` rows it is saved as

    trajectory/{layer}/step_{step}.npy      rows = iterates, step = the window's last iteration

in a local magtrack store (<root>/<run>/trajectory/...), or as MLflow artifacts / W&B run files under
the same names. `magtrack sync` then writes trajectory/<layer>/<metric> at that step (docs/trajectory.md).

Groups with more than `m` parameters (default 2048, at most 4096) are projected with a seeded
Gaussian random projection R (m × p, entries N(0, 1/m)), the same R at every window of the run.
Johnson–Lindenstrauss: for n iterates and m ≥ 2·ln(n(n−1)/δ) / (ε²/2 − ε³/3), every squared
pairwise distance is kept within a factor 1 ± ε with probability ≥ 1 − δ (Dasgupta & Gupta 2003,
Lemma 2.2, with a union bound over the n(n−1)/2 pairs). Magnitude is a function of the pairwise
distances only, so it is approximately preserved; no bound on the change of Mag itself is claimed
(a small relative change of the distances can change Mag more where Z = e^(−t·d) is ill-conditioned),
nor is anything preserved that is not a distance (coordinates, angles to the weight axes, norms of
single layers of a group).

R is never held whole when it is large: its rows are generated in blocks, block b from
numpy's default_rng(SeedSequence([seed, group id, b])), so the same seed gives the same R whatever the
block cache holds. Blocks are kept while they fit `cache_bytes`; the rest are regenerated at every
projection (m·p normal draws per iterate: slow for big p, say so to yourself before using it there).

The numpy part (GaussianProjection, TrajectoryWindow, sinks) needs no torch; WeightTrajectoryLogger
reads parameters only (torch.no_grad, .detach()): it never calls model.eval()/train() and registers no
hooks, so the training loop is untouched. Copy the classes into your script; `__main__` is a small
example (needs torch and numpy).
"""

from __future__ import annotations

import os
import tempfile
import zlib
from collections import deque
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

DEFAULT_M = 2048
MAX_M = 4096


def jl_epsilon(n: int, m: int, delta: float) -> float:
    """Smallest ε for which the JL bound above holds for n points in m dims with probability ≥ 1 − δ.

    Solves m = 2·ln(n(n−1)/δ) / (ε²/2 − ε³/3) for ε in (0, 1) by bisection.
    """
    need = 2.0 * np.log(n * (n - 1) / delta) / m
    lo, hi = 0.0, 1.0
    if 0.5 - 1.0 / 3.0 < need:
        raise ValueError(f"m = {m} is too small for any ε < 1 with n = {n}, δ = {delta}")
    for _ in range(100):
        mid = (lo + hi) / 2
        if mid * mid / 2 - mid ** 3 / 3 < need:
            lo = mid
        else:
            hi = mid
    return hi


def group_id(name: str) -> int:
    """A stable number for a group name (crc32), so each group gets its own R from the same seed."""
    return zlib.crc32(name.encode("utf8"))


class GaussianProjection:
    """x ∈ R^p → R x ∈ R^m, R_ij ~ N(0, 1/m) i.i.d., so E‖R x‖² = ‖x‖².

    Rows of R are generated in blocks of `block_rows` from (seed, group, block index); a block is
    cached while the cache stays under `cache_bytes`, otherwise drawn again at every call.
    """

    def __init__(self, p: int, m: int = DEFAULT_M, seed: int = 0, group: int = 0,
                 block_rows: int = 128, cache_bytes: int = 256 << 20) -> None:
        if not 1 <= m <= MAX_M:
            raise ValueError(f"projection dimension m = {m}: use 1 … {MAX_M}")
        if p < 1:
            raise ValueError(f"input dimension p = {p} must be ≥ 1")
        self.p, self.m, self.seed, self.group = p, m, seed, group
        self.block_rows = max(1, block_rows)
        self.cache_bytes = cache_bytes
        self._cache: dict[int, np.ndarray] = {}
        self._cached_bytes = 0

    def _block(self, b: int) -> np.ndarray:
        block = self._cache.get(b)
        if block is not None:
            return block
        rows = min(self.block_rows, self.m - b * self.block_rows)
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, self.group, b]))
        block = rng.standard_normal((rows, self.p), dtype=np.float32)
        block *= np.float32(1.0 / np.sqrt(self.m))
        if self._cached_bytes + block.nbytes <= self.cache_bytes:
            self._cache[b] = block
            self._cached_bytes += block.nbytes
        return block

    def matrix(self) -> np.ndarray:
        """R whole (m × p): for tests and small p only."""
        return np.vstack([self._block(b) for b in range(self.blocks)])

    @property
    def blocks(self) -> int:
        return -(-self.m // self.block_rows)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32).reshape(-1)
        if x.shape[0] != self.p:
            raise ValueError(f"projection expects {self.p} values, got {x.shape[0]}")
        out = np.empty(self.m, dtype=np.float32)
        for b in range(self.blocks):
            start = b * self.block_rows
            block = self._block(b)
            out[start:start + block.shape[0]] = block @ x
        return out


def save_npy_atomic(path: Path, array: np.ndarray) -> None:
    """np.save to a temporary file in the same folder, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            np.save(handle, array)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# A sink takes (relative name "trajectory/<layer>/step_<N>.npy", array) and stores it.
Sink = Callable[[str, np.ndarray], None]


def local_sink(root: str | os.PathLike, run: str) -> Sink:
    """<root>/<run>/trajectory/... : the local store `magtrack sync --root <root>` reads."""
    run_dir = Path(root) / run

    def save(name: str, array: np.ndarray) -> None:
        save_npy_atomic(run_dir / name, array)
    return save


def mlflow_sink(staging: str | os.PathLike) -> Sink:
    """The active MLflow run's artifacts trajectory/<layer>/step_<N>.npy (staged in a local folder)."""
    import mlflow  # only when used

    def save(name: str, array: np.ndarray) -> None:
        path = Path(staging) / name
        save_npy_atomic(path, array)
        mlflow.log_artifact(str(path), artifact_path=os.path.dirname(name))
    return save


def wandb_sink(run, staging: str | os.PathLike) -> Sink:
    """W&B run files named trajectory/<layer>/step_<N>.npy (magtrack reads weight windows from run
    files, not from artifacts: docs/trajectory.md)."""

    def save(name: str, array: np.ndarray) -> None:
        path = Path(staging) / name
        save_npy_atomic(path, array)
        run.save(str(path), base_path=str(staging), policy="now")
    return save


class TrajectoryWindow:
    """Rows of one group's trajectory; every `stride` new rows (once `window` are held) the last
    `window` rows are written as trajectory/<layer>/step_<last iteration>.npy.

    stride = window (the default) gives back-to-back windows; a smaller stride gives sliding ones.
    """

    def __init__(self, layer: str, window: int, sink: Sink, stride: int | None = None,
                 projection: GaussianProjection | None = None) -> None:
        if window < 2:
            raise ValueError(f"window = {window}: a trajectory window needs ≥ 2 iterates")
        self.layer, self.window, self.sink = layer, window, sink
        self.stride = window if stride is None else stride
        if not 1 <= self.stride <= window:
            raise ValueError(f"stride = {self.stride}: use 1 … window ({window})")
        self.projection = projection
        self.rows: deque[np.ndarray] = deque(maxlen=window)
        self._since_write = 0

    def append(self, iteration: int, flat: np.ndarray) -> str | None:
        """Add one iterate; returns the name written, if this row completed a window."""
        row = self.projection(flat) if self.projection is not None else np.asarray(flat, np.float32)
        self.rows.append(row.astype(np.float32, copy=False))
        self._since_write += 1
        if len(self.rows) < self.window or self._since_write < self.stride:
            return None
        self._since_write = 0
        name = f"trajectory/{self.layer}/step_{iteration}.npy"
        self.sink(name, np.stack(self.rows))
        return name


def make_windows(sizes: dict[str, int], sink: Sink, window: int, stride: int | None = None,
                 m: int = DEFAULT_M, seed: int = 0) -> dict[str, TrajectoryWindow]:
    """One TrajectoryWindow per group {name: number of parameters}; groups larger than m projected."""
    return {
        name: TrajectoryWindow(
            name, window, sink, stride,
            GaussianProjection(p, m, seed, group_id(name)) if p > m else None,
        )
        for name, p in sizes.items()
    }


class WeightTrajectoryLogger:
    """Every `every` optimiser steps, append the model's parameters to the windows.

    groups: {"name in the files": [parameters]}; default {"all": list(model.parameters())}.
    Call `step(iteration)` after optimiser.step(). Reads parameters only: no mode change, no hooks.
    """

    def __init__(self, model, sink: Sink, every: int = 10, window: int = 100,
                 stride: int | None = None, m: int = DEFAULT_M, seed: int = 0,
                 groups: dict[str, Iterable] | None = None) -> None:
        self.every = every
        self.groups = {k: list(v) for k, v in (groups or {"all": model.parameters()}).items()}
        sizes = {k: sum(int(np.prod(p.shape)) for p in ps) for k, ps in self.groups.items()}
        self.windows = make_windows(sizes, sink, window, stride, m, seed)

    def step(self, iteration: int) -> list[str]:
        if iteration % self.every != 0:
            return []
        import torch  # only the torch part needs it

        written = []
        with torch.no_grad():
            for name, params in self.groups.items():
                flat = np.concatenate([p.detach().float().flatten().cpu().numpy() for p in params])
                got = self.windows[name].append(iteration, flat)
                if got is not None:
                    written.append(got)
        return written


def _example(root: str = "magtrack-store", run: str = "torch-trajectory", epochs: int = 5) -> None:
    import torch
    from torch import nn

    torch.manual_seed(0)
    n, dim, classes = 2000, 8, 4
    x = torch.randn(n, dim)
    y = (x[:, 0] * x[:, 1] > 0).long() * 2 + (x[:, 2] > 0).long()
    model = nn.Sequential(nn.Linear(dim, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                          nn.Linear(64, classes))  # 4996 parameters > m: projected to 2048
    logger = WeightTrajectoryLogger(model, local_sink(root, run), every=2, window=50)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()
    iteration = 0
    for _ in range(epochs):
        for batch in torch.randperm(n).split(32):
            optimiser.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimiser.step()
            iteration += 1
            for name in logger.step(iteration):
                print(f"wrote {name}")
    print(f"now run: npx --no-install magtrack sync --root {root}")


if __name__ == "__main__":
    _example()
