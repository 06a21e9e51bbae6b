/** The W&B adapter's public entry: the factory, the env/flags helper and their option types. */
export { createWandbAdapter, DEFAULT_WANDB_BASE_URL, type WandbAdapterOptions } from "./adapter.js";
export { resolveWandbOptions, type WandbFlags, wandbAdapterFromEnv } from "./from-env.js";
