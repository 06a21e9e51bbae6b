/**
 * The report as W&B media in the report run's summary, in the shapes the official Python client
 * writes for `run.summary[key] = wandb.Table(...)` / `wandb.Html(...)` (wandb/wandb at b6e29505):
 *
 *   file name  media/<table|html>/<key>_summary_<sha256[:20]><ext>
 *              (base_types/media.py Media.bind_to_run with step = the "summary" namespace of
 *              data_types/utils.py val_to_json; _wb_filename gives "<key>_<step>_<id><ext>";
 *              Table.get_media_subdir "media/table", Html.get_media_subdir "media/html")
 *   table      {"columns": [...], "data": [[...]]}, extension ".table.json" (table.py bind_to_run /
 *              _to_table_json); summary {"_type": "table-file", "sha256", "size", "path", "ncols",
 *              "nrows", "log_mode": "IMMUTABLE"} (Media.to_json, then Table.to_json for a Run)
 *   html       the page itself, ".html"; summary {"_type": "html-file", "sha256", "size", "path"}
 *              (html.py Html.to_json; written without the injected stylesheet, as inject=False does)
 *
 * Content-addressed names: an unchanged report uploads the same names; a changed one new names,
 * and the summary points to them. Keys: report/correlations (the table), report/how_early/<outcome>
 * (the how-early chart, its SVG in a page), report/index (the whole report).
 */
import { createHash } from "node:crypto";
import { type ExperimentReport, MagtrackError } from "../../src/adapter-kit.js";
import { type ExtendedJson, isJsonObject, parseExtended } from "./extended-json.js";

export const REPORT_SUMMARY_PREFIX = "report/";
export const TABLE_KEY = `${REPORT_SUMMARY_PREFIX}correlations`;
export const INDEX_KEY = `${REPORT_SUMMARY_PREFIX}index`;
export const howEarlyKey = (outcome: string) => `${REPORT_SUMMARY_PREFIX}how_early/${outcome}`;

export interface ReportMedia {
  readonly files: { path: string; bytes: Uint8Array; contentType: string }[];
  /** Summary entries by key (every key starts with REPORT_SUMMARY_PREFIX). */
  readonly summary: Record<string, Record<string, ExtendedJson>>;
}

const textOf = (body: string | Uint8Array) =>
  typeof body === "string" ? body : new TextDecoder().decode(body);

function mediaFile(subdir: "table" | "html", key: string, bytes: Uint8Array, ext: string) {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const path = `media/${subdir}/${key}_summary_${sha256.slice(0, 20)}${ext}`;
  return { path, sha256, size: bytes.byteLength };
}

/** The how-early SVG as a page of its own (an html-file panel shows a page, not a bare SVG). */
export function svgPage(title: string, svg: string): string {
  const safe = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${safe}</title></head><body>${svg}</body></html>`;
}

export function reportMedia(report: ExperimentReport, where: string): ReportMedia {
  const files: ReportMedia["files"] = [];
  const summary: ReportMedia["summary"] = {};
  const enc = new TextEncoder();
  for (const f of report.files) {
    if (f.path === "correlations.json") {
      const bytes = typeof f.body === "string" ? enc.encode(f.body) : f.body;
      const table = parseExtended(textOf(f.body), `${where} ${f.path}`);
      const columns = isJsonObject(table) ? table.columns : undefined;
      const data = isJsonObject(table) ? table.data : undefined;
      if (!Array.isArray(columns) || !Array.isArray(data)) {
        throw new MagtrackError(
          "format",
          "REPORT_TABLE_SHAPE",
          `${where}: ${f.path} is not a table ({"columns": [...], "data": [...]})`,
        );
      }
      const m = mediaFile("table", TABLE_KEY, bytes, ".table.json");
      files.push({ path: m.path, bytes, contentType: "application/json" });
      summary[TABLE_KEY] = {
        _type: "table-file",
        sha256: m.sha256,
        size: m.size,
        path: m.path,
        ncols: columns.length,
        nrows: data.length,
        log_mode: "IMMUTABLE",
      };
    } else if (f.path.endsWith(".svg")) {
      const outcome = f.path.replace(/^how-early-/, "").replace(/\.svg$/, "");
      const key = howEarlyKey(outcome);
      const bytes = enc.encode(svgPage(`how early: ${outcome}`, textOf(f.body)));
      const m = mediaFile("html", key, bytes, ".html");
      files.push({ path: m.path, bytes, contentType: "text/html; charset=utf-8" });
      summary[key] = { _type: "html-file", sha256: m.sha256, size: m.size, path: m.path };
    } else if (f.path === report.entry && f.path.endsWith(".html")) {
      const bytes = typeof f.body === "string" ? enc.encode(f.body) : f.body;
      const m = mediaFile("html", INDEX_KEY, bytes, ".html");
      files.push({ path: m.path, bytes, contentType: "text/html; charset=utf-8" });
      summary[INDEX_KEY] = { _type: "html-file", sha256: m.sha256, size: m.size, path: m.path };
    }
  }
  return { files, summary };
}
