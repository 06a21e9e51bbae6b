/**
 * Raised alerts of a local run (docs/alerts.md): <run>/magnitude/alerts.json, replaced atomically
 * (temp file + rename) with the old list plus the new alert. The file is the alert's record: it is
 * written before the alert is announced, so a kill in between never raises it twice.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AlertRecord,
  decodeAlertFile,
  encodeAlertFile,
  type RunRef,
  storeIoError,
  type TrackerAdapter,
  writeFileAtomic,
} from "../../src/adapter-kit.js";

export const ALERTS_JSON = "alerts.json";

export async function readAlertFile(path: string): Promise<AlertRecord[]> {
  let text: string | null;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw storeIoError(path, "read", error);
    text = null;
  }
  return decodeAlertFile(text, path);
}

export function localAlerts(
  resultDir: (run: RunRef) => string,
): Required<Pick<TrackerAdapter, "readAlerts" | "recordAlert">> {
  return {
    readAlerts: (run) => readAlertFile(join(resultDir(run), ALERTS_JSON)),
    async recordAlert(run, alert) {
      const path = join(resultDir(run), ALERTS_JSON);
      const alerts = await readAlertFile(path);
      if (alerts.some((a) => a.id === alert.id)) return;
      await writeFileAtomic(path, encodeAlertFile([...alerts, alert]));
    },
  };
}
