/** The human table `bench calibrate` prints: one row per action × tier, refusals as numbered notes. */
import { pct } from "../../core/format.js";
import type { CalibrationMethod, CalibrationReport, ChoiceReport, GroupReport } from "./calibrate.js";

const OTHER: Record<CalibrationMethod, CalibrationMethod> = { risk_control: "escalation_share", escalation_share: "risk_control" };

export function renderCalibrationTable(report: CalibrationReport, opts: { params: Record<string, number>; file: string | undefined }): string {
  const other = OTHER[report.method];
  const notes: string[] = [];
  const refusalCell = (g: GroupReport, c: ChoiceReport): string => {
    if (!c.refused) return "";
    // Both methods usually refuse for the same reason (too few items); print it once.
    const note = `${g.action} ${g.tier ?? "(all tiers)"}: ${c.reason}`;
    if (!notes.includes(note)) notes.push(note);
    return `refused [${notes.indexOf(note) + 1}]`;
  };
  const header = ["action", "tier", "n", "acc", "AUROC", "ECE", "threshold", "coverage", "escalate", "acc. accepted", `${other} (not written)`];
  const rows = report.groups.map((g) => {
    const chosen = report.method === "risk_control" ? g.risk_control : g.escalation_share;
    const alt = report.method === "risk_control" ? g.escalation_share : g.risk_control;
    const main = chosen.refused
      ? [refusalCell(g, chosen), "", "", ""]
      : [num(chosen.threshold), pct(chosen.coverage), pct(chosen.escalation_rate), pct(chosen.accepted_accuracy)];
    const altCell = alt.refused ? refusalCell(g, alt) : `t=${num(alt.threshold)} esc ${pct(alt.escalation_rate)} acc ${pct(alt.accepted_accuracy)}`;
    return [g.action, g.tier ?? "(all tiers)", String(g.n), pct(g.accuracy), num(g.auroc), num(g.ece), ...main, altCell];
  });

  const p = opts.params;
  const lines = [
    `calibration of run ${report.source_run}, writing ${report.method} thresholds (risk_control: alpha=${p.alpha}, delta=${p.delta}; escalation_share: share=${p.share}; ECE over ${report.bins} bins)`,
    "",
    ...table([header, ...rows]),
  ];
  if (notes.length) lines.push("", ...notes.map((n, i) => `[${i + 1}] ${n}`));
  const fallbacks = report.groups.filter((g) => g.fallback !== null);
  if (fallbacks.length) lines.push("", ...fallbacks.map((g) => `- ${g.fallback}`));
  const x = report.excluded;
  lines.push("", `excluded from statistics: warm-up ${x.warmup}, errors ${x.errors}, ungraded ${x.ungraded}, without confidence ${x.without_confidence}`);
  if (report.refused_actions.length) {
    lines.push(`refused actions (no threshold written, the router falls back to the config's threshold): ${report.refused_actions.join(", ")}`);
  }
  if (report.written === 0) lines.push("nothing calibrated: no file written");
  else if (opts.file) lines.push(`wrote ${report.written} threshold${report.written === 1 ? "" : "s"} to ${opts.file}`);
  return lines.join("\n") + "\n";
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

function num(x: number | null): string {
  return x === null ? "n/a" : x.toFixed(3);
}
