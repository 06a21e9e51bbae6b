/**
 * Issue 11: ENOSPC and other I/O errors on the store are typed (STORE_IO) and name the path, not
 * INTERNAL. A real full disk needs a mount (not available in a user's clone), so the errno mapping
 * is checked on a synthetic ENOSPC, and a real failing write on a store whose magnitude/ is a file
 * (ENOTDIR/EEXIST from the kernel): that run fails with the path, the other run is still written.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MagtrackError } from "../../src/core/errors.js";
import { writeFileAtomic } from "../../src/io/atomic-write.js";
import { storeIoError } from "../../src/io/io-error.js";
import { errorCode } from "../../src/sync/error-code.js";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

describe("I/O errors on the store", () => {
  it("ENOSPC becomes STORE_IO naming the path and the errno, never INTERNAL", () => {
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      errno: -28,
    });
    const typed = storeIoError("/data/store/a/magnitude/metrics.jsonl", "write", enospc);
    expect(typed).toBeInstanceOf(MagtrackError);
    expect(errorCode(typed)).toEqual({
      code: "STORE_IO",
      message: "/data/store/a/magnitude/metrics.jsonl: cannot write: ENOSPC (no space left on the device)",
    });
  });

  it("a write that the file system refuses is typed and names the path", async () => {
    const root = await makeStore({ runs: {} });
    roots.push(root);
    await writeFile(join(root, "blocker"), "a file, not a folder");
    const error = await writeFileAtomic(join(root, "blocker", "x.json"), "{}").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "STORE_IO", kind: "tracker" });
    expect((error as Error).message).toContain(join(root, "blocker"));
  });

  it("a sync whose run cannot be written: that run fails with STORE_IO and the path, the other is done", async () => {
    const root = await makeStore({ runs: { a: { layers: { fc1: [0] } }, b: { layers: { fc1: [0] } } } });
    roots.push(root);
    await writeFile(join(root, "a", "magnitude"), "a file where the results folder goes");
    const res = await cli(["sync", "--root", root, "--json", "--workers", "1"]);
    expect(res.code).toBe(1);
    const failed = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.type === "run-failed");
    expect(failed).toMatchObject({ run: "a", code: "STORE_IO" });
    expect(String(failed?.message)).toContain(join(root, "a", "magnitude"));
    expect(await readResultLines(root, "b")).toHaveLength(1);
  });
});
