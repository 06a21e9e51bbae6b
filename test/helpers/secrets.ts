/**
 * Every credential the test suite uses, in one list, so `npm test` (scripts/test-and-scan.mjs) can
 * scan all test output for them. Each is a distinctive string that cannot occur by accident.
 *
 * Rules: a test that needs a credential imports it from here (or adds its literal to this list);
 * a test that captures a child process's or the CLI's output checks it with expectNoSecret().
 * The scanner reads the string literals between the BEGIN/END markers below, so keep them plain
 * double-quoted literals, one per line.
 */
import { expect } from "vitest";

/** Credentials of the operations tests (test/ops). */
export const OPS_MLFLOW_USER = "ops-user-7c1d";
export const OPS_MLFLOW_PASSWORD = "ops-mlflow-pw-Q7z!9xK2-d4c1e5";
export const OPS_MLFLOW_TOKEN = "ops-bearer-tok-5b8e2a61f0c94d37";
export const OPS_WANDB_KEY = "ops-wandb-key-3f9a1c7e5d2b4a6081c3e5f7a9b1d3e5";
export const OPS_SIGNED_URL_SIGNATURE = "ops-sig-9e8d7c6b5a4f3e2d1c0b";

/** Usernames that travel with the passwords in Basic auth (the scan also looks for base64("user:secret")). */
// BEGIN USERS
export const TEST_USERS: readonly string[] = ["ops-user-7c1d", "alice", "api"];
// END USERS

// BEGIN SECRETS
export const TEST_SECRETS: readonly string[] = [
  "ops-mlflow-pw-Q7z!9xK2-d4c1e5",
  "ops-bearer-tok-5b8e2a61f0c94d37",
  "ops-wandb-key-3f9a1c7e5d2b4a6081c3e5f7a9b1d3e5",
  "ops-sig-9e8d7c6b5a4f3e2d1c0b",
  // used by other test files (listed so the scan covers them too)
  "mlflow-cli-test-password-5e2f",
  "local-test-key-0123456789abcdef0123456789abcdef",
  "wrong-key-abcdef0123456789",
  "tok-SECRET-1234567890",
  "hunter2-very-secret",
  "pa55-w0rd-SECRET",
  "dapi-0123456789abcdef",
  // --alert-webhook URL parts (test/alerts/webhook.test.ts): a Slack-style path token and a query token
  "T0-webhook-SECRET-9f3b2c",
  "hooksecret-q-7d21e0",
];
// END SECRETS

/**
 * The forms in which a secret can leak: as is, URL-encoded, base64 of itself, and base64 of every
 * "user:secret" Basic-auth pair (the Authorization header's value).
 */
export function leakForms(secret: string, users: readonly string[] = TEST_USERS): string[] {
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  return [secret, encodeURIComponent(secret), b64(secret), ...users.map((u) => b64(`${u}:${secret}`))];
}

/** Which leak forms of which listed secrets occur in the text (empty = clean). */
export function secretsIn(text: string): string[] {
  const found: string[] = [];
  for (const s of TEST_SECRETS) {
    if (leakForms(s).some((form) => text.includes(form))) found.push(s);
  }
  return found;
}

/** Assert that captured output holds no listed credential in any form; names which one leaked. */
export function expectNoSecret(text: string, where = "output"): void {
  // The message names the secret's position only, never prints the text around it.
  const leaks = secretsIn(text).map(
    (l) => `a listed test credential (#${TEST_SECRETS.findIndex((s) => l.startsWith(s))})`,
  );
  expect(leaks, `credential leaked into ${where}`).toEqual([]);
}
