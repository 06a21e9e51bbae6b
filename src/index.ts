/** magtrack library entry. */
export * from "./core/errors.js";
export type * from "./core/types.js";
export * from "./adapter-kit.js";
