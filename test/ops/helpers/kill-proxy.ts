/**
 * A forwarding HTTP proxy on 127.0.0.1 between the CLI child and a fake tracker server, which counts
 * requests and can SIGKILL the child at request number k: "before" (the server never sees request
 * k) or "after" (the server has processed it — e.g. stored a batch — but the child dies before it
 * reads the answer, the worst case for duplicates).
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type KillMode = "before" | "after";

export interface KillPlan {
  readonly at: number;
  readonly mode: KillMode;
  readonly kill: () => void;
}

export class KillProxy {
  private server: Server | undefined;
  count = 0;
  /** Method and path (no query) of every request, in arrival order. */
  readonly log: { method: string; path: string; url: string; atMs: number }[] = [];
  /** Requests for which this returns true are held open and never answered (a stalled server). */
  stall: ((r: { method: string; path: string; url: string; n: number }) => boolean) | null = null;
  /** Answer a request here instead of forwarding it (scripted faults keyed by full URL). */
  respond:
    | ((r: { method: string; path: string; url: string; n: number }) => {
        status: number;
        headers: Record<string, string>;
        body: string;
      } | null)
    | null = null;
  /**
   * Requests for which this returns a promise wait for it before being handled as usual (a server
   * that answers late: the test decides when, e.g. after it has signalled the child).
   */
  hold: ((r: { method: string; path: string; url: string; n: number }) => Promise<void> | null) | null = null;
  /** Sockets of stalled requests, closed on stop(). */
  private readonly held = new Set<import("node:net").Socket>();
  killedAt: { n: number; method: string; path: string } | null = null;
  plan: KillPlan | null = null;
  url = "";

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const target = new URL(this.target);
    this.server = createServer(async (req, res) => {
      const n = ++this.count;
      const url = req.url ?? "";
      const entry = { method: req.method ?? "", path: url.split("?")[0]!, url, atMs: performance.now() };
      this.log.push(entry);
      const gate = this.hold?.({ ...entry, n });
      if (gate) await gate;
      if (this.stall?.({ ...entry, n })) {
        this.held.add(req.socket);
        req.resume(); // read the body, answer nothing
        return;
      }
      const scripted = this.respond?.({ ...entry, n });
      if (scripted) {
        req.resume();
        res.writeHead(scripted.status, scripted.headers);
        res.end(scripted.body);
        return;
      }
      const plan = this.plan;
      const hit = plan !== null && n === plan.at && this.killedAt === null;
      if (hit) this.killedAt = { n, method: req.method ?? "", path: (req.url ?? "").split("?")[0]! };
      if (hit && plan.mode === "before") {
        plan.kill();
        req.socket.destroy();
        return;
      }
      if (this.killedAt !== null && !hit) {
        req.socket.destroy(); // anything after the kill: the process is gone
        return;
      }
      const upstream = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (up) => {
          const chunks: Buffer[] = [];
          up.on("data", (c: Buffer) => chunks.push(c));
          up.on("end", () => {
            if (hit) {
              plan!.kill();
              req.socket.destroy();
              return;
            }
            res.writeHead(up.statusCode ?? 502, up.headers);
            res.end(Buffer.concat(chunks));
          });
        },
      );
      upstream.on("error", () => req.socket.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.held) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}
