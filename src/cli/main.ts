#!/usr/bin/env node
/** The `magtrack` executable: wires the process (argv, env, signals, streams) to runCli. */
import { runCli } from "./app.js";
import { EXIT_INTERRUPTED } from "./exit-codes.js";

const controller = new AbortController();
let interrupted = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (signal === "SIGINT") interrupted = true;
    // Stop at the next run boundary; a second signal kills immediately (default handler).
    process.stderr.write(`magtrack: ${signal} received, stopping after the current run\n`);
    controller.abort(`${signal} received`);
  });
}

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
  ...(process.stderr.isTTY
    ? { terminal: { write: (t: string) => process.stderr.write(t), columns: process.stderr.columns ?? 80 } }
    : {}),
  signal: controller.signal,
  startedAt: 0, // performance.now() counts from the process start
});
// Ctrl-C: after the clean stop, exit 130 (128 + SIGINT) as shells expect of an interrupted command.
process.exitCode = interrupted ? EXIT_INTERRUPTED : code;
