import { describe, expect, it } from "vitest";
import { backward, denseForward, forward, initMlp, softmaxCrossEntropy } from "../../src/demo/mlp.js";
import { mulberry32 } from "../../src/demo/prng.js";

describe("denseForward", () => {
  it("computes relu(x·W + b) for a hand-worked 2×2 → 3 example", () => {
    // x = [[1, 2], [−1, 0]], W = [[1, 0, −1], [0.5, −2, 1]], b = [0, 1, −1]
    // x·W + b = [[2, −3, 0], [−1, 1, 0]] → relu → [[2, 0, 0], [0, 1, 0]]
    const layer = {
      name: "h",
      inDim: 2,
      outDim: 3,
      relu: true,
      weights: Float64Array.from([1, 0, -1, 0.5, -2, 1]),
      bias: Float64Array.from([0, 1, -1]),
    };
    expect(Array.from(denseForward(Float64Array.from([1, 2, -1, 0]), 2, layer))).toEqual([2, 0, 0, 0, 1, 0]);
    expect(Array.from(denseForward(Float64Array.from([1, 2, -1, 0]), 2, { ...layer, relu: false }))).toEqual([
      2, -3, 0, -1, 1, 0,
    ]);
  });
});

describe("softmaxCrossEntropy", () => {
  it("equal logits: loss = ln C and gradient (1/C − onehot)/n", () => {
    const { loss, grad, correct } = softmaxCrossEntropy(
      new Float64Array(2 * 4),
      2,
      4,
      Int32Array.from([0, 3]),
    );
    expect(loss).toBeCloseTo(Math.log(4), 14);
    expect(Array.from(grad)).toEqual([-0.375, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375]);
    expect(correct).toBe(1); // ties go to class 0
  });

  it("two classes with logits (0, a): loss = ln(1 + e^a) for label 0, stable for a = 1000", () => {
    const { loss } = softmaxCrossEntropy(Float64Array.from([0, 2]), 1, 2, Int32Array.from([0]));
    expect(loss).toBeCloseTo(Math.log1p(Math.exp(2)), 14);
    const big = softmaxCrossEntropy(Float64Array.from([0, 1000]), 1, 2, Int32Array.from([0]));
    expect(big.loss).toBeCloseTo(1000, 10);
  });
});

describe("backward", () => {
  it("matches central finite differences of the loss for every parameter", () => {
    const rng = mulberry32(11);
    const mlp = initMlp(
      3,
      [
        { name: "hidden1", width: 5, relu: true },
        { name: "hidden2", width: 4, relu: true },
        { name: "logits", width: 3, relu: false },
      ],
      rng,
    );
    for (const layer of mlp.layers)
      for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = 0.1 * rng.normal();
    const n = 6;
    const x = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const y = Int32Array.from({ length: n }, () => rng.int(3));
    const lossOf = () => {
      const out = forward(mlp, x, n);
      return softmaxCrossEntropy(out[2], n, 3, y).loss;
    };
    const outputs = forward(mlp, x, n);
    const grads = backward(mlp, x, n, outputs, softmaxCrossEntropy(outputs[2], n, 3, y).grad);
    const h = 1e-6;
    let checked = 0;
    mlp.layers.forEach((layer, l) => {
      for (const [param, grad] of [
        [layer.weights, grads[l].weights],
        [layer.bias, grads[l].bias],
      ] as const) {
        for (let i = 0; i < param.length; i++) {
          const saved = param[i];
          param[i] = saved + h;
          const up = lossOf();
          param[i] = saved - h;
          const down = lossOf();
          param[i] = saved;
          const numeric = (up - down) / (2 * h);
          // Central differences are O(h²) accurate away from ReLU kinks (none within h here).
          expect(Math.abs(grad[i] - numeric)).toBeLessThan(1e-7 + 1e-5 * Math.abs(numeric));
          checked++;
        }
      }
    });
    expect(checked).toBe(3 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
  });
});
