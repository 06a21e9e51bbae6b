/** `magtrack compute <files...>`: magnitude profiles of activation files, no tracker involved. */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import type { ActivationFormat } from "../../adapter-kit.js";
import { renderCurvesSvg } from "../../charts/index.js";
import { MagtrackError } from "../../core/errors.js";
import { computeProfile } from "../../core/profile.js";
import type { MagnitudeProfile, PointCloud } from "../../core/types.js";
import { parseActivation } from "../../io/activation.js";
import { onInputFile } from "../../io/io-error.js";
import { chooseProbeRows, selectRows } from "../../sync/probe-rows.js";
import { EXIT_OK, EXIT_RUNS_FAILED } from "../exit-codes.js";
import type { CliContext } from "../io.js";
import { type ComputeArgs, settingsFromArgs } from "../options.js";

export type ComputeCommandArgs = ComputeArgs & {
  files: string[];
  json: boolean;
  svg?: string;
  maxFileBytes: number;
};

const FORMATS: Record<string, ActivationFormat> = {
  ".npy": "npy",
  ".npz": "npz",
  ".safetensors": "safetensors",
};

function formatOf(path: string): ActivationFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new MagtrackError("format", "UNKNOWN_EXTENSION", `${path}: expected .npy, .npz or .safetensors`);
  }
  return format;
}

function profileJson(
  file: string,
  array: string | null,
  p: MagnitudeProfile,
  nRowsOriginal: number,
  tSource: string,
) {
  return {
    file,
    array,
    cloud: array === null ? file : `${file}:${array}`,
    n: p.n,
    n_rows_original: nRowsOriginal,
    n_distinct: p.nDistinct,
    duplicates_removed: p.duplicatesRemoved,
    d: p.d,
    metric: p.metric,
    q: p.q,
    t_conv: p.tConv,
    T: p.T,
    T_source: tSource,
    grid: p.grid,
    scales: Array.from(p.scales),
    magnitude: Array.from(p.magnitude),
    solvers: p.solveInfo.map((s) => s.solver),
    mag_area: p.magArea,
    mag_area_scaled: p.magAreaScaled,
    magnitude_dimension: p.magnitudeDimension,
    // TAG23 Algorithm 1 on log-spaced scales below t_conv, interval by the rule in docs/trajectory.md
    magnitude_dimension_fit: p.dimensionFit?.dimension ?? null,
    fit_interval: p.dimensionFit?.interval ?? null,
    dimension_profile: {
      scales: Array.from(p.dimensionProfile.scales),
      values: Array.from(p.dimensionProfile.values),
    },
    timings_ms: p.timingsMs,
  };
}

/**
 * The bytes of a file named on the command line: its size checked against --max-file-bytes before it
 * is read, errno failures (missing, a folder, no permission) as a typed error naming the file.
 * readFile's Buffer is a Uint8Array: parsed in place, not copied (4 MB at 2000 × 512 float32).
 */
function readInputFile(file: string, path: string, maxBytes: number): Promise<Uint8Array> {
  return onInputFile(file, async () => {
    const size = (await stat(path)).size;
    if (size > maxBytes) {
      throw new MagtrackError(
        "format",
        "TOO_LARGE",
        `${file}: ${size} bytes exceeds --max-file-bytes ${maxBytes}`,
      );
    }
    return readFile(path);
  });
}

const fmt = (x: number | null) => (x === null || !Number.isFinite(x) ? String(x) : x.toPrecision(6));

