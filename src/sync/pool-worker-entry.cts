/**
 * CommonJS entry of the pool's worker threads; it reaches the ES module worker (pool-worker.js) by
 * import().
 *
 * Why not hand piscina pool-worker.js itself: piscina loads a worker file with require() first and
 * falls back to import() only if that throws (piscina 5.3 dist/worker.js getHandler). Node ≥ 20.19
 * require()s an ES module natively ("require(esm)"), and that path aborted a worker thread's process
 * in a fresh-clone CI run (2026-12-07): "FATAL ERROR: v8::Module::IsGraphAsync must be used on an
 * instantiated module", native stack through node's require(esm) from piscina/dist/worker.js:70.
 * A V8 fatal error is not an exception: it kills the whole sync, not one task. This file is
 * CommonJS, so require() loads it without that path, and import() goes through the ESM loader.
 */
import type run from "./pool-worker.js" with { "resolution-mode": "import" };
import type { PoolTask } from "./pool-worker.js" with { "resolution-mode": "import" };

type Run = typeof run;

let worker: Promise<Run> | undefined;

/** piscina's handler: the module's export when it is a function. */
module.exports = async function runTask(task: PoolTask): Promise<ReturnType<Run>> {
  worker ??= import("./pool-worker.js").then((m) => m.default);
  return (await worker)(task);
};
