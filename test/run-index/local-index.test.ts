/**
 * The local store's index page through the CLI: written at the end of a sync (NDJSON "run-index"),
 * never listed as a run, links only to pages that exist, untouched when nothing changed, not written
 * on --dry-run, and a directory of its name (someone's run) is left alone with a notice.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalAdapter } from "../../adapters/local/index.js";
import { INDEX_FILE } from "../../adapters/local/run-index.js";
import { cli } from "../helpers/cli.js";
import { makeStore } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});
async function store(spec: Parameters<typeof makeStore>[0]) {
  const root = await makeStore(spec, undefined);
  roots.push(root);
  return root;
}
const events = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; [k: string]: unknown });

describe("local index page across runs", () => {
  it("is written by sync, links each run's report, and is never taken for a run", async () => {
    const root = await store({
      runs: { a: { layers: { fc1: [0, 1, 2] } }, "b c": { layers: { fc1: [0, 4], fc2: [0] } } },
    });
    const first = await cli(["sync", "--root", root, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const page = join(root, INDEX_FILE);
    expect(events(first.stdout).filter((e) => e.type === "run-index")).toEqual([
      { type: "run-index", location: page, runs: 2 },
    ]);
    const html = await readFile(page, "utf8");
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs).toEqual(["a/magnitude/report.html", "b%20c/magnitude/report.html"]);
    for (const h of hrefs) expect((await stat(join(root, decodeURIComponent(h)))).isFile()).toBe(true);
    expect(html.match(/class="spark"/g)?.length).toBe(3); // a·fc1, b c·fc1, b c·fc2
    const listed: string[] = [];
    for await (const run of createLocalAdapter({ root }).listRuns({})) listed.push(run.id);
    expect(listed).toEqual(["a", "b c"]);

    // Nothing new: the page is not rewritten (same bytes, same mtime).
    const mtime = (await stat(page)).mtimeMs;
    const second = await cli(["sync", "--root", root, "--json"]);
    expect(second.code).toBe(0);
    expect(events(second.stdout).some((e) => e.type === "run-index")).toBe(true);
    expect((await stat(page)).mtimeMs).toBe(mtime);
    expect(await readFile(page, "utf8")).toBe(html);
  });

  it("covers every run of the store even when the sync is filtered to one run", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1] } }, b: { layers: { fc1: [0, 1] } } } });
    expect((await cli(["sync", "--root", root, "--runs", "a"])).code).toBe(0);
    const html = await readFile(join(root, INDEX_FILE), "utf8");
    expect(html).toContain('href="a/magnitude/report.html"');
    expect(html).toContain("no results yet"); // b: listed, not synced yet, no link (no page)
    expect(html).not.toContain('href="b/');
  });

  it("links the cross-run report once magtrack report wrote one", async () => {
    const runs: Record<string, { layers: Record<string, number[]> }> = {};
    for (let i = 0; i < 4; i++) runs[`r${i}`] = { layers: { fc1: [0, 2] } };
    const root = await store({ runs });
    for (let i = 0; i < 4; i++)
      await writeFile(
        join(root, `r${i}`, "metrics.jsonl"),
        `${JSON.stringify({ step: 2, key: "test_accuracy", value: 0.5 + i / 10 })}\n`,
      );
    expect((await cli(["sync", "--root", root])).code).toBe(0);
    expect(await readFile(join(root, INDEX_FILE), "utf8")).toContain("No cross-run report yet");
    const report = await cli(["report", "--root", root, "--outcome", "test_accuracy"]);
    expect(report.code, report.stderr).toBe(0);
    expect(await readFile(join(root, INDEX_FILE), "utf8")).toContain('href="magtrack-report/index.html"');
  });

  it("--dry-run writes no page; a directory of its name is left alone and the sync still succeeds", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1] } } } });
    expect((await cli(["sync", "--root", root, "--dry-run"])).code).toBe(0);
    await expect(stat(join(root, INDEX_FILE))).rejects.toThrow(/ENOENT/);

    await mkdir(join(root, INDEX_FILE, "activations", "fc1"), { recursive: true });
    const run = await cli(["sync", "--root", root, "--json"]);
    expect(run.code).toBe(0);
    const notices = events(run.stdout).filter((e) => e.type === "notice");
    expect(notices.map((n) => n.message).join("\n")).toMatch(
      /index page across runs was not written: .*is not a file/,
    );
    expect((await stat(join(root, INDEX_FILE))).isDirectory()).toBe(true);
  });
});
