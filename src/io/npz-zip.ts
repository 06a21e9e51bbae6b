/**
 * Read a zip's central directory (PKWARE APPNOTE 6.3): the end-of-central-directory record,
 * zip64 records when present (numpy's savez writes zip64 local headers), and every entry's
 * name, method, CRC, sizes and where its data lies. Nothing is decompressed here; all offsets
 * are bounds-checked and entries whose data ranges overlap (the "overlapping files" zip bomb)
 * are refused.
 */
import { FormatError } from "./format-error.js";

export interface ZipEntry {
  readonly name: string;
  readonly method: 0 | 8; // stored | deflated
  readonly crc: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  /** Start of the local file header. */
  readonly headerOffset: number;
  /** Start and end of the compressed data. */
  readonly dataStart: number;
  readonly dataEnd: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

export function isZipMagic(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && bytes[3] === bytes[2] + 1
  );
}

export function readZipDirectory(bytes: Uint8Array, source: string): ZipEntry[] {
  const bad = (problem: string): never => {
    throw new FormatError(source, "BAD_ZIP", `zip archive ${problem}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (at: number): number => {
    const v = view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) bad("has a 64-bit size or offset beyond 2^53");
    return Number(v);
  };

  // The EOCD record sits at the end, followed only by a comment of at most 65535 bytes.
  let eocd = -1;
  for (let p = bytes.length - EOCD_SIZE; p >= Math.max(0, bytes.length - EOCD_SIZE - U16_MAX); p--) {
    if (
      view.getUint32(p, true) === SIG_EOCD &&
      p + EOCD_SIZE + view.getUint16(p + 20, true) <= bytes.length
    ) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) {
    if (isZipMagic(bytes)) {
      throw new FormatError(
        source,
        "TRUNCATED",
        "zip archive has no end-of-central-directory record (truncated?)",
      );
    }
    throw new FormatError(source, "BAD_MAGIC", "not a zip archive (.npz)");
  }
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0)
    bad("spans several disks");
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== SIG_EOCD64_LOCATOR) bad("lacks its zip64 locator");
    const record = u64(locator + 8);
    if (record + 56 > bytes.length || view.getUint32(record, true) !== SIG_EOCD64)
      bad("has a bad zip64 record");
    count = u64(record + 32);
    cdSize = u64(record + 40);
    cdOffset = u64(record + 48);
  }
  if (cdOffset + cdSize > bytes.length) {
    throw new FormatError(source, "TRUNCATED", "zip central directory lies beyond the end of the file");
  }
  if (count * CENTRAL_SIZE > cdSize) bad(`claims ${count} entries in a ${cdSize}-byte directory`);

  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_SIZE > cdOffset + cdSize || view.getUint32(p, true) !== SIG_CENTRAL) {
      bad(`central directory entry ${i} is malformed`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressedSize = view.getUint32(p + 20, true);
    let uncompressedSize = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let headerOffset = view.getUint32(p + 42, true);
    const nameStart = p + CENTRAL_SIZE;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > cdOffset + cdSize) bad(`central directory entry ${i} overruns the directory`);
    let name = "";
    try {
      name = utf8.decode(bytes.subarray(nameStart, extraStart));
    } catch {
      bad(`entry ${i} has a name that is not utf-8`);
    }
    if (flags & 1) bad(`entry '${name}' is encrypted`);
    if (method !== 0 && method !== 8)
      bad(`entry '${name}' uses compression method ${method} (only stored/deflate)`);
    // zip64 extended information (header id 0x0001): the 64-bit values, in this order, for each
    // 32-bit field that holds 0xFFFFFFFF.
    for (let e = extraStart; e + 4 <= extraStart + extraLength; ) {
      const id = view.getUint16(e, true);
      const size = view.getUint16(e + 2, true);
      if (e + 4 + size > extraStart + extraLength) bad(`entry '${name}' has a malformed extra field`);
      if (id === 1) {
        let q = e + 4;
        const take = (): number => {
          if (q + 8 > e + 4 + size) bad(`entry '${name}' has a short zip64 field`);
          const v = u64(q);
          q += 8;
          return v;
        };
        if (uncompressedSize === U32_MAX) uncompressedSize = take();
        if (compressedSize === U32_MAX) compressedSize = take();
        if (headerOffset === U32_MAX) headerOffset = take();
      }
      e += 4 + size;
    }
    if (names.has(name)) bad(`holds the name '${name}' twice`);
    names.add(name);
    if (headerOffset + LOCAL_SIZE > bytes.length || view.getUint32(headerOffset, true) !== SIG_LOCAL) {
      throw new FormatError(
        source,
        "TRUNCATED",
        `zip entry '${name}' has no local header at offset ${headerOffset}`,
      );
    }
    const dataStart =
      headerOffset +
      LOCAL_SIZE +
      view.getUint16(headerOffset + 26, true) +
      view.getUint16(headerOffset + 28, true);
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > bytes.length) {
      throw new FormatError(source, "TRUNCATED", `zip entry '${name}' data runs past the end of the file`);
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      bad(`stored entry '${name}' declares ${uncompressedSize} bytes but holds ${compressedSize}`);
    }
    entries.push({
      name,
      method: method as 0 | 8,
      crc,
      compressedSize,
      uncompressedSize,
      headerOffset,
      dataStart,
      dataEnd,
    });
    p = next;
  }
  const byStart = [...entries].sort((a, b) => a.headerOffset - b.headerOffset);
  for (let i = 1; i < byStart.length; i++) {
    if (byStart[i].headerOffset < byStart[i - 1].dataEnd) {
      throw new FormatError(
        source,
        "ZIP_BOMB",
        `zip entries '${byStart[i - 1].name}' and '${byStart[i].name}' overlap (overlapping-entry zip bomb)`,
      );
    }
  }
  return entries;
}
