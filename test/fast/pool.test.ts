import { describe, expect, it } from "vitest";
import { computeProfile } from "../../src/core/index.js";
import { ProfilePool } from "../../src/sync/pool.js";

function lcgCloud(n: number, d: number, seed: number) {
  let x = seed;
  const data = new Float64Array(n * d);
  for (let k = 0; k < n * d; k++) {
    x = (1103515245 * x + 12345) % 2147483648;
    data[k] = x / 2147483648;
  }
  return { data, n, d };
}

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
});
