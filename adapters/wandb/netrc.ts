/**
 * ~/.netrc lookup, as the W&B client does it: `machine <host of the base URL> login user password <key>`.
 * Tokens are whitespace separated; `default` applies when no machine matches; macdef bodies are skipped.
 */
export function netrcPassword(text: string, host: string): string | undefined {
  const tokens: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*#/.test(line)) continue;
    tokens.push(...line.split(/\s+/).filter(Boolean));
  }
  let current: string | null | undefined; // host of the entry being read; null = default
  let found: string | undefined;
  let fallback: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "machine") current = tokens[++i];
    else if (t === "default") current = null;
    else if (t === "password") {
      const value = tokens[++i];
      if (current === host && found === undefined) found = value;
      if (current === null && fallback === undefined) fallback = value;
    } else if (t === "login" || t === "account") i++;
  }
  return found ?? fallback;
}
