import { describe, expect, it } from "vitest";
import { listingPlan, proxyRootOf } from "../../../adapters/mlflow/artifacts.js";
import { resolveConnection } from "../../../adapters/mlflow/config.js";
import {
  fnv1a32,
  isValidKey,
  mlflowMetricKey,
  parseMetricKey,
  sanitizeLayer,
} from "../../../adapters/mlflow/keys.js";
import { encodeMlflowJson } from "../../../adapters/mlflow/mlflow-json.js";
import { buildSearchFilter } from "../../../adapters/mlflow/runs.js";
import { mergeLoggedArtifacts } from "../../../adapters/mlflow/tags.js";
import { decodeMetricValue } from "../../../adapters/mlflow/wire.js";
import { chunkSteps } from "../../../adapters/mlflow/write.js";

describe("mlflow units", () => {
  it("serialises non-finite numbers as MLflow strings (JSON.stringify would give null)", () => {
    expect(JSON.stringify({ v: Number.NaN })).toBe('{"v":null}');
    expect(
      encodeMlflowJson({ a: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5, -0] }),
    ).toBe('{"a":["NaN","Infinity","-Infinity",0.5,0]}');
  });

  it("decodes recorded wire values: 'NaN' strings and ±DBL_MAX (SQLite-clamped infinities)", () => {
    expect(decodeMetricValue("NaN")).toBeNaN();
    expect(decodeMetricValue(1.7976931348623157e308)).toBe(Number.POSITIVE_INFINITY);
    expect(decodeMetricValue(-1.7976931348623157e308)).toBe(Number.NEGATIVE_INFINITY);
    expect(decodeMetricValue(0.125)).toBe(0.125);
  });

  it("FNV-1a 32 matches the published test vectors", () => {
    // Reference values from the FNV specification (draft-eastlake-fnv): "" and "a", "foobar".
    expect(fnv1a32("")).toBe("811c9dc5");
    expect(fnv1a32("a")).toBe("e40c292c");
    expect(fnv1a32("foobar")).toBe("bf9cf968");
  });

  it("keeps valid layer names and sanitises the rest into valid, distinct keys", () => {
    expect(sanitizeLayer("encoder.layer_3")).toBe("encoder.layer_3");
    expect(sanitizeLayer("a[0]")).not.toBe(sanitizeLayer("a(0)"));
    const long = "x".repeat(400);
    for (const layer of ["a[0]", "a..b", "../etc", "/abs", "ünï", long, ""]) {
      const key = mlflowMetricKey(layer, "t_conv");
      expect(isValidKey(key)).toBe(true);
      expect(parseMetricKey(key)).toEqual({
        family: "magnitude",
        layer: sanitizeLayer(layer),
        name: "t_conv",
      });
    }
    expect(mlflowMetricKey(long, "area").length).toBeLessThanOrEqual(250);
    expect(() => mlflowMetricKey("fc1", "bad name!")).toThrow(/not a valid MLflow key/);
  });

  it("packs whole steps into chunks of at most 1000 metrics", () => {
    const step = (s: number, n: number) => ({
      layer: "l",
      step: s,
      points: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 1, timestamp: s, step: s })),
    });
    const chunks = chunkSteps([step(0, 600), step(1, 300), step(2, 200), step(3, 1000)]);
    expect(chunks.map((c) => c.length)).toEqual([900, 200, 1000]);
    expect(chunkSteps([step(0, 2500)]).map((c) => c.length)).toEqual([1000, 1000, 500]);
  });

  it("derives the proxy path from mlflow-artifacts: URIs, with or without an authority", () => {
    expect(proxyRootOf("mlflow-artifacts:/1/e46631ac68bf42f6ad2c3c287badf798/artifacts")).toBe(
      "1/e46631ac68bf42f6ad2c3c287badf798/artifacts",
    );
    expect(proxyRootOf("mlflow-artifacts://host:5000/2/abc/artifacts")).toBe("2/abc/artifacts");
    expect(proxyRootOf("s3://bucket/2/abc/artifacts")).toBeNull();
  });

  it("lists only below the pattern's literal prefix, as deep as the pattern reaches", () => {
    expect(listingPlan("activations/{layer}/step_{step}.{ext}")).toEqual({ start: "activations", depth: 2 });
    expect(listingPlan("step_{step}.npz")).toEqual({ start: "", depth: 1 });
    expect(listingPlan("a/b/{layer}/s{step}.npy")).toEqual({ start: "a/b", depth: 2 });
  });

  it("builds search filters the server understands, and refuses quotes it cannot escape", () => {
    expect(buildSearchFilter({})).toBeUndefined();
    expect(
      buildSearchFilter({
        until: 10,
        runs: ["e46631ac68bf42f6ad2c3c287badf798"],
        tags: { "mlflow.user": "root" },
      }),
    ).toBe(
      "attributes.start_time < 10 and tags.`mlflow.user` = 'root' and attributes.run_id IN ('e46631ac68bf42f6ad2c3c287badf798')",
    );
    expect(buildSearchFilter({ runs: ["my-run-name"] })).toBeUndefined(); // names are matched client-side
    expect(() => buildSearchFilter({ tags: { k: "it's" } })).toThrow(/quote/);
  });

  it("merges mlflow.loggedArtifacts without dropping entries, and leaves foreign values alone", () => {
    const entry = { path: "magnitude/curves.json", type: "table" };
    expect(mergeLoggedArtifacts(undefined, entry)).toBe(JSON.stringify([entry]));
    expect(mergeLoggedArtifacts(JSON.stringify([{ path: "x.json", type: "table" }]), entry)).toBe(
      JSON.stringify([{ path: "x.json", type: "table" }, entry]),
    );
    expect(mergeLoggedArtifacts(JSON.stringify([entry]), entry)).toBeNull();
    expect(mergeLoggedArtifacts("not json", entry)).toBe("unparseable");
  });

  it("reads credentials from the environment: Basic wins over Bearer, URI user info is moved out", () => {
    const both = resolveConnection("https://mlflow.example.com/prefix", {
      MLFLOW_TRACKING_USERNAME: "u",
      MLFLOW_TRACKING_PASSWORD: "p",
      MLFLOW_TRACKING_TOKEN: "t",
    });
    expect(both).toEqual({
      baseUrl: "https://mlflow.example.com/prefix",
      auth: { type: "basic", username: "u", password: "p" },
    });
    expect(resolveConnection("http://127.0.0.1:5000", { MLFLOW_TRACKING_TOKEN: "t" }).auth).toEqual({
      type: "bearer",
      token: "t",
    });
    const inUri = resolveConnection("http://bob:s%40cret@127.0.0.1:5000/", {});
    expect(inUri.baseUrl).toBe("http://127.0.0.1:5000/");
    expect(inUri.auth).toEqual({ type: "basic", username: "bob", password: "s@cret" });
    expect(() => resolveConnection(undefined, {})).toThrow(/MLFLOW_TRACKING_URI/);
    expect(() => resolveConnection("file:///tmp/mlruns", {})).toThrow(/not supported/);
    expect(() => resolveConnection("http://h", { MLFLOW_TRACKING_USERNAME: "u" })).toThrow(/both/);
  });
});
