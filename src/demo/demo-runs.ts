/** What `magtrack demo` trains: the 12-run sweep (generate.ts) and the collapsing run (collapse.ts). */
import { COLLAPSE_DEMO_RUN } from "./collapse.js";
import { type DemoRunSpec, SWEEP_DEMO_RUNS } from "./generate.js";

export const DEMO_RUNS: readonly DemoRunSpec[] = [...SWEEP_DEMO_RUNS, COLLAPSE_DEMO_RUN];
