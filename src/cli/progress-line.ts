/**
 * The progress bar of a sync on a terminal: one line, redrawn in place (`\r` + erase line), with the
 * total known up front (the plan of every run, counted before the first step is computed) and an ETA
 * from the mean time per step so far: ETA = elapsed / done · (total − done).
 * Log lines are never drawn over: the bar is erased, the line printed, the bar drawn again below it.
 */
import { terminalSafe } from "./terminal-safe.js";

export interface ProgressLine {
  /** Raise the total (the plan can grow: new files between planning and computing). */
  setTotal(total: number): void;
  /** One step computed, in this run. */
  step(run: string): void;
  /** Print a line above the bar. */
  log(print: () => void): void;
  /** Erase the bar for good. */
  stop(): void;
}

const ERASE = "\r\u001b[2K";
const WIDTH = 24;

export function formatEta(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function createProgressLine(
  write: (raw: string) => void,
  options: { columns?: number; now?: () => number } = {},
): ProgressLine {
  const now = options.now ?? (() => performance.now());
  const columns = Math.max(20, options.columns ?? 80);
  const started = now();
  let total = 0;
  let done = 0;
  let run = "";
  let drawn = false;
  let stopped = false;

  const text = () => {
    const filled = total === 0 ? 0 : Math.round((WIDTH * Math.min(done, total)) / total);
    const bar = "█".repeat(filled) + "░".repeat(WIDTH - filled);
    const eta = done === 0 ? "--" : formatEta(((now() - started) / done) * Math.max(0, total - done));
    const line = `magnitude ${bar} ${done}/${total} steps | ETA ${eta}${run ? ` | ${terminalSafe(run)}` : ""}`;
    // Never wider than the terminal: a wrapped line could not be erased with one \r.
    return [...line].slice(0, columns - 1).join("");
  };
  const draw = () => {
    if (stopped || total === 0) return;
    write(ERASE + text());
    drawn = true;
  };
  const erase = () => {
    if (drawn) write(ERASE);
    drawn = false;
  };
  return {
    setTotal(n) {
      if (n > total) total = n;
      draw();
    },
    step(r) {
      done++;
      run = r;
      if (done > total) total = done;
      draw();
    },
    log(print) {
      erase();
      print();
      draw();
    },
    stop() {
      erase();
      stopped = true;
    },
  };
}
