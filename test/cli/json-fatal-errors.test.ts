/**
 * Issue 11: with --json every fatal error is an NDJSON `error` event plus a `summary` line on stdout
 * (it used to print nothing there, which docs/operations.md reads as "killed by the platform").
 * Against the in-process fake MLflow server on 127.0.0.1 (test/adapters/mlflow/fake-server.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeNpy } from "../../src/io/npy-write.js";
import { FakeMlflowServer } from "../adapters/mlflow/fake-server.js";
import { type CliResult, cli } from "../helpers/cli.js";
import { stepCloud } from "../helpers/store.js";

const API = "/api/2.0/mlflow/";
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const stop of stops.splice(0)) await stop();
});

async function server(): Promise<{ server: FakeMlflowServer; env: Record<string, string> }> {
  const s = new FakeMlflowServer();
  const files = { "activations/fc1/step_0.npy": encodeNpy(stepCloud(5, 24, 3, 0), [24, 3]) };
  s.seed([{ id: "run-a", status: "FINISHED", startTime: Date.UTC(2026, 0, 1), files }]);
  const url = await s.start();
  stops.push(() => s.stop());
  return {
    server: s,
    env: { MLFLOW_TRACKING_URI: url, MLFLOW_TRACKING_USERNAME: "u", MLFLOW_TRACKING_PASSWORD: "p" },
  };
}

const sync = (experiment: string, env: Record<string, string>) =>
  cli(["sync", "--tracker", "mlflow", "--experiment", experiment, "--json", "--workers", "1", "--no-lock"], {
    env,
  });

/** Every stdout line is JSON; the last two are the error event and the summary. */
function fatalLines(out: CliResult) {
  const events = out.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(events.length).toBeGreaterThanOrEqual(2);
  const [error, summary] = events.slice(-2);
  expect(error).toMatchObject({ type: "error", command: "sync" });
  expect(summary).toMatchObject({ type: "summary", command: "sync", fatal: error!.code, exitCode: out.code });
  return error!;
}

describe("--json fatal errors: an error event and a summary on stdout", () => {
  it("401 (the MLflow basic-auth app's answer) → auth error, exit 2", async () => {
    const { server: s, env } = await server();
    // mlflow/server/auth/__init__.py make_basic_auth_response: 401, text body, WWW-Authenticate.
    s.faults.push({
      method: "GET",
      path: `${API}experiments/get-by-name`,
      status: 401,
      contentType: "text/html; charset=utf-8",
      headers: { "WWW-Authenticate": 'Basic realm="mlflow"' },
      body: "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.",
      when: "before",
    });
    const out = await sync(s.experiments[0]!.name, env);
    expect(out.code).toBe(2);
    expect(fatalLines(out)).toMatchObject({ kind: "auth", status: 401 });
    expect(out.stderr).toContain("401");
  });

  it("an unknown experiment → config error, exit 2", async () => {
    const { env } = await server();
    const out = await sync("no-such-experiment", env);
    expect(out.code).toBe(2);
    expect(fatalLines(out)).toMatchObject({ kind: "config", code: "MLFLOW_EXPERIMENT_NOT_FOUND" });
  });

  it("500 on every attempt of the run search → tracker error after the retries, exit 1", async () => {
    const { server: s, env } = await server();
    // Retry-After: 0 lets the transport's six attempts (1 + 5 retries) run without waiting.
    for (let i = 0; i < 6; i++) {
      s.faults.push({
        method: "POST",
        path: `${API}runs/search`,
        status: 500,
        contentType: "application/json",
        headers: { "Retry-After": "0" },
        body: JSON.stringify({ error_code: "INTERNAL_ERROR", message: "database is locked" }),
        when: "before",
      });
    }
    const out = await sync(s.experiments[0]!.name, env);
    expect(out.code).toBe(1);
    expect(fatalLines(out)).toMatchObject({ kind: "tracker", status: 500 });
    expect(s.requests.filter((r) => r.path === `${API}runs/search`).length).toBe(6);
  });

  it("the server down (connection refused) → error event after the retries", async () => {
    const { server: s, env } = await server();
    await s.stop();
    stops.length = 0;
    // The retries back off for seconds (0.5 s · 2^k): fake timers run them without waiting.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let settled = false;
    const pending = sync("magtrack-test", env).finally(() => {
      settled = true;
    });
    while (!settled) {
      await vi.advanceTimersByTimeAsync(1000);
      await new Promise((r) => setImmediate(r));
    }
    const out = await pending;
    expect(out.code).toBe(1);
    const error = fatalLines(out);
    expect(error.kind).toBe("tracker");
    expect(String(error.message)).toMatch(/ECONNREFUSED|refused/i);
  });

  it("a usage error with --json is reported the same way (exit 2)", async () => {
    const out = await cli(["sync", "--root", "/nonexistent", "--json", "--max-point", "5"]);
    expect(out.code).toBe(2);
    expect(fatalLines(out)).toMatchObject({ kind: "usage" });
  });

  it("without --json nothing extra reaches stdout", async () => {
    const { env } = await server();
    const out = await cli(["sync", "--tracker", "mlflow", "--experiment", "nope", "--workers", "1"], { env });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain('no experiment named "nope"');
  });
});
