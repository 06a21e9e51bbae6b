/**
 * TrackerError: every failed request to a tracker server. It carries what a reader needs to act
 * (method, URL without its query string, status, the server's error_code and message) and never
 * a credential: the URL is stripped of user info and query, the text is passed through
 * redactText, and the transport library's own error object (which holds request headers) is never
 * attached as `cause`.
 */
import { MagtrackError } from "../core/errors.js";

export interface TrackerErrorInit {
  /** Short service label for messages ("MLflow", "W&B"). */
  readonly service: string;
  readonly method: string;
  /** Already redacted: scheme://host/path, no query string. */
  readonly url: string;
  readonly status?: number;
  /** Server-provided machine code (MLflow error_code) when the body was JSON and had one. */
  readonly errorCode?: string;
  /** Server-provided message (already redacted, truncated). */
  readonly serverMessage?: string;
  /** How many attempts were made (1 = no retry). */
  readonly attempts: number;
  /** Our own code: HTTP_<status>, TIMEOUT, NETWORK, ABORTED, RESPONSE_TOO_LARGE, BAD_RESPONSE. */
  readonly code: string;
  /** The full human message (already redacted). */
  readonly message: string;
}

export class TrackerError extends MagtrackError {
  readonly status: number | undefined;
  readonly method: string;
  readonly url: string;
  readonly errorCode: string | undefined;
  readonly serverMessage: string | undefined;
  readonly attempts: number;

  constructor(init: TrackerErrorInit) {
    // 401/403 are credential or permission problems: the CLI maps kind "auth" to exit code 2.
    const kind = init.status === 401 || init.status === 403 ? "auth" : "tracker";
    super(kind, init.errorCode ?? init.code, init.message, {
      details: {
        service: init.service,
        method: init.method,
        url: init.url,
        status: init.status,
        errorCode: init.errorCode,
        attempts: init.attempts,
      },
    });
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.errorCode = init.errorCode;
    this.serverMessage = init.serverMessage;
    this.attempts = init.attempts;
  }
}

export function isTrackerError(error: unknown): error is TrackerError {
  return error instanceof TrackerError;
}
