/**
 * W&B's "extended JSON": the filestream lines and the summary/config/history JSON strings the
 * server returns may hold the bare tokens NaN, Infinity and -Infinity (Python's json module and
 * wandb-core's simplejsonext both write them). JSON.stringify would turn them into null (the value
 * is lost) and JSON.parse rejects them, so both directions are done here.
 */
import { MagtrackError } from "../../src/adapter-kit.js";
import { jsonStringField } from "./scalars.js";

export type ExtendedJson =
  | null
  | boolean
  | number
  | string
  | ExtendedJson[]
  | { [key: string]: ExtendedJson };

/** Serialise with bare NaN / Infinity / -Infinity tokens for non-finite numbers. */
export function stringifyExtended(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") {
    if (Number.isFinite(value)) return JSON.stringify(value);
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringifyExtended).join(",")}]`;
  if (typeof value === "object") {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      parts.push(`${JSON.stringify(k)}:${stringifyExtended(v)}`);
    }
    return `{${parts.join(",")}}`;
  }
  throw new MagtrackError("input", "WANDB_UNSERIALISABLE", `cannot serialise a ${typeof value} to JSON`);
}

/** Parse JSON that may contain bare NaN / Infinity / -Infinity; `what` names the text in errors. */
export function parseExtended(text: string, what: string): ExtendedJson {
  let i = 0;
  const fail = (problem: string): never => {
    throw new MagtrackError("tracker", "WANDB_BAD_JSON", `${what}: ${problem} at offset ${i}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t"))
      i++;
  };
  const literal = (word: string, value: ExtendedJson): ExtendedJson => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return value;
    }
    return fail("unexpected token");
  };
  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    if (i >= text.length) fail("unterminated string");
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const parseNumber = (): number => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail("bad number");
    i += m[0].length;
    return Number(m[0]);
  };
  // Depth-bounded recursion: hostile input cannot blow the stack.
  const value = (depth: number): ExtendedJson => {
    if (depth > 200) fail("nesting deeper than 200");
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Record<string, ExtendedJson> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expected a key");
        const key = parseString();
        ws();
        if (text[i] !== ":") fail("expected ':'");
        i++;
        Object.defineProperty(out, key, {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return out;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const out: ExtendedJson[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return out;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    if (c === "t") return literal("true", true);
    if (c === "f") return literal("false", false);
    if (c === "n") return literal("null", null);
    if (c === "N") return literal("NaN", Number.NaN);
    if (c === "I") return literal("Infinity", Number.POSITIVE_INFINITY);
    if (c === "-" && text.startsWith("-Infinity", i)) return literal("-Infinity", Number.NEGATIVE_INFINITY);
    return parseNumber();
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail("trailing characters");
  return result;
}

/**
 * Parse a `JSONString` value holding an object (config, summary, a history line); null/empty → {}.
 * Anything but a string (e.g. an object where the protocol sends JSON text) is a typed error.
 */
export function parseObject(value: unknown, what: string): Record<string, ExtendedJson> {
  const text = jsonStringField(value, what);
  if (text === null || text.trim() === "") return {};
  const v = parseExtended(text, what);
  if (v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new MagtrackError("tracker", "WANDB_BAD_JSON", `${what}: expected a JSON object`);
  }
  return v;
}

/** Structural equality where NaN equals NaN (values read back from W&B may be NaN). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return Object.is(a, b) || a === b;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, k) => sameJson(x, b[k]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b as object, k) &&
      sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
