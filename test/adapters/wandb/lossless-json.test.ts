/**
 * Values magtrack reads and writes back without owning them (summary, config) come back exactly:
 * integers beyond 2^53, integral floats, NaN/Infinity tokens and key order (integer-like keys
 * included, as Go's sorted maps write _wandb.t). The reference for "exactly" is the input text
 * itself (written compactly, as the serialiser writes).
 */
import { describe, expect, it } from "vitest";
import {
  cloneJson,
  type ExtendedJson,
  parseExtended,
  parseObject,
  sameJson,
  stringifyExtended,
} from "../../../adapters/wandb/extended-json.js";
import { mergeConfig } from "../../../adapters/wandb/run-config.js";

const HOSTILE =
  '{"seed":12345678901234567891,"big":9007199254740993,"zero":0.0,"one":1.0,"e20":1e20,"neg0":-0,' +
  '"small":-0.5e-3,"nan":NaN,"inf":Infinity,"ninf":-Infinity,"arr":[NaN,0.0,2.50],' +
  '"t":{"1":[1,5],"12":"0.21.0","13":"linux","2":[1],"4":"3.12.3"},"s":"NaN Infinity \\"q\\": 1.0",' +
  '"__proto__":{"x":1},"nested":{"z":1,"a":{"10":0.0,"9":1}}}';

describe("lossless JSON", () => {
  it("parse → stringify gives back the exact text", () => {
    expect(stringifyExtended(parseExtended(HOSTILE, "t"))).toBe(HOSTILE);
  });

  it("a plain JSON round trip would change it (the test data is meaningful)", () => {
    const plain = HOSTILE.replace(/-?Infinity|NaN(?=[,\]}])/g, "null");
    expect(JSON.stringify(JSON.parse(plain))).not.toBe(plain);
    const v = JSON.parse(plain) as Record<string, unknown>;
    expect(String(v.big)).toBe("9007199254740992");
    expect(Object.keys(v.t as object)).toEqual(["1", "2", "4", "12", "13"]);
  });

  it("numbers a JS number reproduces are plain numbers; others keep their text", () => {
    const v = parseExtended(HOSTILE, "t") as Record<string, ExtendedJson>;
    expect(String(v.seed)).toBe("12345678901234567891");
    expect(typeof v.seed).toBe("object");
    expect(String(v.zero)).toBe("0.0");
    expect(Number.isNaN(v.nan)).toBe(true);
    expect(v.ninf).toBe(Number.NEGATIVE_INFINITY);
    expect(v.s).toBe('NaN Infinity "q": 1.0'); // tokens inside strings stay text
    expect(({} as Record<string, unknown>).x).toBeUndefined(); // __proto__ is data
  });

  it("a copy keeps lossless numbers and key order; added keys come last", () => {
    const v = cloneJson(parseExtended(HOSTILE, "t")) as Record<string, ExtendedJson>;
    (v.t as Record<string, ExtendedJson>)["3"] = "added";
    v.added = 0.5;
    const out = stringifyExtended(v);
    expect(out).toContain('"t":{"1":[1,5],"12":"0.21.0","13":"linux","2":[1],"4":"3.12.3","3":"added"}');
    expect(out.endsWith(',"added":0.5}')).toBe(true);
    expect(out).toContain('"seed":12345678901234567891,"big":9007199254740993,"zero":0.0');
  });

  it("mergeConfig leaves every value it does not own byte-identical, _wandb.t key order included", () => {
    const config =
      '{"seed":{"desc":null,"value":12345678901234567891},"wd":{"desc":null,"value":0.0},' +
      '"_wandb":{"desc":null,"value":{"t":{"1":[1],"12":"0.21.0","2":[1]},"cli_version":"0.21.0",' +
      '"m":[{"1":"train/step","6":[3],"7":[]}]}}}';
    const before = parseObject(config, "config");
    const merged = mergeConfig(before, { newReferences: [], settings: { engine: "exact" }, panels: {} });
    const out = stringifyExtended(merged);
    expect(
      out.startsWith('{"seed":{"desc":null,"value":12345678901234567891},"wd":{"desc":null,"value":0.0},'),
    ).toBe(true);
    expect(out).toContain(
      '"value":{"t":{"1":[1],"12":"0.21.0","2":[1]},"cli_version":"0.21.0","m":[{"1":"train/step","6":[3],"7":[]},',
    );
    const back = parseObject(out, "merged");
    for (const k of ["seed", "wd"]) expect(stringifyExtended(back[k])).toBe(stringifyExtended(before[k]));
  });

  it("sameJson compares numbers by their text: 0.0 ≠ 0, 2^53+1 ≠ 2^53", () => {
    const a = parseExtended('{"z":0.0,"b":9007199254740993}', "a");
    expect(sameJson(a, parseExtended('{"b":9007199254740993,"z":0.0}', "b"))).toBe(true);
    expect(sameJson(a, parseExtended('{"z":0,"b":9007199254740993}', "c"))).toBe(false);
    expect(sameJson(a, parseExtended('{"z":0.0,"b":9007199254740992}', "d"))).toBe(false);
  });

  it("bad text is a WANDB_BAD_JSON naming what was parsed; deep nesting is refused", () => {
    for (const text of ['{"a": Nan}', "[1, 2", '{"a": 1} x', '{"a": "open']) {
      expect(() => parseExtended(text, "summary of run r")).toThrow(
        expect.objectContaining({
          code: "WANDB_BAD_JSON",
          message: expect.stringContaining("summary of run r"),
        }),
      );
    }
    expect(() => parseExtended("[".repeat(100_000), "deep")).toThrow(/nesting/);
  });
});
