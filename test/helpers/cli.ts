/** Run the CLI in-process with captured output. */
import { runCli } from "../../src/cli/app.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    isTTY: false,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
