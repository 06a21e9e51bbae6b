/**
 * `npm test` is scripts/test-and-scan.mjs: it must pass vitest's output and exit code through, and
 * fail (exit 3) when any listed credential — raw, URL-encoded, base64, or as a Basic-auth header
 * value — shows up in it. Checked by running the script on throwaway test files in a temp folder
 * (their output is captured here, never printed).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  leakForms,
  OPS_MLFLOW_USER,
  OPS_SIGNED_URL_SIGNATURE,
  secretsIn,
  TEST_SECRETS,
} from "../helpers/secrets.js";

const SCRIPT = fileURLToPath(new URL("../../scripts/test-and-scan.mjs", import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function scan(body: string): Promise<{ code: number | null; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), "magtrack-scan-"));
  dirs.push(dir);
  await writeFile(join(dir, "probe.test.mjs"), body);
  const child = spawn(process.execPath, [SCRIPT, "--root", dir, "--globals", "--reporter", "dot"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
  });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (t: string) => {
    out += t;
  });
  child.stderr.setEncoding("utf8").on("data", (t: string) => {
    out += t;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, out };
}

describe("scripts/test-and-scan.mjs", () => {
  it("passes a clean run through with vitest's exit code (0, then 1 for a failing test)", async () => {
    const ok = await scan(`test("fine", () => { console.log("nothing to see"); });\n`);
    expect(ok.code, ok.out).toBe(0);
    // The script reads the list from secrets.ts itself: it must see exactly the list the tests use.
    expect(ok.out).toContain(`no listed test credential (${TEST_SECRETS.length} secrets`);
    const failing = await scan(`test("fails", () => { throw new Error("plain failure"); });\n`);
    expect(failing.code).toBe(1);
  }, 60_000);

  it("fails with exit 3 when a credential leaks raw or as a Basic header, naming only its index", async () => {
    const index = TEST_SECRETS.indexOf(OPS_SIGNED_URL_SIGNATURE);
    const raw = await scan(
      `test("leaks", () => { console.log("GET /x?sig=" + ${JSON.stringify(OPS_SIGNED_URL_SIGNATURE)}); });\n`,
    );
    expect(raw.code, raw.out.replaceAll(OPS_SIGNED_URL_SIGNATURE, "<sig>")).toBe(3);
    expect(raw.out).toContain(`#${index}`);
    const basic = Buffer.from(`${OPS_MLFLOW_USER}:${TEST_SECRETS[0]}`).toString("base64");
    const header = await scan(`test("leaks", () => { console.error("Authorization: Basic ${basic}"); });\n`);
    expect(header.code).toBe(3);
    expect(header.out).toContain("#0");
    // The scanner's verdict line itself does not repeat the secret.
    expect(
      header.out
        .split("\n")
        .filter((l) => l.includes("test-and-scan"))
        .join("\n"),
    ).not.toContain(TEST_SECRETS[0]);
  }, 60_000);

  it("secretsIn() finds every leak form and nothing in clean text", () => {
    for (const form of leakForms(TEST_SECRETS[1]!)) expect(secretsIn(`x ${form} y`)).toHaveLength(1);
    expect(secretsIn("Authorization: Basic *** at https://127.0.0.1/api?sig=***")).toEqual([]);
  });
});
