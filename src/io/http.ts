/**
 * The HTTP transport shared by the tracker adapters (MLflow, W&B): a small typed client on axios.
 *
 * - per-attempt timeout (covers headers and body) and a caller AbortSignal;
 * - retries on 408/429/500/502/503/504 and transient network errors with exponential backoff +
 *   jitter, Retry-After honoured (seconds or HTTP date, capped), a retry budget; 413 and other
 *   4xx are final;
 * - bodies parsed as JSON only when they are JSON; HTML/plain-text error pages summarised;
 * - response bodies buffered under a byte cap (refused from Content-Length, cut off mid-stream);
 * - credentials sent only to the base URL's origin unless asked otherwise (signed URLs get none),
 *   and never present in any error: see redact.ts and http-errors.ts.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import {
  BodyTooLargeError,
  describeTextBody,
  isJsonContentType,
  parseJsonLenient,
  readCapped,
} from "./http-body.js";
import { TrackerError } from "./http-errors.js";
import {
  abortableSleep,
  DEFAULT_RETRY,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  retryDelayMs,
} from "./http-retry.js";
import { redactText, secretVariants, urlForError } from "./redact.js";

export type HttpAuth =
  | { readonly type: "basic"; readonly username: string; readonly password: string }
  | { readonly type: "bearer"; readonly token: string }
  | { readonly type: "none" };

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD";

export interface HttpClientOptions {
  /** Base URL; relative request paths are resolved against it (its path prefix is kept). */
  readonly baseUrl: string;
  /** Label used in error messages ("MLflow", "W&B"). */
  readonly service: string;
  readonly auth?: HttpAuth;
  /** Extra headers sent with every request (never put credentials here: use `auth`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per-attempt timeout in ms (connect + headers + body). Default 30 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Default cap on buffered response bytes. Default 256 MiB. */
  readonly maxResponseBytes?: number;
  /** Injectable for tests: sleep between retries. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests: jitter source in [0, 1). */
  readonly random?: () => number;
  /** Injectable for tests: clock for HTTP-date Retry-After. */
  readonly now?: () => number;
  /** Called before each retry (for progress/debug output; receives no secret). */
  readonly onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export type QueryValue = string | number | boolean | undefined;

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path relative to the base URL ("api/2.0/mlflow/runs/get"), or an absolute URL. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue | readonly QueryValue[]>>;
  /** A value sent as JSON (JSON.stringify). For bodies needing a custom serialiser use `body`. */
  readonly json?: unknown;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  /** false disables retries for this request; an object overrides the client's retry options. */
  readonly retry?: boolean | Partial<RetryOptions>;
  /**
   * "auto" (default): send credentials only when the URL has the base URL's origin.
   * "never": never (signed URLs). "always": also to another origin (rarely right).
   */
  readonly sendAuth?: "auto" | "never" | "always";
  /** "json" (default): parsed JSON or null for an empty body. "bytes": raw Uint8Array. "text". */
  readonly responseType?: "json" | "bytes" | "text";
  /** Cap on buffered response bytes for this request. */
  readonly maxBytes?: number;
  /** Statuses returned as a response instead of thrown (e.g. [404] when absence is a value). */
  readonly acceptStatuses?: readonly number[];
}

export interface HttpResponse<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly data: T;
}

export interface HttpClient {
  readonly baseUrl: string;
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  /** Convenience: JSON request → parsed JSON body. */
  json<T = unknown>(
    method: HttpMethod,
    path: string,
    options?: Omit<HttpRequest, "method" | "path" | "responseType">,
  ): Promise<T>;
  /** Convenience: GET → bytes, refused beyond maxBytes. */
  download(
    path: string,
    options: Omit<HttpRequest, "method" | "path" | "responseType"> & { readonly maxBytes: number },
  ): Promise<Uint8Array>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** Error bodies are only quoted: read at most this much of them. */
const ERROR_BODY_BYTES = 64 * 1024;

/** Outcome of one attempt that failed: a final error, or a retryable one with optional Retry-After. */
interface AttemptFailure {
  readonly error: TrackerError;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
  const auth = options.auth ?? { type: "none" };
  const secrets = secretVariants(
    auth.type === "basic"
      ? [auth.password, `${auth.username}:${auth.password}`]
      : auth.type === "bearer"
        ? [auth.token]
        : [],
  );
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const clientRetry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const http: AxiosInstance = axios.create({
    // Statuses, bodies and retries are all handled here; axios only moves bytes.
    validateStatus: () => true,
    responseType: "stream",
    decompress: true,
    maxRedirects: 5,
  });

  const scrub = (text: string) => redactText(text, secrets);

