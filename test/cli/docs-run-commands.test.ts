/**
 * Issue 11: `magtrack` is not on PATH after the quick start (`npm ci`), so what the project tells a
 * user to run must work from a clone: `npx --no-install magtrack` (npm exec runs the project's own
 * bin; --no-install never fetches an unrelated registry package of that name). The crontab keeps its
 * NDJSON log clean: stderr goes elsewhere.
 */
import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { syncHint } from "../../src/cli/commands/demo.js";
import { VERSION } from "../../src/version.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

describe("running magtrack from a clone", () => {
  it("the build leaves package.json's bin executable (npm links it before prepare builds it)", async () => {
    const pkg = JSON.parse(await readFile(`${REPO}package.json`, "utf8")) as { bin: Record<string, string> };
    for (const target of Object.values(pkg.bin)) {
      const { mode } = await stat(`${REPO}${target}`);
      expect((mode & 0o111).toString(8), target).toBe("111");
    }
  });

  it("npx --no-install magtrack runs this clone's CLI (what the demo hint and the crontab call)", async () => {
    const { stdout } = await promisify(execFile)("npx", ["--no-install", "magtrack", "--version"], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", npm_config_offline: "true" },
    });
    expect(stdout.trim()).toBe(VERSION);
  });

  it("the demo's closing hint uses it", () => {
    expect(syncHint("magtrack-demo")).toBe("npx --no-install magtrack sync --root magtrack-demo");
  });

  it("the crontab calls npx --no-install magtrack and sends stderr away from the NDJSON log", async () => {
    const text = await readFile(`${REPO}examples/cron/crontab`, "utf8");
    const jobs = text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(job).toContain("npx --no-install magtrack ");
      expect(job).not.toMatch(/npx magtrack/);
      if (job.includes("--json")) {
        expect(job).toMatch(/>> \S+\.ndjson 2>> \S+/);
        expect(job).not.toContain("2>&1");
      }
    }
  });
});
