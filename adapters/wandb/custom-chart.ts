/**
 * Registering magtrack's chart (curve-chart.ts) with createCustomChart, as
 * wandb.Api().create_custom_chart does (wandb/apis/public/api.py → wandb-core
 * core/internal/wbapi/customcharthandler.go): variables entity, chartName, displayName,
 * chartType "vega2", access "PRIVATE" (the SDK upper-cases "private"), spec as a JSON string;
 * the answer's chart.id ("entity/name", tests/unit_tests/test_public_api/test_public_api.py) is the
 * panelDefId every panel uses. Once per adapter (one sync process), and only when a session
 * writes a panel. The chart's name carries the spec's hash, so an existing chart of that name has
 * this very spec: a second registration (another process, an earlier sync) that the server refuses
 * as existing is taken as done. The refusal's wording is not public (the server is closed source);
 * any other error fails the write with the server's message.
 */
import { isTrackerError, MagtrackError } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { CURVE_CHART_DISPLAY_NAME, CURVE_CHART_NAME, CURVE_CHART_SPEC_TEXT } from "./curve-chart.js";
import { CREATE_CUSTOM_CHART } from "./documents.js";

const ALREADY_EXISTS = /already exists|duplicate|unique constraint/i;

export function customChartRegistry(
  api: WandbApi,
  entity: string,
): (signal?: AbortSignal) => Promise<string> {
  let registered: Promise<string> | undefined;
  return (signal) => {
    registered ??= register(api, entity, signal).catch((error: unknown) => {
      registered = undefined; // a failed attempt (network, auth) is retried by the next session
      throw error;
    });
    return registered;
  };
}

async function register(api: WandbApi, entity: string, signal?: AbortSignal): Promise<string> {
  try {
    const data = await api.graphql<{ createCustomChart: { chart: { id: string | null } | null } | null }>(
      CREATE_CUSTOM_CHART,
      {
        entity,
        chartName: CURVE_CHART_NAME,
        displayName: CURVE_CHART_DISPLAY_NAME,
        chartType: "vega2",
        access: "PRIVATE",
        spec: CURVE_CHART_SPEC_TEXT,
      },
      signal,
    );
    const id = data.createCustomChart?.chart?.id;
    if (!id) {
      throw new MagtrackError(
        "tracker",
        "WANDB_CUSTOM_CHART",
        `W&B createCustomChart ${entity}/${CURVE_CHART_NAME} returned no chart id`,
      );
    }
    return id;
  } catch (error) {
    if (
      isTrackerError(error) &&
      error.code === "GRAPHQL_ERROR" &&
      ALREADY_EXISTS.test(error.serverMessage ?? "")
    ) {
      return `${entity}/${CURVE_CHART_NAME}`;
    }
    throw error;
  }
}