export async function runCompute(args: ComputeCommandArgs, ctx: CliContext): Promise<number> {
  const settings = settingsFromArgs(args);
  let failures = 0;
  const rows: string[][] = [];
  // One T for every cloud of the call, so their curves and areas compare: --t-max, or the first
  // cloud's t_conv (a cloud and its ×2 copy then differ, as they should).
  let sharedT = settings.tMax;
  let tSource = settings.tMax === undefined ? "" : "pinned (--t-max)";
  for (const file of args.files) {
    const path = resolve(ctx.cwd, file);
    try {
      const format = formatOf(path);
      const parsed = parseActivation(await readInputFile(file, path, args.maxFileBytes), {
        source: file,
        format,
        maxBytes: args.maxFileBytes,
      });
      const clouds: [string | null, PointCloud][] =
        parsed instanceof Map ? [...parsed.entries()] : [[null, parsed]];
      for (const [array, full] of clouds) {
        const label = array === null ? file : `${file}:${array}`;
        const cloud = selectRows(
          full,
          chooseProbeRows(full.n, settings.maxPoints, `${basename(file)}\u0000${array ?? ""}`),
        );
        if (cloud.n < full.n && !args.json) {
          ctx.stderr(`${label}: ${full.n} rows, subsampled to ${cloud.n} (--max-points)\n`);
        }
        const profile = computeProfile(cloud, {
          metric: settings.metric,
          q: settings.q,
          nScales: settings.nScales,
          grid: settings.grid,
          mode: settings.mode,
          ...(sharedT === undefined ? {} : { tMax: sharedT }),
          dimensionFit: true,
          source: label,
          ...(settings.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: settings.maxMemoryBytes }),
        });
        if (sharedT === undefined && profile.tConv !== null && profile.tConv > 0) {
          sharedT = profile.tConv;
          tSource = `t_conv(q=${settings.q}) of ${label}`;
          if (!args.json) ctx.stderr(`T = ${fmt(sharedT)} for every file of this call (${tSource})\n`);
        }
        const thisSource = tSource === "" ? `t_conv(q=${settings.q}) of ${label}` : tSource;
        if (args.json)
          ctx.stdout(JSON.stringify(profileJson(file, array, profile, full.n, thisSource)) + "\n");
        else {
          rows.push([
            label,
            String(profile.n),
            String(profile.nDistinct),
            fmt(profile.tConv),
            fmt(profile.T),
            fmt(profile.magAreaScaled),
            fmt(profile.magnitudeDimension),
            fmt(profile.magnitude[profile.magnitude.length - 1]!),
            [...new Set(profile.solveInfo.map((s) => s.solver))].join("+"),
          ]);
        }
        if (args.svg !== undefined) {
          const dir = resolve(ctx.cwd, args.svg);
          await mkdir(dir, { recursive: true });
          const layer = array ?? basename(file, extname(file));
          const svg = renderCurvesSvg(
            layer,
            [
              {
                layer,
                step: 0,
                metrics: { n_points: profile.nDistinct },
                curve: { t: Array.from(profile.scales), magnitude: Array.from(profile.magnitude) },
              },
            ],
            {
              layer,
              T: profile.T,
              step: 0,
              source: settings.tMax === undefined ? `t_conv(q=${settings.q})` : "pinned",
            },
          );
          const out = join(
            dir,
            `${basename(file, extname(file))}${array === null ? "" : `.${encodeURIComponent(array)}`}.svg`,
          );
          await writeFile(out, svg);
          if (!args.json) ctx.stderr(`wrote ${out}\n`);
        }
      }
    } catch (error) {
      failures++;
      // Typed errors already name the file; anything else gets the file and its stack.
      const message =
        error instanceof MagtrackError
          ? `${error.message} [${error.code}]`
          : `${file}: unexpected error: ${(error as Error)?.stack ?? String(error)}`;
      if (args.json) ctx.stdout(JSON.stringify({ file, error: message }) + "\n");
      else ctx.stderr(`✗ ${message}\n`);
    }
  }
  if (!args.json && rows.length > 0) {
    const header = ["file", "n", "distinct", "t_conv", "T", "area/T", "dim", "Mag(T)", "solver"];
    const table = [header, ...rows];
    const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
    for (const r of table)
      ctx.stdout(
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join("  ")
          .trimEnd() + "\n",
      );
  }
  return failures > 0 ? EXIT_RUNS_FAILED : EXIT_OK;
}
