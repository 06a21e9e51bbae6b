/**
 * JSON vs JSONString, the mistake that made every real write fail while 57 tests passed: the fake
 * declared historyKeys (a `JSON` field, sent parsed) a `JSONString`, and the adapter parsed it as text.
 * test/fixtures/wandb/scalar-types.json records each field's scalar with its upstream source
 * (wandb/wandb b6e29505; re-checked by scripts/check-wandb-scalar-types.mjs). Here:
 * 1. the fake's schema declares exactly those scalars (always runs);
 * 2. the adapter's documents declare the JSONString variables as the official ones do (always);
 * 3. the adapter refuses, with a typed error naming the field, a JSON field sent as text and a
 *    JSONString field sent parsed — so treating either as the other fails a test (always);
 * 4. the official operations in ../shared/contracts/wandb select each field of the table (only
 *    where ../shared exists; says SKIPPED otherwise).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  buildSchema,
  type GraphQLInputObjectType,
  type GraphQLObjectType,
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  type TypeNode,
} from "graphql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALL_DOCUMENTS } from "../../../adapters/wandb/documents.js";
import type { TrackerAdapter } from "../../../src/adapter-kit.js";
import { FAKE_WANDB_SDL } from "./fake-schema.js";
import type { FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";
import { FIXTURE, seedFinishedRun } from "./seed.js";

interface Row {
  type?: string;
  input?: string;
  field: string;
  argument?: string;
  scalar: "JSON" | "JSONString";
  list?: boolean;
  contract: { file: string; contains: string };
}
const TABLE: { fields: Row[]; arguments: Row[]; inputs: Row[] } = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../fixtures/wandb/scalar-types.json"), "utf8"),
);
const schema = buildSchema(FAKE_WANDB_SDL);

describe("the fake's schema follows the official scalar types", () => {
  it.each(TABLE.fields)("$type.$field is $scalar", (row) => {
    const field = (schema.getType(row.type!) as GraphQLObjectType).getFields()[row.field];
    expect(field, `${row.type}.${row.field} missing from the fake`).toBeDefined();
    let t = field!.type;
    if (isNonNullType(t)) t = t.ofType;
    expect(isListType(t)).toBe(row.list === true);
    expect(getNamedType(t).name).toBe(row.scalar);
  });

  it.each(TABLE.arguments)("$type.$field($argument:) is $scalar", (row) => {
    const field = (schema.getType(row.type!) as GraphQLObjectType).getFields()[row.field]!;
    const arg = field.args.find((a) => a.name === row.argument);
    expect(arg && getNamedType(arg.type).name).toBe(row.scalar);
  });

  it.each(TABLE.inputs)("$input.$field is $scalar", (row) => {
    const input = schema.getType(row.input!) as GraphQLInputObjectType;
    expect(getNamedType(input.getFields()[row.field]!.type).name).toBe(row.scalar);
  });

  it("every JSON-ish field of the fake is in the table (a new one needs its source looked up)", () => {
    const known = new Set(TABLE.fields.map((r) => `${r.type}.${r.field}`));
    const jsonish: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || !("getInterfaces" in type)) continue; // object types only
      for (const f of Object.values((type as GraphQLObjectType).getFields())) {
        const name = getNamedType(f.type).name;
        if (name === "JSON" || name === "JSONString") jsonish.push(`${type.name}.${f.name}`);
      }
    }
    expect(jsonish.length).toBeGreaterThan(0);
    expect(jsonish.filter((k) => !known.has(k))).toEqual([]);
  });
});

describe("the adapter's documents declare JSONString variables as the official operations do", () => {
  const named = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : named(t.type));
  it("config, summaryMetrics and filters variables are JSONString", () => {
    const wanted = new Map([
      ["config", "JSONString"],
      ["summaryMetrics", "JSONString"],
      ["filters", "JSONString"],
    ]);
    let seen = 0;
    for (const doc of Object.values(ALL_DOCUMENTS)) {
      for (const def of parse(doc).definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION) continue;
        for (const v of def.variableDefinitions ?? []) {
          const want = wanted.get(v.variable.name.value);
          if (want === undefined) continue;
          seen++;
          expect(named(v.type), `$${v.variable.name.value} in ${def.name?.value}`).toBe(want);
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(2); // Runs $filters, UpsertBucket $config
  });
});

describe("the adapter reads each scalar as its kind and refuses the other", () => {
  let fake: FakeWandbServer;
  let adapter: TrackerAdapter;
  beforeEach(async () => {
    fake = await startFake();
    seedFinishedRun(fake);
    adapter = adapterFor(fake);
  });
  afterEach(() => fake.stop());

  const listOne = async () => {
    for await (const r of adapter.listRuns({ runs: [FIXTURE.name] })) return r;
    throw new Error("run not listed");
  };
  /** A ref without the runs page's snapshot: readState reads RunResumeStatus and RunHistoryKeys. */
  const listOneWithoutSnapshot = async () => {
    const r = await listOne();
    return { ...r, extra: { ...r.extra, snapshot: undefined } };
  };
  /** Replace one field of every object named `key` in the answer of operation `op`. */
  const rewrite = (op: string, key: string, to: (v: unknown) => unknown) => {
    fake.rewriteGraphqlData = (name, data) => {
      if (name !== op) return data;
      const walk = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(walk);
        if (v === null || typeof v !== "object") return v;
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === key ? to(x) : walk(x)]));
      };
      return walk(data);
    };
  };

  it("historyKeys arrives parsed from the corrected fake and the scan uses it", async () => {
    const seen: unknown[] = [];
    fake.rewriteGraphqlData = (name, data) => {
      if (name === "RunHistoryKeys")
        seen.push((data as { project: { run: { historyKeys: unknown } } }).project.run.historyKeys);
      return data;
    };
    const state = await adapter.readState(await listOneWithoutSnapshot());
    expect(state.written).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(typeof seen[0]).toBe("object");
    expect((seen[0] as { lastStep: number }).lastStep).toBe(4); // fixture history has _step 0–4
  });

  it("historyKeys (JSON) on the runs page sent as JSON text is a WANDB_BAD_SCALAR naming the field", async () => {
    rewrite("Runs", "historyKeys", (v) => JSON.stringify(v));
    await expect(listOne()).rejects.toMatchObject({
      code: "WANDB_BAD_SCALAR",
      message: expect.stringContaining("historyKeys"),
    });
  });

  it("historyKeys (JSON) sent as JSON text is a WANDB_BAD_SCALAR naming the field", async () => {
    const run = await listOneWithoutSnapshot();
    rewrite("RunHistoryKeys", "historyKeys", (v) => JSON.stringify(v));
    await expect(adapter.readState(run)).rejects.toMatchObject({
      code: "WANDB_BAD_SCALAR",
      message: expect.stringContaining("historyKeys"),
    });
  });

  it("config (JSONString) sent parsed is a WANDB_BAD_SCALAR naming the field", async () => {
    rewrite("Runs", "config", (v) => JSON.parse(v as string));
    await expect(listOne()).rejects.toMatchObject({
      code: "WANDB_BAD_SCALAR",
      message: expect.stringContaining("config"),
    });
  });

  it.each(["summaryMetrics", "historyTail", "config"])(
    "RunResumeStatus %s (JSONString) sent parsed is a WANDB_BAD_SCALAR",
    async (key) => {
      const run = await listOneWithoutSnapshot();
      // Any parsed value stands for "sent parsed" (the fixture's text holds bare NaN tokens).
      rewrite("RunResumeStatus", key, () => (key === "historyTail" ? [] : { _step: 4 }));
      await expect(adapter.readState(run)).rejects.toMatchObject({
        code: "WANDB_BAD_SCALAR",
        message: expect.stringContaining(key),
      });
    },
  );

  it("history rows (JSONString items) sent parsed are a WANDB_BAD_SCALAR", async () => {
    const run = await listOneWithoutSnapshot();
    // Make the scan read the history: a magtrack key in historyKeys.
    fake.run(FIXTURE.name).history.push('{"_step": 5, "magnitude/fc1/area": 1.5, "magnitude/step": 0}');
    rewrite("HistoryPage", "history", (v) => (v as string[]).map((_, i) => ({ _step: i })));
    await expect(adapter.readState(run)).rejects.toMatchObject({ code: "WANDB_BAD_SCALAR" });
  });

  it("the fake itself refuses a JSONString variable sent as an object (the clients send text)", async () => {
    const res = await fetch(`${fake.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: authHeader(fake) },
      body: JSON.stringify({
        query: ALL_DOCUMENTS.RUNS,
        variables: { entity: "team", project: "proj", filters: { state: "finished" } },
      }),
    });
    const body = (await res.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(/JSONString/);
  });
});

function authHeader(fake: FakeWandbServer): string {
  return `Basic ${Buffer.from(`api:${fake.apiKey}`).toString("base64")}`;
}

const CONTRACTS = resolve(import.meta.dirname, "../../../../shared/contracts/wandb");
const haveContracts = existsSync(CONTRACTS);
if (!haveContracts) {
  console.warn(
    `SKIPPED: W&B scalar-table contract check — ${CONTRACTS} not found (needs ../shared beside the repo)`,
  );
}

describe.skipIf(!haveContracts)("the table's fields are selected by the official operations", () => {
  it.each([...TABLE.fields, ...TABLE.arguments, ...TABLE.inputs])(
    "$field: $contract.file holds it",
    (row) => {
      const text = readFileSync(resolve(CONTRACTS, row.contract.file), "utf8");
      expect(text).toContain(row.contract.contains);
    },
  );
});
