import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { createLocalAdapter } from "../../../adapters/local/index.js";
import { runAdapterConformance } from "../conformance.js";

async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out[relative(root, p)] = (await readFile(p)).toString("base64");
    }
  };
  await walk(root);
  return out;
}

runAdapterConformance("local", {
  deferredStatus: "running",
  async setup(runs) {
    const root = await mkdtemp(join(tmpdir(), "magtrack-local-"));
    for (const run of runs) {
      const dir = join(root, run.id);
      await mkdir(dir, { recursive: true });
      await writeFile(
        join(dir, "run.json"),
        JSON.stringify({ name: run.displayName, status: run.status, startTime: run.startTime }),
      );
      for (const [path, bytes] of Object.entries(run.files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), bytes);
      }
    }
    return {
      adapter: createLocalAdapter({ root }),
      snapshot: () => snapshotTree(root),
      teardown: () => rm(root, { recursive: true, force: true }),
    };
  },
});
