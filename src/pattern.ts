import type { ActivationFormat } from "./adapter-kit.js";
import { MagtrackError } from "./core/errors.js";

export interface PatternMatch {
  /** Layer name from {layer}; "" when the pattern has no {layer} (one file per step holding every layer). */
  readonly layer: string;
  readonly step: number;
  readonly format: ActivationFormat;
}

export type PathMatcher = (path: string) => PatternMatch | null;

const EXT_TO_FORMAT: Record<string, ActivationFormat> = {
  npy: "npy",
  npz: "npz",
  safetensors: "safetensors",
};

/**
 * Compile an activation pattern such as "activations/{layer}/step_{step}.{ext}" into a matcher.
 * {layer}: one path segment (no "/"), {step}: a non-negative decimal integer, {ext}: npy|npz|safetensors
 * (or a literal extension in the pattern). Paths with ".." segments never match.
 */
export function compilePattern(pattern: string): PathMatcher {
  if (!pattern.includes("{step}")) {
    throw new MagtrackError(
      "usage",
      "PATTERN_NO_STEP",
      `activation pattern "${pattern}" must contain {step}`,
    );
  }
  const names: string[] = [];
  let source = "^";
  for (const part of pattern.split(/(\{layer\}|\{step\}|\{ext\})/)) {
    if (part === "{layer}") {
      names.push("layer");
      source += "([^/]+?)";
    } else if (part === "{step}") {
      names.push("step");
      source += "(\\d{1,15})";
    } else if (part === "{ext}") {
      names.push("ext");
      source += "(npy|npz|safetensors)";
    } else {
      source += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  const re = new RegExp(source + "$");
  const literalExt = /\.(npy|npz|safetensors)$/.exec(pattern)?.[1];
  return (path: string) => {
    if (path.split("/").some((seg) => seg === ".." || seg === ".")) return null;
    const m = re.exec(path);
    if (!m) return null;
    const got: Record<string, string> = {};
    names.forEach((name, i) => {
      got[name] = m[i + 1]!;
    });
    const ext = got.ext ?? literalExt;
    const format = ext === undefined ? undefined : EXT_TO_FORMAT[ext];
    if (format === undefined) return null;
    const step = Number(got.step);
    if (!Number.isSafeInteger(step)) return null;
    return { layer: got.layer ?? "", step, format };
  };
}
