/**
 * Typed errors. Every error magtrack raises on purpose is a MagtrackError with a stable `code`
 * and a `kind` that the CLI maps to an exit code (input/data problems → the run fails, exit 1;
 * usage/config/auth → exit 2). Messages name the file or request and the problem, and never
 * contain a secret.
 */
export type ErrorKind = "input" | "numerical" | "format" | "tracker" | "usage" | "config" | "auth";

export class MagtrackError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = kind;
    this.code = code;
    this.details = options?.details;
  }
}

/** Bad points or options handed to the core: NaN/Inf, 0 rows, d = 0, ragged rows, q ∉ (0, 1], t < 0 … */
export class InputError extends MagtrackError {
  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super("input", code, message, options);
  }
}

/** A numerical procedure could not produce a value it can vouch for (e.g. t_conv not bracketed). */
export class NumericalError extends MagtrackError {
  constructor(
    code: string,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super("numerical", code, message, options);
  }
}
