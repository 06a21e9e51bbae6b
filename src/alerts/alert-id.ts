/**
 * An alert's identity: (run, rule text, metric key). Its first step is NOT part of it, so a backfill
 * of earlier steps that moves the first firing step never raises the same alert twice.
 * 16 hex chars of SHA-256 (64 bits): a name short enough for a tag key, collisions negligible.
 */
import { createHash } from "node:crypto";

export function alertId(runId: string, rule: string, key: string): string {
  return createHash("sha256").update(`${runId}\u0000${rule}\u0000${key}`).digest("hex").slice(0, 16);
}
