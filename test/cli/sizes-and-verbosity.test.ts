/**
 * Issue 11: `--max-file-bytes 2GiB` parses (sizes with units), and `--quiet` / `-v` are accepted by
 * sync and backfill; where they are not options (compute) they are refused before any work.
 */
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseByteSize } from "../../src/cli/options.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { cli } from "../helpers/cli.js";
import { lcgUniform, makeStore, readResultLines } from "../helpers/store.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function store(): Promise<string> {
  // 40 × 4 float64 rows: 1280 bytes of data + the .npy header, between 1 KiB and 2 KiB.
  const root = await makeStore({ runs: { "run-a": { layers: { fc1: [0, 1] } } } });
  dirs.push(root);
  return root;
}

describe("--max-file-bytes with units", () => {
  it("parses bytes, SI and binary units", () => {
    expect(parseByteSize("2GiB")).toBe(2 * 2 ** 30);
    expect(parseByteSize("1.5 KiB")).toBe(1536);
    expect(parseByteSize("500MB")).toBe(500_000_000);
    expect(parseByteSize("2147483648")).toBe(2 ** 31);
    expect(parseByteSize(4096)).toBe(4096);
    for (const bad of ["2GiG", "-1", "0", "", "1e3", "lots"])
      expect(() => parseByteSize(bad)).toThrow(/--max-file-bytes/);
  });

  it("sync --max-file-bytes 2GiB computes every step (it used to fail each file with NaN)", async () => {
    const root = await store();
    const out = await cli(["sync", "--root", root, "--max-file-bytes", "2GiB", "--workers", "1"]);
    expect(out.code, out.stderr).toBe(0);
    expect((await readResultLines(root, "run-a")).length).toBe(2);
  });

  it("the unit is applied: 1KiB refuses the files, 2KiB accepts them", async () => {
    const root = await store();
    const size = (await stat(join(root, "run-a", "activations", "fc1", "step_0.npy"))).size;
    expect(size).toBeGreaterThan(1024);
    expect(size).toBeLessThan(2048);
    const small = await cli(["sync", "--root", root, "--max-file-bytes", "1KiB", "--workers", "1"]);
    expect(small.code).toBe(1);
    expect(small.stderr).toContain("TOO_LARGE");
    expect(small.stderr).toContain("1024");
    expect((await readResultLines(root, "run-a")).length).toBe(0);
    const big = await cli(["sync", "--root", root, "--max-file-bytes", "2KiB", "--workers", "1"]);
    expect(big.code, big.stderr).toBe(0);
    expect((await readResultLines(root, "run-a")).length).toBe(2);
  });

  it("a size that does not parse exits 2 before any work", async () => {
    const root = await store();
    const out = await cli(["sync", "--root", root, "--max-file-bytes", "2GiG", "--workers", "1"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--max-file-bytes "2GiG"');
    expect(out.stdout).toBe("");
    expect((await readResultLines(root, "run-a")).length).toBe(0);
  });

  it("compute takes units too", async () => {
    const dir = await mkdtemp(join(tmpdir(), "magtrack-sizes-"));
    dirs.push(dir);
    await writeFile(join(dir, "f.npy"), encodeNpy(lcgUniform(5, 40 * 4), [40, 4]));
    const out = await cli(["compute", "f.npy", "--max-file-bytes", "1KiB"], { cwd: dir });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/exceeds --max-file-bytes 1024/);
  });
});

describe("--quiet and -v", () => {
  it("--quiet leaves out the line per run and keeps the summary", async () => {
    const root = await store();
    const out = await cli(["sync", "--root", root, "--quiet", "--workers", "1"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).not.toContain("✓ run run-a");
    expect(out.stdout).toMatch(/1 run, 1 ok, .*2 steps written/);
  });

  it("-v adds a line per computed step", async () => {
    const root = await store();
    const out = await cli(["sync", "--root", root, "-v", "--workers", "1"]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/run-a fc1 step 0: \d+ ms/);
    expect(out.stderr).toMatch(/run-a fc1 step 1: \d+ ms/);
    expect(out.stderr).toContain("✓ run run-a");
  });

  it("--quiet with -v, and --quiet on compute, are refused before work", async () => {
    const root = await store();
    const both = await cli(["sync", "--root", root, "--quiet", "-v", "--workers", "1"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/mutually exclusive|conflict/i);
    expect((await readResultLines(root, "run-a")).length).toBe(0);
    const compute = await cli([
      "compute",
      join(root, "run-a", "activations", "fc1", "step_0.npy"),
      "--quiet",
    ]);
    expect(compute.code).toBe(2);
    expect(compute.stdout).toBe("");
  });
});
