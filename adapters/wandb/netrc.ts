/**
 * The API key from ~/.netrc, found as the official client finds it
 * (wandb/sdk/lib/wbauth/wbnetrc.py `read_netrc_auth_with_source`, wandb/wandb b6e29505):
 * - the machine is `urlsplit(base_url).netloc` — host AND port as written in the URL, so
 *   `wandb login --host http://host:8080` writes and reads `machine host:8080`
 *   (`write_netrc_auth` uses the same netloc);
 * - the entry is `netrc.netrc(path).authenticators(netloc)` (Python's netrc module): the entry of
 *   that machine (a later entry for the same machine replaces an earlier one), else `default`;
 *   its password field is the key; an empty password counts as none;
 * - the file is $NETRC, else ~/.netrc if it exists, else ~/_netrc if it exists, else ~/.netrc
 *   (`_get_netrc_file_path`); a file that does not parse gives no key (the client warns and
 *   returns None).
 * Tokens follow Python's netrc lexer: whitespace separated, "double quotes" and backslash escapes,
 * a token starting with # ends the line, `macdef` bodies run to the next blank line.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** `urlsplit(url).netloc`: everything between "//" and the next "/", "?" or "#", as written. */
export function netlocOf(url: string): string | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  return m?.[1] ? m[1] : undefined;
}

interface Token {
  readonly text: string;
  readonly line: number;
}

/** Python netrc's lexer: quoted tokens, backslash escapes; positions kept for comments/macdef. */
function tokenize(text: string): { tokens: Token[]; lines: string[] } {
  const tokens: Token[] = [];
  let line = 0;
  let i = 0;
  const n = text.length;
  const ws = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";
  while (i < n) {
    const c = text[i]!;
    if (ws(c)) {
      if (c === "\n") line++;
      i++;
      continue;
    }
    let token = "";
    const at = line;
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < n) i++;
        if (text[i] === "\n") line++;
        token += text[i];
        i++;
      }
      i++; // closing quote
    } else {
      while (i < n && !ws(text[i]!)) {
        if (text[i] === "\\" && i + 1 < n) i++;
        token += text[i];
        i++;
      }
    }
    tokens.push({ text: token, line: at });
  }
  return { tokens, lines: text.split("\n") };
}

/** The password of `machine` (else of `default`); undefined when none or when the file does not parse. */
export function netrcPassword(text: string, machine: string): string | undefined {
  const { tokens, lines } = tokenize(text);
  const hosts = new Map<string, string | undefined>();
  let i = 0;
  const skipLine = (line: number) => {
    while (i < tokens.length && tokens[i]!.line === line) i++;
  };
  while (i < tokens.length) {
    const t = tokens[i++]!;
    if (t.text.startsWith("#")) {
      skipLine(t.line);
      continue;
    }
    let entry: string;
    if (t.text === "machine") {
      const name = tokens[i++];
      if (!name) return undefined;
      entry = name.text;
    } else if (t.text === "default") {
      entry = "default";
    } else if (t.text === "macdef") {
      // The macro body runs to the next blank line.
      let end = t.line + 1;
      while (end < lines.length && lines[end]!.trim() !== "") end++;
      while (i < tokens.length && tokens[i]!.line <= end) i++;
      continue;
    } else {
      return undefined; // NetrcParseError: the client then has no key from .netrc
    }
    let password: string | undefined;
    while (i < tokens.length) {
      const k = tokens[i]!;
      if (k.text.startsWith("#")) {
        i++;
        skipLine(k.line);
        continue;
      }
      if (k.text === "machine" || k.text === "default" || k.text === "macdef") break;
      const value = tokens[i + 1];
      if (value === undefined) return undefined;
      if (k.text === "password") password = value.text;
      else if (k.text !== "login" && k.text !== "user" && k.text !== "account") return undefined;
      i += 2;
    }
    hosts.set(entry, password); // a later entry for the same machine replaces the earlier one
  }
  const password = hosts.has(machine) ? hosts.get(machine) : hosts.get("default");
  return password ? password : undefined;
}

/** `_get_netrc_file_path`: $NETRC, else ~/.netrc if present, else ~/_netrc if present, else ~/.netrc. */
export function netrcPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const fromEnv = env.NETRC;
  if (fromEnv) return fromEnv.startsWith("~/") ? join(home, fromEnv.slice(2)) : fromEnv;
  const unix = join(home, ".netrc");
  if (existsSync(unix)) return unix;
  const windows = join(home, "_netrc");
  return existsSync(windows) ? windows : unix;
}
