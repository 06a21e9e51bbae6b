/**
 * Response bodies: read with a byte cap (never buffer more than allowed), parse JSON only when
 * the body is JSON, and describe anything else (HTML error pages, plain text) in one short line.
 */
import type { Readable } from "node:stream";

export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly announced: number | undefined,
  ) {
    super(
      announced !== undefined
        ? `response of ${announced} bytes exceeds the limit of ${limit} bytes`
        : `response exceeds the limit of ${limit} bytes`,
    );
  }
}

/**
 * Buffer a response stream, refusing it before reading when Content-Length already exceeds the
 * cap and aborting mid-stream as soon as the running total does. With `truncate`, stop at the cap
 * and return what was read instead of failing (used for error bodies we only quote).
 */
export async function readCapped(
  stream: Readable,
  maxBytes: number,
  contentLength: number | undefined,
  truncate = false,
): Promise<Buffer> {
  if (!truncate && contentLength !== undefined && contentLength > maxBytes) {
    stream.destroy();
    throw new BodyTooLargeError(maxBytes, contentLength);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    if (total + buf.length > maxBytes) {
      if (truncate) {
        chunks.push(buf.subarray(0, maxBytes - total));
        total = maxBytes;
        stream.destroy();
        break;
      }
      stream.destroy();
      throw new BodyTooLargeError(maxBytes, contentLength);
    }
    chunks.push(buf);
    total += buf.length;
  }
  return Buffer.concat(chunks, total);
}

/** True for application/json, application/problem+json, text/json … */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mime = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return mime === "application/json" || mime === "text/json" || mime.endsWith("+json");
}

/**
 * JSON.parse that also accepts the bare NaN / Infinity / -Infinity tokens Python's json module
 * emits: outside string literals they are turned into the strings "NaN", "Infinity",
 * "-Infinity" (the same encoding MLflow uses on the wire), which callers decode per field.
 * Throws SyntaxError when the text is not JSON even then.
 */
export function parseJsonLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    if (!/NaN|Infinity/.test(text)) throw first;
    return JSON.parse(quoteBareNonFinite(text));
  }
}

function quoteBareNonFinite(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      // Copy a whole string literal, honouring escapes.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const rest = text.slice(i, i + 9);
    if (rest.startsWith("-Infinity")) {
      out += '"-Infinity"';
      i += 9;
    } else if (rest.startsWith("Infinity")) {
      out += '"Infinity"';
      i += 8;
    } else if (rest.startsWith("NaN")) {
      out += '"NaN"';
      i += 3;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/**
 * One line describing a non-JSON body for an error message: the HTML <title> (or the text with
 * tags stripped), whitespace collapsed, cut to `maxChars`.
 */
export function describeTextBody(text: string, contentType: string | undefined, maxChars = 200): string {
  const mime = (contentType ?? "unknown type").split(";", 1)[0]!.trim();
  let summary: string;
  if (/<html|<!doctype|<title/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    const h1 = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1];
    const para = /<p[^>]*>([\s\S]*?)(?:<\/p>|$)/i.exec(text)?.[1]; // the page may be cut off
    summary = [title ?? h1, para].filter((s) => s !== undefined).join(" — ");
    if (summary === "") summary = text.replace(/<[^>]*>/g, " ");
  } else {
    summary = text;
  }
  summary = summary.replace(/\s+/g, " ").trim();
  if (summary.length > maxChars) summary = `${summary.slice(0, maxChars - 1)}…`;
  return summary === "" ? `empty ${mime} body` : `${mime} body: "${summary}"`;
}
