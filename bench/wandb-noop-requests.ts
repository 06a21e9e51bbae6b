/**
 * Requests a W&B sync with nothing new sends, against the in-process fake server
 * (test/adapters/wandb/fake-server.ts) holding `count` finished runs magtrack already synced
 * (test/adapters/wandb/synced-project.ts). Counts requests, not time, so the load does not matter.
 *   npx tsx bench/wandb-noop-requests.ts [count ...]      (default: 100 2000)
 */
import { syncRuns } from "../src/sync/run-many.js";
import { adapterFor, startFake } from "../test/adapters/wandb/harness.js";
import { requestsByKind, seedSyncedProject, syncOptions } from "../test/adapters/wandb/synced-project.js";

const counts = process.argv.slice(2).map(Number);
for (const count of counts.length > 0 ? counts : [100, 2000]) {
  const fake = await startFake();
  try {
    const adapter = adapterFor(fake);
    await seedSyncedProject(fake, adapter, count);
    const summary = await syncRuns(syncOptions(adapterFor(fake)));
    const total = fake.log.length;
    const kinds = Object.entries(requestsByKind(fake))
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    console.log(
      `${count} unchanged runs: ${total} requests (${(total / count).toFixed(2)} per run; ` +
        `runs ${summary.runs}, written ${summary.stepsWritten}) — ${kinds}`,
    );
  } finally {
    await fake.stop();
  }
}
