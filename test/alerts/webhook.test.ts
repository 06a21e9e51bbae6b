/**
 * --alert-webhook (docs/alerts.md): one Slack-compatible POST per new alert, bounded retries on
 * 5xx / timeouts / refused connections, then an `alert-undelivered` warning and the sync goes on.
 * The URL's path and query hold the webhook's token: never in any output. Servers: in-process, 127.0.0.1.
 */

import { readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AlertRecord, RunRef } from "../../src/adapter-kit.js";
import { alertWebhook, redactedWebhookUrl, WEBHOOK_MAX_RETRIES } from "../../src/alerts/webhook.js";
import type { SyncEvent } from "../../src/sync/events.js";
import { cli } from "../helpers/cli.js";
import { expectNoSecret } from "../helpers/secrets.js";
import { makeStore, writeStep } from "../helpers/store.js";

const TOKEN_PATH = "/services/T0/B0/T0-webhook-SECRET-9f3b2c";
const TOKEN_QUERY = "?token=hooksecret-q-7d21e0";

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
const roots: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/** A webhook on 127.0.0.1; `replies[i]` answers the i-th POST (the last one repeats). */
async function webhook(...replies: Reply[]) {
  const bodies: { path: string; contentType: string | undefined; body: unknown }[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      bodies.push({ path: req.url ?? "", contentType: req.headers["content-type"], body: JSON.parse(text) });
      replies[Math.min(bodies.length - 1, replies.length - 1)]!(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}${TOKEN_PATH}${TOKEN_QUERY}`, bodies, port };
}

const ok: Reply = (_q, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("ok");
};
// The body echoes the token, as a careless server might: it must not reach the warning either.
const fail500: Reply = (_q, res) => {
  res.writeHead(500, { "content-type": "text/plain", "retry-after": "0" });
  res.end(`internal error for ${TOKEN_PATH}`);
};
const never: Reply = () => {}; // accepts, reads the body, never answers

const RUN: RunRef = { id: "r1", displayName: "bright-sun", container: "", status: "finished" };
const ALERT: AlertRecord = {
  id: "0123456789abcdef",
  rule: "magnitude/*/n_distinct < 2",
  key: "magnitude/fc1/n_distinct",
  layer: "fc1",
  step: 2,
  value: 1,
  detail: "1 < 2",
};

function deliverTo(url: string, timeoutMs = 10_000) {
  const events: SyncEvent[] = [];
  const sleeps: number[] = [];
  const deliver = alertWebhook(url, {
    emit: (e) => events.push(e),
    http: {
      timeoutMs,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  });
  return { deliver, events, sleeps };
}

describe("alertWebhook", () => {
  it("200: one POST of {text} as JSON, to the URL as given, no warning", async () => {
    const hook = await webhook(ok);
    const { deliver, events } = deliverTo(hook.url);
    await deliver(RUN, ALERT);
    expect(hook.bodies).toHaveLength(1);
    expect(hook.bodies[0]!.path).toBe(`${TOKEN_PATH}${TOKEN_QUERY}`);
    expect(hook.bodies[0]!.contentType).toMatch(/^application\/json/);
    const text = (hook.bodies[0]!.body as { text: string }).text;
    expect(Object.keys(hook.bodies[0]!.body as object)).toEqual(["text"]);
    expect(text).toContain(ALERT.rule);
    expect(text).toContain("step 2");
    expect(text).toContain("r1");
    expect(events).toEqual([]);
  });

  it("500 then 200: retried once, delivered, no warning", async () => {
    const hook = await webhook(fail500, ok);
    const { deliver, events, sleeps } = deliverTo(hook.url);
    await deliver(RUN, ALERT);
    expect(hook.bodies).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("always 500: 1 + WEBHOOK_MAX_RETRIES attempts, then an alert-undelivered warning without the token", async () => {
    const hook = await webhook(fail500);
    const { deliver, events } = deliverTo(hook.url);
    await expect(deliver(RUN, ALERT)).resolves.toBeUndefined();
    expect(hook.bodies).toHaveLength(1 + WEBHOOK_MAX_RETRIES);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "alert-undelivered",
      run: "r1",
      id: ALERT.id,
      channel: "webhook",
    });
    const message = (events[0] as { message: string }).message;
    expect(message).toContain("HTTP 500");
    expect(message).toContain(`after ${1 + WEBHOOK_MAX_RETRIES} attempts`);
    expect(message).toContain(`http://127.0.0.1:${hook.port}/***`);
    expectNoSecret(JSON.stringify(events), "the warning");
  });

  it("a server that never answers: each attempt times out (tiny timeout), retried, then given up", async () => {
    const hook = await webhook(never);
    const { deliver, events } = deliverTo(hook.url, 50);
    await deliver(RUN, ALERT);
    expect(hook.bodies).toHaveLength(1 + WEBHOOK_MAX_RETRIES);
    expect((events[0] as { message: string }).message).toContain("TIMEOUT");
    expectNoSecret(JSON.stringify(events), "the warning");
  });

  it("a refused connection: retried, then given up", async () => {
    const hook = await webhook(ok);
    const closed = servers.pop()!;
    closed.closeAllConnections();
    await new Promise((r) => closed.close(r));
    const { deliver, events, sleeps } = deliverTo(hook.url);
    await deliver(RUN, ALERT);
    expect(sleeps).toHaveLength(WEBHOOK_MAX_RETRIES);
    expect(events).toHaveLength(1);
    expectNoSecret(JSON.stringify(events), "the warning");
  });

  it("shows only scheme and host of the URL", () => {
    expect(redactedWebhookUrl(new URL(`https://hooks.example.test${TOKEN_PATH}${TOKEN_QUERY}`))).toBe(
      "https://hooks.example.test/***",
    );
    expect(redactedWebhookUrl(new URL("https://hooks.example.test"))).toBe("https://hooks.example.test/");
  });
});

