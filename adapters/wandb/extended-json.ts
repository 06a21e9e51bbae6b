/**
 * W&B's JSON, read and written back losslessly. magtrack rewrites summaries and configs it does
 * not own (upsertBucket and the filestream summary replace them whole), so what it did not change
 * must come back exactly as read (../shared/TRACKERS.md):
 * - numbers keep their text: 9007199254740993 (> 2^53), 0.0, 1e20 stay as written. Parsing and
 *   serialising are done by lossless-json; a number whose text a JS number reproduces exactly
 *   (String(Number(t)) === t) is a plain number, every other one a LosslessNumber holding its text;
 * - the bare tokens NaN, Infinity, -Infinity (Python's json and wandb-core's simplejsonext write
 *   them; JSON.parse rejects them, JSON.stringify turns them into null) become JS numbers and are
 *   written back as the same tokens;
 * - key order stays as read, integer-like keys ("12" before "2", as Go's sorted maps write
 *   _wandb.t) included, although JS objects enumerate those first: the order is kept beside each
 *   object and used when writing. Keys magtrack adds come after the existing ones.
 * lossless-json knows neither the bare tokens nor ordered integer keys, so a linear pre-pass (it
 * only tracks string boundaries) marks them with a per-process random tag before parsing, and the
 * writer removes the tags afterwards; the tag cannot occur in real data by accident.
 * Whitespace between tokens is not kept: values are written compactly, as wandb-core does.
 */
import { randomBytes } from "node:crypto";
import { isLosslessNumber, LosslessNumber, parse, stringify } from "lossless-json";
import { MagtrackError } from "../../src/adapter-kit.js";
import { jsonStringField } from "./scalars.js";

export type ExtendedJson =
  | null
  | boolean
  | number
  | LosslessNumber
  | string
  | ExtendedJson[]
  | { [key: string]: ExtendedJson };

export { LosslessNumber };

const MAX_DEPTH = 200;
const TAG = randomBytes(9).toString("base64url");
/** Prefix of every object key during parse/stringify (keeps insertion order for integer-like keys). */
const KEY_MARK = `~k${TAG}~`;
/** A bare non-finite token stands in a string during parse/stringify. */
const NON_FINITE_MARK = `~n${TAG}~`;
const NON_FINITE: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/** The key order an object was read with (only where JS would enumerate it differently). */
const keyOrder = new WeakMap<object, readonly string[]>();

export function isJsonObject(v: unknown): v is { [key: string]: ExtendedJson } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isLosslessNumber(v);
}

/** A number's value whether plain or lossless (NaN for anything else). */
export function numberOf(v: unknown): number {
  if (typeof v === "number") return v;
  if (isLosslessNumber(v)) return Number((v as LosslessNumber).value);
  return Number.NaN;
}

// ---- reading ------------------------------------------------------------------------------

/** Marks keys and bare tokens for lossless-json; refuses nesting deeper than MAX_DEPTH. */
function markForParse(text: string, what: string): string {
  const out: string[] = [];
  let depth = 0;
  let from = 0; // start of the text not yet copied to `out`
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) throw bad(what, "unterminated string", i);
        let backslashes = 0;
        for (let k = j - 1; k > i && text.charCodeAt(k) === 0x5c; k--) backslashes++;
        if (backslashes % 2 === 0) break;
        j++;
      }
      let k = j + 1;
      while (k < n && isWhitespace(text.charCodeAt(k))) k++;
      if (k < n && text.charCodeAt(k) === 0x3a /* : */) {
        out.push(text.slice(from, i + 1), KEY_MARK);
        from = i + 1;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b /* { [ */) {
      if (++depth > MAX_DEPTH) throw bad(what, `nesting deeper than ${MAX_DEPTH}`, i);
    } else if (c === 0x7d || c === 0x5d /* } ] */) {
      depth--;
    } else if (c === 0x4e /* N */ || c === 0x49 /* I */ || c === 0x2d /* - */) {
      const token = text.startsWith("NaN", i)
        ? "NaN"
        : text.startsWith("Infinity", i)
          ? "Infinity"
          : text.startsWith("-Infinity", i)
            ? "-Infinity"
            : null;
      if (token) {
        out.push(text.slice(from, i), `"${NON_FINITE_MARK}${token}"`);
        i += token.length;
        from = i;
        continue;
      }
    }
    i++;
  }
  out.push(text.slice(from));
  return out.join("");
}

const isWhitespace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function bad(what: string, problem: string, at?: number): MagtrackError {
  return new MagtrackError(
    "tracker",
    "WANDB_BAD_JSON",
    `${what}: ${problem}${at === undefined ? "" : ` at offset ${at}`}`,
  );
}

