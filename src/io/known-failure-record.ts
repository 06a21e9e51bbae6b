/**
 * The stored form of a run's known failures (RunState.knownFailures), shared by the adapters that
 * keep it (local: magnitude/failures.json; MLflow: the magtrack.failures tag):
 *   {"v": 1, "files": [[path, digest, settings, layer, step, code], ...]}
 * Tuples keep it small (an MLflow tag holds 8000 characters). Anything unreadable decodes as no
 * record: the files are then simply tried again, which is always safe.
 */
import type { KnownFailure } from "../adapter-kit.js";

export function encodeKnownFailures(
  failures: readonly KnownFailure[],
  maxChars = Number.POSITIVE_INFINITY,
): { text: string; dropped: number } {
  const files: unknown[] = [];
  let text = JSON.stringify({ v: 1, files });
  for (const f of failures) {
    files.push([f.path, f.digest, f.settings, f.layer, f.step, f.code]);
    const next = JSON.stringify({ v: 1, files });
    if (next.length > maxChars) {
      files.pop();
      break;
    }
    text = next;
  }
  return { text, dropped: failures.length - files.length };
}

export function decodeKnownFailures(text: string | null | undefined): KnownFailure[] {
  if (text === null || text === undefined || text === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const files = (parsed as { v?: unknown; files?: unknown })?.files;
  if ((parsed as { v?: unknown })?.v !== 1 || !Array.isArray(files)) return [];
  const out: KnownFailure[] = [];
  for (const t of files) {
    if (!Array.isArray(t) || t.length !== 6) continue;
    const [path, digest, settings, layer, step, code] = t as unknown[];
    if (
      typeof path === "string" &&
      typeof digest === "string" &&
      typeof settings === "string" &&
      typeof layer === "string" &&
      Number.isSafeInteger(step) &&
      typeof code === "string"
    ) {
      out.push({ path, digest, settings, layer, step: step as number, code });
    }
  }
  return out;
}
