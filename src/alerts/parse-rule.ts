/**
 * `--alert RULE` text → AlertRule. Grammar (docs/alerts.md):
 *   <glob> (> | < | >= | <=) <number>      threshold
 *   <glob> jump <z>                         sudden change (robust z > z, z > 0)
 *   <glob> outside finished                 out of the finished runs' band at the same fraction
 * A rule that does not parse is a usage error naming it, raised before any work.
 */
import { MagtrackError } from "../core/errors.js";
import { type AlertRule, JUMP_MIN_HISTORY, JUMP_WINDOW, type ThresholdOp } from "./rule.js";

const THRESHOLD = /^(\S+)\s*(>=|<=|>|<)\s*(\S+)$/;
const JUMP = /^(\S+)\s+jump\s+(\S+)$/;
const OUTSIDE = /^(\S+)\s+outside\s+(\S+)$/;

function bad(text: string, why: string): MagtrackError {
  return new MagtrackError(
    "usage",
    "BAD_OPTION",
    `--alert "${text}": ${why} (rules: "magnitude/*/dim > 3", "magnitude/fc2/area jump 4", "magnitude/*/t_conv outside finished"; docs/alerts.md)`,
  );
}

function finiteNumber(text: string, token: string, what: string): number {
  const value = Number(token);
  if (token === "" || !Number.isFinite(value)) throw bad(text, `${what} "${token}" is not a finite number`);
  return value;
}

function checkGlob(text: string, glob: string): string {
  if (!/^(magnitude|trajectory|reptraj|\*)\//.test(glob) || glob.split("/").length < 3) {
    throw bad(
      text,
      `"${glob}" is not a metric key glob <family>/<layer>/<name> (family magnitude, trajectory or reptraj)`,
    );
  }
  return glob;
}

export function parseAlertRule(raw: string): AlertRule {
  const text = String(raw).trim();
  if (text === "") throw bad(text, "empty rule");
  const outside = OUTSIDE.exec(text);
  if (outside) {
    if (outside[2] !== "finished") {
      throw bad(
        text,
        `"outside ${outside[2]}": the only band is "finished" (the experiment's finished runs)`,
      );
    }
    return {
      text,
      glob: checkGlob(text, outside[1]!),
      condition: { kind: "outside", reference: "finished" },
    };
  }
  const jump = JUMP.exec(text);
  if (jump) {
    const z = finiteNumber(text, jump[2]!, "z");
    if (!(z > 0)) throw bad(text, `jump needs a z > 0, got ${z}`);
    return {
      text,
      glob: checkGlob(text, jump[1]!),
      condition: { kind: "jump", z, window: JUMP_WINDOW, minHistory: JUMP_MIN_HISTORY },
    };
  }
  const threshold = THRESHOLD.exec(text);
  if (threshold) {
    return {
      text,
      glob: checkGlob(text, threshold[1]!),
      condition: {
        kind: "threshold",
        op: threshold[2] as ThresholdOp,
        bound: finiteNumber(text, threshold[3]!, "bound"),
      },
    };
  }
  throw bad(
    text,
    'expected "<glob> <op> <number>" with op one of > < >= <=, "<glob> jump <z>" or "<glob> outside finished"',
  );
}

/** Every --alert value (flag, MAGTRACK_ALERT, config-file array; ";" separates rules) parsed; duplicates kept once. */
export function parseAlertRules(values: readonly unknown[] | undefined): AlertRule[] {
  const seen = new Map<string, AlertRule>();
  const texts = (values ?? []).flatMap((v) => String(v).split(";")).filter((t) => t.trim() !== "");
  for (const t of texts) {
    const rule = parseAlertRule(t);
    if (!seen.has(rule.text)) seen.set(rule.text, rule);
  }
  return [...seen.values()];
}

/** `*` matches any run of characters (layers may hold "/"); everything else literally. */
export function globMatcher(glob: string): (key: string) => boolean {
  const source = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const re = new RegExp(`^${source}$`);
  return (key) => re.test(key);
}
