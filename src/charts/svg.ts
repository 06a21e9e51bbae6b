/** A tiny string builder for SVG/HTML elements: attribute values escaped, numbers as pixels. */
import { escapeXml } from "./escape.js";
import { formatPixel } from "./format.js";

export type AttrValue = string | number | undefined;

/** ` name="value"` pairs in the given order; undefined values are left out, numbers are pixels. */
export function attributes(attrs: Readonly<Record<string, AttrValue>>): string {
  let out = "";
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    out += ` ${name}="${typeof value === "number" ? formatPixel(value) : escapeXml(value)}"`;
  }
  return out;
}

/**
 * An element. `children` is markup that is already safe (built with `element` / `textNode`);
 * with no children the element is self-closed (valid in SVG and XHTML-style HTML for void tags).
 */
export function element(
  name: string,
  attrs: Readonly<Record<string, AttrValue>> = {},
  children?: string | readonly string[],
): string {
  const inner =
    children === undefined ? undefined : typeof children === "string" ? children : children.join("");
  if (inner === undefined) return `<${name}${attributes(attrs)}/>`;
  return `<${name}${attributes(attrs)}>${inner}</${name}>`;
}

/** Escaped text content. */
export function textNode(value: string): string {
  return escapeXml(value);
}

/** A root <svg> element; `inline` leaves out the xmlns (an HTML parser supplies the namespace). */
export function svgRoot(
  width: number,
  height: number,
  label: string,
  inline: boolean,
  body: readonly string[],
): string {
  return `${element(
    "svg",
    {
      xmlns: inline ? undefined : "http://www.w3.org/2000/svg",
      width,
      height,
      viewBox: `0 0 ${formatPixel(width)} ${formatPixel(height)}`,
      role: "img",
      "aria-label": label,
      "font-family": "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif",
      "font-size": 12,
    },
    `\n${body.join("\n")}\n`,
  )}\n`;
}

/**
 * A deterministic id prefix from a string (FNV-1a 32-bit), so several charts inlined into one
 * page do not share clipPath / gradient ids.
 */
export function idPrefixFor(seed: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `mt${h.toString(16).padStart(8, "0")}`;
}
