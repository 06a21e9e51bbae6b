/**
 * Artifact locations. Runs whose artifact_uri is `mlflow-artifacts:` are served by the tracking
 * server's artifact proxy: GET/PUT /api/2.0/mlflow-artifacts/artifacts/<uri without scheme>/<path>.
 * Other roots (s3://, gs://, file paths the server can read) are downloaded through
 * /get-artifact?path=&run_uuid=, and cannot be uploaded to without the store's own credentials.
 */
import { MagtrackError } from "../../src/adapter-kit.js";
import type { MlflowClient } from "./client.js";
import type { WireFileInfo } from "./wire.js";

/**
 * "mlflow-artifacts:/1/<run>/artifacts" or "mlflow-artifacts://host:5000/1/<run>/artifacts"
 * → "1/<run>/artifacts"; null for roots that are not proxied.
 */
export function proxyRootOf(artifactUri: string | undefined): string | null {
  if (artifactUri === undefined || !artifactUri.startsWith("mlflow-artifacts:")) return null;
  let rest = artifactUri.slice("mlflow-artifacts:".length);
  if (rest.startsWith("//")) {
    // An authority (host:port) may follow the scheme; the proxy path starts after it.
    const slash = rest.indexOf("/", 2);
    rest = slash < 0 ? "" : rest.slice(slash);
  }
  return rest.replace(/^\/+/, "").replace(/\/+$/, "");
}

export function joinArtifactPath(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split("/"))
    .filter((s) => s !== "")
    .join("/");
}

/**
 * The directory to start listing from and how deep below it a match can be, from the literal
 * part of the pattern: "activations/{layer}/step_{step}.{ext}" → start "activations", depth 2
 * ({layer} and {step} never contain "/", so deeper files cannot match).
 */
export function listingPlan(pattern: string): { start: string; depth: number } {
  const firstPlaceholder = pattern.indexOf("{");
  const literal = firstPlaceholder < 0 ? pattern : pattern.slice(0, firstPlaceholder);
  const cut = literal.lastIndexOf("/");
  const start = cut < 0 ? "" : literal.slice(0, cut);
  const total = pattern.split("/").length;
  const startDepth = start === "" ? 0 : start.split("/").length;
  return { start, depth: total - startDepth };
}

export interface WalkLimits {
  readonly maxDepth: number;
  readonly maxEntries: number;
}

/**
 * Files below `start` (recursively, one artifacts/list call per directory, breadth first), at
 * most `maxDepth` levels down. Fails loudly past `maxEntries` rather than walking a huge tree.
 */
export async function walkArtifacts(
  client: MlflowClient,
  runId: string,
  start: string,
  limits: WalkLimits,
  signal?: AbortSignal,
): Promise<{ rootUri?: string; files: WireFileInfo[] }> {
  const files: WireFileInfo[] = [];
  let rootUri: string | undefined;
  let level: string[] = [start];
  let seen = 0;
  for (let depth = 1; depth <= limits.maxDepth && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      signal?.throwIfAborted();
      const listing = await client.listArtifacts(runId, dir, signal);
      rootUri ??= listing.rootUri;
      for (const f of listing.files) {
        if (++seen > limits.maxEntries) {
          throw new MagtrackError(
            "tracker",
            "MLFLOW_TOO_MANY_ARTIFACTS",
            `MLflow run ${runId}: more than ${limits.maxEntries} artifacts under "${start || "/"}"; narrow --pattern`,
          );
        }
        // The server returns paths relative to the run's artifact root; refuse anything odd.
        if (f.path.split("/").some((s) => s === ".." || s === ".") || f.path.startsWith("/")) continue;
        if (f.is_dir) next.push(f.path);
        else files.push(f);
      }
    }
    level = next;
  }
  return { rootUri, files };
}
