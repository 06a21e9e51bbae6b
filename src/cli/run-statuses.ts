import type { RunStatus } from "../adapter-kit.js";

/** Every RunStatus of the adapter contract (src/adapter-kit.ts); the Record makes the list complete. */
const STATUS_SET: Record<RunStatus, true> = {
  running: true,
  finished: true,
  failed: true,
  crashed: true,
  killed: true,
  scheduled: true,
  unknown: true,
};

export const RUN_STATUSES = Object.keys(STATUS_SET) as RunStatus[];

export function isRunStatus(value: string): value is RunStatus {
  return Object.hasOwn(STATUS_SET, value);
}