describe("sync --alert-webhook", () => {
  async function collapsingStore() {
    const root = await makeStore({ runs: { sick: { layers: { fc1: [0, 1] } } } });
    roots.push(root);
    for (const step of [2, 3])
      await writeStep(root, "sick", "fc1", step, new Float64Array(40 * 4).fill(0.5), 40, 4);
    return root;
  }
  const RULE = "magnitude/*/n_distinct < 2";

  it("a webhook that always fails: exit 0, a warning, the alert recorded, no token in any output", async () => {
    const root = await collapsingStore();
    const hook = await webhook(fail500); // Retry-After: 0, so the retries do not sleep
    const res = await cli([
      "sync",
      "--root",
      root,
      "--json",
      "--workers",
      "1",
      "--alert",
      RULE,
      "--alert-webhook",
      hook.url,
    ]);
    expect(res.code).toBe(0);
    const events = res.stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === "alert")).toHaveLength(1);
    expect(events.filter((e) => e.type === "alert-undelivered")).toHaveLength(1);
    expect(hook.bodies).toHaveLength(1 + WEBHOOK_MAX_RETRIES);
    const stored = JSON.parse(await readFile(join(root, "sick", "magnitude", "alerts.json"), "utf8"));
    expect(stored.alerts).toHaveLength(1);
    expectNoSecret(res.stdout + res.stderr, "sync output");
  });

  it("MAGTRACK_ALERT_WEBHOOK: posted once; a re-sync posts nothing (only newly recorded alerts)", async () => {
    const root = await collapsingStore();
    const hook = await webhook(ok);
    const env = { MAGTRACK_ALERT_WEBHOOK: hook.url };
    const first = await cli(["sync", "--root", root, "--workers", "1", "--alert", RULE], { env });
    expect(first.code).toBe(0);
    expect(hook.bodies).toHaveLength(1);
    expect(first.stderr).toContain("⚠ alert on run sick");
    const again = await cli(["sync", "--root", root, "--workers", "1", "--alert", RULE], { env });
    expect(again.code).toBe(0);
    expect(hook.bodies).toHaveLength(1);
    expectNoSecret(first.stdout + first.stderr + again.stdout + again.stderr, "sync output");
  });

  it("a URL that is not http(s) is a usage error (exit 2) that does not quote it", async () => {
    const root = await collapsingStore();
    const res = await cli([
      "sync",
      "--root",
      root,
      "--alert",
      RULE,
      "--alert-webhook",
      `ftp://h${TOKEN_PATH}`,
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("--alert-webhook");
    expectNoSecret(res.stdout + res.stderr, "usage error");
  });
});
