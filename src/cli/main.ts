#!/usr/bin/env node
/** The `magtrack` executable: wires the process (argv, env, signals, streams) to runCli. */
import { runCli } from "./app.js";

const controller = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
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
  signal: controller.signal,
  startedAt: 0, // performance.now() counts from the process start
});
process.exitCode = code;
