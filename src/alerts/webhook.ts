/**
 * `--alert-webhook URL` (docs/alerts.md): one Slack-compatible POST `{"text": "…"}` per alert newly
 * recorded (raise-alerts.ts calls it after the tracker's record, so re-syncs and other shards send
 * nothing again). Transient failures (5xx, 408/429, timeouts, refused/reset connections) are retried
 * by the project's HTTP client (src/io/http.ts: exponential backoff with jitter, Retry-After) a
 * bounded number of times; then the alert's webhook delivery is given up with an
 * `alert-undelivered` event and the sync goes on. The URL's path and query are where webhook
 * tokens live (Slack: /services/T…/B…/<token>): only scheme and host ever appear in output.
 */
import type { AlertRecord, RunRef } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import { createHttpClient, type HttpClientOptions } from "../io/http.js";
import { redactText, secretVariants } from "../io/redact.js";
import type { EventSink } from "../sync/events.js";

/** Retries after the first attempt, and the per-attempt timeout, of one webhook POST. */
export const WEBHOOK_MAX_RETRIES = 3;
export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookOptions {
  readonly emit: EventSink;
  /** Transport overrides (tests: a tiny timeout, an instant sleep). */
  readonly http?: Partial<Pick<HttpClientOptions, "timeoutMs" | "retry" | "sleep" | "random">>;
}

/** The URL as it may be shown: scheme and host, the rest (path, query, user info) as "***". */
export function redactedWebhookUrl(url: URL): string {
  const rest = url.pathname !== "/" || url.search !== "" ? "/***" : "/";
  return `${url.protocol}//${url.host}${rest}`;
}

/** The parsed URL; anything but http(s) is a usage error that does not quote the URL. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new MagtrackError("usage", "BAD_OPTION", "--alert-webhook: not a URL (expected https://…)");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new MagtrackError(
      "usage",
      "BAD_OPTION",
      `--alert-webhook: ${url.protocol} URLs are not supported (expected https://…)`,
    );
  }
  return url;
}

/** The message: one line a person reads in a channel. */
export function webhookText(run: RunRef, alert: AlertRecord): string {
  return `magtrack alert on run ${run.displayName ?? run.id} (${run.id}): rule "${alert.rule}" held for ${alert.key} at step ${alert.step} — ${alert.detail}`;
}

export function alertWebhook(
  raw: string,
  options: WebhookOptions,
): (run: RunRef, alert: AlertRecord, signal?: AbortSignal) => Promise<void> {
  const url = parseWebhookUrl(raw);
  const shown = redactedWebhookUrl(url);
  // Everything past the host, in every form it can travel in, is scrubbed from any text we print.
  const secrets = secretVariants([raw, url.href, url.pathname, url.search, url.username, url.password]);
  const http = createHttpClient({
    baseUrl: url.origin,
    service: "alert webhook",
    timeoutMs: WEBHOOK_TIMEOUT_MS,
    ...options.http,
    retry: { maxRetries: WEBHOOK_MAX_RETRIES, budgetMs: 30_000, ...options.http?.retry },
  });
  return async (run, alert, signal) => {
    try {
      await http.request({
        method: "POST",
        path: url.href,
        json: { text: webhookText(run, alert) },
        responseType: "text",
        maxBytes: 1024 * 1024, // Slack answers "ok"; nothing big is read
        sendAuth: "never",
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw error; // a hard stop ends the sync; nothing else does
      // Built from the status and code only: a server's error text may echo the token back.
      const e = error as { status?: number; attempts?: number; code?: string };
      const why = e.status !== undefined ? `HTTP ${e.status}` : (e.code ?? "no answer");
      const attempts = e.attempts ?? 1;
      options.emit({
        type: "alert-undelivered",
        run: run.id,
        id: alert.id,
        channel: "webhook",
        message: redactText(
          `alert ${alert.id} not posted to the webhook ${shown} after ${attempts} attempt${attempts === 1 ? "" : "s"} (${why}); it stays recorded in the tracker and is not posted again`,
          secrets,
        ),
      });
    }
  };
}
