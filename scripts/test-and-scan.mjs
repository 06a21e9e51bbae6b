#!/usr/bin/env node
/**
 * `npm test`: run vitest (arguments passed through), tee its output to the terminal, then fail if
 * any test credential listed in test/helpers/secrets.ts appears anywhere in that output — as is,
 * URL-encoded, base64, or as the base64 Basic-auth value "user:secret". The exit code is vitest's,
 * or 3 when a credential leaked (vitest passing does not hide a leak).
 *
 * Credentials are never printed: a leak is reported by its position in the list.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const EXIT_LEAK = 3;

/** The double-quoted literals between "// BEGIN <name>" and "// END <name>" in secrets.ts. */
export function listedStrings(source, name) {
  const start = source.indexOf(`// BEGIN ${name}`);
  const end = source.indexOf(`// END ${name}`);
  if (start < 0 || end < start) throw new Error(`test/helpers/secrets.ts: no BEGIN/END ${name} block`);
  // Every double-quoted literal of the block, wherever the formatter put it; comment lines skipped.
  const block = source
    .slice(start, end)
    .split("\n")
    .filter((line) => !line.trim().startsWith("//"))
    .join("\n");
  const found = [...block.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  if (found.length === 0) throw new Error(`test/helpers/secrets.ts: the ${name} block lists nothing`);
  return found;
}

export function leakForms(secret, users) {
  const b64 = (s) => Buffer.from(s, "utf8").toString("base64");
  return [secret, encodeURIComponent(secret), b64(secret), ...users.map((u) => b64(`${u}:${secret}`))];
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Indexes (into `secrets`) of the credentials found in `text` in any leak form. */
export function findLeaks(text, secrets, users) {
  const plain = text.replace(ANSI, "");
  const found = [];
  secrets.forEach((secret, i) => {
    if (leakForms(secret, users).some((form) => plain.includes(form))) found.push(i);
  });
  return found;
}

function main() {
  const source = readFileSync(join(root, "test", "helpers", "secrets.ts"), "utf8");
  const secrets = listedStrings(source, "SECRETS");
  const users = listedStrings(source, "USERS");
  if (secrets.length === 0)
    throw new Error("test/helpers/secrets.ts lists no secrets: the scan would prove nothing");
  const vitest = join(root, "node_modules", "vitest", "vitest.mjs");
  const env = { ...process.env };
  if (process.stdout.isTTY && env.FORCE_COLOR === undefined) env.FORCE_COLOR = "1";
  const child = spawn(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
    cwd: root,
    env,
    stdio: ["inherit", "pipe", "pipe"],
  });
  const chunks = [];
  child.stdout.on("data", (c) => {
    chunks.push(c);
    process.stdout.write(c);
  });
  child.stderr.on("data", (c) => {
    chunks.push(c);
    process.stderr.write(c);
  });
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
  child.on("close", (code, signal) => {
    const leaks = findLeaks(Buffer.concat(chunks).toString("utf8"), secrets, users);
    if (leaks.length > 0) {
      process.stderr.write(
        `\ntest-and-scan: FAILED — listed test credential(s) #${leaks.join(", #")} of test/helpers/secrets.ts appear in the test output (a log, error or captured output leaks a secret)\n`,
      );
      process.exitCode = EXIT_LEAK;
      return;
    }
    process.stderr.write(
      `test-and-scan: no listed test credential (${secrets.length} secrets × their encoded forms) in ${chunks.reduce((n, c) => n + c.length, 0)} bytes of test output\n`,
    );
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
