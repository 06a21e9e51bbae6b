/**
 * Issue 11: README.md and docs/ refer only to files the repository has (TRACKERS.md, MATH.md and
 * "the design card" were referred to but live outside it, in the maintainers' ../shared). Checked:
 * every relative Markdown link, and every mention of a repository path or a *.md file, resolves
 * from the file that mentions it or from the repository root.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DOCS = [
  "README.md",
  ...readdirSync(join(REPO, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Relative link targets, without #anchors: [text](target). */
function links(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!.split("#")[0]!)
    .filter((t) => t !== "" && !/^[a-z]+:/i.test(t));
}

/** Path-like mentions: a *.md file name, or a path under one of the repository's top folders. */
function mentions(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\w/.<{-])((?:\.\.\/)*[\w.-]+(?:\/[\w.-]+)*\.md)\b/g)) out.add(m[1]!);
  for (const m of text.matchAll(
    /(?<![\w/.<{-])((?:src|adapters|test|bench|scripts|examples|docs)\/[\w./-]*[\w-])/g,
  ))
    out.add(m[1]!);
  return [...out];
}

function resolves(file: string, target: string): boolean {
  if (/^\.\.\/shared\/contracts\b/.test(target)) return true; // optional, outside the repository (see above)
  return existsSync(join(REPO, dirname(file), target)) || existsSync(join(REPO, target));
}

describe("documentation references", () => {
  for (const file of DOCS) {
    it(`${file}: every link and file mention resolves inside the repository`, () => {
      const text = readFileSync(join(REPO, file), "utf8");
      const broken = [...links(text), ...mentions(text)].filter((t) => !resolves(file, t));
      expect(broken, `${file} refers to missing files`).toEqual([]);
      expect(text).not.toMatch(/design card/i);
      // The one outside folder named: the maintainers' optional upstream contracts, said to be optional.
      for (const m of text.matchAll(/\.\.\/shared\/[\w/.-]*/g))
        expect(m[0]).toMatch(/^\.\.\/shared\/contracts\b/);
    });
  }

  it("checks something: a missing file is caught", () => {
    expect(mentions("see TRACKERS.md and src/nope/x.ts")).toEqual(["TRACKERS.md", "src/nope/x.ts"]);
    expect(resolves("README.md", "TRACKERS.md")).toBe(false);
    expect(resolves("docs/operations.md", "../examples/cron/crontab")).toBe(true);
    expect(relative(REPO, join(REPO, "docs"))).toBe("docs");
  });
});

describe("the NDJSON event list", () => {
  it("README and docs/operations.md name every event type of src/sync/events.ts and the CLI's own", () => {
    const source = readFileSync(join(REPO, "src/sync/events.ts"), "utf8");
    const union = source.slice(
      source.indexOf("export type SyncEvent"),
      source.indexOf("export type EventSink"),
    );
    const types = [...union.matchAll(/type: "([a-z-]+)"/g)].map((m) => m[1]!);
    expect(types).toContain("run-start");
    expect(types.length).toBeGreaterThanOrEqual(10);
    // Written by the CLI itself: src/cli/reporter.ts (summary), fatal.ts (error), commands/sync.ts (skipped).
    for (const type of [...types, "summary", "error", "skipped"]) {
      for (const file of ["README.md", "docs/operations.md"]) {
        expect(readFileSync(join(REPO, file), "utf8"), `${file} lists ${type}`).toContain(`\`${type}\``);
      }
    }
  });
});
