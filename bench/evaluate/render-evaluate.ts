/** The readable table `bench evaluate` prints: one row per policy, then the goal lines, AUROC per signal and RouteLLM's metrics. */
import type { EvaluateReport, PolicyPoint } from "./frontier-types.js";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${(100 * x).toFixed(1)} %`);
const num = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? "n/a" : x.toFixed(d));
const usd = (x: number) => `$${x.toFixed(x < 1 ? 4 : 2)}`;

export function renderEvaluateTable(r: EvaluateReport): string {
  const lines: string[] = [];
  lines.push(
    `bench evaluate: ${r.dataset}${r.action ? ` (action ${r.action})` : ""}: fitted on ${r.split.fit} items, judged on the other ${r.split.eval} (split seed ${r.split.seed})`,
  );
  lines.push("accuracy: graded answers on the judged items (replayed or measured, as the run was); cost: tokens × list prices plus configured local cost", "");
  const header = ["", "policy", "accuracy (95 % CI)", "API", "$/1k", "kept", "kept error (upper)", "≤ α"];
  const rows = r.policies.map((p) => [
    p.recommended ? "*" : "",
    p.name,
    `${pct(p.accuracy)} (${pct(p.accuracy_ci95.lower)}–${pct(p.accuracy_ci95.upper)})`,
    pct(p.api_share),
    usd(p.cost_per_1k_usd),
    String(Math.round(p.kept)),
    p.kept_error === null ? "n/a" : `${pct(p.kept_error)} (${pct(p.kept_error_upper)})`,
    p.within_alpha === null || p.within_alpha === undefined ? "" : p.within_alpha ? `yes (α ${pct(p.alpha)})` : `NO (α ${pct(p.alpha)})`,
  ]);
  lines.push(...table([header, ...rows]), "* recommended by the calibration rule, chosen on the fit part only", "");
  const best = r.policies.find((p) => p.recommended);
  if (best) lines.push(...goalLines(best, r.policies), "");
  if (r.signals?.length) {
    lines.push("AUROC per signal on the judged items (bootstrap 95 % CI), per scored cell:");
    lines.push(
      ...table([
        ["policy", "cell", "model", "signal", "AUROC", "95 % CI", "n"],
        ...r.signals.map((s) => [s.policy, s.cell, s.model, s.signal, num(s.auroc), `${num(s.lower)}–${num(s.upper)}`, String(s.n)]),
      ]),
      "",
    );
  }
  if (r.routellm?.length) {
    lines.push("RouteLLM metrics (P(correct) of the first cell routes between its model and the final API model):");
    lines.push(
      ...table([
        ["policy", "local", "api", "weak", "strong", "APGR", "CPT(50)", "CPT(80)", "CPT(95)"],
        ...r.routellm.map((m) => [
          m.policy,
          m.local,
          m.api,
          pct(m.weak),
          pct(m.strong),
          num(m.apgr),
          pct(m.calls_to_gap["50"]),
          pct(m.calls_to_gap["80"]),
          pct(m.calls_to_gap["95"]),
        ]),
      ]),
      "",
    );
  }
  if (r.notes?.length) lines.push("notes:", ...r.notes.map((n) => `- ${n}`));
  return lines.join("\n") + "\n";
}

/** The recommended policy against each API model alone: the decision in one line per model. */
function goalLines(best: PolicyPoint, all: readonly PolicyPoint[]): string[] {
  const apiSingles = all.filter((p) => p.kind === "single" && p.policy === null && p.api_share === 1);
  return apiSingles.map(
    (api) =>
      `recommended ${best.policy}: ${pct(best.accuracy)} accuracy = ${pct(api.accuracy === 0 ? null : best.accuracy / api.accuracy)} of ${api.name}'s alone (${pct(api.accuracy)}), ` +
      `${pct(best.api_share)} of requests to the API, ${pct(api.cost_per_1k_usd === 0 ? null : best.cost_per_1k_usd / api.cost_per_1k_usd)} of its cost`,
  );
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd(),
  );
}
