/**
 * Control characters from layer names, run names, file names and server messages must not reach a
 * terminal raw: `a\e[2Jb` as a layer folder would clear the screen, a C1 CSI (U+009B) or a bidi
 * override (U+202E) would move the cursor or reorder the line. Everything the CLI prints passes
 * through `terminalSafe`, which writes each such character as a visible `\uXXXX`.
 *
 * The same form is a valid JSON escape of the same character, so NDJSON lines stay valid JSON and
 * decode to the original text (JSON.stringify already escapes C0; C1 and bidi controls it leaves raw).
 * Newline and tab are kept: the CLI's own line structure.
 */
// C0 except \t \n, DEL, C1, and the Unicode bidi embedding/override/isolate controls and line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
