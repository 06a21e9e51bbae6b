/**
 * Configuration from the environment the MLflow clients use, plus CLI flags:
 *   MLFLOW_TRACKING_URI                       http(s)://host[:port][/prefix]   (required)
 *   MLFLOW_TRACKING_USERNAME / _PASSWORD      Basic auth — wins over the token
 *   MLFLOW_TRACKING_TOKEN                     Bearer auth
 *   MLFLOW_EXPERIMENT_NAME / MLFLOW_EXPERIMENT_ID   defaults for --experiment / --experiment-id
 * Flags win over the environment. Nothing here is ever printed with its secret.
 */
import { type HttpAuth, MagtrackError } from "../../src/adapter-kit.js";

export interface MlflowFlags {
  readonly trackingUri?: string;
  /** Experiment name (the usual way); an all-digit value that names no experiment is tried as an id. */
  readonly experiment?: string;
  readonly experimentId?: string;
  readonly pattern?: string;
  /** Logged weight windows (docs/trajectory.md); null: none. */
  readonly trajectoryPattern?: string | null;
  readonly timeoutMs?: number;
  readonly maxFileBytes?: number;
}

export interface ResolvedConnection {
  readonly baseUrl: string;
  readonly auth: HttpAuth;
}

/** Validate the tracking URI and pull credentials out of it (user:pass@ is Basic auth, never logged). */
export function resolveConnection(
  trackingUri: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedConnection {
  if (trackingUri === undefined || trackingUri.trim() === "") {
    throw new MagtrackError(
      "config",
      "MLFLOW_NO_TRACKING_URI",
      "MLflow: set MLFLOW_TRACKING_URI (e.g. http://127.0.0.1:5000) or pass --tracking-uri",
    );
  }
  let url: URL;
  try {
    url = new URL(trackingUri.trim());
  } catch {
    throw new MagtrackError(
      "config",
      "MLFLOW_BAD_TRACKING_URI",
      "MLflow: MLFLOW_TRACKING_URI is not a URL (expected http(s)://host:port)",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new MagtrackError(
      "config",
      "MLFLOW_UNSUPPORTED_TRACKING_URI",
      `MLflow: tracking URI scheme "${url.protocol}" is not supported; point magtrack at a tracking server (mlflow server …), not a local file store or databricks`,
    );
  }
  const uriUser = url.username !== "" ? decodeURIComponent(url.username) : undefined;
  const uriPass = url.password !== "" ? decodeURIComponent(url.password) : undefined;
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  const username = env.MLFLOW_TRACKING_USERNAME || uriUser;
  const password = env.MLFLOW_TRACKING_PASSWORD || uriPass;
  const token = env.MLFLOW_TRACKING_TOKEN;
  let auth: HttpAuth = { type: "none" };
  if (username !== undefined && password !== undefined) auth = { type: "basic", username, password };
  else if (token) auth = { type: "bearer", token };
  else if (username !== undefined || password !== undefined) {
    throw new MagtrackError(
      "config",
      "MLFLOW_PARTIAL_CREDENTIALS",
      "MLflow: set both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or neither)",
    );
  }
  return { baseUrl: url.toString(), auth };
}
