/**
 * A small multi-layer perceptron written out by hand: dense layers on flat row-major
 * Float64Arrays, ReLU between them, softmax cross-entropy on top, plain SGD. Readable rather than
 * fast; the demo network (8 → 64 → 64 → 4) trains in well under a second per run.
 *
 * Shapes: a batch of n inputs is n × in (row-major); layer weights W are in × out, biases out.
 */
import type { Rng } from "./prng.js";

export interface DenseLayer {
  readonly name: string;
  readonly inDim: number;
  readonly outDim: number;
  /** ReLU after the affine map (hidden layers); the last layer outputs raw logits. */
  readonly relu: boolean;
  readonly weights: Float64Array; // inDim × outDim
  readonly bias: Float64Array; // outDim
}

export interface Mlp {
  readonly layers: readonly DenseLayer[];
}

export interface LayerSpec {
  readonly name: string;
  readonly width: number;
  readonly relu: boolean;
}

/**
 * He initialisation for ReLU layers (W ~ N(0, 2/in)) and Glorot-like N(0, 1/in) for the linear
 * output layer; biases start at zero.
 */
export function initMlp(inputDim: number, specs: readonly LayerSpec[], rng: Rng): Mlp {
  let inDim = inputDim;
  const layers = specs.map((spec) => {
    const sd = Math.sqrt((spec.relu ? 2 : 1) / inDim);
    const weights = new Float64Array(inDim * spec.width);
    for (let i = 0; i < weights.length; i++) weights[i] = sd * rng.normal();
    const layer: DenseLayer = {
      name: spec.name,
      inDim,
      outDim: spec.width,
      relu: spec.relu,
      weights,
      bias: new Float64Array(spec.width),
    };
    inDim = spec.width;
    return layer;
  });
  return { layers };
}

/** out = relu?(input · W + b) for n rows. */
export function denseForward(input: Float64Array, n: number, layer: DenseLayer): Float64Array {
  const { inDim, outDim, weights, bias } = layer;
  const out = new Float64Array(n * outDim);
  for (let i = 0; i < n; i++) {
    const row = i * outDim;
    out.set(bias, row);
    for (let k = 0; k < inDim; k++) {
      const a = input[i * inDim + k];
      if (a === 0) continue; // common after ReLU
      const wRow = k * outDim;
      for (let o = 0; o < outDim; o++) out[row + o] += a * weights[wRow + o];
    }
  }
  if (layer.relu) for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
  return out;
}

/** Every layer's output for a batch: [hidden1, hidden2, …, logits]. */
export function forward(mlp: Mlp, input: Float64Array, n: number): Float64Array[] {
  const outputs: Float64Array[] = [];
  let current = input;
  for (const layer of mlp.layers) {
    current = denseForward(current, n, layer);
    outputs.push(current);
  }
  return outputs;
}

/**
 * Mean softmax cross-entropy over n rows and its gradient with respect to the logits:
 *   loss = (1/n) Σ_i [ logsumexp(z_i) − z_i[y_i] ],   ∂loss/∂z_i = (softmax(z_i) − onehot(y_i)) / n.
 * The row maximum is subtracted before exponentiating (no overflow).
 */
export function softmaxCrossEntropy(
  logits: Float64Array,
  n: number,
  classes: number,
  labels: Int32Array,
  labelOffset = 0,
): { loss: number; grad: Float64Array; correct: number } {
  const grad = new Float64Array(n * classes);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    const label = labels[labelOffset + i];
    let max = logits[row];
    let argmax = 0;
    for (let c = 1; c < classes; c++) {
      if (logits[row + c] > max) {
        max = logits[row + c];
        argmax = c;
      }
    }
    if (argmax === label) correct++;
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[row + c] - max);
      grad[row + c] = e;
      sum += e;
    }
    loss += Math.log(sum) + max - logits[row + label];
    for (let c = 0; c < classes; c++) grad[row + c] = (grad[row + c] / sum - (c === label ? 1 : 0)) / n;
  }
  return { loss: loss / n, grad, correct };
}

export interface LayerGradient {
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/**
 * Backpropagation through the dense layers. Given ∂L/∂(output of the last layer) (its logits):
 *   for a ReLU layer, ∂L/∂z = ∂L/∂h ⊙ [h > 0];   ∂L/∂W = inputᵀ · ∂L/∂z;   ∂L/∂b = Σ_rows ∂L/∂z;
 *   ∂L/∂input = ∂L/∂z · Wᵀ.
 */
export function backward(
  mlp: Mlp,
  input: Float64Array,
  n: number,
  outputs: readonly Float64Array[],
  gradLogits: Float64Array,
): LayerGradient[] {
  const grads: LayerGradient[] = new Array(mlp.layers.length);
  let gradOut = gradLogits;
  for (let l = mlp.layers.length - 1; l >= 0; l--) {
    const layer = mlp.layers[l];
    const { inDim, outDim, weights } = layer;
    const layerInput = l === 0 ? input : outputs[l - 1];
    const output = outputs[l];
    const gradZ = layer.relu ? gradOut.map((g, i) => (output[i] > 0 ? g : 0)) : gradOut;
    const gradW = new Float64Array(inDim * outDim);
    const gradB = new Float64Array(outDim);
    const gradIn = l > 0 ? new Float64Array(n * inDim) : null;
    for (let i = 0; i < n; i++) {
      const zRow = i * outDim;
      for (let o = 0; o < outDim; o++) gradB[o] += gradZ[zRow + o];
      for (let k = 0; k < inDim; k++) {
        const a = layerInput[i * inDim + k];
        const wRow = k * outDim;
        let back = 0;
        for (let o = 0; o < outDim; o++) {
          const g = gradZ[zRow + o];
          gradW[wRow + o] += a * g;
          back += g * weights[wRow + o];
        }
        if (gradIn) gradIn[i * inDim + k] = back;
      }
    }
    grads[l] = { weights: gradW, bias: gradB };
    if (gradIn) gradOut = gradIn;
  }
  return grads;
}

/** Plain SGD: θ ← θ − lr · ∂L/∂θ. */
export function sgdUpdate(mlp: Mlp, grads: readonly LayerGradient[], learningRate: number): void {
  mlp.layers.forEach((layer, l) => {
    const g = grads[l];
    for (let i = 0; i < layer.weights.length; i++) layer.weights[i] -= learningRate * g.weights[i];
    for (let i = 0; i < layer.bias.length; i++) layer.bias[i] -= learningRate * g.bias[i];
  });
}
