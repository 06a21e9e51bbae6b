"""Log a fixed probe batch's activations per layer per epoch for magtrack.

Forward hooks capture each chosen layer's output on the SAME probe inputs after every epoch
(and once before training, as step 0) and save them as .npy files in the layout magtrack's
local store reads:

    <root>/<run>/activations/<layer>/step_<N>.npy      (rows = probe inputs, trailing dims flattened)

Then run `npx --no-install magtrack sync --root <root>` on that local store (or log the same folder
as MLflow/W&B artifacts under `activations/`). Copy the ActivationLogger class into your training
script; the `__main__` block below is a small self-contained example (needs torch and numpy).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn


def _save_npy_atomic(path: Path, array: np.ndarray) -> None:
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


class ActivationLogger:
    """Record the outputs of named modules on a fixed probe batch.

    probe: the same inputs every time (pick them once, e.g. 200 held-out examples, and keep them).
    layers: {"name in the files": module}, e.g. {"hidden1": model[1], "hidden2": model[3]}.
    """

    def __init__(self, root: str | os.PathLike, run: str, model: nn.Module,
                 layers: dict[str, nn.Module], probe: torch.Tensor) -> None:
        self.run_dir = Path(root) / run
        self.model = model
        self.layers = layers
        self.probe = probe
        self._captured: dict[str, torch.Tensor] = {}

    def _hook(self, name: str):
        def hook(_module: nn.Module, _inputs, output) -> None:
            out = output[0] if isinstance(output, (tuple, list)) else output
            self._captured[name] = out.detach()
        return hook

    @torch.no_grad()
    def log(self, step: int) -> None:
        """Run the probe batch through the model in eval mode and save one .npy per layer."""
        handles = [module.register_forward_hook(self._hook(name)) for name, module in self.layers.items()]
        was_training = self.model.training
        self.model.eval()  # dropout off, batch-norm running stats: the same function for every probe row
        try:
            device = next(self.model.parameters()).device
            self.model(self.probe.to(device))
        finally:
            self.model.train(was_training)
            for handle in handles:
                handle.remove()
        for name, tensor in self._captured.items():
            # (n, ...) -> n x prod(rest); float32 keeps files small and is what magtrack expects by default.
            array = tensor.float().reshape(tensor.shape[0], -1).cpu().numpy()
            _save_npy_atomic(self.run_dir / "activations" / name / f"step_{step}.npy", array)
        self._captured.clear()

    def write_run_info(self, status: str, params: dict) -> None:
        """Optional run.json (name, status, startTime in ms) that magtrack's local store reads.

        Call it when the run starts and again when it ends: startTime stays the first call's (or what
        an earlier run.json holds), so --since / --until filter on when the run really started.
        """
        self.run_dir.mkdir(parents=True, exist_ok=True)
        path = self.run_dir / "run.json"
        start = int(time.time() * 1000)
        try:
            previous = json.loads(path.read_text())
            if isinstance(previous.get("startTime"), int):
                start = previous["startTime"]
        except (OSError, ValueError, AttributeError):
            pass  # no run.json yet (or unreadable): this call starts the run
        info = {"name": self.run_dir.name, "status": status, "startTime": start, "params": params}
        tmp = self.run_dir / ".run.json.tmp"
        tmp.write_text(json.dumps(info, indent=2) + "\n")
        os.replace(tmp, path)


def _example(root: str = "magtrack-store", run: str = "torch-example", epochs: int = 5) -> None:
    torch.manual_seed(0)
    n, dim, classes = 2000, 8, 4
    x = torch.randn(n, dim)
    y = (x[:, 0] * x[:, 1] > 0).long() * 2 + (x[:, 2] > 0).long()  # a small nonlinear 4-class task
    probe = torch.randn(200, dim)  # the fixed probe batch, never trained on

    model = nn.Sequential(
        nn.Linear(dim, 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, classes),
    )
    # Hook the ReLU modules for the hidden layers (post-activation), the last Linear for the logits.
    logger = ActivationLogger(root, run, model,
                              {"hidden1": model[1], "hidden2": model[3], "logits": model[4]}, probe)
    logger.write_run_info("running", {"lr": 0.1, "epochs": epochs})
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    loss_fn = nn.CrossEntropyLoss()

    logger.log(step=0)  # before training
    for epoch in range(1, epochs + 1):
        for batch in torch.randperm(n).split(32):
            optimiser.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimiser.step()
        logger.log(step=epoch)
    logger.write_run_info("finished", {"lr": 0.1, "epochs": epochs})
    print(f"activations written under {logger.run_dir / 'activations'}; "
          f"now run: npx --no-install magtrack sync --root {root}")


if __name__ == "__main__":
    _example()
