/** The MLflow alert tag value stays within MLflow's 8000-character tag limit (TRACKERS.md). */
import { describe, expect, it } from "vitest";
import { alertTagValue } from "../../adapters/mlflow/alerts.js";
import { decodeAlert } from "../../src/adapter-kit.js";

const alert = {
  id: "0123456789abcdef",
  rule: "magnitude/*/dim > 3",
  key: "magnitude/fc1/dim",
  layer: "fc1",
  step: 7,
  value: 4.5,
  detail: "4.5 > 3",
};

describe("alertTagValue", () => {
  it("round-trips a short record", () => {
    expect(decodeAlert(JSON.parse(alertTagValue(alert)), "t")).toEqual(alert);
  });
  it("cuts a long detail so the value fits 8000 characters, keeping the rest whole", () => {
    const long = { ...alert, detail: 'é"x'.repeat(5000) };
    const text = alertTagValue(long);
    expect(text.length).toBeLessThanOrEqual(8000);
    expect(decodeAlert(JSON.parse(text), "t")).toMatchObject({
      id: alert.id,
      rule: alert.rule,
      step: 7,
      value: 4.5,
    });
  });
});
