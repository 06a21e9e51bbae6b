/**
 * Issue 11: the README's PyTorch snippet, pasted into a training loop, must leave the model in train
 * mode and remove its hooks; examples/pytorch/log_activations.py must keep the run's startTime when
 * it rewrites run.json at the end. Run with Debian's /usr/bin/python3 + numpy against a torch
 * stand-in (test/fixtures/python-stubs/torch, written from torch's documented Module/hook API).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = "/usr/bin/python3";
const hasNumpy = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import numpy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
if (!existsSync(PYTHON) || !hasNumpy) {
  console.warn(
    "SKIPPED test/cli/pytorch-docs.test.ts: needs /usr/bin/python3 with numpy (apt-get install python3-numpy)",
  );
}

describe.skipIf(!hasNumpy)("PyTorch snippet and example (python3 + numpy, torch stand-in)", () => {
  it("the snippet restores train mode and removes its hooks; the logger keeps startTime", async () => {
    const work = await mkdtemp(join(tmpdir(), "magtrack-pytorch-"));
    try {
      const out = execFileSync(
        PYTHON,
        [join(REPO, "test/fixtures/python-stubs/check_pytorch_docs.py"), REPO, work],
        { encoding: "utf8" },
      );
      const r = JSON.parse(out.trim().split("\n").at(-1)!);
      expect(r.training_after_snippet).toBe(true);
      expect(r.fc1_training).toBe(true);
      expect(r.hooks_left).toBe(0);
      expect(r.saved).toEqual(["runs/r/activations/fc1/step_3.npy", "runs/r/activations/fc2/step_3.npy"]);
      expect(r.status_second).toBe("finished");
      expect(r.start_second).toBe(r.start_first);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
