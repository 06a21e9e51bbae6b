import { describe, expect, it } from "vitest";
import { computeProfile } from "../../src/core/index.js";
import { ProfilePool, splitBounds } from "../../src/sync/pool.js";
import { lcgCloud } from "../helpers/clouds.js";

describe("ProfilePool (piscina; runs the built worker from dist/)", () => {
  it("computes profiles in parallel, equal to the in-process exact profile, with a bounded queue", async () => {
    const pool = new ProfilePool({ threads: 2, maxQueue: 1 });
    let pulled = 0;
    function* clouds() {
      for (let s = 1; s <= 5; s++) {
        pulled++;
        yield lcgCloud(60, 3, s);
      }
    }
    try {
      const profiles = await pool.profileAll(clouds(), { mode: "exact" });
      expect(pulled).toBe(5);
      expect(profiles).toHaveLength(5);
      profiles.forEach((p, i) => {
        const ref = computeProfile(lcgCloud(60, 3, i + 1), { mode: "exact" });
        expect(p.tConv).toBe(ref.tConv);
        expect(Array.from(p.magnitude)).toEqual(Array.from(ref.magnitude));
      });
      // the caller's array was transferred (detached), not copied
      const c = lcgCloud(50, 2, 9);
      const p = await pool.profile(c, { mode: "fast" });
      expect(c.data.length).toBe(0);
      expect(p.nDistinct).toBe(50);
    } finally {
      await pool.close();
    }
  });

  it("splits one cloud's grid across the calling thread and a worker: exact mode identical, fast within bounds", async () => {
    const pool = new ProfilePool({ threads: 1, splitMinPoints: 0 });
    try {
      const pc = lcgCloud(400, 5, 3);
      const exactSplit = await pool.profileSplit(pc, { mode: "exact" });
      const exact = computeProfile(pc, { mode: "exact" });
      expect(exactSplit.tConv).toBe(exact.tConv);
      expect(Array.from(exactSplit.magnitude)).toEqual(Array.from(exact.magnitude));
      expect(exactSplit.magAreaScaled).toBe(exact.magAreaScaled);
      const fastSplit = await pool.profileSplit(pc, { mode: "fast" });
      expect(fastSplit.magnitude.length).toBe(30);
      for (let k = 0; k < 30; k++) {
        const err = Math.abs(fastSplit.magnitude[k] - exact.magnitude[k]);
        const bound = fastSplit.solveInfo[k].errorBound ?? 0;
        expect(err <= 1e-9 * exact.magnitude[k] || err <= bound).toBe(true);
      }
      expect(Math.abs(fastSplit.magnitudeDimension - exact.magnitudeDimension)).toBeLessThan(1e-9);
    } finally {
      await pool.close();
    }
  });

  it("below splitMinPoints (default 1500) a split profile is computed on the calling thread: same values", async () => {
    const pool = new ProfilePool({ threads: 1 });
    try {
      const pc = lcgCloud(300, 4, 8);
      const split = await pool.profileSplit(pc, { mode: "fast" });
      const local = computeProfile(pc, { mode: "fast" });
      expect(Array.from(split.magnitude)).toEqual(Array.from(local.magnitude));
      expect(split.solveInfo.map((s) => s.iterations)).toEqual(local.solveInfo.map((s) => s.iterations));
    } finally {
      await pool.close();
    }
  });

  it("splitBounds: contiguous, non-empty ranges, the first (small t) the shortest", () => {
    expect(splitBounds(30, 2)).toEqual([0, 9, 30]);
    const b = splitBounds(30, 4);
    expect(b[0]).toBe(0);
    expect(b[4]).toBe(30);
    for (let i = 0; i < 4; i++) expect(b[i + 1]).toBeGreaterThan(b[i]);
    expect(b[1] - b[0]).toBeLessThan(b[4] - b[3]);
    expect(splitBounds(4, 4)).toEqual([0, 1, 2, 3, 4]);
  });
});
