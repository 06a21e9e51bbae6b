/** What a command needs from its environment, passed explicitly so commands run in-process in tests. */
export interface CliContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: progress bars allowed. */
  readonly isTTY: boolean;
  /** Raw writes to the terminal (stderr), for the progress bar's control sequences; only on a TTY. */
  readonly terminal?: { readonly write: (raw: string) => void; readonly columns: number };
  /** Aborts on SIGTERM / SIGINT / deadline. */
  readonly signal: AbortSignal;
  /**
   * performance.now() when the process started (main.ts: 0), so --max-duration also counts node's
   * start and the imports (seconds on a loaded machine). In-process callers omit it: the clock
   * then starts when the command does.
   */
  readonly startedAt?: number;
}
