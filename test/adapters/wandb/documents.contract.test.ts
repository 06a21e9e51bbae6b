/**
 * Every GraphQL document the W&B adapter sends is a subset of an operation the official W&B
 * clients send (../shared/contracts/wandb, from wandb/wandb at b6e29505). Runs only where that
 * folder exists (a user's clone has no ../shared) and says so when skipped.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_DOCUMENTS } from "../../../adapters/wandb/documents.js";
import { buildPool, checkAgainstOfficial } from "./graphql-subset.js";

const CONTRACTS = resolve(import.meta.dirname, "../../../../shared/contracts/wandb");
const haveContracts = existsSync(CONTRACTS);
if (!haveContracts) {
  console.warn(
    `SKIPPED: W&B GraphQL contract test — ${CONTRACTS} not found (needs ../shared beside the repo)`,
  );
}

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return graphqlFiles(p);
    return name.endsWith(".graphql") ? [p] : [];
  });
}

/**
 * The Python strings are f-string templates: "{{"/"}}" are braces, and {fragment_name},
 * {fragment}, {FILE_FRAGMENT} name fragments defined in the same file. Sections that stay
 * templates after that (e.g. DeleteRun's "{}") are left out.
 */
function pythonSections(file: string): { text: string; source: string }[] {
  const raw = readFileSync(file, "utf8");
  const sections = raw.split(/^# ---- /m).slice(1);
  const runFragment = sections.find((s) => s.includes("fragment RunFragment on Run"));
  const filesFragment = sections.find((s) => s.includes("fragment RunFilesFragment on Run"));
  const body = (s: string | undefined) => (s ? s.slice(s.indexOf("\n") + 1) : "");
  const out: { text: string; source: string }[] = [];
  for (const section of sections) {
    const source = section.slice(0, section.indexOf("\n")).trim();
    let text = body(section).replace(/^#graphql\s*$/m, "");
    if (text.includes("{{")) {
      text = text.replaceAll("{{", "\u0001").replaceAll("}}", "\u0002");
      text = text
        .replaceAll("{fragment_name}", "RunFragment")
        .replaceAll("{fragment}", body(runFragment))
        .replaceAll("{FILE_FRAGMENT}", body(filesFragment))
        .replaceAll("{}(samples", "history(samples");
      text = text.replaceAll("\u0001", "{").replaceAll("\u0002", "}");
      // runs.py's Run.update appends its fragment positionally: "...RunFragment" + a trailing "{}".
      if (text.includes("...RunFragment") && !text.includes("fragment RunFragment")) {
        text = text.replace(/\{\}\s*$/, body(runFragment));
      }
    } else if (text.includes("{FILE_FRAGMENT}")) {
      text = text.replaceAll("{FILE_FRAGMENT}", body(filesFragment));
    }
    if (/\{\}|\{[a-z_]+\}/i.test(text.replace(/\{\s*\}/g, ""))) continue;
    if (/^\s*fragment /.test(text)) continue; // fragments are inlined where used
    out.push({ text, source: `${relative(CONTRACTS, file)} ${source}` });
  }
  return out;
}

describe.skipIf(!haveContracts)("W&B GraphQL documents against the official operations", () => {
  const pool = () => {
    const docs: { text: string; source: string }[] = [];
    for (const f of graphqlFiles(CONTRACTS))
      docs.push({ text: readFileSync(f, "utf8"), source: relative(CONTRACTS, f) });
    for (const f of ["python-public-api-gql-strings.txt", "python-internal-api-gql-strings.txt"]) {
      docs.push(...pythonSections(join(CONTRACTS, f)));
    }
    // Parse each separately so one official file with a template we cannot expand does not hide others.
    const parsed = docs.filter((d) => {
      try {
        buildPool([d]);
        return true;
      } catch {
        return false;
      }
    });
    // Fragments (PageInfoFragment …) are shared across the codegen files: pool them all.
    return buildPool(parsed.length > 0 ? parsed : docs);
  };

  it("parses the official operations (sanity: the pool holds the ones we rely on)", () => {
    const names = new Set(pool().operations.map((o) => o.op.name?.value));
    for (const n of [
      "RunResumeStatus",
      "UpsertBucket",
      "CreateRunFiles",
      "Runs",
      "RunFiles",
      "HistoryPage",
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });

  for (const [constant, document] of Object.entries(ALL_DOCUMENTS)) {
    it(`${constant} uses only what the official operation of the same name uses`, () => {
      const verdict = checkAgainstOfficial(document, pool());
      expect(verdict.problems, `${verdict.name}: ${verdict.problems.join("; ")}`).toEqual([]);
      expect(verdict.matchedSource).toBeTruthy();
      console.log(`${verdict.name} ⊆ ${verdict.matchedSource}`);
    });
  }

  it("the checker itself rejects a field, an argument and a variable the official operation lacks", () => {
    const p = pool();
    const extraField = checkAgainstOfficial(
      `query RunState($project: String!, $entity: String!, $name: String!) { project(name: $project, entityName: $entity) { run(name: $name) { state secretField } } }`,
      p,
    );
    expect(extraField.problems.join()).toMatch(/secretField/);
    const extraArg = checkAgainstOfficial(
      `query RunState($project: String!, $entity: String!, $name: String!) { project(name: $project, entityName: $entity) { run(name: $name, bogus: 1) { state } } }`,
      p,
    );
    expect(extraArg.problems.join()).toMatch(/bogus/);
    const wrongType = checkAgainstOfficial(
      `query RunState($project: String, $entity: String!, $name: String!) { project(name: $project, entityName: $entity) { run(name: $name) { state } } }`,
      p,
    );
    expect(wrongType.problems.join()).toMatch(/\$project/);
    expect(checkAgainstOfficial(`query NotOfficial { viewer { id } }`, p).problems.join()).toMatch(
      /no official/,
    );
  });
});
