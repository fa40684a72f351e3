/**
 * A calibration entry is looked up by action, tier and model id. One whose key names nothing in the
 * config (a typo, a renamed tier, a file calibrated for another config) would silently never apply,
 * so it is an error at the file and line of the key.
 */
import type { Calibration } from "./calibration.js";
import { CONSENSUS_CELL } from "./calibration.js";
import type { RouterConfigData } from "./schema.js";
import { issuesToError, type SourceIssue } from "../../core/validate-source.js";

export function checkCalibrationRefs(args: {
  file: string;
  locate: (path: ReadonlyArray<PropertyKey>) => number | undefined;
  calibration: Calibration;
  data: RouterConfigData;
}): void {
  const { calibration: c, data } = args;
  const issues: SourceIssue[] = [];
  const actions = Object.keys(data.actions);
  const tiers = Object.keys(data.tiers);
  const models = Object.values(data.tiers).flatMap((t) => t.models.map((m) => m.id));
  const add = (path: PropertyKey[], message: string) => issues.push({ line: args.locate(path), field: path.join("."), message });
  const action = (path: PropertyKey[], name: string) => {
    if (!data.actions[name]) add(path, `unknown action "${name}"; the config's actions: ${actions.join(", ")}`);
  };
  const tier = (path: PropertyKey[], name: string, also: string[] = []) => {
    if (!data.tiers[name] && !also.includes(name)) add(path, `unknown tier "${name}"; the config's tiers: ${[...tiers, ...also].join(", ")}`);
  };
  const model = (path: PropertyKey[], id: string) => {
    if (!models.includes(id)) add(path, `unknown model id "${id}"; the config's models: ${models.join(", ")}`);
  };
  c.thresholds.forEach((t, i) => {
    action(["thresholds", i, "action"], t.action);
    if (t.tier !== undefined) tier(["thresholds", i, "tier"], t.tier);
  });
  c.scorers.forEach((s, i) => {
    action(["scorers", i, "action"], s.action);
    tier(["scorers", i, "cell"], s.cell, [CONSENSUS_CELL]);
    s.models.forEach((m, j) => model(["scorers", i, "models", j], m));
  });
  c.policies.forEach((p, i) => {
    action(["policies", i, "action"], p.action);
    p.cells.forEach((cell, j) => {
      tier(["policies", i, "cells", j, "cell"], cell.cell, [CONSENSUS_CELL]);
      tier(["policies", i, "cells", j, "tier"], cell.tier);
      cell.models.forEach((m, k) => model(["policies", i, "cells", j, "models", k], m));
    });
  });
  c.final_accuracy.forEach((f, i) => {
    action(["final_accuracy", i, "action"], f.action);
    tier(["final_accuracy", i, "tier"], f.tier);
    model(["final_accuracy", i, "model_id"], f.model_id);
  });
  if (issues.length > 0) {
    throw issuesToError(
      args.file,
      issues.slice(0, 5),
      issues.length,
      "run `tierlab bench calibrate` again with this config, or pass --calibration with a file calibrated for it",
    );
  }
}
