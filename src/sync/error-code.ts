import { MagtrackError } from "../core/errors.js";

/** The code + message a failure is reported with: typed errors keep theirs; anything else is INTERNAL. */
export function errorCode(error: unknown): { code: string; message: string } {
  if (error instanceof MagtrackError) return { code: error.code, message: error.message };
  if (error instanceof Error && error.name === "AbortError")
    return { code: "ABORTED", message: error.message };
  return { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
}

/** A credential or permission problem (TrackerError 401/403 and the adapters' own auth errors). */
export function isAuthError(error: unknown): boolean {
  return error instanceof MagtrackError && error.kind === "auth";
}