/** A number as a plain JS number when that reproduces its text exactly, else its text kept. */
function parseNumber(text: string): number | LosslessNumber {
  const n = Number(text);
  return Number.isFinite(n) && String(n) === text ? n : new LosslessNumber(text);
}

/** Undo the marks: plain keys (order remembered), non-finite numbers. */
function unmark(v: unknown): ExtendedJson {
  if (typeof v === "string") {
    if (v.startsWith(NON_FINITE_MARK)) return NON_FINITE[v.slice(NON_FINITE_MARK.length)]!;
    return v;
  }
  if (Array.isArray(v)) return v.map(unmark);
  if (v === null || typeof v !== "object" || isLosslessNumber(v)) return v as ExtendedJson;
  const out: { [key: string]: ExtendedJson } = {};
  const order: string[] = [];
  for (const [marked, value] of Object.entries(v)) {
    const key = marked.slice(KEY_MARK.length);
    order.push(key);
    // defineProperty: a "__proto__" key is data, not a prototype.
    Object.defineProperty(out, key, {
      value: unmark(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (!sameOrder(Object.keys(out), order)) keyOrder.set(out, order);
  return out;
}

const sameOrder = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((k, i) => k === b[i]);

/** Parse JSON that may hold bare NaN / Infinity / -Infinity; `what` names the text in errors. */
export function parseExtended(text: string, what: string): ExtendedJson {
  const marked = markForParse(text, what);
  let parsed: unknown;
  try {
    parsed = parse(marked, null, parseNumber);
  } catch (error) {
    // lossless-json's messages carry positions in the marked text; say what failed, not where.
    const message = (error as Error).message.replaceAll(KEY_MARK, "").replaceAll(NON_FINITE_MARK, "");
    throw new MagtrackError("tracker", "WANDB_BAD_JSON", `${what}: ${message}`, { cause: error });
  }
  return unmark(parsed);
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
  if (!isJsonObject(v)) throw bad(what, "expected a JSON object");
  return v;
}

// ---- writing ------------------------------------------------------------------------------

/** Keys in the order they were read, then the ones added since. */
function orderedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  const read = keyOrder.get(obj);
  if (!read) return keys;
  const present = new Set(keys);
  const kept = read.filter((k) => present.has(k));
  const seen = new Set(kept);
  return [...kept, ...keys.filter((k) => !seen.has(k))];
}

function markForStringify(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : `${NON_FINITE_MARK}${stringifyNonFinite(v)}`;
  if (v === null || typeof v !== "object") {
    if (v === null || v === undefined || typeof v === "boolean" || typeof v === "string") return v;
    throw new MagtrackError("input", "WANDB_UNSERIALISABLE", `cannot serialise a ${typeof v} to JSON`);
  }
  if (isLosslessNumber(v)) return v;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : markForStringify(x)));
  const out: Record<string, unknown> = {};
  for (const k of orderedKeys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined) out[KEY_MARK + k] = markForStringify(x);
  }
  return out;
}

const stringifyNonFinite = (v: number) => (Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");

/** Serialise losslessly, with bare NaN / Infinity / -Infinity tokens for non-finite numbers. */
export function stringifyExtended(value: unknown): string {
  const text = stringify(markForStringify(value)) ?? "null";
  return text
    .replaceAll(`"${KEY_MARK}`, '"')
    .replaceAll(`"${NON_FINITE_MARK}NaN"`, "NaN")
    .replaceAll(`"${NON_FINITE_MARK}-Infinity"`, "-Infinity")
    .replaceAll(`"${NON_FINITE_MARK}Infinity"`, "Infinity");
}

// ---- copying and comparing ------------------------------------------------------------------

/** A deep copy that keeps lossless numbers and the key order read (structuredClone keeps neither). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (!isJsonObject(v)) return v; // primitives and LosslessNumber (immutable)
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    Object.defineProperty(out, k, {
      value: cloneJson(x),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const order = keyOrder.get(v);
  if (order) keyOrder.set(out, order);
  return out as T;
}

/** The text of a number as it is written (a lossless number's own text). */
const numberText = (v: number | LosslessNumber) =>
  typeof v === "number" ? (Number.isFinite(v) ? String(v) : stringifyNonFinite(v)) : v.value;

/**
 * Structural equality, key order aside; numbers equal when their written text is (so 0.0 ≠ 0 and
 * 9007199254740993 ≠ 9007199254740992), NaN equal to NaN.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const an = typeof a === "number" || isLosslessNumber(a);
  const bn = typeof b === "number" || isLosslessNumber(b);
  if (an || bn) return an && bn && numberText(a as number) === numberText(b as number);
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
