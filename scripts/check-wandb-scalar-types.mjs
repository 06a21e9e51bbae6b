#!/usr/bin/env node
/**
 * Re-checks test/fixtures/wandb/scalar-types.json against a git directory of github.com/wandb/wandb:
 * every `upstream` pattern must match the named file at HEAD (or at the commit given).
 *   node scripts/check-wandb-scalar-types.mjs <wandb-git-dir> [commit]
 * Exit 0 when all match; 1 with the list of rows that no longer do (the fixture needs a new look).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

const [gitDir, commit = "HEAD"] = process.argv.slice(2);
if (!gitDir) {
  console.error("usage: node scripts/check-wandb-scalar-types.mjs <wandb-git-dir> [commit]");
  process.exit(2);
}
const table = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../test/fixtures/wandb/scalar-types.json"), "utf8"),
);
const cache = new Map();
const show = (path) => {
  if (!cache.has(path)) {
    cache.set(
      path,
      execFileSync("git", ["--git-dir", gitDir, "show", `${commit}:${path}`], {
        encoding: "utf8",
        maxBuffer: 64 << 20,
      }),
    );
  }
  return cache.get(path);
};
const failures = [];
let checked = 0;
for (const row of [
  { type: "bindings", field: "genqlient", upstream: table.bindingsUpstream },
  ...table.fields,
  ...table.arguments,
  ...table.inputs,
]) {
  for (const { path, pattern } of row.upstream) {
    checked++;
    if (!new RegExp(pattern).test(show(path)))
      failures.push(`${row.type ?? row.input}.${row.field}: /${pattern}/ not in ${path}`);
  }
}
const head = execFileSync("git", ["--git-dir", gitDir, "rev-parse", commit], { encoding: "utf8" }).trim();
if (failures.length > 0) {
  console.error(
    `wandb/wandb ${head}: ${failures.length} of ${checked} upstream citations do not match:\n${failures.join("\n")}`,
  );
  process.exit(1);
}
console.log(`wandb/wandb ${head}: all ${checked} upstream citations of scalar-types.json match`);
