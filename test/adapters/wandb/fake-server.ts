/**
 * An in-process fake W&B server on 127.0.0.1 (ephemeral port) that implements the semantics of
 * ../shared/TRACKERS.md literally:
 * - GraphQL at /graphql (executed against fake-schema.ts), auth `Basic base64("api:" + key)`;
 * - upsertBucket REPLACES summary and config wholesale, and by name it CREATES a missing run;
 * - the filestream at /files/<entity>/<project>/<run>/file_stream: offsets are line indexes and a
 *   line written at an existing offset overwrites it; the summary file replaces the summary; any
 *   post marks the run running until {"complete": true} arrives (exitcode 0 → finished, else failed);
 * - signed download/upload URLs under /signed/ that FAIL (403) when an Authorization header is
 *   present, and count such attempts;
 * - fault injection: HTTP statuses (with Retry-After) for the next N matching requests.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, GraphQLError, type GraphQLScalarType, type GraphQLSchema, graphql } from "graphql";
import { parseJsonLenient } from "../../../src/io/http-body.js";
import { FAKE_WANDB_SDL } from "./fake-schema.js";

export interface FakeFile {
  bytes: Uint8Array;
  md5: string;
  updatedAt: string;
  uploaded: boolean;
}

export interface FakeArtifact {
  id: string;
  type: string;
  sequence: string;
  versionIndex: number;
  state: string;
  files: Map<string, Uint8Array>;
}

export interface FakeRun {
  storageId: string;
  entity: string;
  project: string;
  name: string;
  displayName: string;
  /** The run's group (wandb.init(group=…)); "" when none. */
  group: string;
  /** wandb.init(job_type=…) and notes=… (runupserter.go sends both as upsertBucket jobType / notes); "" when none. */
  jobType: string;
  notes: string;
  state: string;
  createdAt: string;
  heartbeatAt: string;
  tags: string[];
  /** Stored exactly as W&B stores them: JSON text. */
  config: string;
  summary: string;
  history: string[];
  files: Map<string, FakeFile>;
  artifacts: FakeArtifact[];
}

export interface SeedRunInput {
  name: string;
  entity?: string;
  project?: string;
  displayName?: string;
  group?: string;
  state?: string;
  createdAt?: number;
  tags?: string[];
  config?: string;
  summary?: string;
  history?: string[];
  files?: Record<string, Uint8Array>;
  artifacts?: {
    type: string;
    sequence: string;
    versionIndex?: number;
    state?: string;
    files: Record<string, Uint8Array>;
  }[];
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: boolean;
  readonly operationName?: string;
  readonly query?: string;
  readonly variables?: Record<string, unknown>;
  readonly body?: string;
}

interface Drop {
  match: (method: string, path: string, operationName: string | undefined) => boolean;
  remaining: number;
  /** "before": the socket closes unanswered, nothing processed; "after": processed, answer lost. */
  phase: "before" | "after";
}

interface Fault {
  match: (method: string, path: string, operationName: string | undefined, body: string) => boolean;
  status: number;
  remaining: number;
  retryAfter?: string;
}

const md5Base64 = (b: Uint8Array) => createHash("md5").update(b).digest("base64");
const wandbTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "");

