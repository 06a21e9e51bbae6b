/**
 * Retry policy of the tracker transport, as the official MLflow client does it: retry 408, 429,
 * 500, 502, 503, 504 and transport failures (connection reset/refused, timeouts) with exponential
 * backoff and jitter, honouring Retry-After. 413 and every other 4xx are final.
 */

export interface RetryOptions {
  /** Retries after the first attempt (0 = no retry). */
  readonly maxRetries: number;
  /** Backoff base: attempt k (0-based) waits about baseDelayMs · 2^k. */
  readonly baseDelayMs: number;
  /** Upper bound of one computed backoff delay. */
  readonly maxDelayMs: number;
  /** Upper bound applied to a server's Retry-After (seconds or HTTP date). */
  readonly maxRetryAfterMs: number;
  /** Retry budget: total time spent sleeping between attempts of one request. */
  readonly budgetMs: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  maxRetries: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  budgetMs: 120_000,
};

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** Node/axios error codes of transient transport failures. */
const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "UND_ERR_SOCKET",
]);

export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * Retry-After → milliseconds, or undefined when absent/unparseable.
 * RFC 9110 §10.2.3: either delay-seconds (a non-negative integer) or an HTTP-date.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (/^\d+\.\d+$/.test(text)) return Math.ceil(Number(text) * 1000); // lenient: fractional seconds
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Delay before retry number `retry` (0-based): "equal jitter" exponential backoff,
 *   d = min(maxDelay, base · 2^retry),  wait = d/2 + U(0, d/2),
 * so consecutive clients spread out but never retry immediately. A Retry-After from the server
 * replaces the computed delay, capped at maxRetryAfterMs.
 */
export function retryDelayMs(
  retry: number,
  options: RetryOptions,
  random: () => number,
  retryAfterMs: number | undefined,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxRetryAfterMs);
  const d = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return d / 2 + random() * (d / 2);
}

/** Sleep that wakes early (rejecting) when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