  function authHeader(): string | undefined {
    if (auth.type === "basic") {
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, "utf8").toString("base64")}`;
    }
    if (auth.type === "bearer") return `Bearer ${auth.token}`;
    return undefined;
  }

  function resolveUrl(req: HttpRequest): URL {
    const isAbsolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(req.path);
    const url = isAbsolute ? new URL(req.path) : new URL(req.path.replace(/^\/+/, ""), base);
    for (const [name, value] of Object.entries(req.query ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) if (v !== undefined) url.searchParams.append(name, String(v));
    }
    return url;
  }

  function shouldSendAuth(req: HttpRequest, url: URL): boolean {
    const mode = req.sendAuth ?? "auto";
    if (mode === "never") return false;
    if (mode === "always") return true;
    return url.origin === base.origin;
  }

  function failure(
    req: HttpRequest,
    url: URL,
    attempts: number,
    code: string,
    detail: string,
    extra: { status?: number; errorCode?: string; serverMessage?: string } = {},
  ): TrackerError {
    const where = `${options.service} ${req.method} ${urlForError(url.toString())}`;
    return new TrackerError({
      service: options.service,
      method: req.method,
      url: urlForError(url.toString()),
      status: extra.status,
      errorCode: extra.errorCode,
      serverMessage: extra.serverMessage,
      attempts,
      code,
      message: scrub(`${where} failed${attempts > 1 ? ` after ${attempts} attempts` : ""}: ${detail}`),
    });
  }

  async function describeErrorResponse(
    req: HttpRequest,
    url: URL,
    res: AxiosResponse<Readable>,
    attempts: number,
  ): Promise<TrackerError> {
    const contentType = headerString(res.headers as IncomingHttpHeaders, "content-type");
    let text = "";
    try {
      text = (await readCapped(res.data, ERROR_BODY_BYTES, undefined, true)).toString("utf8");
    } catch {
      text = ""; // the body broke off: the status alone has to do
    }
    const statusText = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
    if (isJsonContentType(contentType) || /^\s*\{/.test(text)) {
      try {
        const body = parseJsonLenient(text) as { error_code?: unknown; message?: unknown };
        const errorCode = typeof body?.error_code === "string" ? body.error_code : undefined;
        const rawMessage = typeof body?.message === "string" ? body.message : undefined;
        const serverMessage =
          rawMessage === undefined ? undefined : truncate(scrub(rawMessage.replace(/\s+/g, " ").trim()), 500);
        const detail =
          errorCode !== undefined || serverMessage !== undefined
            ? `${statusText} ${[errorCode, serverMessage].filter(Boolean).join(": ")}`
            : `${statusText} ${truncate(text.replace(/\s+/g, " "), 200)}`;
        return failure(req, url, attempts, `HTTP_${res.status}`, detail, {
          status: res.status,
          errorCode,
          serverMessage,
        });
      } catch {
        // fall through: labelled JSON but not JSON
      }
    }
    const described = describeTextBody(text, contentType);
    return failure(req, url, attempts, `HTTP_${res.status}`, `${statusText} (not JSON; ${described})`, {
      status: res.status,
    });
  }

  async function attempt<T>(
    req: HttpRequest,
    url: URL,
    attemptNo: number,
  ): Promise<{ ok: HttpResponse<T> } | { fail: AttemptFailure }> {
    // One controller per attempt: fires on the caller's abort or on our timeout.
    const controller = new AbortController();
    let timedOut = false;
    const timeoutMs = req.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error("timeout"));
    }, timeoutMs);
    const onCallerAbort = () => controller.abort(req.signal?.reason);
    req.signal?.addEventListener("abort", onCallerAbort, { once: true });
    let stream: Readable | undefined;
    const onAbortDestroy = () => stream?.destroy(new Error("aborted"));
    controller.signal.addEventListener("abort", onAbortDestroy, { once: true });

    const headers: Record<string, string> = { Accept: "application/json, */*;q=0.5", ...options.headers };
    Object.assign(headers, req.headers);
    let data: string | Uint8Array | undefined = req.body;
    if (req.json !== undefined) {
      data = JSON.stringify(req.json);
      headers["Content-Type"] = req.contentType ?? "application/json";
    } else if (req.body !== undefined) {
      headers["Content-Type"] = req.contentType ?? "application/octet-stream";
    }
    const authorization = shouldSendAuth(req, url) ? authHeader() : undefined;
    if (authorization !== undefined) headers.Authorization = authorization;

    try {
      const res = await http.request<Readable>({
        method: req.method,
        url: url.toString(),
        headers,
        data: data instanceof Uint8Array ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : data,
        signal: controller.signal,
        // Credentials never travel inside the URL; auth is always a header we control.
        auth: undefined,
        maxBodyLength: Number.POSITIVE_INFINITY,
      });
      stream = res.data;
      if (controller.signal.aborted) stream.destroy();
      const status = res.status;
      if (status < 200 || status >= 300) {
        if (req.acceptStatuses?.includes(status)) {
          res.data.destroy();
          return {
            ok: { status, headers: flatHeaders(res.headers as IncomingHttpHeaders), data: null as T },
          };
        }
        const error = await describeErrorResponse(req, url, res, attemptNo);
        const retryAfterMs = parseRetryAfter(
          headerString(res.headers as IncomingHttpHeaders, "retry-after"),
          now(),
        );
        return { fail: { error, retryable: isRetryableStatus(status), retryAfterMs } };
      }
      const limit = req.maxBytes ?? maxResponseBytes;
      const contentLength = Number(headerString(res.headers as IncomingHttpHeaders, "content-length"));
      const body = await readCapped(
        res.data,
        limit,
        Number.isFinite(contentLength) ? contentLength : undefined,
      );
      const resHeaders = flatHeaders(res.headers as IncomingHttpHeaders);
      return {
        ok: { status, headers: resHeaders, data: decodeBody<T>(req, url, body, resHeaders, attemptNo) },
      };
    } catch (error) {
      if (error instanceof TrackerError) return { fail: { error, retryable: false } };
      if (error instanceof BodyTooLargeError) {
        return {
          fail: {
            error: failure(req, url, attemptNo, "RESPONSE_TOO_LARGE", `refused: ${error.message}`),
            retryable: false,
          },
        };
      }
      if (req.signal?.aborted) {
        return {
          fail: { error: failure(req, url, attemptNo, "ABORTED", "aborted by the caller"), retryable: false },
        };
      }
      if (timedOut) {
        return {
          fail: {
            error: failure(req, url, attemptNo, "TIMEOUT", `no complete response within ${timeoutMs} ms`),
            retryable: true,
          },
        };
      }
      // Only the code and message of the transport error are kept: the axios error object holds
      // the request config including the Authorization header.
      const code = (error as { code?: string }).code;
      const message = (error as Error).message ?? String(error);
      return {
        fail: {
          error: failure(req, url, attemptNo, "NETWORK", `${code ? `${code} ` : ""}${message}`),
          retryable: isRetryableNetworkCode(code) || /socket hang up|aborted/i.test(message),
        },
      };
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
      controller.signal.removeEventListener("abort", onAbortDestroy);
    }
  }

  function decodeBody<T>(
    req: HttpRequest,
    url: URL,
    body: Buffer,
    headers: Record<string, string>,
    attempts: number,
  ): T {
    const type = req.responseType ?? "json";
    if (type === "bytes") return new Uint8Array(body.buffer, body.byteOffset, body.byteLength) as T;
    const text = body.toString("utf8");
    if (type === "text") return text as T;
    if (text.trim() === "") return null as T;
    const contentType = headers["content-type"];
    if (!isJsonContentType(contentType) && !/^\s*[[{]/.test(text)) {
      throw failure(
        req,
        url,
        attempts,
        "BAD_RESPONSE",
        `expected JSON, got ${describeTextBody(text, contentType)}`,
      );
    }
    try {
      return parseJsonLenient(text) as T;
    } catch {
      throw failure(
        req,
        url,
        attempts,
        "BAD_RESPONSE",
        `invalid JSON in response (${describeTextBody(text, contentType)})`,
      );
    }
  }

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = resolveUrl(req);
    const retry: RetryOptions =
      req.retry === false
        ? { ...clientRetry, maxRetries: 0 }
        : req.retry === true || req.retry === undefined
          ? clientRetry
          : { ...clientRetry, ...req.retry };
    let slept = 0;
    for (let attemptNo = 1; ; attemptNo++) {
      if (req.signal?.aborted) throw failure(req, url, attemptNo, "ABORTED", "aborted by the caller");
      const outcome = await attempt<T>(req, url, attemptNo);
      if ("ok" in outcome) return outcome.ok;
      const { error, retryable, retryAfterMs } = outcome.fail;
      const retriesDone = attemptNo - 1;
      if (!retryable || retriesDone >= retry.maxRetries) throw error;
      const delay = retryDelayMs(retriesDone, retry, random, retryAfterMs);
      if (slept + delay > retry.budgetMs) throw error; // retry budget exhausted
      options.onRetry?.({
        method: req.method,
        url: urlForError(url.toString()),
        attempt: attemptNo,
        delayMs: delay,
        reason: error.code,
      });
      try {
        await sleep(delay, req.signal);
      } catch {
        throw failure(req, url, attemptNo, "ABORTED", "aborted by the caller while waiting to retry");
      }
      slept += delay;
    }
  }

  return {
    baseUrl: base.toString(),
    request,
    async json<T>(
      method: HttpMethod,
      path: string,
      opts: Omit<HttpRequest, "method" | "path" | "responseType"> = {},
    ) {
      return (await request<T>({ ...opts, method, path, responseType: "json" })).data;
    },
    async download(path, opts) {
      return (await request<Uint8Array>({ ...opts, method: "GET", path, responseType: "bytes" })).data;
    },
  };
}

function headerString(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(", ") : String(v);
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
