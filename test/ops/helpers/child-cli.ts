/**
 * Start the real `magtrack` CLI as a child process (the built bin, test/helpers/built-cli.ts), capture
 * its output, time it, and kill it on demand. Captured output is checked for credentials by the
 * callers (expectNoSecret) and echoed on failure, so nothing a child prints escapes the scan.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { builtCli } from "../../helpers/built-cli.js";
import type { KillMode, KillProxy } from "./kill-proxy.js";

export interface ChildRun {
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly done: Promise<ChildResult>;
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function startCli(args: readonly string[], env: Readonly<Record<string, string>>): ChildRun {
  const started = performance.now();
  const child = spawn(process.execPath, [...builtCli(), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    // Only what the test sets plus what node needs to run: no inherited credentials.
    env: { PATH: process.env.PATH ?? "", NO_PROXY: "127.0.0.1,localhost", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (t: string) => {
    stdout += t;
  });
  child.stderr!.setEncoding("utf8").on("data", (t: string) => {
    stderr += t;
  });
  const done = new Promise<ChildResult>((resolve) => {
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
  });
  return { child, done };
}

/** Run the CLI through `proxy` and SIGKILL it at the proxy's request `at` ("before"/"after" the server has it). */
export function killCliAt(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  proxy: KillProxy,
  at: number,
  mode: KillMode,
): Promise<ChildResult> {
  const child = startCli(args, env);
  proxy.plan = { at, mode, kill: () => child.child.kill("SIGKILL") };
  return child.done;
}

/** The NDJSON lines of a --json run (lines that are not JSON are ignored). */
export function ndjsonEvents(stdout: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a line cut by kill -9
    }
  }
  return out;
}
