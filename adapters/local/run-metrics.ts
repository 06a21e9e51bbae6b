/**
 * A local run's own metrics and params (what the training job logged beside its activations):
 *   <root>/<run>/metrics.jsonl   one {"step": N, "key": K, "value": V} per line (the demo's layout;
 *                                V may be "NaN" / "Infinity" / "-Infinity" as strings)
 *   <root>/<run>/params.json     {"name": value, …}; without it, the "params" object of run.json
 * A step logged twice keeps its last line. Lines that do not parse are refused, naming file and line.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { MagtrackError, type MetricPoint, type RunMetrics } from "../../src/adapter-kit.js";
import { decodeNumber } from "./store-format.js";

export const RUN_METRICS_FILE = "metrics.jsonl";
export const RUN_PARAMS_FILE = "params.json";
/** A metrics log larger than this is refused (it is read whole). */
const MAX_METRICS_BYTES = 512 * 1024 * 1024;

async function readIfExists(path: string, maxBytes: number): Promise<string | null> {
  try {
    const info = await stat(path);
    if (info.size > maxBytes) {
      throw new MagtrackError(
        "tracker",
        "LOCAL_FILE_TOO_LARGE",
        `${path}: ${info.size} bytes exceeds ${maxBytes}`,
      );
    }
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

export async function readLocalRunMetrics(
  runDir: string,
  keep: (key: string) => boolean,
): Promise<RunMetrics> {
  const path = join(runDir, RUN_METRICS_FILE);
  const text = await readIfExists(path, MAX_METRICS_BYTES);
  if (text === null) return {};
  const byKey = new Map<string, Map<number, number>>();
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let o: { step?: unknown; key?: unknown; value?: unknown };
    try {
      o = JSON.parse(line);
    } catch {
      throw badLine(path, i + 1, "not JSON");
    }
    if (typeof o?.key !== "string" || !Number.isSafeInteger(o.step) || (o.step as number) < 0) {
      throw badLine(path, i + 1, 'expected {"step": integer ≥ 0, "key": string, "value": number}');
    }
    if (typeof o.value !== "number" && typeof o.value !== "string") {
      throw badLine(path, i + 1, `value of "${o.key}" is not a number`);
    }
    if (!keep(o.key)) return;
    const steps = byKey.get(o.key) ?? new Map<number, number>();
    byKey.set(o.key, steps);
    steps.set(o.step as number, decodeNumber(o.value));
  });
  const out: Record<string, MetricPoint[]> = {};
  for (const [key, steps] of byKey) {
    out[key] = [...steps].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }));
  }
  return out;
}

function badLine(path: string, line: number, why: string): MagtrackError {
  return new MagtrackError("tracker", "LOCAL_BAD_RUN_METRICS", `${path}:${line}: ${why}`);
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export async function readLocalRunParams(runDir: string): Promise<Record<string, string>> {
  for (const [file, pick] of [
    [RUN_PARAMS_FILE, (o: unknown) => o],
    ["run.json", (o: unknown) => (o as { params?: unknown } | null)?.params],
  ] as const) {
    const path = join(runDir, file);
    const text = await readIfExists(path, 16 * 1024 * 1024);
    if (text === null) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new MagtrackError("tracker", "LOCAL_BAD_JSON", `${path}: not valid JSON`, { cause });
    }
    const params = pick(parsed);
    if (params === undefined && file === "run.json") return {};
    if (typeof params !== "object" || params === null || Array.isArray(params)) {
      throw new MagtrackError("tracker", "LOCAL_BAD_PARAMS", `${path}: params must be a JSON object`);
    }
    return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, asText(v)]));
  }
  return {};
}
