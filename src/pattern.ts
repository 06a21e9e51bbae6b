import type { ActivationFormat } from "./adapter-kit.js";
import { MagtrackError } from "./core/errors.js";

export interface PatternMatch {
  /** Layer name from {layer}; "" when the pattern has no {layer} (one file per step holding every layer). */
  readonly layer: string;
  readonly step: number;
  readonly format: ActivationFormat;
  /** Set when the path matched the trajectory pattern (weight windows) rather than the activation one. */
  readonly family?: "trajectory";
}

export type PathMatcher = ((path: string) => PatternMatch | null) & {
  /**
   * For a path the matcher refuses but that has the pattern's shape with some other text where
   * {step} goes (step_-1, step_1e3, a 16-digit step): why it is not a step. null otherwise.
   */
  readonly whyNotAStep: (path: string) => string | null;
};

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
  let loose = "^";
  for (const part of pattern.split(/(\{layer\}|\{step\}|\{ext\})/)) {
    if (part === "{layer}") {
      names.push("layer");
      source += "([^/]+?)";
      loose += "[^/]+?";
    } else if (part === "{step}") {
      names.push("step");
      source += "(\\d{1,15})";
      loose += "([^/]+?)";
    } else if (part === "{ext}") {
      names.push("ext");
      source += "(npy|npz|safetensors)";
      loose += "(?:npy|npz|safetensors)";
    } else {
      const literal = part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      source += literal;
      loose += literal;
    }
  }
  const re = new RegExp(source + "$");
  const looseRe = new RegExp(loose + "$");
  const literalExt = /\.(npy|npz|safetensors)$/.exec(pattern)?.[1];
  const matcher = (path: string): PatternMatch | null => {
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
  const whyNotAStep = (path: string): string | null => {
    if (matcher(path) !== null) return null;
    const m = looseRe.exec(path);
    if (!m) return null;
    const step = m[1]!;
    return /^\d+$/.test(step)
      ? `step ${step} has more than 15 digits (steps must be exact integers below 2^53)`
      : `step "${step}" is not a non-negative decimal integer`;
  };
  return Object.assign(matcher, { whyNotAStep });
}

/**
 * The matcher adapters list a run's files with: the activation pattern, then (when given) the
 * trajectory pattern, whose matches carry family "trajectory" (logged weight windows, docs/trajectory.md).
 * A path both patterns match is an activation file: the user's own pattern wins.
 */
export function compileFilePatterns(
  activationPattern: string,
  trajectoryPattern: string | null,
): PathMatcher {
  const activations = compilePattern(activationPattern);
  if (trajectoryPattern === null) return activations;
  const trajectory = compilePattern(trajectoryPattern);
  const matcher = (path: string): PatternMatch | null => {
    const a = activations(path);
    if (a !== null) return a;
    const t = trajectory(path);
    return t === null ? null : { ...t, family: "trajectory" };
  };
  const whyNotAStep = (path: string): string | null =>
    matcher(path) !== null ? null : (activations.whyNotAStep(path) ?? trajectory.whyNotAStep(path));
  return Object.assign(matcher, { whyNotAStep });
}
