/**
 * The hostile-input corpus (test/fixtures/bad-files, from scripts/make-bad-corpus.ts): every file
 * gives its expected FormatError code with a message naming the file, or parses when marked
 * "ok" / "path-traversal"; nothing else is ever thrown.
 */
import { describe, expect, it } from "vitest";
import { badCorpus, type CorpusEntry } from "../../scripts/make-bad-corpus.js";
import { MagtrackError } from "../../src/core/errors.js";
import { parseActivation } from "../../src/io/activation.js";
import { FormatError } from "../../src/io/format-error.js";
import { readFixture, readFixtureJson } from "./fixture-path.js";

const manifest = readFixtureJson<{ files: CorpusEntry[] }>("bad-files", "manifest.json").files;

function parse(entry: CorpusEntry, bytes: Uint8Array) {
  return parseActivation(bytes, {
    source: `bad-files/${entry.file}`,
    format: entry.format,
    ...entry.options,
  });
}

describe("hostile-input corpus", () => {
  it("has at least 30 bad files and covers every error family", () => {
    const bad = manifest.filter((e) => e.expect !== "ok" && e.expect !== "path-traversal");
    expect(bad.length).toBeGreaterThanOrEqual(30);
    const codes = new Set(manifest.map((e) => e.expect));
    for (const code of [
      "TRUNCATED",
      "SHAPE_MISMATCH",
      "TOO_LARGE",
      "UNSUPPORTED_DTYPE",
      "PICKLE_REFUSED",
      "NON_FINITE",
      "BAD_HEADER",
      "ZIP_BOMB",
      "NOT_FOUND_IN_ARCHIVE",
      "BAD_OFFSETS",
      "EMPTY",
      "ok",
      "path-traversal",
    ]) {
      expect(codes).toContain(code);
    }
  });

  it("committed files are exactly what the generator writes", () => {
    const generated = badCorpus();
    expect(generated.map(({ bytes: _b, ...e }) => e)).toEqual(manifest);
    for (const g of generated) {
      expect(Buffer.from(readFixture("bad-files", g.file)).equals(Buffer.from(g.bytes)), g.file).toBe(true);
    }
  });

  it.each(manifest.map((e) => [e.file, e] as const))("%s", (_file, entry) => {
    const bytes = readFixture("bad-files", entry.file);
    if (entry.expect === "ok" || entry.expect === "path-traversal") {
      const result = parse(entry, bytes);
      const clouds = result instanceof Map ? [...result.values()] : [result];
      expect(clouds.length).toBeGreaterThan(0);
      for (const c of clouds) expect(c.data.length).toBe(c.n * c.d);
      if (entry.expect === "path-traversal") expect(entry.artifactName?.split("/")).toContain("..");
      return;
    }
    let thrown: unknown;
    try {
      parse(entry, bytes);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(MagtrackError);
    expect(thrown).toBeInstanceOf(FormatError);
    const err = thrown as FormatError;
    expect(err.kind).toBe("format");
    expect(err.code, err.message).toBe(entry.expect);
    expect(err.message.startsWith(`bad-files/${entry.file}`)).toBe(true);
  });

  it("NON_FINITE names the first bad row and column", () => {
    const entry = manifest.find((e) => e.file === "npy-nan.npy")!;
    expect(() => parse(entry, readFixture("bad-files", entry.file))).toThrow(/holds NaN at row 2, column 1/);
  });

  it("the same NaN file is accepted with allowNonFinite", () => {
    const cloud = parseActivation(readFixture("bad-files", "npy-nan.npy"), {
      source: "nan",
      format: "npy",
      allowNonFinite: true,
    });
    expect(Number.isNaN(cloud.data[7])).toBe(true);
  });
});
