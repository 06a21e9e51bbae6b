import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, type HttpClientOptions } from "../../src/io/http.js";
import { TrackerError } from "../../src/io/http-errors.js";

const BASE = "http://127.0.0.1:5005";
const OTHER = "http://127.0.0.1:5999";

// Werkzeug's error page, as served by the real MLflow 3.6.1 server (../shared/fixtures/mlflow-3.6-real,
// transcript §29/§56); the 503 page has the same template with the 503 title and text.
const HTML_503 = `<!doctype html>
<html lang=en>
<title>503 Service Unavailable</title>
<h1>Service Unavailable</h1>
<p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems.  Please try again later.</p>
`;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => {
  nock.cleanAll();
});

function client(overrides: Partial<HttpClientOptions> = {}) {
  const sleeps: number[] = [];
  const c = createHttpClient({
    baseUrl: BASE,
    service: "MLflow",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...overrides,
  });
  return { c, sleeps };
}

function netError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

async function caught(p: Promise<unknown>): Promise<TrackerError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(TrackerError);
    return error as TrackerError;
  }
  throw new Error("expected a TrackerError");
}

describe("http transport: retries", () => {
  it("retries 503 with exponential backoff and jitter, then returns the JSON body", async () => {
    const scope = nock(BASE)
      .get("/api/2.0/mlflow/experiments/get")
      .query(true)
      .times(2)
      .reply(503, HTML_503, { "Content-Type": "text/html; charset=utf-8" })
      .get("/api/2.0/mlflow/experiments/get")
      .query({ experiment_id: "1" })
      .reply(200, { experiment: { experiment_id: "1" } });
    const { c, sleeps } = client({ random: () => 0.5 });
    const body = await c.json<{ experiment: { experiment_id: string } }>(
      "GET",
      "api/2.0/mlflow/experiments/get",
      {
        query: { experiment_id: "1" },
      },
    );
    expect(body.experiment.experiment_id).toBe("1");
    // equal jitter: d/2 + 0.5·d/2 with d = 500·2^k → 375, 750
    expect(sleeps).toEqual([375, 750]);
    expect(scope.isDone()).toBe(true);
  });

  it("honours Retry-After in seconds on 429", async () => {
    nock(BASE)
      .post("/api/2.0/mlflow/runs/search")
      .reply(429, "", { "Retry-After": "7" })
      .post("/api/2.0/mlflow/runs/search")
      .reply(200, {});
    const { c, sleeps } = client();
    expect(await c.json("POST", "api/2.0/mlflow/runs/search", { json: {} })).toEqual({});
    expect(sleeps).toEqual([7000]);
  });

  it("honours Retry-After as an HTTP date, and caps it", async () => {
    const now = Date.UTC(2026, 10, 27, 17, 0, 0);
    nock(BASE)
      .get("/x")
      .reply(503, "", { "Retry-After": new Date(now + 12_000).toUTCString() })
      .get("/x")
      .reply(429, "", { "Retry-After": "3600" })
      .get("/x")
      .reply(200, { ok: true });
    const { c, sleeps } = client({ now: () => now, retry: { maxRetryAfterMs: 30_000 } });
    expect(await c.json("GET", "x")).toEqual({ ok: true });
    expect(sleeps).toEqual([12_000, 30_000]);
  });

  it("does not retry 413 or other 4xx", async () => {
    for (const status of [400, 404, 413]) {
      const scope = nock(BASE).post("/up").reply(status, "too big", { "Content-Type": "text/plain" });
      const { c, sleeps } = client();
      const err = await caught(c.json("POST", "up", { json: { a: 1 } }));
      expect(err.status).toBe(status);
      expect(err.attempts).toBe(1);
      expect(sleeps).toEqual([]);
      expect(scope.isDone()).toBe(true);
    }
  });

  it("stops after maxRetries and reports the attempt count", async () => {
    nock(BASE).get("/flaky").times(4).reply(502, "Bad Gateway", { "Content-Type": "text/plain" });
    const { c, sleeps } = client({ retry: { maxRetries: 3 } });
    const err = await caught(c.json("GET", "flaky"));
    expect(err.attempts).toBe(4);
    expect(err.message).toContain("after 4 attempts");
    expect(err.message).toContain('text/plain body: "Bad Gateway"');
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it("stops when the retry budget would be exceeded", async () => {
    nock(BASE).get("/slow").times(3).reply(503, "", { "Retry-After": "40" });
    const { c, sleeps } = client({ retry: { budgetMs: 90_000 } });
    const err = await caught(c.json("GET", "slow"));
    expect(sleeps).toEqual([40_000, 40_000]);
    expect(err.attempts).toBe(3);
  });

  it("retries network errors (connection reset)", async () => {
    nock(BASE)
      .get("/net")
      .replyWithError(netError("ECONNRESET", "socket hang up"))
      .get("/net")
      .replyWithError(netError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5005"))
      .get("/net")
      .reply(200, { ok: 1 });
    const reasons: string[] = [];
    const { c, sleeps } = client({ onRetry: (info) => reasons.push(info.reason) });
    expect(await c.json("GET", "net")).toEqual({ ok: 1 });
    expect(sleeps).toEqual([250, 500]);
    expect(reasons).toEqual(["NETWORK", "NETWORK"]);
  });

  it("does not retry a network error that is not transient", async () => {
    nock(BASE).get("/dns").replyWithError(netError("ENOTFOUND", "getaddrinfo ENOTFOUND"));
    const { c, sleeps } = client();
    const err = await caught(c.json("GET", "dns"));
    expect(err.code).toBe("NETWORK");
    expect(err.message).toContain("ENOTFOUND");
    expect(sleeps).toEqual([]);
  });

  it("reports a timeout as TIMEOUT after the retries", async () => {
    nock(BASE).get("/hang").times(2).delay(300).reply(200, {});
    const { c } = client({ timeoutMs: 50, retry: { maxRetries: 1 } });
    const err = await caught(c.json("GET", "hang"));
    expect(err.code).toBe("TIMEOUT");
    expect(err.kind).toBe("tracker");
  });

  it("an abort during the backoff ends the request without another attempt", async () => {
    const scope = nock(BASE).get("/a").reply(503, "").get("/a").reply(200, {});
    const controller = new AbortController();
    const c = createHttpClient({
      baseUrl: BASE,
      service: "MLflow",
      sleep: async () => {
        controller.abort(new Error("user"));
        throw new Error("aborted");
      },
    });
    const err = await caught(c.json("GET", "a", { signal: controller.signal }));
    expect(err.code).toBe("ABORTED");
    expect(scope.pendingMocks().length).toBe(1);
  });
});

describe("http transport: errors and bodies", () => {
  it("parses JSON errors: error_code, message, URL without query, kind", async () => {
    // Body from the real MLflow 3.6.1 server (transcript §26).
    nock(BASE)
      .get("/api/2.0/mlflow/runs/get")
      .query(true)
      .reply(
        404,
        '{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "Run with id=00000000000000000000000000000000 not found"}',
        { "Content-Type": "application/json" },
      );
    const { c } = client();
    const err = await caught(
      c.json("GET", "api/2.0/mlflow/runs/get", { query: { run_id: "00000000000000000000000000000000" } }),
    );
    expect(err.status).toBe(404);
    expect(err.code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(err.errorCode).toBe("RESOURCE_DOES_NOT_EXIST");
    expect(err.kind).toBe("tracker");
    expect(err.url).toBe("http://127.0.0.1:5005/api/2.0/mlflow/runs/get");
    expect(err.method).toBe("GET");
    expect(err.message).toBe(
      "MLflow GET http://127.0.0.1:5005/api/2.0/mlflow/runs/get failed: HTTP 404 Not Found RESOURCE_DOES_NOT_EXIST: Run with id=00000000000000000000000000000000 not found",
    );
  });

  it("reports HTML error pages by title, truncated, never as a JSON parse crash", async () => {
    const huge = HTML_503.replace("</p>", `${"x".repeat(100_000)}</p>`);
    nock(BASE).get("/h").reply(503, huge, { "Content-Type": "text/html; charset=utf-8" });
    const { c } = client({ retry: { maxRetries: 0 } });
    const err = await caught(c.json("GET", "h"));
    expect(err.status).toBe(503);
    expect(err.message).toContain("HTTP 503");
    expect(err.message).toContain("not JSON; text/html body");
    expect(err.message).toContain("503 Service Unavailable — The server is temporarily unable");
    expect(err.message.length).toBeLessThan(500);
  });

  it("401/403 are kind auth", async () => {
    nock(BASE).get("/p").reply(403, "Invalid Host header - possible DNS rebinding attack detected", {
      "Content-Type": "text/plain",
    });
    const { c } = client();
    const err = await caught(c.json("GET", "p"));
    expect(err.kind).toBe("auth");
    expect(err.status).toBe(403);
    expect(err.message).toContain("Invalid Host header");
  });

  it("a 200 with an HTML body where JSON was expected is a clear BAD_RESPONSE", async () => {
    nock(BASE)
      .get("/health")
      .reply(200, "<!doctype html><title>Login</title>", { "Content-Type": "text/html" });
    const { c } = client();
    const err = await caught(c.json("GET", "health"));
    expect(err.code).toBe("BAD_RESPONSE");
    expect(err.message).toContain("expected JSON");
  });

  it("accepts bare NaN/Infinity tokens in JSON bodies as the strings MLflow uses", async () => {
    nock(BASE)
      .get("/m")
      .reply(200, '{"v": NaN, "w": -Infinity, "s": "NaN in text"}', { "Content-Type": "application/json" });
    const { c } = client();
    expect(await c.json("GET", "m")).toEqual({ v: "NaN", w: "-Infinity", s: "NaN in text" });
  });

  it("returns accepted statuses as values", async () => {
    nock(BASE).get("/missing").reply(404, "nope");
    const { c } = client();
    const res = await c.request({ method: "GET", path: "missing", acceptStatuses: [404] });
    expect(res.status).toBe(404);
    expect(res.data).toBeNull();
  });
});

describe("http transport: downloads", () => {
  it("downloads exact bytes", async () => {
    const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 31) % 256));
    nock(BASE).get("/f.bin").reply(200, payload, { "Content-Type": "application/octet-stream" });
    const { c } = client();
    const got = await c.download("f.bin", { maxBytes: 5000 });
    expect(Buffer.from(got).equals(payload)).toBe(true);
  });

  it("refuses a download whose Content-Length exceeds maxBytes", async () => {
    nock(BASE).get("/big.bin").reply(200, Buffer.alloc(2048), {
      "Content-Length": "2048",
      "Content-Type": "application/octet-stream",
    });
    const { c } = client();
    const err = await caught(c.download("big.bin", { maxBytes: 1024 }));
    expect(err.code).toBe("RESPONSE_TOO_LARGE");
    expect(err.message).toContain("2048 bytes exceeds the limit of 1024");
  });

  it("refuses a chunked download mid-stream when it passes maxBytes", async () => {
    const { Readable } = await import("node:stream");
    nock(BASE)
      .get("/stream.bin")
      .reply(200, () => Readable.from([Buffer.alloc(700), Buffer.alloc(700)]), {
        "Content-Type": "application/octet-stream",
      });
    const { c } = client();
    const err = await caught(c.download("stream.bin", { maxBytes: 1000 }));
    expect(err.code).toBe("RESPONSE_TOO_LARGE");
  });

  it("sends credentials to the tracker's origin only", async () => {
    const token = "tok-SECRET-1234567890";
    const home = nock(BASE, { reqheaders: { authorization: `Bearer ${token}` } })
      .get("/api/x")
      .reply(200, {});
    const signed = nock(OTHER, { badheaders: ["authorization"] })
      .get("/bucket/obj")
      .query(true)
      .reply(200, Buffer.from("abc"));
    const { c } = client({ auth: { type: "bearer", token } });
    await c.json("GET", "api/x");
    const got = await c.download(`${OTHER}/bucket/obj?X-Amz-Signature=abc&X-Amz-Credential=k`, {
      maxBytes: 10,
    });
    expect(Buffer.from(got).toString()).toBe("abc");
    expect(home.isDone() && signed.isDone()).toBe(true);
  });
});

describe("http transport: no credential in errors", () => {
  it("scrubs Basic credentials, tokens and signed query strings from every error field", async () => {
    const password = "hunter2-very-secret";
    const basic = Buffer.from(`alice:${password}`).toString("base64");
    nock(BASE)
      .get("/api/echo")
      .query(true)
      .reply(
        400,
        JSON.stringify({
          error_code: "INVALID_PARAMETER_VALUE",
          message: `bad request from alice:${password} with header Basic ${basic} at ${OTHER}/o?sig=${password}`,
        }),
        { "Content-Type": "application/json" },
      );
    nock(OTHER).get("/signed").query(true).replyWithError(netError("ECONNREFUSED", "connect ECONNREFUSED"));
    const { c } = client({ auth: { type: "basic", username: "alice", password }, retry: { maxRetries: 0 } });
    const errors = [
      await caught(c.json("GET", "api/echo", { query: { token: password } })),
      await caught(c.download(`${OTHER}/signed?X-Amz-Signature=${password}`, { maxBytes: 10 })),
    ];
    for (const err of errors) {
      const everything = [
        err.message,
        String(err.stack),
        JSON.stringify(err),
        JSON.stringify(err.details),
        String(err.serverMessage),
        String((err as { cause?: unknown }).cause ?? ""),
      ].join("\n");
      expect(everything).not.toContain(password);
      expect(everything).not.toContain(basic);
      expect(everything).not.toContain("X-Amz-Signature");
    }
    expect(errors[0]!.message).toContain(
      "INVALID_PARAMETER_VALUE: bad request from *** with header Basic *** at",
    );
    expect(errors[1]!.url).toBe(`${OTHER}/signed`);
  });
});
