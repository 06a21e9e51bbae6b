/**
 * Array names from .npz entries and .safetensors keys become layer names, and layer names become
 * paths in result stores (`magnitude/<layer>/…`). Refuse names that could escape a directory:
 * empty, NUL or control characters, absolute paths, drive letters, or a ".." path segment.
 */
import { FormatError } from "./format-error.js";

export function assertSafeArrayName(source: string, name: string): void {
  const segments = name.split(/[/\\]/);
  const unsafe =
    name.length === 0 ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
    /[\u0000-\u001f]/.test(name) ||
    name.startsWith("/") ||
    name.startsWith("\\") ||
    /^[A-Za-z]:/.test(name) ||
    segments.includes("..");
  if (unsafe) {
    throw new FormatError(
      source,
      "UNSAFE_NAME",
      `array name ${JSON.stringify(name)} is not a safe layer name`,
    );
  }
}
