/**
 * Request-body serialiser for MLflow. JSON has no NaN/Infinity: JSON.stringify turns them into
 * null (the server answers 400 and stores nothing of the batch), and a bare NaN token is accepted
 * but stored as 0 with the rest of the batch silently dropped (../shared/TRACKERS.md). MLflow's
 * protobuf JSON parser accepts the strings "NaN", "Infinity", "-Infinity" for double fields,
 * so every non-finite number is written as that string.
 */
export function nonFiniteAsString(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  return value;
}

/** JSON text of `value` with every non-finite number encoded as its MLflow string. */
export function encodeMlflowJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" ? nonFiniteAsString(v) : v));
}
