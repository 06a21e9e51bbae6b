/**
 * Building the W&B adapter from the environment and flags, as the W&B client resolves them:
 * key from WANDB_API_KEY, else ~/.netrc (machine = host[:port] of the base URL, see netrc.ts);
 * base URL from WANDB_BASE_URL (default https://api.wandb.ai); entity/project from the flags,
 * else WANDB_ENTITY / WANDB_PROJECT.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { MagtrackError, type TrackerAdapter } from "../../src/adapter-kit.js";
import { createWandbAdapter, DEFAULT_WANDB_BASE_URL, type WandbAdapterOptions } from "./adapter.js";
import { netlocOf, netrcPassword, netrcPath } from "./netrc.js";

export interface WandbFlags {
  readonly entity?: string;
  readonly project?: string;
  readonly pattern?: string;
  /** Pattern inside `activations` artifacts (default DEFAULT_ARTIFACT_PATTERN; else `pattern`). */
  readonly artifactPattern?: string;
  /** Logged weight windows (docs/trajectory.md); null: none. */
  readonly trajectoryPattern?: string | null;
  readonly maxFileBytes?: number;
  /** Live view through companion runs (docs/wandb-live.md); default on. */
  readonly live?: boolean;
  /** Where ~/.netrc is looked for (tests); default as the official client: see netrcPath. */
  readonly netrcPath?: string;
}

export function resolveWandbOptions(
  env: Readonly<Record<string, string | undefined>>,
  flags: WandbFlags = {},
): WandbAdapterOptions {
  const baseUrl = (env.WANDB_BASE_URL || DEFAULT_WANDB_BASE_URL).replace(/\/+$/, "");
  // The machine the official client looks up: urlsplit(base_url).netloc (host and port as written).
  const host = netlocOf(baseUrl);
  if (!host || !URL.canParse(baseUrl)) {
    throw new MagtrackError("config", "WANDB_BAD_BASE_URL", `WANDB_BASE_URL is not a URL: ${baseUrl}`);
  }
  let apiKey = env.WANDB_API_KEY?.trim();
  if (!apiKey) {
    const path = flags.netrcPath ?? netrcPath(env, env.HOME ?? homedir());
    let text: string | undefined;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      text = undefined;
    }
    apiKey = text === undefined ? undefined : netrcPassword(text, host);
  }
  if (!apiKey) {
    throw new MagtrackError(
      "auth",
      "WANDB_NO_KEY",
      `no W&B API key: set WANDB_API_KEY, or add "machine ${host} login user password <key>" to ~/.netrc (wandb login does)`,
    );
  }
  const entity = flags.entity ?? env.WANDB_ENTITY;
  const project = flags.project ?? env.WANDB_PROJECT;
  if (!entity || !project) {
    throw new MagtrackError(
      "usage",
      "WANDB_NO_PROJECT",
      "W&B needs an entity and a project: --entity E --project P (or WANDB_ENTITY / WANDB_PROJECT)",
    );
  }
  return {
    apiKey,
    entity,
    project,
    baseUrl,
    ...(flags.pattern ? { pattern: flags.pattern } : {}),
    ...(flags.artifactPattern ? { artifactPattern: flags.artifactPattern } : {}),
    ...(flags.trajectoryPattern !== undefined ? { trajectoryPattern: flags.trajectoryPattern } : {}),
    ...(flags.maxFileBytes !== undefined ? { maxFileBytes: flags.maxFileBytes } : {}),
    ...(flags.live !== undefined ? { live: flags.live } : {}),
    ...(env.MAGTRACK_WANDB_FULL_CHECK === "1" ? { fullCheck: true } : {}),
  };
}

export function wandbAdapterFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  flags: WandbFlags = {},
): TrackerAdapter {
  return createWandbAdapter(resolveWandbOptions(env, flags));
}
