/**
 * Node flags for the pool's worker threads: the parent's, without module loaders and preloads.
 *
 * A worker thread inherits the parent's execArgv by default. The pool's worker is compiled JavaScript
 * (dist/src/sync/pool-worker-entry.cjs, which imports pool-worker.js beside it) and needs no loader, but a parent run under tsx (or ts-node, or a
 * test runner's hooks) passes `--require …preflight.cjs --import …loader.mjs` on, and every worker
 * then starts the loader first: the first profile of a 24-point sync took 0.7–0.9 s instead of
 * 0.05 s (measured 2026-12-07). Other flags (memory limits, --enable-source-maps, …) are kept.
 */

/** Flags that load code before the entry point; their value follows as the next argument or after "=". */
const LOADER_FLAGS = new Set(["--require", "-r", "--import", "--loader", "--experimental-loader"]);

export function workerExecArgv(parent: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i]!;
    const name = arg.includes("=") ? arg.slice(0, arg.indexOf("=")) : arg;
    if (!LOADER_FLAGS.has(name)) kept.push(arg);
    else if (!arg.includes("=")) i++; // skip the flag's value too
  }
  return kept;
}
