/** Seeds the fake server with test/fixtures/wandb/finished-run.json. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";

interface FixtureRun {
  name: string;
  displayName: string;
  state: string;
  tags: string[];
  history: string[];
  summary: string;
  config: string;
  files: Record<string, string>;
  artifacts: { type: string; sequence: string; versionIndex: number; files: Record<string, string> }[];
}

export const FIXTURE: FixtureRun = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../fixtures/wandb/finished-run.json"), "utf8"),
);

const bytes = (s: string) => new TextEncoder().encode(s);
const mapBytes = (o: Record<string, string>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, bytes(v)]));

export function seedFinishedRun(
  fake: FakeWandbServer,
  overrides: { name?: string; state?: string } = {},
): FakeRun {
  return fake.addRun({
    name: overrides.name ?? FIXTURE.name,
    displayName: FIXTURE.displayName,
    state: overrides.state ?? FIXTURE.state,
    createdAt: Date.UTC(2026, 0, 1),
    tags: FIXTURE.tags,
    history: FIXTURE.history,
    summary: FIXTURE.summary,
    config: FIXTURE.config,
    files: mapBytes(FIXTURE.files),
    artifacts: FIXTURE.artifacts.map((a) => ({ ...a, files: mapBytes(a.files) })),
  });
}
