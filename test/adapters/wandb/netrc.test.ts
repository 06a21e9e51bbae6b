/**
 * The W&B key from .netrc, looked up as the official client does (wbnetrc.py
 * read_netrc_auth_with_source: machine = urlsplit(base_url).netloc, Python's netrc
 * authenticators). Expected keys come from Python's own netrc module on the same files:
 * test/fixtures/wandb/netrc-cases.json, made by scripts/make-netrc-fixtures.py (its header says how).
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveWandbOptions, wandbAdapterFromEnv } from "../../../adapters/wandb/from-env.js";
import { netlocOf, netrcPassword, netrcPath } from "../../../adapters/wandb/netrc.js";
import { startFake, TEST_KEY } from "./harness.js";

const FIXTURE: {
  python: string;
  files: Record<string, string>;
  cases: { file: string; url: string; key: string | null }[];
} = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../fixtures/wandb/netrc-cases.json"), "utf8"));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function tempHome(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "magtrack-netrc-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe(`netrc lookup agrees with Python ${FIXTURE.python}'s netrc module`, () => {
  it.each(FIXTURE.cases)("$file, $url → $key", ({ file, url, key }) => {
    const machine = netlocOf(url);
    expect(machine === undefined ? null : (netrcPassword(FIXTURE.files[file]!, machine) ?? null)).toBe(key);
  });

  it("netloc is host and port as written in the URL", () => {
    expect(netlocOf("http://wandb.local:8080/")).toBe("wandb.local:8080");
    expect(netlocOf("https://api.wandb.ai")).toBe("api.wandb.ai");
    expect(netlocOf("https://wandb.local:443/x?y")).toBe("wandb.local:443");
    expect(netlocOf("not a url")).toBeUndefined();
  });
});

describe("the netrc file path, as _get_netrc_file_path", () => {
  it("$NETRC first; else ~/.netrc if present; else ~/_netrc if present; else ~/.netrc", async () => {
    const home = await tempHome();
    expect(netrcPath({ NETRC: "/x/netrc" }, home)).toBe("/x/netrc");
    expect(netrcPath({ NETRC: "~/n" }, home)).toBe(join(home, "n"));
    expect(netrcPath({}, home)).toBe(join(home, ".netrc"));
    await writeFile(join(home, "_netrc"), "");
    expect(netrcPath({}, home)).toBe(join(home, "_netrc"));
    await writeFile(join(home, ".netrc"), "");
    expect(netrcPath({}, home)).toBe(join(home, ".netrc"));
  });
});

describe("a self-hosted server on a port, after `wandb login --host http://127.0.0.1:<port>`", () => {
  it("the key of `machine 127.0.0.1:<port>` authenticates against that server", async () => {
    const fake = await startFake();
    cleanups.push(() => fake.stop());
    fake.addRun({ name: "r1" });
    const home = await tempHome();
    const machine = netlocOf(fake.baseUrl)!;
    expect(machine).toMatch(/^127\.0\.0\.1:\d+$/);
    // The lines wbnetrc._update_netrc writes (shlex.quote leaves host:port unquoted).
    await writeFile(
      join(home, ".netrc"),
      `machine api.wandb.ai\n  login user\n  password wrong-cloud-key\nmachine ${machine}\n  login user\n  password ${TEST_KEY}\n`,
    );
    const env = { HOME: home, WANDB_BASE_URL: fake.baseUrl, WANDB_ENTITY: "team", WANDB_PROJECT: "proj" };
    const adapter = wandbAdapterFromEnv(env);
    const ids: string[] = [];
    for await (const r of adapter.listRuns({})) ids.push(r.id);
    expect(ids).toEqual(["r1"]);
  });

  it("a bare-host entry does not match a URL with a port (the official client finds no key either)", async () => {
    const home = await tempHome();
    await writeFile(join(home, ".netrc"), `machine 127.0.0.1 login user password ${TEST_KEY}\n`);
    expect(() =>
      resolveWandbOptions({
        HOME: home,
        WANDB_BASE_URL: "http://127.0.0.1:8080",
        WANDB_ENTITY: "e",
        WANDB_PROJECT: "p",
      }),
    ).toThrow(
      expect.objectContaining({
        code: "WANDB_NO_KEY",
        message: expect.stringContaining('"machine 127.0.0.1:8080 login user password <key>"'),
      }),
    );
  });
});
