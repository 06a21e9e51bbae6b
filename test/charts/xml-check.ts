/**
 * A small, strict XML well-formedness checker and tree builder for the chart tests: balanced and
 * correctly nested tags, quoted attributes without "<", no duplicate attributes, every "&" part of
 * a known entity or character reference, a single root element. The HTML report is written in
 * XHTML-compatible syntax, so it passes through here after its "<!DOCTYPE html>".
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
}
export type XmlNode = XmlElement | string;

const NAME = /[A-Za-z_:][\w:.-]*/y;
const ATTR = /\s+([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/y;
const NAMED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== "&") {
      out += raw[i];
      continue;
    }
    ENTITY.lastIndex = i;
    const m = ENTITY.exec(raw);
    if (m === null)
      throw new Error(`bad "&" near offset ${where + i}: ${JSON.stringify(raw.slice(i, i + 12))}`);
    out += m[1] ? NAMED[m[1]] : String.fromCodePoint(Number.parseInt(m[2] ?? m[3]!, m[2] ? 10 : 16));
    i += m[0].length - 1;
  }
  return out;
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  const skipProlog = () => {
    for (;;) {
      while (/\s/.test(source[i] ?? "")) i++;
      if (source.startsWith("<?", i)) i = source.indexOf("?>", i) + 2;
      else if (source.startsWith("<!--", i)) i = source.indexOf("-->", i) + 3;
      else if (/^<!DOCTYPE/i.test(source.slice(i, i + 9))) i = source.indexOf(">", i) + 1;
      else return;
      if (i <= 1) throw new Error("unterminated prolog");
    }
  };
  skipProlog();
  const root: { name: string; attrs: Record<string, string>; children: XmlNode[] }[] = [];
  let result: XmlElement | null = null;
  while (i < source.length) {
    if (result !== null) {
      if (/\S/.test(source.slice(i))) throw new Error(`content after the root element at offset ${i}`);
      break;
    }
    if (source.startsWith("<!--", i)) {
      const end = source.indexOf("-->", i);
      if (end < 0) throw new Error("unterminated comment");
      i = end + 3;
    } else if (source.startsWith("</", i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(source);
      if (m === null) throw new Error(`bad closing tag at offset ${i}`);
      const open = root.pop();
      if (open === undefined || open.name !== m[0]) {
        throw new Error(`closing </${m[0]}> does not match <${open?.name ?? "(none)"}> at offset ${i}`);
      }
      i = NAME.lastIndex;
      while (/\s/.test(source[i] ?? "")) i++;
      if (source[i] !== ">") throw new Error(`bad closing tag at offset ${i}`);
      i++;
      if (root.length === 0) result = open;
    } else if (source[i] === "<") {
      NAME.lastIndex = i + 1;
      const m = NAME.exec(source);
      if (m === null) throw new Error(`bad tag at offset ${i}`);
      i = NAME.lastIndex;
      const attrs: Record<string, string> = {};
      for (;;) {
        ATTR.lastIndex = i;
        const a = ATTR.exec(source);
        if (a === null) break;
        if (Object.hasOwn(attrs, a[1]!)) throw new Error(`duplicate attribute ${a[1]} at offset ${i}`);
        attrs[a[1]!] = decode(a[2] ?? a[3]!, i);
        i = ATTR.lastIndex;
      }
      while (/\s/.test(source[i] ?? "")) i++;
      const element = { name: m[0], attrs, children: [] as XmlNode[] };
      root[root.length - 1]?.children.push(element);
      if (source.startsWith("/>", i)) {
        i += 2;
        if (root.length === 0) result = element;
      } else if (source[i] === ">") {
        i++;
        root.push(element);
      } else {
        throw new Error(`malformed tag <${m[0]}> at offset ${i}: ${JSON.stringify(source.slice(i, i + 20))}`);
      }
    } else {
      const end = source.indexOf("<", i);
      const raw = source.slice(i, end < 0 ? source.length : end);
      if (root.length === 0) {
        if (/\S/.test(raw)) throw new Error(`text outside the root element at offset ${i}`);
      } else {
        root[root.length - 1]!.children.push(decode(raw, i));
      }
      i = end < 0 ? source.length : end;
    }
  }
  if (result === null) throw new Error(`unclosed element <${root[root.length - 1]?.name ?? "(no root)"}>`);
  return result;
}

/** Every element in document order for which `match` holds. */
export function findAll(node: XmlElement, match: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (match(e)) out.push(e);
    for (const c of e.children) if (typeof c !== "string") walk(c);
  };
  walk(node);
  return out;
}

export function byClass(node: XmlElement, name: string, cls: string): XmlElement[] {
  return findAll(node, (e) => e.name === name && (e.attrs["class"] ?? "").split(" ").includes(cls));
}

export function textContent(node: XmlNode): string {
  return typeof node === "string" ? node : node.children.map(textContent).join("");
}
