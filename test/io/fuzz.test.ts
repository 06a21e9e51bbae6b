/**
 * Fuzzing the readers with fast-check: random mutations and truncations of valid .npy / .npz /
 * .safetensors bytes must give either a well-formed point cloud or a MagtrackError — never
 * another exception, never a hang. Runs are kept short (fixed seeds, a few hundred cases each).
 * A 4 MiB output cap bounds what any case may allocate.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MagtrackError } from "../../src/core/errors.js";
import type { PointCloud } from "../../src/core/types.js";
import { parseActivation } from "../../src/io/activation.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { encodeSafetensors, float64Bytes } from "../../src/io/safetensors-write.js";
import { readFixture } from "./fixture-path.js";

const CAP = 4 << 20;
/** Longer campaigns on demand: MAGTRACK_FUZZ_RUNS=20000 MAGTRACK_FUZZ_SEED=… npx vitest run test/io/fuzz.test.ts */
const RUNS = Number(process.env.MAGTRACK_FUZZ_RUNS ?? 400);
const SEED =
  process.env.MAGTRACK_FUZZ_SEED === undefined ? undefined : Number(process.env.MAGTRACK_FUZZ_SEED);
type Format = "npy" | "npz" | "safetensors";

/** Mutation: a list of edits applied in order to a copy of the seed bytes. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  // Overwrite 4 or 8 bytes with an extreme little-endian integer (lengths, sizes, offsets).
  fc.record({
    kind: fc.constant("int" as const),
    at: fc.nat(),
    value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0xffff, 0x10000),
    width: fc.constantFrom(2, 4, 8),
  }),
);

type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function mutate(seed: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let b = seed.slice();
  for (const e of edits) {
    if (b.length === 0) break;
    const at = e.at % b.length;
    switch (e.kind) {
      case "flip":
        b[at] ^= 1 << e.bit;
        break;
      case "set":
        b[at] = e.value;
        break;
      case "truncate":
        b = b.slice(0, at);
        break;
      case "insert":
        b = new Uint8Array([...b.subarray(0, at), ...e.bytes, ...b.subarray(at)]);
        break;
      case "delete":
        b = new Uint8Array([...b.subarray(0, at), ...b.subarray(at + e.length)]);
        break;
      case "int": {
        const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
        if (at + e.width > b.length) break;
        if (e.width === 2) view.setUint16(at, e.value & 0xffff, true);
        else if (e.width === 4) view.setUint32(at, e.value, true);
        else view.setBigUint64(at, BigInt(e.value), true);
        break;
      }
    }
  }
  return b;
}

/** Parse; return the clouds or the MagtrackError; anything else fails the property. */
function outcome(bytes: Uint8Array, format: Format, arrayName?: string): PointCloud[] | MagtrackError {
  try {
    const r = parseActivation(bytes, { source: "fuzz", format, maxBytes: CAP, arrayName });
    return r instanceof Map ? [...r.values()] : [r];
  } catch (e) {
    if (e instanceof MagtrackError) return e;
    throw new Error(`non-MagtrackError escaped: ${String(e)}`, { cause: e });
  }
}

function checkOutcome(o: PointCloud[] | MagtrackError): void {
  if (o instanceof MagtrackError) {
    expect(o.message.startsWith("fuzz")).toBe(true);
    return;
  }
  for (const c of o) {
    expect(Number.isSafeInteger(c.n) && c.n > 0 && Number.isSafeInteger(c.d) && c.d > 0).toBe(true);
    expect(c.data.length).toBe(c.n * c.d);
    expect(c.data.every(Number.isFinite)).toBe(true);
    expect(c.data.length * 8).toBeLessThanOrEqual(CAP);
  }
}

/** A hand-made float16 Fortran-order file: 1, 2^-24, 65504, -0, 0.333…, -2. */
function f16Fortran(): Uint8Array {
  const header = new TextEncoder().encode(
    `{'descr': '<f2', 'fortran_order': True, 'shape': (3, 2), }`.padEnd(117, " ") + "\n",
  );
  const pre = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0];
  const data = [0x00, 0x3c, 0x01, 0x00, 0xff, 0x7b, 0x00, 0x80, 0x55, 0x35, 0x00, 0xc0];
  return new Uint8Array([...pre, ...header, ...data]);
}

