/**
 * A minimal, independent .npy 1.0 header check for the demo tests (the project's full reader lives
 * in src/io; this one only has to confirm what the demo promises): magic "\x93NUMPY", version 1.0,
 * a little-endian uint16 header length, a header dict with descr/fortran_order/shape, data
 * starting on a 64-byte boundary, and exactly prod(shape) · itemsize data bytes.
 */
export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
  readonly dataOffset: number;
}

export function checkNpyHeader(bytes: Uint8Array): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  magic.forEach((b, i) => {
    if (bytes[i] !== b) throw new Error(`byte ${i} is ${bytes[i]}, expected ${b} (npy magic)`);
  });
  if (bytes[6] !== 1 || bytes[7] !== 0) throw new Error(`version ${bytes[6]}.${bytes[7]}, expected 1.0`);
  const headerLength = bytes[8] + 256 * bytes[9];
  const dataOffset = 10 + headerLength;
  if (dataOffset % 64 !== 0) throw new Error(`data offset ${dataOffset} is not a multiple of 64`);
  const header = new TextDecoder("latin1").decode(bytes.subarray(10, dataOffset));
  const m =
    /^\{'descr': '([<>|][a-z]\d+)', 'fortran_order': (True|False), 'shape': \(([\d, ]*)\), \} *\n$/.exec(
      header,
    );
  if (!m) throw new Error(`header does not parse: ${JSON.stringify(header)}`);
  const shape = m[3]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map(Number);
  const itemSize = Number(m[1].slice(2));
  const expectedBytes = shape.reduce((a, b) => a * b, 1) * itemSize;
  if (bytes.length - dataOffset !== expectedBytes) {
    throw new Error(`data has ${bytes.length - dataOffset} bytes, shape needs ${expectedBytes}`);
  }
  return { descr: m[1], fortranOrder: m[2] === "True", shape, dataOffset };
}

/** The float32 little-endian payload of a checked file. */
export function npyFloat32Values(bytes: Uint8Array, header: NpyHeader): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = (bytes.length - header.dataOffset) / 4;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(header.dataOffset + 4 * i, true);
  return out;
}
