/**
 * Generate the hostile-input corpus: test/fixtures/bad-files/<file> plus manifest.json listing,
 * for each file, its format, the expected outcome (a FormatError code, "ok", or
 * "path-traversal" for a valid file whose artifact name escapes its folder — the pipeline must
 * refuse that name), options to read it with, and why it is bad.
 *
 *   npx tsx scripts/make-bad-corpus.ts
 *
 * Deterministic: the same bytes every run (test/io/bad-corpus.test.ts checks the committed files
 * against this generator).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deflateSync } from "fflate";
import { encodeNpy } from "../src/io/npy-write.js";
import { crc32 } from "../src/io/npz-crc32.js";
import { encodeSafetensors, float64Bytes } from "../src/io/safetensors-write.js";

export interface CorpusEntry {
  readonly file: string;
  readonly format: "npy" | "npz" | "safetensors";
  /** FormatError code, "ok" (valid; the core handles it), or "path-traversal" (valid bytes, hostile name). */
  readonly expect: string;
  readonly why: string;
  readonly options?: { readonly maxBytes?: number; readonly arrayName?: string };
  /** The name the file would carry as a tracker artifact, when that is the hostile part. */
  readonly artifactName?: string;
}

export interface CorpusFile extends CorpusEntry {
  readonly bytes: Uint8Array;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A .npy 1.0 file with an arbitrary header text (padded like numpy) and data bytes. */
function rawNpy(header: string, data: Uint8Array = new Uint8Array(0), version = 1): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  const pad = 64 - ((8 + lengthBytes + header.length + 1) % 64);
  const text = ascii(`${header}${" ".repeat(pad)}\n`);
  const pre = new Uint8Array(8 + lengthBytes);
  pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(pre.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  return concat(pre, text, data);
}

const dict = (descr: string, shape: string, fortran = "False") =>
  `{'descr': ${descr.startsWith("[") ? descr : `'${descr}'`}, 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

/** Deterministic pseudo-random values in [−1, 1) (LCG, so the corpus never changes). */
function values(count: number, seed = 7): Float64Array {
  const out = new Float64Array(count);
  let x = seed;
  for (let i = 0; i < count; i++) {
    x = (1103515245 * x + 12345) % 2 ** 31;
    out[i] = (x / 2 ** 31) * 2 - 1;
  }
  return out;
}

const good = (n: number, d: number, seed = 7) => encodeNpy(values(n * d, seed), [n, d]);

interface ZipItem {
  name: string;
  data: Uint8Array; // uncompressed
  method?: 0 | 8;
  /** Overrides to make the archive lie. */
  declaredSize?: number;
  crc?: number;
  flags?: number;
  compressed?: Uint8Array;
}

/** A minimal zip writer (APPNOTE 6.3) so the corpus can state any lie it needs. */
function zip(items: ZipItem[], opts: { duplicateCentralOf?: number } = {}): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  const centralFor: Uint8Array[] = [];
  for (const it of items) {
    const method = it.method ?? 8;
    const body = it.compressed ?? (method === 8 ? deflateSync(it.data, { level: 9 }) : it.data);
    const name = ascii(it.name);
    const crc = it.crc ?? crc32(it.data);
    const size = it.declaredSize ?? it.data.length;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, it.flags ?? 0, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, size, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, it.flags ?? 0, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, body);
    centrals.push(central);
    centralFor.push(central);
    offset += local.length + body.length;
  }
  if (opts.duplicateCentralOf !== undefined) {
    // A second directory entry, different name, same local header: overlapping entries.
    const copy = centralFor[opts.duplicateCentralOf].slice();
    copy[46] = "Z".charCodeAt(0);
    centrals.push(copy);
  }
  const cd = concat(...centrals);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, cd.length, true);
  ev.setUint32(16, offset, true);
  return concat(...locals, cd, eocd);
}

function u16le(...bits: number[]): Uint8Array {
  const out = new Uint8Array(bits.length * 2);
  const view = new DataView(out.buffer);
  bits.forEach((b, i) => {
    view.setUint16(i * 2, b, true);
  });
  return out;
}

function safetensorsWithHeader(header: unknown, data: Uint8Array): Uint8Array {
  const json = ascii(JSON.stringify(header));
  const pre = new Uint8Array(8);
  new DataView(pre.buffer).setBigUint64(0, BigInt(json.length), true);
  return concat(pre, json, data);
}

export function badCorpus(): CorpusFile[] {
  const files: CorpusFile[] = [];
  const add = (
    file: string,
    format: CorpusEntry["format"],
    expect: string,
    why: string,
    bytes: Uint8Array,
    extra: Partial<CorpusEntry> = {},
  ) => files.push({ file, format, expect, why, bytes, ...extra });

  // ---- .npy: structure ----
  add(
    "npy-bad-magic.npy",
    "npy",
    "BAD_MAGIC",
    "text file renamed to .npy",
    ascii("this is not numpy data\n"),
  );
  add("npy-empty-file.npy", "npy", "TRUNCATED", "zero bytes", new Uint8Array(0));
  add(
    "npy-truncated-preamble.npy",
    "npy",
    "TRUNCATED",
    "ends inside magic/version",
    good(2, 2).subarray(0, 8),
  );
  const v9 = good(2, 2);
  v9[6] = 9;
  add("npy-version-9.npy", "npy", "UNSUPPORTED_VERSION", "format version 9.0", v9);
  const longHeader = good(2, 2).slice(0, 200);
  new DataView(longHeader.buffer).setUint16(8, 60000, true);
  add("npy-header-past-eof.npy", "npy", "TRUNCATED", "header length 60000 in a 200-byte file", longHeader);
  const hugeV2 = rawNpy(dict("<f8", "(2, 2)"), new Uint8Array(32), 2);
  new DataView(hugeV2.buffer).setUint32(8, 2 ** 31, true);
  add("npy-v2-header-2GiB.npy", "npy", "BAD_HEADER", "v2.0 header length 2^31", hugeV2);
  // ---- .npy: header text ----
  add("npy-header-not-dict.npy", "npy", "BAD_HEADER", "header is a list", rawNpy("[1, 2, 3]"));
  add(
    "npy-header-eval.npy",
    "npy",
    "BAD_HEADER",
    "header tries code execution (would run under eval)",
    rawNpy("{'descr': __import__('os').system('echo pwned'), 'fortran_order': False, 'shape': (1,), }"),
  );
  add(
    "npy-header-missing-shape.npy",
    "npy",
    "BAD_HEADER",
    "no 'shape' key",
    rawNpy("{'descr': '<f8', 'fortran_order': False, }"),
  );
  add(
    "npy-header-extra-key.npy",
    "npy",
    "BAD_HEADER",
    "unknown key",
    rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), 'evil': 1, }", new Uint8Array(8)),
  );
  add(
    "npy-header-duplicate-key.npy",
    "npy",
    "BAD_HEADER",
    "'shape' twice",
    rawNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), 'shape': (1, 1), }", new Uint8Array(8)),
  );
  add(
    "npy-header-unterminated.npy",
    "npy",
    "BAD_HEADER",
    "unterminated string",
    rawNpy("{'descr': '<f8, 'fortran_order': False}"),
  );
  add(
    "npy-header-deep-nesting.npy",
    "npy",
    "BAD_HEADER",
    "tuple nested 200 deep",
    rawNpy(`{'descr': '<f8', 'fortran_order': False, 'shape': ${"(".repeat(200)}1${",)".repeat(200)}, }`),
  );
  add("npy-header-float-shape.npy", "npy", "BAD_HEADER", "shape (2.5, 3)", rawNpy(dict("<f8", "(2.5, 3)")));
  add(
    "npy-header-fortran-string.npy",
    "npy",
    "BAD_HEADER",
    "fortran_order 'no'",
    rawNpy(dict("<f8", "(1, 1)", "'no'"), new Uint8Array(8)),
  );
  const v3 = rawNpy(dict("<f8", "(1, 1)"), new Uint8Array(8), 3);
  v3[13] = 0xff; // inside 'descr' key: invalid utf-8
  add("npy-v3-bad-utf8.npy", "npy", "BAD_HEADER", "v3.0 header not utf-8", v3);
  // ---- .npy: shapes ----
  add(
    "npy-zero-d.npy",
    "npy",
    "BAD_SHAPE",
    "0-d array (scalar)",
    rawNpy(dict("<f8", "()"), new Uint8Array(8)),
  );
  add("npy-negative-shape.npy", "npy", "BAD_SHAPE", "shape (-1, 3)", rawNpy(dict("<f8", "(-1, 3)")));
  add("npy-zero-rows.npy", "npy", "EMPTY", "shape (0, 4)", encodeNpy(new Float64Array(0), [0, 4]));
  add("npy-zero-columns.npy", "npy", "EMPTY", "shape (5, 0)", encodeNpy(new Float64Array(0), [5, 0]));
  const full = good(5, 3);
  add("npy-truncated-data.npy", "npy", "TRUNCATED", "data cut in half", full.subarray(0, full.length - 60));
  add(
    "npy-shape-lies-bigger.npy",
    "npy",
    "TRUNCATED",
    "header (10, 3), data for (5, 3)",
    concat(rawNpy(dict("<f8", "(10, 3)")), new Uint8Array(values(15).buffer)),
  );
  add(
    "npy-shape-lies-smaller.npy",
    "npy",
    "SHAPE_MISMATCH",
    "header (2, 3), data for (5, 3)",
    concat(rawNpy(dict("<f8", "(2, 3)")), new Uint8Array(values(15).buffer)),
  );
  add(
    "npy-shape-bomb.npy",
    "npy",
    "TOO_LARGE",
    "shape (2^40, 2^40) with 16 data bytes",
    rawNpy(dict("<f8", "(1099511627776, 1099511627776)"), new Uint8Array(16)),
  );
  add(
    "npy-shape-beyond-2p53.npy",
    "npy",
    "TOO_LARGE",
    "an axis of 10^20",
    rawNpy(dict("<f8", "(100000000000000000000, 1)"), new Uint8Array(16)),
  );
  add(
    "npy-over-size-cap.npy",
    "npy",
    "TOO_LARGE",
    "valid 100×10 float64 read with a 4000-byte cap",
    good(100, 10),
    {
      options: { maxBytes: 4000 },
    },
  );
  // ---- .npy: dtypes ----
  add(
    "npy-complex.npy",
    "npy",
    "UNSUPPORTED_DTYPE",
    "complex128",
    rawNpy(dict("<c16", "(2, 2)"), new Uint8Array(64)),
  );
  const pickle = ascii("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93.");
  add(
    "npy-object-pickle.npy",
    "npy",
    "PICKLE_REFUSED",
    "object dtype (pickled payload)",
    rawNpy(dict("|O", "(1,)"), pickle),
  );
  add(
    "npy-structured.npy",
    "npy",
    "UNSUPPORTED_DTYPE",
    "record dtype [('x','<f8'),('y','<f8')]",
    rawNpy(dict("[('x', '<f8'), ('y', '<f8')]", "(2,)"), new Uint8Array(32)),
  );
  add(
    "npy-unicode.npy",
    "npy",
    "UNSUPPORTED_DTYPE",
    "'<U5' strings",
    rawNpy(dict("<U5", "(2,)"), new Uint8Array(40)),
  );
  add(
    "npy-datetime.npy",
    "npy",
    "UNSUPPORTED_DTYPE",
    "'<M8[ns]'",
    rawNpy(dict("<M8[ns]", "(2,)"), new Uint8Array(16)),
  );
  add(
    "npy-longdouble.npy",
    "npy",
    "UNSUPPORTED_DTYPE",
    "'<f16' long double",
    rawNpy(dict("<f16", "(2,)"), new Uint8Array(32)),
  );
  add(
    "npy-no-byte-order.npy",
    "npy",
    "UNSUPPORTED_DTYPE",
    "'|f8': byte order unstated",
    rawNpy(dict("|f8", "(2,)"), new Uint8Array(16)),
  );
  // ---- .npy: values ----
  const withNan = values(12);
  withNan[7] = Number.NaN;
  add("npy-nan.npy", "npy", "NON_FINITE", "NaN at row 2, column 1", encodeNpy(withNan, [4, 3]));
  const withInf = values(12);
  withInf[11] = Number.NEGATIVE_INFINITY;
  add("npy-neg-inf.npy", "npy", "NON_FINITE", "-Inf at row 3, column 2", encodeNpy(withInf, [4, 3]));
  add(
    "npy-f16-inf.npy",
    "npy",
    "NON_FINITE",
    "float16 +Inf",
    rawNpy(dict("<f2", "(2, 2)"), u16le(0x3c00, 0x7c00, 0, 0)),
  );
  const dup = new Float64Array(20);
  for (let i = 0; i < 10; i++) dup.set([0.25, -1.5], i * 2);
  add(
    "npy-all-duplicate-rows.npy",
    "npy",
    "ok",
    "10 identical rows: valid file (the core de-duplicates)",
    encodeNpy(dup, [10, 2]),
  );
  add("npy-one-row.npy", "npy", "ok", "a single row: valid (magnitude 1)", good(1, 4));
  add(
    "npy-path-traversal.npy",
    "npy",
    "path-traversal",
    "valid bytes; artifact name climbs out of the store",
    good(3, 2),
    {
      artifactName: "../../x.npy",
    },
  );

  // ---- .npz ----
  const bombNpy = concat(rawNpy(dict("<f8", "(2097152, 1)")), new Uint8Array(16 << 20));
  add(
    "npz-bomb-lying-size.npz",
    "npz",
    "ZIP_BOMB",
    "entry declares 1000 bytes, inflates to 16 MiB",
    zip([{ name: "a.npy", data: bombNpy, declaredSize: 1000 }]),
  );
  add(
    "npz-bomb-truthful.npz",
    "npz",
    "ZIP_BOMB",
    "entry truthfully inflates 16 KiB → 16 MiB (ratio ~1000:1)",
    zip([{ name: "a.npy", data: bombNpy }]),
  );
  add(
    "npz-over-size-cap.npz",
    "npz",
    "TOO_LARGE",
    "honest entry larger than a 2000-byte cap",
    zip([{ name: "a.npy", data: good(50, 10) }]),
    {
      options: { maxBytes: 2000 },
    },
  );
  add(
    "npz-overlapping-entries.npz",
    "npz",
    "ZIP_BOMB",
    "two directory entries share one local file",
    zip([{ name: "a.npy", data: good(4, 2) }], { duplicateCentralOf: 0 }),
  );
  const okZip = zip([
    { name: "layer1.npy", data: good(4, 3), method: 0 },
    { name: "layer2.npy", data: good(5, 2, 9) },
  ]);
  add(
    "npz-truncated.npz",
    "npz",
    "TRUNCATED",
    "archive cut in half (no central directory)",
    okZip.subarray(0, okZip.length >> 1),
  );
  add("npz-not-zip.npz", "npz", "BAD_MAGIC", "an .npy renamed .npz", good(2, 2));
  const badCrc = zip([{ name: "a.npy", data: good(4, 2), method: 0 }]);
  badCrc[30 + "a.npy".length + 130] ^= 0x01; // one bit in the stored data
  add("npz-crc-mismatch.npz", "npz", "BAD_ZIP", "stored data altered after writing (CRC-32)", badCrc);
  add(
    "npz-bad-deflate.npz",
    "npz",
    "BAD_ZIP",
    "deflate stream of garbage",
    zip([{ name: "a.npy", data: good(4, 2), compressed: new Uint8Array(64).fill(0xff) }]),
  );
  add(
    "npz-encrypted.npz",
    "npz",
    "BAD_ZIP",
    "encrypted entry (flag bit 0)",
    zip([{ name: "a.npy", data: good(2, 2), method: 0, flags: 1 }]),
  );
  add("npz-missing-array.npz", "npz", "NOT_FOUND_IN_ARCHIVE", "asks for 'layer9'", okZip, {
    options: { arrayName: "layer9" },
  });
  add(
    "npz-no-arrays.npz",
    "npz",
    "NOT_FOUND_IN_ARCHIVE",
    "only a text file inside",
    zip([{ name: "readme.txt", data: ascii("hello") }]),
  );
  add(
    "npz-traversal-entry.npz",
    "npz",
    "UNSAFE_NAME",
    "entry named ../../x.npy",
    zip([{ name: "../../x.npy", data: good(2, 2) }]),
  );
  add(
    "npz-inner-pickle.npz",
    "npz",
    "PICKLE_REFUSED",
    "object-dtype array inside",
    zip([{ name: "a.npy", data: rawNpy(dict("|O", "(1,)"), pickle) }]),
  );
  add(
    "npz-inner-nan.npz",
    "npz",
    "NON_FINITE",
    "NaN inside a deflated entry",
    zip([{ name: "a.npy", data: encodeNpy(withNan, [4, 3]) }]),
  );
  add("npz-two-layers.npz", "npz", "ok", "valid: stored and deflated layers", okZip);

  // ---- .safetensors ----
  const stData = float64Bytes(values(4));
  const hugeLen = new Uint8Array(16);
  new DataView(hugeLen.buffer).setBigUint64(0, 2n ** 62n, true);
  add("st-huge-header-length.safetensors", "safetensors", "BAD_HEADER", "header length 2^62", hugeLen);
  add(
    "st-overlapping.safetensors",
    "safetensors",
    "BAD_OFFSETS",
    "two tensors share bytes 8..16",
    safetensorsWithHeader(
      {
        a: { dtype: "F64", shape: [2], data_offsets: [0, 16] },
        b: { dtype: "F64", shape: [2], data_offsets: [8, 24] },
      },
      stData,
    ),
  );
  add(
    "st-out-of-range.safetensors",
    "safetensors",
    "BAD_OFFSETS",
    "offsets past the buffer",
    safetensorsWithHeader({ a: { dtype: "F64", shape: [100], data_offsets: [0, 800] } }, stData),
  );
  add(
    "st-not-json.safetensors",
    "safetensors",
    "BAD_HEADER",
    "header is not JSON",
    concat(new Uint8Array([8, 0, 0, 0, 0, 0, 0, 0]), ascii("{'a': 1}")),
  );
  const okSt = encodeSafetensors([
    { name: "layer.0", dtype: "F64", shape: [2, 2], bytes: stData },
    { name: "layer.1", dtype: "BF16", shape: [2, 1], bytes: u16le(0x3f80, 0x4049) },
  ]);
  add("st-truncated.safetensors", "safetensors", "TRUNCATED", "cut inside the header", okSt.subarray(0, 20));
  add(
    "st-bf16-nan.safetensors",
    "safetensors",
    "NON_FINITE",
    "BF16 NaN",
    encodeSafetensors([{ name: "x", dtype: "BF16", shape: [2], bytes: u16le(0x3f80, 0x7fc0) }]),
  );
  add(
    "st-complex.safetensors",
    "safetensors",
    "UNSUPPORTED_DTYPE",
    "C64",
    safetensorsWithHeader({ a: { dtype: "C64", shape: [4], data_offsets: [0, 32] } }, stData),
  );
  add(
    "st-shape-bomb.safetensors",
    "safetensors",
    "SHAPE_MISMATCH",
    "shape (2^40, 2^40) over 32 bytes",
    safetensorsWithHeader({ a: { dtype: "F64", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 32] } }, stData),
  );
  add("st-two-layers.safetensors", "safetensors", "ok", "valid: F64 and BF16 layers", okSt);
  return files;
}

function main(): void {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "bad-files");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest: CorpusEntry[] = [];
  for (const { bytes, ...entry } of badCorpus()) {
    writeFileSync(join(dir, entry.file), bytes);
    manifest.push(entry);
  }
  const doc = {
    generator: "scripts/make-bad-corpus.ts (npx tsx scripts/make-bad-corpus.ts)",
    files: manifest,
  };
  writeFileSync(join(dir, "manifest.json"), `${JSON.stringify(doc, null, 1)}\n`);
  console.error(`wrote ${manifest.length} files to ${dir}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
