/**
 * FormatError: an activation file could not be turned into a point cloud. `kind` is "format"
 * (the CLI maps it to "this run failed", exit 1). The message always starts with the file's
 * `source` label and says what is wrong, e.g. `layer1/step_3.npy: truncated data: …`.
 */
import { MagtrackError } from "../core/errors.js";

export type FormatErrorCode =
  | "BAD_MAGIC" // not an .npy / zip / safetensors file at all
  | "UNSUPPORTED_VERSION" // .npy format version other than 1.0, 2.0, 3.0
  | "BAD_HEADER" // header text/JSON malformed, missing or extra keys, header length absurd
  | "BAD_SHAPE" // shape entries not non-negative integers, or a 0-d array
  | "SHAPE_MISMATCH" // shape × itemsize disagrees with the bytes present (header lies)
  | "TRUNCATED" // fewer bytes than the header promises
  | "TOO_LARGE" // decoded float64 output would exceed the size cap, or the shape product overflows
  | "EMPTY" // 0 rows or 0 columns: no point cloud to measure
  | "UNSUPPORTED_DTYPE" // complex, structured, strings, datetimes, unknown codes
  | "PICKLE_REFUSED" // object dtype: would need unpickling, which we never do
  | "NON_FINITE" // NaN or ±Inf in the data
  | "BAD_ZIP" // zip structure malformed, encrypted, unknown compression, CRC mismatch
  | "ZIP_BOMB" // entry inflates beyond its declared size, the cap, or a plausible ratio
  | "NOT_FOUND_IN_ARCHIVE" // requested array name absent (or archive holds no arrays)
  | "BAD_OFFSETS" // safetensors data_offsets out of range, overlapping, or leaving holes
  | "UNSAFE_NAME"; // array name that could escape a directory when used as a path (../, /abs)

export class FormatError extends MagtrackError {
  override readonly code: FormatErrorCode;
  readonly source: string;

  constructor(
    source: string,
    code: FormatErrorCode,
    problem: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super("format", code, `${source}: ${problem}`, options);
    this.code = code;
    this.source = source;
  }
}