export class FakeWandbServer {
  readonly runs: FakeRun[] = [];
  /** "entity/project" of every project that exists (with or without runs). */
  readonly projects = new Set<string>();
  readonly log: LoggedRequest[] = [];
  /** Requests to signed URLs that carried an Authorization header (must stay 0). */
  signedWithAuth = 0;
  /** Custom charts by id ("entity/name") as createCustomChart stored them. */
  readonly customCharts = new Map<
    string,
    { displayName: string; type: string; access: string; spec: string }
  >();
  /** Filestream posts that wrote a history line at an offset that already existed. */
  historyOverwrites = 0;
  /** Every notifyScriptableRunAlert the server accepted, in order (W&B would notify the team for each). */
  readonly alerts: {
    entity: string;
    project: string;
    run: string;
    title: string;
    text: string;
    severity: string;
    waitDuration: number | null;
  }[] = [];
  private readonly faults: Fault[] = [];
  private readonly drops: Drop[] = [];
  /** Test hook: runs after every accepted filestream post (e.g. to simulate a server losing data). */
  afterFileStream: ((run: FakeRun) => void) | undefined;
  /**
   * Test hook: rewrites the `data` of a GraphQL answer before it is sent — to play a server (or a
   * fake) that gets a field's scalar kind wrong, which the adapter must refuse with a typed error.
   */
  rewriteGraphqlData: ((operationName: string | undefined, data: unknown) => unknown) | undefined;
  /**
   * Test hook: what the server stores when a client writes a config (default: exactly the text
   * sent). Plays servers that add or drop keys on write — not an official behaviour, a fault.
   */
  onConfigWrite: ((config: string) => string) | undefined;
  private readonly graphqlErrors = new Map<string, string>();
  private readonly signed = new Map<string, { run: FakeRun; name: string } | { bytes: Uint8Array }>();
  private readonly schema: GraphQLSchema = strictJsonScalars(buildSchema(FAKE_WANDB_SDL));
  private server: Server | undefined;
  private clock = Date.UTC(2026, 5, 1);
  baseUrl = "";

