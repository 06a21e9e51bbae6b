/**
 * Writes to stdout / stderr that survive the reader going away.
 *
 * `magtrack sync --json | head -1`, a log shipper that restarts, or a redirect onto a full disk make
 * a write fail (EPIPE, ENOSPC, EIO). Node reports that as an 'error' event on the stream; unhandled,
 * it crashes the process with a stack trace and leaves the lock file and the run leases behind.
 *
 * Here the first failed write marks the stream closed: nothing more is written to it, and for stdout
 * `onClosed` is called once. The CLI treats a closed stdout as a reason to stop early (like SIGTERM:
 * no new file is started, what is computed is written, locks and leases are released) and exits
 * EXIT_OUTPUT_CLOSED (141 = 128 + SIGPIPE, what a shell reports for a command whose pipe closed).
 * A closed stderr only silences the diagnostics: the NDJSON on stdout is what a monitor reads.
 */
export interface GuardedOutput {
  readonly write: (text: string) => void;
  /** The errno (EPIPE, …) of the write that failed, or null while the stream works. */
  readonly closedBy: () => string | null;
}

export function guardOutput(
  stream: NodeJS.WritableStream,
  onClosed: (code: string) => void = () => {},
): GuardedOutput {
  let closedBy: string | null = null;
  const close = (error: unknown) => {
    if (closedBy !== null) return;
    closedBy = (error as NodeJS.ErrnoException | null)?.code ?? "EIO";
    onClosed(closedBy);
  };
  stream.on("error", close);
  return {
    write: (text) => {
      if (closedBy !== null) return;
      try {
        // Pipes to a closed reader fail asynchronously (the 'error' event above); files may throw.
        stream.write(text, (error) => {
          if (error) close(error);
        });
      } catch (error) {
        close(error);
      }
    },
    closedBy: () => closedBy,
  };
}
