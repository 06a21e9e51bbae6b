/**
 * Redaction of credentials before anything reaches an error message or a log line.
 *
 * What counts as a credential here: Authorization-like headers, the user:password part of a URL,
 * query parameters that carry a signature or token (S3/GCS/Azure signed URLs, access_token …),
 * "Basic …"/"Bearer …" strings, and any secret value the caller explicitly registers
 * (so a server that echoes a token back in its error text cannot leak it either).
 */

export const REDACTED = "***";

const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token)$/i;

/** Query parameter names whose value is a secret on their own. */
const SENSITIVE_PARAM =
  /(signature|^sig$|token|secret|password|passwd|credential|api[_-]?key|^key$|^code$|session|^auth)/i;

/** Parameters that mark the whole query string as a signed URL (every value is part of the signature). */
const SIGNED_URL_PARAM =
  /^(x-amz-signature|x-goog-signature|signature|sig|x-amz-credential|googleaccessid)$/i;

/** Header map with every credential-bearing header value replaced by "***". */
export function redactHeaders(
  headers: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!headers) return out;
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SENSITIVE_HEADER.test(name) ? REDACTED : value;
  }
  return out;
}

/**
 * The URL as it may appear in an error: scheme, host, port and path only. User info and the
 * whole query string are dropped (queries hold signatures and run ids alike; the path says
 * which endpoint failed, which is what a reader needs). Unparseable input is scrubbed as text.
 */
export function urlForError(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return redactText(url.split(/[?#]/, 1)[0] ?? "");
  }
}

/**
 * The URL with credentials masked but its shape kept (for debug logs): user info becomes ***,
 * sensitive query values become ***, and every value of a signed URL's query becomes ***.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactText(url);
  }
  if (u.username !== "" || u.password !== "") {
    u.username = REDACTED;
    u.password = "";
  }
  const names = [...u.searchParams.keys()];
  const signed = names.some((n) => SIGNED_URL_PARAM.test(n));
  const masked = new URLSearchParams();
  for (const [name, value] of u.searchParams) {
    masked.append(name, signed || SENSITIVE_PARAM.test(name) ? REDACTED : value);
  }
  u.search = masked.toString();
  // URLSearchParams percent-encodes "*"; keep the marker readable.
  return u.toString().replaceAll("%2A%2A%2A", REDACTED);
}

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi;
const AUTH_SCHEME_VALUE = /\b(Basic|Bearer|Token)\s+[A-Za-z0-9._~+/=-]{6,}/g;
const QUERY_SECRET = /([?&])([^=&\s#]+)=([^&\s#"']*)/g;

/**
 * Free text with credentials removed: URL user info, "Basic/Bearer <value>", sensitive query
 * values inside any URL in the text, and every exact occurrence of a registered secret.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret containing another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    // Secrets shorter than 4 chars would blank ordinary words; they are not worth protecting by search.
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
  out = out.replace(AUTH_SCHEME_VALUE, `$1 ${REDACTED}`);
  out = out.replace(QUERY_SECRET, (whole, sep: string, name: string) =>
    SENSITIVE_PARAM.test(name) || SIGNED_URL_PARAM.test(name) ? `${sep}${name}=${REDACTED}` : whole,
  );
  return out;
}

/** Secrets derived from credentials, including their encoded forms as they travel on the wire. */
export function secretVariants(values: readonly (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (v === undefined || v.length === 0) continue;
    out.add(v);
    out.add(encodeURIComponent(v));
    out.add(Buffer.from(v, "utf8").toString("base64"));
  }
  return [...out];
}
