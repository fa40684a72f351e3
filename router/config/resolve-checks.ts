/**
 * Config-time work on an action's checks, so the hot path only runs pure functions:
 * `labels_file` → `labels`, a JSON schema derived from the labels for structured output,
 * and a dry run that surfaces bad check params as config errors.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ActionConfig } from "./schema.js";
import { isKnownCheck, knownCheckIds, getCheck } from "../quality/registry.js";
import { CheckParamError } from "../quality/checks/params.js";
import { resolveFrom } from "./paths.js";

const LabelList = z.array(z.string().min(1)).min(1);

export function resolveActionChecks(args: { name: string; action: ActionConfig; dir: string; add: (path: PropertyKey[], msg: string) => void }): void {
  const { name, action, dir, add } = args;
  action.checks.forEach((c, i) => {
    const at = [name, "checks", i];
    if (!isKnownCheck(c.id)) return add([...at, "id"], `unknown check "${c.id}"; allowed: ${knownCheckIds().join(", ")}`);
    if (typeof c.labels_file === "string") {
      const path = resolveFrom(dir, c.labels_file);
      try {
        c.labels = LabelList.parse(JSON.parse(readFileSync(path, "utf8")));
        delete c.labels_file;
      } catch (err) {
        return add([...at, "labels_file"], `cannot read a JSON list of labels from ${path}: ${(err as Error).message.split("\n")[0]}`);
      }
    }
    const { id: _id, weight: _w, gate: _g, ...params } = c;
    const takes = getCheck(c.id).params;
    const unknown = Object.keys(params).filter((k) => !takes.includes(k));
    if (unknown.length > 0)
      return add(
        [...at, unknown[0]!],
        `check ${c.id} has no parameter \`${unknown[0]}\`; it takes ${takes.length ? takes.map((k) => `\`${k}\``).join(", ") : "none"} (and weight, gate)`,
      );
    try {
      getCheck(c.id).run({ text: "", finishReason: "stop", action: name, prompt: "" }, params);
    } catch (err) {
      if (err instanceof CheckParamError) add(at, `check ${c.id}: ${err.message}`);
      else throw err;
    }
  });
  const labels = action.checks.find((c) => c.id === "label_set")?.labels;
  if (action.output === "json" && !action.schema && Array.isArray(labels)) {
    action.schema = { type: "object", properties: { label: { type: "string", enum: labels } }, required: ["label"] };
  }
  if (action.checks.some((c) => c.id === "json_schema") && !action.schema) add([name, "schema"], "the json_schema check needs a `schema:` on the action");
}
