/**
 * What the tracker-side shared-scale tests (MLflow, W&B) share: small seeded clouds of fc1 per
 * (seed, step), start times, the exact engine's t_conv of a cloud, and exact-mode settings.
 */
import { computeProfile } from "../../src/core/profile.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";
import { stepCloud } from "../helpers/store.js";

export const N = 30;
export const D = 3;
export const T0 = Date.UTC(2026, 0, 1);
export const HOUR = 3_600_000;
export const SETTINGS = { ...DEFAULT_SETTINGS, mode: "exact" as const };
export const RECORD = settingsRecord(SETTINGS, "test");

/** The cloud of (seed, step). */
export const cloud = (seed: number, step: number) => stepCloud(seed, N, D, step);
/** t_conv of that cloud by the exact engine (the oracle for the stored T). */
export const exactTConv = (seed: number, step: number) =>
  computeProfile({ data: cloud(seed, step), n: N, d: D }, { mode: "exact" }).tConv!;
