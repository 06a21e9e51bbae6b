/** Shared test setup: a fake W&B server and an adapter pointed at it (no real waiting on retries). */
import { createWandbAdapter, type WandbAdapterOptions } from "../../../adapters/wandb/index.js";
import { FakeWandbServer } from "./fake-server.js";

export const TEST_KEY = "local-test-key-0123456789abcdef0123456789abcdef";

export async function startFake(): Promise<FakeWandbServer> {
  return new FakeWandbServer(TEST_KEY).start();
}

export function adapterFor(fake: FakeWandbServer, extra: Partial<WandbAdapterOptions> = {}) {
  return createWandbAdapter({
    apiKey: TEST_KEY,
    entity: "team",
    project: "proj",
    baseUrl: fake.baseUrl,
    http: { sleep: async () => {}, timeoutMs: 10_000 },
    now: () => Date.UTC(2026, 6, 1, 12, 0, 0),
    verifyDelaysMs: [0, 0],
    ...extra,
  });
}
