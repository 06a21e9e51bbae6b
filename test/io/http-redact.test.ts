import { describe, expect, it } from "vitest";
import { redactHeaders, redactText, redactUrl, secretVariants, urlForError } from "../../src/io/redact.js";

describe("redact", () => {
  it("masks credential headers and keeps the others", () => {
    expect(
      redactHeaders({ Authorization: "Bearer abc", "Content-Type": "application/json", cookie: "s=1" }),
    ).toEqual({ Authorization: "***", "Content-Type": "application/json", cookie: "***" });
  });

  it("drops user info and query from URLs shown in errors", () => {
    expect(
      urlForError("https://bob:pw@mlflow.example.com:8443/api/2.0/mlflow/runs/get?run_id=1&token=x"),
    ).toBe("https://mlflow.example.com:8443/api/2.0/mlflow/runs/get");
  });

  it("masks passwords and signed query strings while keeping the URL's shape", () => {
    expect(redactUrl("https://bob:pw@h.example/p?run_id=7&access_token=abc")).toBe(
      "https://***@h.example/p?run_id=7&access_token=***",
    );
    // A signed URL: every query value belongs to the signature.
    expect(
      redactUrl("https://s3.example/b/k?X-Amz-Algorithm=AWS4&X-Amz-Expires=60&X-Amz-Signature=deadbeef"),
    ).toBe("https://s3.example/b/k?X-Amz-Algorithm=***&X-Amz-Expires=***&X-Amz-Signature=***");
  });

  it("scrubs free text: registered secrets, auth schemes, URL user info, sensitive query values", () => {
    const text =
      "failed for https://u:p4ss@host/x?sig=abc&run=1 with Authorization: Bearer eyJhbGciOi.x.y and key s3cr3t-value";
    const out = redactText(text, ["s3cr3t-value"]);
    expect(out).toBe(
      "failed for https://***@host/x?sig=***&run=1 with Authorization: Bearer *** and key ***",
    );
  });

  it("derives the wire forms of a secret (raw, URL-encoded, base64)", () => {
    expect(secretVariants(["a b+c", undefined, ""]).sort()).toEqual(
      ["a b+c", "a%20b%2Bc", Buffer.from("a b+c").toString("base64")].sort(),
    );
  });
});
