#!/usr/bin/env node
/**
 * Last step of `npm run build`: give every file that package.json's "bin" names the mode 0755.
 * tsc writes new files 0644, and npm links a package's own bin before `prepare` has built it, so
 * on a fresh `npm ci` the link pointed at a file that was not executable: `npx --no-install
 * magtrack` failed with "Permission denied" for a non-root user (CI, stop 21).
 */
import { chmodSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { bin } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const targets = typeof bin === "string" ? [bin] : Object.values(bin ?? {});
for (const target of targets) chmodSync(join(root, target), 0o755);
