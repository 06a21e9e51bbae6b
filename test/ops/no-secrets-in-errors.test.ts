/**
 * No credential in any error: a hostile server (127.0.0.1) answers 401 / 403 / 500 and echoes back
 * everything it received — the Authorization header, the query string of a signed URL, the URL
 * itself — in JSON, HTML and plain-text bodies. Every error the transport and the adapters throw,
 * and everything the CLI prints, must be free of every form of the credentials (raw, URL-encoded,
 * base64, Basic user:secret).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mlflowAdapterFromEnv } from "../../adapters/mlflow/index.js";
import { wandbAdapterFromEnv } from "../../adapters/wandb/index.js";
import { createHttpClient } from "../../src/io/http.js";
import { cli } from "../helpers/cli.js";
import {
  expectNoSecret,
  OPS_MLFLOW_PASSWORD,
  OPS_MLFLOW_TOKEN,
  OPS_MLFLOW_USER,
  OPS_SIGNED_URL_SIGNATURE,
  OPS_WANDB_KEY,
} from "../helpers/secrets.js";

let server: Server;
let base = "";
const STATUSES = [401, 403, 500] as const;

/** Status from the path (/s/401/…), body echoing method, URL and every header, in the named format. */
beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number(/\/s\/(\d{3})\//.exec(req.url ?? "")?.[1] ?? 401);
    const echo = `${req.method} ${req.url} authorization=${req.headers.authorization ?? ""} all=${JSON.stringify(req.headers)}`;
    req.resume();
    if ((req.url ?? "").includes("/html/")) {
      res.writeHead(status, { "Content-Type": "text/html" });
      res.end(`<html><body><h1>Denied</h1><p>${echo}</p></body></html>`);
    } else if ((req.url ?? "").includes("/text/")) {
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(echo);
    } else {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          error_code: status === 500 ? "INTERNAL_ERROR" : "PERMISSION_DENIED",
          message: echo,
          errors: [{ message: echo }],
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Everything an error exposes: message, stack, JSON form, details, own enumerable fields. */
function exposed(error: unknown): string {
  const e = error as Error & { details?: unknown; cause?: unknown };
  return [
    String(e),
    e.message,
    e.stack,
    JSON.stringify(e),
    JSON.stringify(e.details),
    JSON.stringify({ ...e }),
    String(e.cause),
  ].join("\n");
}

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("no credential in errors of the HTTP transport", () => {
  const auths = [
    { type: "basic", username: OPS_MLFLOW_USER, password: OPS_MLFLOW_PASSWORD },
    { type: "bearer", token: OPS_MLFLOW_TOKEN },
  ] as const;
  for (const auth of auths) {
    for (const status of STATUSES) {
      for (const format of ["json", "html", "text"]) {
        it(`${auth.type} auth, ${status} with a ${format} body echoing the request`, async () => {
          const http = createHttpClient({
            baseUrl: base,
            service: "MLflow",
            auth,
            retry: { maxRetries: 1, baseDelayMs: 1 },
          });
          const signed = `${base}/s/${status}/${format}/bucket/acts.npy?X-Amz-Credential=AKIA/x&X-Amz-Signature=${OPS_SIGNED_URL_SIGNATURE}&token=${OPS_MLFLOW_TOKEN}`;
          const errors = [
            await thrown(
              http.json("GET", `s/${status}/${format}/api`, {
                query: { access_token: OPS_MLFLOW_TOKEN, run_id: "r1" },
              }),
            ),
            await thrown(http.download(signed, { maxBytes: 1000, sendAuth: "always" })),
            await thrown(
              http.json("POST", `s/${status}/${format}/api`, { json: { password: OPS_MLFLOW_PASSWORD } }),
            ),
          ];
          // The echo reached the error (so the check below is not vacuous), with the credential masked.
          if (format !== "html")
            expect((errors[0] as Error).message).toMatch(/authorization=(Basic|Bearer) \*\*\*/);
          for (const error of errors) {
            expect((error as { status?: number }).status).toBe(status);
            expectNoSecret(exposed(error), `${status} ${format} error`);
          }
        });
      }
    }
  }
});

describe("no credential in errors of the adapters and the CLI", () => {
  it("MLflow adapter from env (Basic + token): 401/403/500 echoing the header", async () => {
    for (const status of STATUSES) {
      const adapter = mlflowAdapterFromEnv(
        {
          MLFLOW_TRACKING_URI: `${base}/s/${status}/json`,
          MLFLOW_TRACKING_USERNAME: OPS_MLFLOW_USER,
          MLFLOW_TRACKING_PASSWORD: OPS_MLFLOW_PASSWORD,
          MLFLOW_TRACKING_TOKEN: OPS_MLFLOW_TOKEN,
        },
        { experiment: "e" },
        { retry: { maxRetries: 0 } },
      );
      const error = await thrown(
        (async () => {
          for await (const _ of adapter.listRuns({})) break;
        })(),
      );
      expect((error as { kind: string }).kind).toBe(status === 500 ? "tracker" : "auth");
      expectNoSecret(exposed(error), `MLflow ${status}`);
    }
  });

  it("W&B adapter from env: 401/403/500 echoing the header", async () => {
    for (const status of STATUSES) {
      const adapter = wandbAdapterFromEnv(
        { WANDB_API_KEY: OPS_WANDB_KEY, WANDB_BASE_URL: `${base}/s/${status}/json` },
        { entity: "e", project: "p" },
      );
      const error = await thrown(
        (async () => {
          for await (const _ of adapter.listRuns({})) break;
        })(),
      );
      expectNoSecret(exposed(error), `W&B ${status}`);
    }
  });

  it("the CLI (in-process) against a 403 / 401 tracker: exit 2, one clear line, no credential printed", async () => {
    for (const status of [401, 403]) {
      const mlflow = await cli(["sync", "--tracker", "mlflow", "--experiment", "e", "--json", "--no-lock"], {
        env: {
          MLFLOW_TRACKING_URI: `${base}/s/${status}/text`,
          MLFLOW_TRACKING_USERNAME: OPS_MLFLOW_USER,
          MLFLOW_TRACKING_PASSWORD: OPS_MLFLOW_PASSWORD,
        },
      });
      expect(mlflow.code).toBe(2);
      expect(mlflow.stderr).toContain(`HTTP ${status}`);
      expectNoSecret(mlflow.stdout + mlflow.stderr, `CLI mlflow ${status}`);
      const wandb = await cli(
        ["sync", "--tracker", "wandb", "--entity", "e", "--project", "p", "--json", "--no-lock"],
        {
          env: { WANDB_API_KEY: OPS_WANDB_KEY, WANDB_BASE_URL: `${base}/s/${status}/html` },
        },
      );
      expect(wandb.code).toBe(2);
      expectNoSecret(wandb.stdout + wandb.stderr, `CLI wandb ${status}`);
    }
  });
});
