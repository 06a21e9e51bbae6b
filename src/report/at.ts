/**
 * `--at final,0.2,0.5`: "final" is each run's last logged step; a fraction f in (0, 1) is the run's
 * last logged step ≤ f × its last step (so a run logged every 100 steps up to 1000 is read at 200
 * for f = 0.2, and at 100 for f = 0.25).
 */
import { MagtrackError } from "../core/errors.js";
import type { AtSpec, RunData } from "./types.js";

export function parseAt(text: string): AtSpec[] {
  const out: AtSpec[] = [];
  for (const part of text.split(",").map((s) => s.trim())) {
    if (part === "") continue;
    if (part === "final") {
      out.push({ label: "final", fraction: 1 });
      continue;
    }
    const f = Number(part);
    if (!Number.isFinite(f) || f <= 0 || f >= 1) {
      throw new MagtrackError(
        "usage",
        "REPORT_BAD_AT",
        `--at ${JSON.stringify(text)}: "${part}" is neither "final" nor a fraction of training in (0, 1)`,
      );
    }
    out.push({ label: String(f), fraction: f });
  }
  if (out.length === 0) throw new MagtrackError("usage", "REPORT_BAD_AT", "--at names no point of training");
  return out.filter((a, i) => out.findIndex((b) => b.label === a.label) === i);
}

/** The largest step a value may come from. */
export function cutStep(run: RunData, at: AtSpec): number {
  return at.fraction >= 1 ? run.lastStep : Math.floor(at.fraction * run.lastStep);
}

export function describeAt(at: AtSpec): string {
  return at.fraction >= 1
    ? "at the final step"
    : `at ${Math.round(at.fraction * 1000) / 10} % of training (each run's last logged step ≤ ${at.fraction} × its last step)`;
}
