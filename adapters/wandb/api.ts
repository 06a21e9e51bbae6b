/**
 * The W&B wire: GraphQL at <base>/graphql, the filestream at <base>/files/<entity>/<project>/<run>/file_stream,
 * and signed storage URLs. The API key travels only to the base URL; signed URLs (directUrl,
 * uploadUrl) get no credentials at all (sendAuth "never"), whatever their host.
 */
import {
  type HttpClient,
  MagtrackError,
  redactText,
  TrackerError,
  urlForError,
} from "../../src/adapter-kit.js";

export interface WandbApi {
  graphql<T>(document: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
  fileStream(entity: string, project: string, run: string, body: string, signal?: AbortSignal): Promise<void>;
  /** GET a signed URL without credentials. */
  downloadSigned(url: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** PUT to a signed upload URL without credentials (headers from createRunFiles.uploadHeaders). */
  uploadSigned(
    url: string,
    body: Uint8Array,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<void>;
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: { message?: unknown; path?: unknown }[] | null;
}

const operationName = (document: string) => /\b(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "anonymous";

export function createWandbApi(http: HttpClient, secrets: readonly string[]): WandbApi {
  const graphqlUrl = new URL("graphql", http.baseUrl).toString();
  return {
    async graphql<T>(document: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<T> {
      const name = operationName(document);
      const res = await http.json<GraphqlResponse<T>>("POST", "graphql", {
        json: { query: document, variables, operationName: name },
        ...(signal ? { signal } : {}),
      });
      if (res?.errors && res.errors.length > 0) {
        const messages = res.errors
          .map((e) => (typeof e.message === "string" ? e.message : JSON.stringify(e)))
          .join("; ");
        throw new TrackerError({
          service: "W&B",
          method: "POST",
          url: urlForError(graphqlUrl),
          attempts: 1,
          code: "GRAPHQL_ERROR",
          serverMessage: redactText(messages, secrets).slice(0, 500),
          message: redactText(`W&B GraphQL ${name} failed: ${messages}`, secrets).slice(0, 800),
        });
      }
      if (res === null || res.data === undefined || res.data === null) {
        throw new TrackerError({
          service: "W&B",
          method: "POST",
          url: urlForError(graphqlUrl),
          attempts: 1,
          code: "BAD_RESPONSE",
          message: `W&B GraphQL ${name}: response has no data`,
        });
      }
      return res.data;
    },

    async fileStream(entity, project, run, body, signal) {
      const path = `files/${[entity, project, run].map(encodeURIComponent).join("/")}/file_stream`;
      await http.request({
        method: "POST",
        path,
        body,
        contentType: "application/json",
        responseType: "text",
        ...(signal ? { signal } : {}),
      });
    },

    async downloadSigned(url, maxBytes, signal) {
      assertHttpUrl(url);
      return http.download(url, { maxBytes, sendAuth: "never", ...(signal ? { signal } : {}) });
    },

    async uploadSigned(url, body, headers, signal) {
      assertHttpUrl(url);
      const contentType = headers["Content-Type"] ?? headers["content-type"];
      const rest = Object.fromEntries(
        Object.entries(headers).filter(([k]) => k.toLowerCase() !== "content-type"),
      );
      await http.request({
        method: "PUT",
        path: url,
        body,
        contentType: contentType ?? "application/octet-stream",
        headers: rest,
        sendAuth: "never",
        responseType: "text",
        ...(signal ? { signal } : {}),
      });
    },
  };
}

function assertHttpUrl(url: string): void {
  if (!/^https?:\/\//i.test(url)) {
    throw new MagtrackError(
      "tracker",
      "WANDB_BAD_URL",
      `W&B returned a non-HTTP signed URL (${urlForError(url)})`,
    );
  }
}

/** createRunFiles.uploadHeaders is a list of "Name:Value" strings. */
export function parseUploadHeaders(list: readonly string[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list ?? []) {
    const i = h.indexOf(":");
    if (i > 0) out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}
