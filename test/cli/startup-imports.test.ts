/**
 * What every command pays before it runs: the modules src/cli/main.ts loads statically (the commands
 * themselves are import()ed lazily by app.ts). The HTTP client (axios, via src/io/http.ts) cost
 * 150 ms of that start, measured with `node dist/src/cli/main.js --version` (0.45 → 0.32 s), while
 * only tracker adapters need it; `compute` never does. The walk reads the sources' static runtime
 * imports and re-exports (`import type` / `export type` and `import()` are not loads of the module).
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** Static runtime specifiers of a TS source: `import … from "x"`, `import "x"`, `export … from "x"`. */
function runtimeSpecifiers(source: string): string[] {
  const out: string[] = [];
  const statement =
    /^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
  for (const m of source.matchAll(statement)) {
    if (m[5] !== undefined) out.push(m[5]);
    else if (m[2] === undefined) out.push(m[4]!);
  }
  return out;
}

/** Every module reachable from `entry` by static runtime imports: repo files and package names. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of runtimeSpecifiers(readFileSync(file, "utf8"))) {
      if (spec.startsWith("node:")) continue;
      if (!spec.startsWith(".")) {
        packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
        continue;
      }
      visit(join(dirname(file), spec.replace(/\.js$/, ".ts")));
    }
  };
  visit(entry);
  return { files, packages };
}

describe("the CLI's start-up imports", () => {
  it("the walk sees runtime imports and skips type-only ones", () => {
    const specs = runtimeSpecifiers(
      [
        'import axios, { type A } from "axios";',
        'import type { B } from "./b.js";',
        'export { c } from "./c.js";',
        'export type { D } from "./d.js";',
        'import "./side-effect.js";',
        "import {\n  e,\n  f,\n} from './e.js';",
        'const g = await import("./lazy.js");',
      ].join("\n"),
    );
    expect(specs).toEqual(["axios", "./c.js", "./side-effect.js", "./e.js"]);
  });

  it("main.ts loads neither the HTTP client nor a tracker adapter before a command is chosen", () => {
    const { files, packages } = staticGraph(join(root, "src/cli/main.ts"));
    expect(files.has(join(root, "src/cli/app.ts"))).toBe(true); // the walk follows the entry's imports
    expect(packages.has("yargs")).toBe(true);
    expect([...packages]).not.toContain("axios");
    const relative = [...files].map((f) => f.slice(root.length + 1));
    expect(relative.filter((f) => f === "src/io/http.ts" || f.startsWith("src/adapters/"))).toEqual([]);
  });

  it("the compute command does not load the HTTP client either", () => {
    const { packages, files } = staticGraph(join(root, "src/cli/commands/compute.ts"));
    expect(files.has(join(root, "src/core/profile.ts"))).toBe(true);
    expect([...packages]).not.toContain("axios");
  });
});
