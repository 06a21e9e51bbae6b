/** Pure statistics for cross-run reports (no I/O), checked against scipy.stats on fixtures. */
export { benjaminiHochberg } from "./bh.js";
export { type KendallResult, kendallExactP, kendallTau } from "./kendall.js";
export { averageRanks } from "./ranks.js";
export { type SpearmanResult, spearmanRho } from "./spearman.js";
export { normalSf, studentTTwoSided } from "./special.js";
export { type StratifiedKendallResult, stratifiedKendall } from "./stratified.js";
