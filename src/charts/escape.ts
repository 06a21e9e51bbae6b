/**
 * Escaping for XML and HTML text and attribute values. Layer names, run names and settings are
 * user data, so every string that reaches a chart or the report passes through here.
 */

/**
 * Code points that XML 1.0 forbids even as character references: C0 controls other than tab,
 * newline and carriage return, lone surrogates, and U+FFFE / U+FFFF. They become U+FFFD.
 */
const XML_FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the control characters XML forbids is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITY: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escape a string for use as XML/HTML text or inside a quoted attribute value. Only the five
 * entities every XML and HTML parser knows are produced, so the output is valid in both.
 */
export function escapeXml(value: string): string {
  return value.replace(XML_FORBIDDEN, "\uFFFD").replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

/** Shorten a label for display to at most `max` code points (never splitting a surrogate pair). */
export function truncateLabel(value: string, max: number): string {
  const points = Array.from(value);
  return points.length <= max ? value : `${points.slice(0, Math.max(1, max - 1)).join("")}…`;
}
