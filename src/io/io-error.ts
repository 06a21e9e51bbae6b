/**
 * File-system failures as typed errors naming the path: ENOSPC on the store, EACCES, EROFS, a file
 * where a folder should be … become MagtrackError code "STORE_IO" (kind "tracker": that run fails,
 * exit 1, the others go on) instead of an INTERNAL error without a path. A file the user named
 * (`magtrack compute <files>`) becomes INPUT_IO (kind "input") the same way.
 */
import { MagtrackError } from "../core/errors.js";

const HINTS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a file is where a folder should be",
  EISDIR: "a folder is where a file should be",
  EIO: "input/output error",
  EMFILE: "too many open files",
};

/** A Node errno error (has a string `code` such as "ENOSPC"). */
export function isErrnoError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

/** The errno code of `cause` ("EIO" when it has none) and the text "ENOENT (no such file or folder)". */
function errnoText(cause: unknown): { code: string; text: string } {
  const code = isErrnoError(cause) ? cause.code! : "EIO";
  const hint = HINTS[code];
  return { code, text: `${code}${hint ? ` (${hint})` : ""}` };
}

export function storeIoError(
  path: string,
  action: "read" | "write" | "list" | "remove",
  cause: unknown,
): MagtrackError {
  const { code, text } = errnoText(cause);
  return new MagtrackError("tracker", "STORE_IO", `${path}: cannot ${action}: ${text}`, {
    cause,
    details: { path, errno: code },
  });
}

/**
 * A file the user named on the command line (`magtrack compute missing.npy`) that cannot be read:
 * kind "input", code "INPUT_IO", the name as the user typed it and the errno with its meaning.
 */
export function inputFileError(file: string, cause: unknown): MagtrackError {
  const { code, text } = errnoText(cause);
  return new MagtrackError("input", "INPUT_IO", `${file}: cannot read: ${text}`, {
    cause,
    details: { path: file, errno: code },
  });
}

/** Run `op`; an errno failure becomes `typed(error)`; typed errors and non-errno errors pass through. */
async function errnoAs<T>(op: () => Promise<T>, typed: (cause: unknown) => MagtrackError): Promise<T> {
  try {
    return await op();
  } catch (error) {
    if (error instanceof MagtrackError || !isErrnoError(error)) throw error;
    throw typed(error);
  }
}

/** Run `op`; an errno failure becomes storeIoError(path, action); typed errors pass through. */
export function onStorePath<T>(
  path: string,
  action: "read" | "write" | "list" | "remove",
  op: () => Promise<T>,
): Promise<T> {
  return errnoAs(op, (cause) => storeIoError(path, action, cause));
}

/** Run `op` on a file the user named; an errno failure becomes inputFileError(file); typed errors pass through. */
export function onInputFile<T>(file: string, op: () => Promise<T>): Promise<T> {
  return errnoAs(op, (cause) => inputFileError(file, cause));
}
