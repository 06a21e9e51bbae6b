#!/usr/bin/env node
/** The `magtrack` executable: wires the process (argv, env, signals, streams) to runCli. */
import { enableRelaxedSimd } from "../kernels/relaxed-simd.js";
import { runCli } from "./app.js";
import { guardOutput } from "./closed-output.js";
import { EXIT_INTERRUPTED, EXIT_OUTPUT_CLOSED } from "./exit-codes.js";

// The kernels' fused multiply-add (src/kernels/loader.ts) needs relaxed SIMD: on by default from
// Node 22, behind a V8 flag on Node 20, which only the process's owner may set (before any kernel compiles).
if (process.env.MAGTRACK_WASM_FMA !== "off") enableRelaxedSimd();

const controller = new AbortController();
let interrupted = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (signal === "SIGINT") interrupted = true;
    // Stop at the next file boundary (what is computed is written); a second signal kills at once.
    stderr.write(`magtrack: ${signal} received, stopping after the current file\n`);
    controller.abort(`${signal} received`);
  });
}

// A closed stdout (`| head -1`) stops the sync early, cleanly: see closed-output.ts.
const stderr = guardOutput(process.stderr);
const stdout = guardOutput(process.stdout, (code) => {
  stderr.write(`magtrack: stdout closed (${code}), stopping after the current file\n`);
  controller.abort(`stdout closed (${code})`);
});

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: stdout.write,
  stderr: stderr.write,
  isTTY: process.stderr.isTTY === true,
  ...(process.stderr.isTTY
    ? { terminal: { write: stderr.write, columns: process.stderr.columns ?? 80 } }
    : {}),
  signal: controller.signal,
  startedAt: 0, // performance.now() counts from the process start
});
// Ctrl-C: after the clean stop, exit 130 (128 + SIGINT) as shells expect of an interrupted command.
process.exitCode = interrupted ? EXIT_INTERRUPTED : stdout.closedBy() !== null ? EXIT_OUTPUT_CLOSED : code;
