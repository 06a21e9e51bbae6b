/**
 * A strict parser for the .npy header: a Python dict literal such as
 *   {'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }
 * It understands only the literal forms numpy writes (quoted strings without escapes, True,
 * False, None, decimal integers, tuples, lists, dicts), with a nesting limit. It never
 * evaluates anything.
 */
import { FormatError } from "./format-error.js";

export type PyValue = string | boolean | null | number | PyTuple | PyValue[] | PyDict;
export interface PyTuple {
  readonly tuple: PyValue[];
}
export type PyDict = Map<string, PyValue>;

const MAX_DEPTH = 8;

class Parser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly source: string,
  ) {}

  fail(problem: string): never {
    throw new FormatError(this.source, "BAD_HEADER", `.npy header ${problem} at character ${this.pos}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && " \t\r\n".includes(this.text[this.pos])) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? "";
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail("nests too deeply");
    const ch = this.peek();
    if (ch === "'" || ch === '"') return this.string();
    if (ch === "(") return { tuple: this.sequence(")", depth) };
    if (ch === "[") return this.sequence("]", depth);
    if (ch === "{") return this.dict(depth);
    if (ch === "-" || (ch >= "0" && ch <= "9")) return this.integer();
    for (const [word, v] of [
      ["True", true],
      ["False", false],
      ["None", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(ch === "" ? "ends early" : `has unexpected '${ch}'`);
  }

  string(): string {
    const quote = this.text[this.pos++];
    const end = this.text.indexOf(quote, this.pos);
    if (end < 0) this.fail("has an unterminated string");
    const s = this.text.slice(this.pos, end);
    if (s.includes("\\") || s.includes("\n")) this.fail("has a string with escapes or newlines");
    this.pos = end + 1;
    return s;
  }

  integer(): number {
    const m = /^-?\d{1,30}L?/.exec(this.text.slice(this.pos, this.pos + 32));
    if (!m) return this.fail("has a malformed number");
    this.pos += m[0].length;
    if (/\d/.test(this.text[this.pos] ?? "") || this.text[this.pos] === ".")
      this.fail("has a malformed number");
    return Number(m[0].replace("L", "")); // 'L': Python 2 long suffix, still found in old files
  }

  sequence(close: string, depth: number): PyValue[] {
    this.pos++;
    const items: PyValue[] = [];
    while (this.peek() !== close) {
      items.push(this.value(depth + 1));
      if (this.peek() === ",") this.pos++;
      else if (this.peek() !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.pos++;
    return items;
  }

  dict(depth: number): PyDict {
    this.pos++;
    const map: PyDict = new Map();
    while (this.peek() !== "}") {
      const q = this.peek();
      if (q !== "'" && q !== '"') this.fail("has a dict key that is not a string");
      const key = this.string();
      if (map.has(key)) this.fail(`repeats the key '${key}'`);
      this.expect(":");
      map.set(key, this.value(depth + 1));
      if (this.peek() === ",") this.pos++;
      else if (this.peek() !== "}") this.fail("expected ',' or '}'");
    }
    this.pos++;
    return map;
  }
}

export interface NpyHeader {
  readonly descr: string | PyValue[];
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
}

export function parseNpyHeader(text: string, source: string): NpyHeader {
  const p = new Parser(text, source);
  if (p.peek() !== "{") p.fail("is not a dict");
  const dict = p.value(0) as PyDict;
  if (!p.atEnd()) p.fail("has text after the dict");
  const keys = [...dict.keys()].sort().join(",");
  if (keys !== "descr,fortran_order,shape") {
    throw new FormatError(
      source,
      "BAD_HEADER",
      `.npy header must have exactly the keys descr, fortran_order, shape; found ${keys || "none"}`,
    );
  }
  const descr = dict.get("descr");
  const fortranOrder = dict.get("fortran_order");
  const shape = dict.get("shape");
  if (typeof descr !== "string" && !Array.isArray(descr)) {
    throw new FormatError(source, "BAD_HEADER", ".npy header 'descr' is neither a string nor a list");
  }
  if (typeof fortranOrder !== "boolean") {
    throw new FormatError(source, "BAD_HEADER", ".npy header 'fortran_order' is not True or False");
  }
  if (shape === null || typeof shape !== "object" || !("tuple" in shape)) {
    throw new FormatError(source, "BAD_HEADER", ".npy header 'shape' is not a tuple");
  }
  if (!shape.tuple.every((x) => typeof x === "number")) {
    throw new FormatError(source, "BAD_HEADER", ".npy header 'shape' holds something other than integers");
  }
  return { descr, fortranOrder, shape: shape.tuple as number[] };
}