  constructor(readonly apiKey: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  addRun(input: SeedRunInput): FakeRun {
    const now = input.createdAt ?? this.clock;
    const run: FakeRun = {
      storageId: `UnVuOnYx${randomBytes(6).toString("hex")}`,
      entity: input.entity ?? "team",
      project: input.project ?? "proj",
      name: input.name,
      displayName: input.displayName ?? input.name,
      group: input.group ?? "",
      jobType: "",
      notes: "",
      state: input.state ?? "finished",
      createdAt: wandbTime(now),
      heartbeatAt: wandbTime(now + 60_000),
      tags: input.tags ?? [],
      config: input.config ?? '{"_wandb": {"value": {"t": {"1": [1], "2": [1]}}}}',
      summary: input.summary ?? "{}",
      history: [...(input.history ?? [])],
      files: new Map(),
      artifacts: [],
    };
    for (const [name, bytes] of Object.entries(input.files ?? {})) {
      run.files.set(name, { bytes, md5: md5Base64(bytes), updatedAt: run.heartbeatAt, uploaded: true });
    }
    for (const a of input.artifacts ?? []) {
      run.artifacts.push({
        id: `QXJ0aWZhY3Q6${randomBytes(5).toString("hex")}`,
        type: a.type,
        sequence: a.sequence,
        versionIndex: a.versionIndex ?? 0,
        state: a.state ?? "COMMITTED",
        files: new Map(Object.entries(a.files)),
      });
    }
    this.runs.push(run);
    this.projects.add(`${run.entity}/${run.project}`);
    return run;
  }

  addProject(entity: string, project: string): void {
    this.projects.add(`${entity}/${project}`);
  }

  run(name: string): FakeRun {
    const r = this.runs.find((x) => x.name === name);
    if (!r) throw new Error(`fake: no run ${name}`);
    return r;
  }

  /** The next `count` requests matching respond with `status` (and Retry-After when given). */
  failNext(
    status: number,
    count: number,
    where: { path?: RegExp; operationName?: string; method?: string; bodyIncludes?: string } = {},
    retryAfter?: string,
  ): void {
    this.faults.push({
      status,
      remaining: count,
      ...(retryAfter !== undefined ? { retryAfter } : {}),
      match: (method, path, op, body) =>
        (where.bodyIncludes === undefined || body.includes(where.bodyIncludes)) &&
        (where.method === undefined || where.method === method) &&
        (where.path === undefined || where.path.test(path)) &&
        (where.operationName === undefined || where.operationName === op),
    });
  }

  /** Every signed URL handed out so far stops working (as expired signatures do). */
  expireSignedUrls(): void {
    this.signed.clear();
  }

  clearFaults(): void {
    this.faults.length = 0;
    this.drops.length = 0;
  }

  /** The next `count` matching requests lose their connection, before or after being processed. */
  dropNext(
    count: number,
    phase: "before" | "after",
    where: { path?: RegExp; operationName?: string; method?: string } = {},
  ): void {
    this.drops.push({
      remaining: count,
      phase,
      match: (method, path, op) =>
        (where.method === undefined || where.method === method) &&
        (where.path === undefined || where.path.test(path)) &&
        (where.operationName === undefined || where.operationName === op),
    });
  }

  /** The next request of this GraphQL operation answers 200 with an `errors` entry. */
  graphqlErrorNext(operationName: string, message: string): void {
    this.graphqlErrors.set(operationName, message);
  }

  /** W&B's heartbeat watchdog: a run that stopped posting while "running" becomes crashed. */
  expireHeartbeats(): void {
    for (const r of this.runs) if (r.state === "running") r.state = "crashed";
  }

  /** Everything the store holds, comparable with toEqual. */
  snapshot(): unknown {
    return this.runs.map((r) => ({
      name: r.name,
      state: r.state,
      config: r.config,
      summary: r.summary,
      history: [...r.history],
      files: [...r.files.entries()].map(([n, f]) => [n, f.md5, f.uploaded]).sort(),
    }));
  }

  // ---- HTTP ------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const method = req.method ?? "GET";
    const authorization = req.headers.authorization !== undefined;
    let operationName: string | undefined;
    let parsedBody:
      | { query?: string; variables?: Record<string, unknown>; operationName?: string }
      | undefined;
    if (url.pathname === "/graphql") {
      try {
        parsedBody = JSON.parse(raw.toString("utf8"));
        operationName =
          parsedBody?.operationName ?? /\b(?:query|mutation)\s+(\w+)/.exec(parsedBody?.query ?? "")?.[1];
      } catch {
        parsedBody = undefined;
      }
    }
    this.log.push({
      method,
      path: url.pathname,
      authorization,
      ...(operationName ? { operationName } : {}),
      ...(parsedBody?.query ? { query: parsedBody.query } : {}),
      ...(parsedBody?.variables ? { variables: parsedBody.variables } : {}),
      ...(url.pathname.endsWith("/file_stream") ? { body: raw.toString("utf8") } : {}),
    });

    const drop = this.drops.find((d) => d.remaining > 0 && d.match(method, url.pathname, operationName));
    if (drop) {
      drop.remaining--;
      if (drop.phase === "before") {
        req.socket.destroy();
        return;
      }
      // Processed as usual, but the answer never reaches the client.
      res.end = (() => {
        res.socket?.destroy();
        return res;
      }) as typeof res.end;
    }
    const fault = this.faults.find(
      (f) => f.remaining > 0 && f.match(method, url.pathname, operationName, raw.toString("utf8")),
    );
    if (fault) {
      fault.remaining--;
      const headers: Record<string, string> = { "content-type": "text/html" };
      if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
      res.writeHead(fault.status, headers);
      res.end(`<html><title>${fault.status} injected</title></html>`);
      return;
    }

    if (url.pathname.startsWith("/signed/")) return this.handleSigned(method, url, authorization, raw, res);
    if (!this.authorized(req)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"errors":[{"message":"user is not logged in"}]}');
      return;
    }
    if (url.pathname === "/graphql" && method === "POST")
      return this.handleGraphql(parsedBody, operationName, res);
    const fs = /^\/files\/([^/]+)\/([^/]+)\/([^/]+)\/file_stream$/.exec(url.pathname);
    if (fs && method === "POST") {
      return this.handleFileStream(
        decodeURIComponent(fs[1]!),
        decodeURIComponent(fs[2]!),
        decodeURIComponent(fs[3]!),
        raw,
        res,
      );
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
  }

