/**
 * The built `magtrack` bin (dist/src/cli/main.js, what `npm start` and an installed package run), for
 * tests that start the CLI as a child process. `npm test` builds it first (the "pretest" script), as
 * the worker pool's dist/src/sync/pool-worker-entry.cjs already requires.
 *
 * Why not `node --import tsx src/cli/main.ts`: a child under tsx starts in 0.75 s instead of 0.4 s,
 * and every worker thread of its pool inherits the tsx loader (execArgv), so the first profile of a
 * sync took 0.7–0.9 s instead of 0.05 s. A 24-point MLflow sync of test/ops took 2.7–3.1 s from the
 * sources and 1.5 s from dist (measured 2026-12-07); the kill -9 files start dozens of them.
 *
 * A dist older than the sources would test yesterday's code without saying so: builtCli() refuses it.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUILT_MAIN = join(ROOT, "dist", "src", "cli", "main.js");

/** The newest file under dir (recursive) whose name matches `pattern`, by modification time. */
function newest(dir: string, pattern: RegExp): { file: string; mtimeMs: number } {
  let best = { file: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory()
      ? newest(path, pattern)
      : pattern.test(entry.name)
        ? { file: path, mtimeMs: statSync(path).mtimeMs }
        : best;
    if (candidate.mtimeMs > best.mtimeMs) best = candidate;
  }
  return best;
}

/** Node arguments that start the built CLI; throws when dist is missing or older than src/. */
export function builtCli(): string[] {
  if (checked === undefined) checked = checkBuilt();
  return [BUILT_MAIN];
}

/** Checked once per test file (a kill -9 file starts dozens of children; the trees do not change). */
let checked: true | undefined;

function checkBuilt(): true {
  try {
    statSync(BUILT_MAIN);
  } catch {
    throw new Error(`${BUILT_MAIN} is missing: run \`npm run build\` (\`npm test\` does it first)`);
  }
  // Newest against newest: a build (incremental or not) rewrites the outputs of what changed.
  const source = newest(join(ROOT, "src"), /\.(ts|as|mjs)$/);
  const built = newest(join(ROOT, "dist"), /\.(js|wasm)$/);
  if (source.mtimeMs > built.mtimeMs) {
    throw new Error(
      `${source.file} is newer than everything in dist/: run \`npm run build\` (\`npm test\` does it first), or child-process tests would run old code`,
    );
  }
  return true;
}