const seeds: Record<Format, Uint8Array[]> = {
  npy: [
    encodeNpy(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2]),
    readFixture("npy-reference", "f4_fortran_3d_be.npy"),
    readFixture("npy-reference", "u8_beyond_2p53_be.npy"),
    readFixture("npy-reference", "f8_v3.npy"),
    f16Fortran(),
  ],
  npz: [readFixture("npy-reference", "stored.npz"), readFixture("npy-reference", "deflated.npz")],
  safetensors: [
    encodeSafetensors(
      [
        { name: "a", dtype: "F64", shape: [2, 2], bytes: float64Bytes([1, -2, 3.5, 0]) },
        { name: "b", dtype: "BF16", shape: [1, 2], bytes: new Uint8Array([0x80, 0x3f, 0x49, 0x40]) },
        { name: "c", dtype: "I16", shape: [2], bytes: new Uint8Array([1, 0, 0xff, 0xff]) },
      ],
      { format: "pt" },
    ),
  ],
};

describe("fuzz: mutated files give a cloud or a MagtrackError", () => {
  it("the unmutated seeds parse", () => {
    for (const [format, list] of Object.entries(seeds) as [Format, Uint8Array[]][]) {
      for (const s of list) expect(outcome(s, format)).toBeInstanceOf(Array);
    }
    // Fortran (3, 2) float16 read back in C order.
    const f16 = outcome(seeds.npy[4], "npy") as PointCloud[];
    expect(Array.from(f16[0].data)).toEqual([1, -0, 2 ** -24, 0.333251953125, 65504, -2]);
  });

  for (const format of ["npy", "npz", "safetensors"] as const) {
    it(`${format}: random edits`, () => {
      const tally = { clouds: 0, errors: 0 };
      fc.assert(
        fc.property(
          fc.nat({ max: seeds[format].length - 1 }),
          fc.array(edit, { minLength: 1, maxLength: 4 }),
          (i, edits) => {
            const o = outcome(mutate(seeds[format][i], edits), format);
            checkOutcome(o);
            tally[o instanceof MagtrackError ? "errors" : "clouds"]++;
          },
        ),
        { seed: SEED ?? 20240601, numRuns: RUNS },
      );
      // Both branches exercised: some edits land in data bytes and survive, most are caught.
      expect(tally.clouds).toBeGreaterThan(0);
      expect(tally.errors).toBeGreaterThan(0);
      console.log(`fuzz ${format}: ${tally.clouds} clouds, ${tally.errors} MagtrackErrors`);
    });

    it(`${format}: every truncation of a seed`, () => {
      for (const s of seeds[format]) {
        for (let len = 0; len < s.length; len++) {
          const o = outcome(s.subarray(0, len), format);
          // A strict prefix of a valid file is never itself a valid file of these formats.
          expect(o, `${format} prefix ${len}/${s.length}`).toBeInstanceOf(MagtrackError);
        }
      }
    });
  }

  it("npz: reading one named array from mutated archives", () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        checkOutcome(outcome(mutate(seeds.npz[1], edits), "npz", "layer1"));
      }),
      { seed: SEED ?? 7, numRuns: RUNS },
    );
  });

  it("random bytes in every format", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom<Format>("npy", "npz", "safetensors"),
        (b, f) => {
          checkOutcome(outcome(b, f));
        },
      ),
      { seed: SEED ?? 11, numRuns: RUNS },
    );
  });

  it("random .npy header text", () => {
    const pieces = fc.constantFrom(
      "{",
      "}",
      "(",
      ")",
      "[",
      "]",
      ",",
      ":",
      " ",
      "'descr'",
      "'shape'",
      "'fortran_order'",
      "'<f8'",
      "'|O'",
      "True",
      "False",
      "None",
      "3",
      "-1",
      "99999999999999999999",
      "'",
      "L",
      "1.5",
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        const text = `${parts.join("")}\n`;
        const head = new TextEncoder().encode(text);
        const b = new Uint8Array(10 + head.length + 48);
        b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, head.length & 0xff, head.length >> 8]);
        b.set(head, 10);
        checkOutcome(outcome(b, "npy"));
      }),
      { seed: SEED ?? 3, numRuns: RUNS },
    );
  });
});