  private authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Basic ${Buffer.from(`api:${this.apiKey}`).toString("base64")}`;
  }

  private handleSigned(method: string, url: URL, withAuth: boolean, body: Buffer, res: ServerResponse): void {
    if (withAuth) {
      // Signed storage URLs reject requests that carry credentials (as GCS/S3 do for a second auth).
      this.signedWithAuth++;
      res.writeHead(403, { "content-type": "application/xml" });
      res.end("<Error><Code>AuthorizationHeaderAndSignature</Code></Error>");
      return;
    }
    const token = url.pathname.slice("/signed/".length);
    const target = this.signed.get(token);
    if (!target || url.searchParams.get("X-Goog-Signature") !== "fake-signature") {
      res.writeHead(403);
      res.end("bad signature");
      return;
    }
    if (method === "GET" && "bytes" in target) {
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": target.bytes.byteLength,
      });
      res.end(Buffer.from(target.bytes));
      return;
    }
    if (method === "GET" && "run" in target) {
      const f = target.run.files.get(target.name);
      if (!f) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(Buffer.from(f.bytes));
      return;
    }
    if (method === "PUT" && "run" in target) {
      const bytes = new Uint8Array(body);
      target.run.files.set(target.name, {
        bytes,
        md5: md5Base64(bytes),
        updatedAt: wandbTime(this.tick()),
        uploaded: false,
      });
      res.writeHead(200);
      res.end();
      return;
    }
    res.writeHead(405);
    res.end();
  }

  private signUrl(target: { run: FakeRun; name: string } | { bytes: Uint8Array }): string {
    const token = randomBytes(8).toString("hex");
    this.signed.set(token, target);
    return `${this.baseUrl}/signed/${token}?X-Goog-Signature=fake-signature&X-Goog-Expires=3600`;
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  private handleFileStream(
    entity: string,
    project: string,
    name: string,
    raw: Buffer,
    res: ServerResponse,
  ): void {
    const run = this.runs.find((r) => r.entity === entity && r.project === project && r.name === name);
    if (!run) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"error":"run not found"}');
      return;
    }
    let body: {
      files?: Record<string, { offset: number; content: string[] }>;
      complete?: boolean;
      exitcode?: number;
      uploaded?: string[];
    };
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      res.writeHead(400);
      res.end("invalid json");
      return;
    }
    for (const [file, chunk] of Object.entries(body.files ?? {})) {
      if (!Number.isSafeInteger(chunk.offset) || !Array.isArray(chunk.content)) {
        res.writeHead(400);
        res.end("bad chunk");
        return;
      }
      if (file === "wandb-history.jsonl") {
        if (chunk.offset > run.history.length) {
          res.writeHead(400);
          res.end(`offset ${chunk.offset} beyond ${run.history.length} lines`);
          return;
        }
        chunk.content.forEach((line, i) => {
          parseJsonLenient(line); // a line that is not (extended) JSON is a client bug: throw → 500
          if (chunk.offset + i < run.history.length) this.historyOverwrites++;
          run.history[chunk.offset + i] = line; // offsets are line indexes: existing lines are overwritten
        });
      } else if (file === "wandb-summary.json") {
        if (chunk.content.length > 0) run.summary = chunk.content[chunk.content.length - 1]!; // replaces
      }
    }
    for (const f of body.uploaded ?? []) {
      const file = run.files.get(f);
      if (file) file.uploaded = true;
    }
    run.heartbeatAt = wandbTime(this.tick());
    run.state = body.complete ? (body.exitcode === 0 ? "finished" : "failed") : "running";
    this.afterFileStream?.(run);
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"exitcode": null, "limits": {}}');
  }

  // ---- GraphQL ------------------------------------------------------------------------------

  private async handleGraphql(
    body: { query?: string; variables?: Record<string, unknown> } | undefined,
    operationName: string | undefined,
    res: ServerResponse,
  ): Promise<void> {
    const send = (payload: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    if (!body?.query) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end('{"errors":[{"message":"no query"}]}');
      return;
    }
    const injected = operationName ? this.graphqlErrors.get(operationName) : undefined;
    if (injected !== undefined && operationName) {
      this.graphqlErrors.delete(operationName);
      send({ errors: [{ message: injected, path: [] }], data: null });
      return;
    }
    const result = await graphql({
      schema: this.schema,
      source: body.query,
      rootValue: this.root(),
      variableValues: body.variables ?? {},
    });
    if (this.rewriteGraphqlData && result.data) {
      send({ ...result, data: this.rewriteGraphqlData(operationName, result.data) });
      return;
    }
    send(result);
  }

  private findProject(entity: unknown, project: unknown) {
    const runs = this.runs.filter((r) => r.entity === entity && r.project === project);
    return { entity: String(entity), project: String(project), runs };
  }

  private projectView(entityName: unknown, name: unknown) {
    const p = this.findProject(entityName, name);
    return {
      id: `UHJvamVjdDo${p.project}`,
      internalId: p.project,
      name: p.project,
      entity: { id: p.entity, name: p.entity },
      runs: (args: { filters?: string; after?: string; first?: number; order?: string }) =>
        this.runsConnection(p.runs, args),
      run: ({ name: n }: { name: string }) => {
        const r = p.runs.find((x) => x.name === n);
        return r ? this.runView(r) : null;
      },
      bucket: ({ name: n, missingOk }: { name: string; missingOk?: boolean }) => {
        const r = p.runs.find((x) => x.name === n);
        if (!r && !missingOk) throw new Error(`run ${n} not found`);
        return r ? this.runView(r) : null;
      },
      artifactCollection: ({ name: n }: { name: string }) => {
        const versions = p.runs.flatMap((r) => r.artifacts).filter((a) => a.sequence === n);
        if (versions.length === 0) return null;
        return {
          name: n,
          artifactMembership: ({ aliasName }: { aliasName: string }) => {
            const a = versions.find((v) => `v${v.versionIndex}` === aliasName);
            if (!a) return null;
            return {
              files: (args: { after?: string; first?: number }) =>
                this.fileConnection(
                  [...a.files.entries()].map(([path, bytes]) => ({
                    path,
                    bytes,
                    url: this.signUrl({ bytes }),
                  })),
                  args,
                ),
            };
          },
        };
      },
    };
  }

  private runsConnection(
    runs: FakeRun[],
    args: { filters?: string; after?: string; first?: number; order?: string },
  ) {
    const filter = args.filters ? JSON.parse(args.filters) : null;
    let list = runs.filter((r) => (filter ? this.matches(r, filter) : true));
    const desc = args.order === undefined || args.order.startsWith("-");
    list = [...list].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    if (desc) list.reverse();
    return this.paginate(list, args, (r) => this.runView(r));
  }

  private matches(run: FakeRun, f: Record<string, unknown>): boolean {
    return Object.entries(f).every(([key, cond]) => {
      if (key === "$and") return (cond as Record<string, unknown>[]).every((c) => this.matches(run, c));
      if (key === "$or") return (cond as Record<string, unknown>[]).some((c) => this.matches(run, c));
      const value = (run as unknown as Record<string, unknown>)[key];
      if (value === undefined) throw new Error(`unsupported filter field ${key}`);
      if (typeof cond !== "object" || cond === null) return value === cond;
      return Object.entries(cond).every(([op, arg]) => {
        const values = Array.isArray(value) ? value : [value];
        switch (op) {
          case "$in":
            return values.some((v) => (arg as unknown[]).includes(v));
          case "$gte":
            return String(value) >= String(arg);
          case "$gt":
            return String(value) > String(arg);
          case "$lt":
            return String(value) < String(arg);
          case "$lte":
            return String(value) <= String(arg);
          default:
            throw new Error(`unsupported filter operator ${op}`);
        }
      });
    });
  }

  private paginate<T, V>(
    list: T[],
    args: { after?: string | null; first?: number | null },
    view: (t: T) => V,
  ) {
    const start = args.after
      ? Number(Buffer.from(args.after, "base64").toString("utf8").split(":")[1]) + 1
      : 0;
    const first = args.first ?? 50;
    const page = list.slice(start, start + first);
    const cursorOf = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
    return {
      edges: page.map((t, i) => ({ node: view(t), cursor: cursorOf(start + i) })),
      pageInfo: {
        endCursor: page.length > 0 ? cursorOf(start + page.length - 1) : (args.after ?? null),
        hasNextPage: start + page.length < list.length,
      },
      totalCount: list.length,
    };
  }

  private fileConnection(
    files: { path: string; bytes: Uint8Array; url: string; updatedAt?: string }[],
    args: { after?: string; first?: number },
  ) {
    return this.paginate(files, args, (f) => ({
      id: f.path,
      name: f.path,
      displayName: f.path,
      directUrl: f.url,
      sizeBytes: f.bytes.byteLength,
      md5: md5Base64(f.bytes),
      updatedAt: f.updatedAt ?? wandbTime(this.clock),
    }));
  }

  private rows(run: FakeRun): { line: string; step: number; row: Record<string, unknown> }[] {
    return run.history.map((line) => {
      const row = parseJsonLenient(line) as Record<string, unknown>;
      return { line, step: typeof row._step === "number" ? row._step : -1, row };
    });
  }

  /** The run a run-files mutation names (entity, project, run name); unknown runs are a GraphQL error. */
  private runByInput(input: { entityName: string; projectName: string; runName: string }): FakeRun {
    const run = this.runs.find(
      (r) => r.entity === input.entityName && r.project === input.projectName && r.name === input.runName,
    );
    if (!run) throw new Error(`run ${input.runName} not found`);
    return run;
  }

  private runView(run: FakeRun) {
    return {
      id: run.storageId,
      name: run.name,
      displayName: run.displayName,
      group: run.group === "" ? null : run.group,
      state: run.state,
      createdAt: run.createdAt,
      heartbeatAt: run.heartbeatAt,
      tags: run.tags,
      config: run.config,
      summaryMetrics: run.summary,
      systemMetrics: "{}",
      historyLineCount: run.history.length,
      historyTail: JSON.stringify(run.history.slice(-10)),
      wandbConfig: ({ keys }: { keys?: string[] }) => {
        const cfg = JSON.parse(run.config) as Record<string, { value?: Record<string, unknown> }>;
        const w = cfg._wandb?.value ?? {};
        return JSON.stringify(
          Object.fromEntries(Object.entries(w).filter(([k]) => !keys || keys.includes(k))),
        );
      },
      historyKeys: () => {
        const keys: Record<string, { typeCounts: { type: string; count: number }[] }> = {};
        let lastStep = -1;
        for (const { row, step } of this.rows(run)) {
          lastStep = Math.max(lastStep, step);
          for (const k of Object.keys(row)) {
            const entry = keys[k] ?? { typeCounts: [{ type: "number", count: 0 }] };
            entry.typeCounts[0]!.count++;
            keys[k] = entry;
          }
        }
        // A `JSON` field: the object itself, serialised by the GraphQL layer (see fake-schema.ts).
        return { keys, lastStep };
      },
      history: ({ minStep, maxStep, samples }: { minStep?: number; maxStep?: number; samples?: number }) => {
        const inRange = this.rows(run).filter(
          (r) =>
            (minStep === undefined || r.step >= Number(minStep)) &&
            (maxStep === undefined || r.step < Number(maxStep)),
        );
        const n = samples ?? 500;
        if (inRange.length <= n) return inRange.map((r) => r.line);
        // Down-sampling, as the real server does beyond `samples`: a client relying on more loses rows.
        return Array.from({ length: n }, (_, i) => inRange[Math.floor((i * inRange.length) / n)]!.line);
      },
      files: (args: { names?: string[]; after?: string; first?: number }) => {
        const names = args.names && args.names.length > 0 ? new Set(args.names) : null;
        const list = [...run.files.entries()]
          .filter(([n]) => !names || names.has(n))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([path, f]) => ({
            path,
            bytes: f.bytes,
            url: this.signUrl({ run, name: path }),
            updatedAt: f.updatedAt,
          }));
        return this.fileConnection(list, args);
      },
      outputArtifacts: (args: { after?: string; first?: number }) =>
        this.paginate(run.artifacts, args, (a) => ({
          id: a.id,
          versionIndex: a.versionIndex,
          state: a.state,
          artifactType: { name: a.type },
          artifactSequence: { name: a.sequence, project: this.projectView(run.entity, run.project) },
        })),
      project: () => this.projectView(run.entity, run.project),
    };
  }

  private root() {
    return {
      project: ({ name, entityName }: { name?: string; entityName?: string }) =>
        this.projects.has(`${entityName}/${name}`) ? this.projectView(entityName, name) : null,
      model: ({ name, entityName }: { name?: string; entityName?: string }) =>
        this.projectView(entityName, name),
      upsertBucket: ({ input }: { input: Record<string, unknown> }) => {
        let run: FakeRun | undefined;
        let inserted = false;
        if (typeof input.id === "string") {
          run = this.runs.find((r) => r.storageId === input.id);
          if (!run) throw new Error(`run with id ${input.id} not found`);
        } else {
          run = this.runs.find(
            (r) => r.entity === input.entityName && r.project === input.modelName && r.name === input.name,
          );
          if (!run) {
            // The hazard TRACKERS.md warns about: upsert by name creates a run. wandb-core creates
            // every run this way (core/internal/runupserter/runupserter.go: UpsertBucket with a nil
            // storage id, the run id as name, groupName, displayName, config, tags; state nil), and
            // `inserted` says whether it was new (mutation_run.graphql selects it).
            run = this.addRun({
              name: String(input.name),
              entity: String(input.entityName),
              project: String(input.modelName),
              state: "running",
              config: "{}",
            });
            inserted = true;
          }
        }
        // Given fields replace the stored ones, for a new or an existing run alike (an upsert).
        if (typeof input.displayName === "string") run.displayName = input.displayName;
        if (typeof input.groupName === "string") run.group = input.groupName;
        if (typeof input.jobType === "string") run.jobType = input.jobType;
        if (typeof input.notes === "string") run.notes = input.notes;
        if (typeof input.config === "string") {
          run.config = this.onConfigWrite ? this.onConfigWrite(input.config) : input.config; // wholesale replacement
        }
        if (typeof input.summaryMetrics === "string") run.summary = input.summaryMetrics; // wholesale
        if (Array.isArray(input.tags)) run.tags = input.tags as string[];
        if (typeof input.state === "string") run.state = input.state;
        return { bucket: this.runView(run), inserted };
      },
      createRunFiles: ({
        input,
      }: {
        input: { entityName: string; projectName: string; runName: string; files: string[] };
      }) => {
        const run = this.runByInput(input);
        return {
          runID: run.storageId,
          uploadHeaders: ["Content-Type:application/json"],
          files: input.files.map((name) => ({ name, uploadUrl: this.signUrl({ run, name }) })),
        };
      },
      // wandb-core core/internal/wbapi/customcharthandler.go: input {entity, name, displayName, type,
      // access, spec (JSONString)} → chart.id, which the SDK documents as "entity/name"
      // (wandb/apis/public/api.py create_custom_chart; customcharthandler_test.go answers
      // "entity/chart"). ASSUMPTION, not from any official source (the server is closed): a second
      // chart of the same name under one entity is refused with "already exists".
      createCustomChart: ({
        input,
      }: {
        input: {
          entity: string;
          name: string;
          displayName: string;
          type: string;
          access: string;
          spec: string;
        };
      }) => {
        JSON.parse(input.spec); // JSONString: a spec that is not JSON text is an error
        const id = `${input.entity}/${input.name}`;
        if (this.customCharts.has(id)) throw new Error(`custom chart ${id} already exists`);
        this.customCharts.set(id, {
          displayName: input.displayName,
          type: input.type,
          access: input.access,
          spec: input.spec,
        });
        return { chart: { id } };
      },
      // wandb-core core/api/graphql/mutation_alert.graphql as core/internal/stream/sender.go sendAlert
      // sends it: the run by (entityName, projectName, runName = run id) — runPath.RunID; a missing run
      // is an error like the other run-addressed mutations here. The answer is {success}
      // (gql_gen.go). What the server then does with the alert (mail, Slack, the per-title
      // waitDuration throttle of wandb_run.py alert's docstring) is closed: the fake only records it.
      notifyScriptableRunAlert: ({
        input,
      }: {
        input: {
          entityName: string;
          projectName: string;
          runName: string;
          title: string;
          text: string;
          severity?: string;
          waitDuration?: number | null;
        };
      }) => {
        this.runByInput(input);
        this.alerts.push({
          entity: input.entityName,
          project: input.projectName,
          run: input.runName,
          title: input.title,
          text: input.text,
          // $severity: AlertSeverity = INFO (the operation's default)
          severity: input.severity ?? "INFO",
          waitDuration: input.waitDuration ?? null,
        });
        return { success: true };
      },
      markRunFilesUploaded: ({
        input,
      }: {
        input: { entityName: string; projectName: string; runName: string; files: string[] };
      }) => {
        const run = this.runByInput(input);
        for (const f of input.files) {
          const file = run.files.get(f);
          if (!file) throw new Error(`file ${f} was never uploaded`);
          file.uploaded = true;
        }
        return { success: true };
      },
    };
  }
}

/**
 * The two JSON scalars made strict, so the fake cannot drift from the official clients again
 * (fake-schema.ts cites the sources): a `JSONString` is a string both ways — the clients send
 * json.dumps / Go string values and read strings back; a `JSON` field is never a pre-serialised
 * string from a resolver here (historyKeys is an object), and as input it takes any parsed value.
 */
function strictJsonScalars(schema: GraphQLSchema): GraphQLSchema {
  const jsonString = schema.getType("JSONString") as GraphQLScalarType;
  const json = schema.getType("JSON") as GraphQLScalarType;
  const requireString = (v: unknown) => {
    if (typeof v !== "string")
      throw new GraphQLError(`JSONString cannot represent a ${typeof v}: send JSON text`);
    return v;
  };
  Object.assign(jsonString, {
    serialize: requireString,
    parseValue: requireString,
    parseLiteral: (ast: { kind: string; value?: string }) => {
      if (ast.kind !== "StringValue") throw new GraphQLError("JSONString literal must be a string");
      return ast.value;
    },
  });
  Object.assign(json, {
    serialize: (v: unknown) => {
      if (typeof v === "string") throw new GraphQLError("fake bug: a JSON field resolved to JSON text");
      return v;
    },
  });
  // Duration: Go int64 in wandb-core (genqlient.yaml), so a JSON integer; a string or fraction is refused.
  const duration = schema.getType("Duration") as GraphQLScalarType;
  const requireInteger = (v: unknown) => {
    if (typeof v !== "number" || !Number.isSafeInteger(v))
      throw new GraphQLError(`Duration cannot represent ${JSON.stringify(v)}: send integer milliseconds`);
    return v;
  };
  Object.assign(duration, {
    serialize: requireInteger,
    parseValue: requireInteger,
    parseLiteral: (ast: { kind: string; value?: string }) => {
      if (ast.kind !== "IntValue") throw new GraphQLError("Duration literal must be an integer");
      return Number(ast.value);
    },
  });
  return schema;
}
