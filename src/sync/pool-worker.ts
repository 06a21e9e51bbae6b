/** Worker side of the profile pool: one computeProfile per task (kernels instantiated per worker). */
import { computeProfile } from "../core/profile.js";
import type { MagnitudeProfile, ProfileOptions } from "../core/types.js";

export interface ProfileTask {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly options: ProfileOptions;
}

export default function run(task: ProfileTask): MagnitudeProfile {
  return computeProfile({ data: task.data, n: task.n, d: task.d }, task.options);
}
