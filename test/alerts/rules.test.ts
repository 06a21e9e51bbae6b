/** Alert rules (docs/alerts.md): parsing, the robust z of a change, first-firing evaluation. */
import { describe, expect, it } from "vitest";
import type { StepResult } from "../../src/adapter-kit.js";
import { evaluateRules } from "../../src/alerts/evaluate.js";
import { globMatcher, parseAlertRule, parseAlertRules } from "../../src/alerts/parse-rule.js";
import { robustZ } from "../../src/alerts/robust-z.js";

const results = (layer: string, name: string, values: number[]): StepResult[] =>
  values.map((v, step) => ({ layer, step, metrics: { [name]: v } }));

describe("parseAlertRule", () => {
  it("reads the three threshold forms and jump", () => {
    expect(parseAlertRule(" magnitude/*/dim > 3 ").condition).toEqual({
      kind: "threshold",
      op: ">",
      bound: 3,
    });
    expect(parseAlertRule("magnitude/*/n_distinct<2").condition).toEqual({
      kind: "threshold",
      op: "<",
      bound: 2,
    });
    expect(parseAlertRule("magnitude/fc1/area >= 1.5").condition).toMatchObject({ op: ">=", bound: 1.5 });
    expect(parseAlertRule("magnitude/fc1/area <= -1e-3").condition).toMatchObject({
      op: "<=",
      bound: -0.001,
    });
    expect(parseAlertRule("magnitude/fc2/area jump 4").condition).toEqual({
      kind: "jump",
      z: 4,
      window: 10,
      minHistory: 5,
    });
    expect(parseAlertRule("magnitude/*/t_conv outside finished")).toEqual({
      text: "magnitude/*/t_conv outside finished",
      glob: "magnitude/*/t_conv",
      condition: { kind: "outside", reference: "finished" },
    });
  });

  it("refuses bad rules as usage errors naming the rule", () => {
    for (const bad of [
      "",
      "dim > 3",
      "magnitude/*/dim >> 3",
      "magnitude/*/dim > x",
      "magnitude/*/area jump 0",
      "magnitude/*/area jump -1",
      "magnitude/*/dim > Infinity",
      "loss/x > 3",
    ]) {
      expect(() => parseAlertRule(bad), bad).toThrow(
        expect.objectContaining({ kind: "usage", code: "BAD_OPTION" }),
      );
    }
    expect(() => parseAlertRule("magnitude/*/dim >> 3")).toThrow(/--alert "magnitude\/\*\/dim >> 3"/);
    expect(() => parseAlertRule("magnitude/*/t_conv outside running")).toThrow(/the only band is "finished"/);
    expect(() => parseAlertRule("t_conv outside finished")).toThrow(/not a metric key glob/);
  });

  it('takes several rules from one value separated by ";" and keeps duplicates once', () => {
    const rules = parseAlertRules(["magnitude/*/dim > 3; magnitude/*/dim > 3", "magnitude/a/area jump 4"]);
    expect(rules.map((r) => r.text)).toEqual(["magnitude/*/dim > 3", "magnitude/a/area jump 4"]);
  });

  it("globs: * matches any run of characters, the rest literally", () => {
    const m = globMatcher("magnitude/*/dim");
    expect(m("magnitude/fc1/dim")).toBe(true);
    expect(m("magnitude/blocks/0/dim")).toBe(true);
    expect(m("magnitude/fc1/dimx")).toBe(false);
    expect(globMatcher("magnitude/f.1/area")("magnitude/fx1/area")).toBe(false);
  });
});

describe("robustZ", () => {
  it("agrees with scipy: |c − median(h)| / median_abs_deviation(h, scale='normal')", () => {
    // /usr/bin/python3, numpy 1.24.2, scipy 1.10.1:
    //   h = [0.1,0.12,0.09,0.11,0.1,0.13,0.08,0.1,0.11,0.09]; c = 0.5
    //   abs(c - np.median(h)) / scipy.stats.median_abs_deviation(h, scale='normal') = 26.979590007843264
    // scipy's scale is 1/Φ⁻¹(3/4) = 1.482602…; ours is 1.4826 (relative difference 1.5e-6).
    const h = [0.1, 0.12, 0.09, 0.11, 0.1, 0.13, 0.08, 0.1, 0.11, 0.09];
    expect(robustZ(0.5, h)).toBeCloseTo(26.979590007843264, 3);
  });

  it("MAD = 0: a deviation is z = ∞, none is 0", () => {
    expect(robustZ(1, [0, 0, 0, 0, 0])).toBe(Number.POSITIVE_INFINITY);
    expect(robustZ(0, [0, 0, 0, 0, 0])).toBe(0);
  });
});

describe("evaluateRules", () => {
  it("a threshold fires once per key, at its first step", () => {
    const rs = [...results("fc1", "dim", [1, 2, 4, 5, 1]), ...results("fc2", "dim", [1, 1, 1, 1, 1])];
    const fired = evaluateRules("run1", [parseAlertRule("magnitude/*/dim > 3")], rs);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({
      key: "magnitude/fc1/dim",
      layer: "fc1",
      step: 2,
      value: 4,
      rule: "magnitude/*/dim > 3",
    });
    expect(fired[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it("jump: needs minHistory earlier changes; fires at the step after the outlying change", () => {
    // changes: +0.1 alternating ±0.01 noise, then a −2 drop between step 8 and 9
    const values = [1, 1.1, 1.21, 1.3, 1.41, 1.5, 1.61, 1.7, 1.81, -0.19, -0.1];
    const fired = evaluateRules(
      "r",
      [parseAlertRule("magnitude/fc1/area jump 4")],
      results("fc1", "area", values),
    );
    expect(fired.map((a) => a.step)).toEqual([9]);
    // the same drop before 5 earlier changes exist does not fire
    const early = [1, 1.1, 1.21, -1];
    expect(
      evaluateRules("r", [parseAlertRule("magnitude/fc1/area jump 4")], results("fc1", "area", early)),
    ).toEqual([]);
  });

  it("the identity is (run, rule, key): the same alert on another run has another id", () => {
    const rs = results("fc1", "dim", [5]);
    const rule = [parseAlertRule("magnitude/*/dim > 3")];
    expect(evaluateRules("a", rule, rs)[0]!.id).not.toBe(evaluateRules("b", rule, rs)[0]!.id);
    expect(evaluateRules("a", rule, rs)[0]!.id).toBe(
      evaluateRules("a", rule, results("fc1", "dim", [0, 9]))[0]!.id,
    );
  });
});
