/**
 * Issue 11: --max-duration bounds everything, each request's timeout included. A tracker that
 * accepts the connection and never answers: with `--max-duration 1s` the sync ends once the
 * deadline and its stated grace (10 % of it, at least 100 ms: graceFor) have passed, not at the
 * 30 s request timeout, and says it stopped early with exit 3. Fake timers (setTimeout only; the
 * sockets are real): the clock is moved by hand, so the test does not depend on machine speed.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { graceFor } from "../../src/cli/commands/sync.js";
import { EXIT_STOPPED_EARLY } from "../../src/cli/exit-codes.js";
import { cli } from "../helpers/cli.js";
import { lockFile } from "./helpers/mlflow-ops.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0)) await c();
});

/** Accepts TCP connections, reads whatever comes, and never writes a byte. */
async function silentServer(): Promise<{ url: string; firstRequest: Promise<void>; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  let seen!: () => void;
  const firstRequest = new Promise<void>((resolve) => {
    seen = resolve;
  });
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on("data", () => seen());
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, firstRequest, sockets };
}

describe("--max-duration against a tracker that never answers", () => {
  it("ends after the deadline + grace, not at the 30 s request timeout, with exit 3 and stoppedEarly", async () => {
    const { url, firstRequest } = await silentServer();
    const lock = await lockFile();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let finished = false;
    const run = cli(
      [
        "sync",
        "--tracker",
        "mlflow",
        "--experiment",
        "exp",
        "--max-duration",
        "1s",
        "--json",
        "--workers",
        "1",
        "--lock-file",
        lock,
      ],
      { env: { MLFLOW_TRACKING_URI: url } },
    ).finally(() => {
      finished = true;
    });
    await firstRequest; // the request is in flight; its own timeout (30 s) has been armed
    await vi.advanceTimersByTimeAsync(900);
    expect(finished).toBe(false); // before the deadline nothing ends it
    await vi.advanceTimersByTimeAsync(100 + graceFor(1000) + 50);
    const result = await run; // resolves without the clock moving further: 1.25 s of 30 s
    expect(result.code).toBe(EXIT_STOPPED_EARLY);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({
      type: "summary",
      runs: 0,
      stoppedEarly: "--max-duration 1s reached",
    });
    expect(graceFor(1000)).toBe(100);
    expect(graceFor(20_000)).toBe(2000); // the case: 20 s ends by 22 s
  });
});
