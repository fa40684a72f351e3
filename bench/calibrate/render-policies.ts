/** The version-2 part of `bench calibrate`'s table: per action, each policy's cells, expected metrics and the recommendation. */
import type { Calibration } from "../../router/config/calibration.js";
import type { PolicyReport } from "./calibrate.js";

const pct = (x: number | null) => (x === null ? "n/a" : `${(100 * x).toFixed(1)} %`);

export function renderPolicies(calibration: Calibration, reports: readonly PolicyReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(
      "",
      `policies for ${r.action} (α = ${r.alpha}, δ = ${r.delta}; ${r.items} items${r.dropped ? `, ${r.dropped} left out: e.g. ${r.dropped_example}` : ""}):`,
    );
    if (r.skipped) {
      lines.push(`  none: ${r.skipped}`);
      continue;
    }
    for (const p of calibration.policies.filter((x) => x.action === r.action)) {
      const cells = p.cells
        .map((c) => `${c.models.slice(0, c.calls).join(" + ")}${c.threshold === null ? "" : ` (P ≥ ${c.threshold}, keeps ${c.accept.k}/${c.accept.n})`}`)
        .join(" → ");
      const e = p.expected;
      lines.push(`  ${p.recommended ? "*" : " "} ${p.kind.padEnd(9)} ${cells}`);
      lines.push(
        `      accuracy ${pct(e.accuracy)}, API ${pct(e.api_share)}, $${e.cost_per_1k_usd.toFixed(4)} per 1k, kept error ${pct(e.kept_error)} (bound ${pct(e.kept_error_upper)}); out-of-fold, on the fit items`,
      );
    }
    const chosen = calibration.policies.find((p) => p.action === r.action && p.recommended);
    if (chosen) lines.push(`  ${chosen.reason}`);
    for (const n of r.notes) lines.push(`  - ${n}`);
  }
  return lines.join("\n") + "\n";
}
