/**
 * Checks of the last 24 h in the ledger: the seed's "High API fallback rate", "Latency issues" and
 * "Quality check failures". Too little traffic is reported as ok with the count, not judged.
 */
import { quantileSorted } from "simple-statistics";
import type { LedgerRecord } from "../contracts/ledger-record.js";
import { summariseUsage } from "../ledger/usage.js";
import type { DoctorContext, DoctorFinding } from "./contract.js";

export function checkFallbackRate(ctx: DoctorContext, records: LedgerRecord[]): DoctorFinding {
  const { fallbackRate: limit, minSamples } = ctx.thresholds;
  const until = ctx.now();
  const local = new Set(
    Object.entries(ctx.config.data.tiers)
      .filter(([, t]) => t.local)
      .map(([n]) => n),
  );
  const s = summariseUsage(records, { since: new Date(until.getTime() - ctx.thresholds.windowMs), until }, local);
  const id = "ledger.fallback_rate";
  if (s.requests < minSamples || s.fallbackRate === null)
    return { id, status: "ok", message: `${s.requests} requests in the last 24 h: too few to judge the fallback rate` };
  const rate = `${(s.fallbackRate * 100).toFixed(1)} %`;
  if (s.fallbackRate <= limit)
    return { id, status: "ok", message: `fallback rate ${rate} over ${s.requests} requests in the last 24 h (limit ${limit * 100} %)` };
  const worst = worstAction(records);
  return {
    id,
    status: "warn",
    message: `fallback rate ${rate} over ${s.requests} requests in the last 24 h is above ${limit * 100} %${worst ? `; highest for action "${worst.action}" (${(worst.rate * 100).toFixed(0)} % of ${worst.n})` : ""}: the local tiers' answers often miss their threshold`,
    fix: `run \`tierlab bench calibrate\` to set thresholds from labelled data; if a local tier is too weak for ${worst ? `"${worst.action}"` : "an action"}, start it on a stronger tier (actions.<name>.tier: LOCAL_QUALITY)`,
  };
}

/** p95 attempt latency per tier against the tier's configured latency_ms upper bound. */
export function checkLatency(ctx: DoctorContext, records: LedgerRecord[]): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  for (const [name, tier] of Object.entries(ctx.config.data.tiers)) {
    if (!tier.latency_ms) continue;
    const upper = tier.latency_ms[1];
    const lat = records
      .filter((r) => r.tier === name && (r.verdict === "accepted" || r.verdict === "rejected") && !r.cache_hit)
      .map((r) => r.latency_ms)
      .sort((a, b) => a - b);
    const id = `ledger.latency.${name}`;
    if (lat.length < ctx.thresholds.minSamples) {
      out.push({ id, status: "ok", message: `${lat.length} answers from ${name} in the last 24 h: too few to judge latency` });
      continue;
    }
    const p95 = quantileSorted(lat, 0.95);
    if (p95 <= upper) {
      out.push({ id, status: "ok", message: `${name} p95 latency ${Math.round(p95)} ms within its ${upper} ms bound (${lat.length} answers)` });
      continue;
    }
    out.push({
      id,
      status: "warn",
      message: `${name} p95 latency ${Math.round(p95)} ms over the last 24 h is above the tier's ${upper} ms bound (latency_ms in the config; ${lat.length} answers)`,
      fix: tier.local
        ? "the hardware is too slow for this model: use a smaller or more quantised model (e.g. a q4_K_M tag), run Ollama on a GPU, keep models loaded (OLLAMA_KEEP_ALIVE=-1) or lower OLLAMA_NUM_PARALLEL"
        : "the API is slow: lower max_tokens for the action, pick a faster model for the tier, or raise latency_ms if this is expected",
    });
  }
  return out;
}

/** Share of each model's answers that its quality checks rejected. */
export function checkQuality(ctx: DoctorContext, records: LedgerRecord[]): DoctorFinding[] {
  const byModel = new Map<string, { answers: number; rejected: number; checks: Map<string, number> }>();
  for (const r of records) {
    if (r.verdict !== "accepted" && r.verdict !== "rejected") continue;
    const m = byModel.get(r.model) ?? { answers: 0, rejected: 0, checks: new Map<string, number>() };
    byModel.set(r.model, m);
    m.answers++;
    if (r.verdict !== "rejected") continue;
    m.rejected++;
    for (const c of parseChecks(r.checks)) if (!c.pass) m.checks.set(c.id, (m.checks.get(c.id) ?? 0) + 1);
  }
  const out: DoctorFinding[] = [];
  for (const [model, m] of byModel) {
    if (m.answers < ctx.thresholds.minSamples || m.rejected / m.answers <= ctx.thresholds.rejectRate) continue;
    const top = [...m.checks.entries()].sort((a, b) => b[1] - a[1])[0];
    out.push({
      id: `ledger.quality.${model}`,
      status: "warn",
      message: `${model}: ${m.rejected} of ${m.answers} answers (${((m.rejected / m.answers) * 100).toFixed(0)} %) failed their quality checks in the last 24 h${top ? `; most often ${top[0]}` : ""}`,
      fix: "run `tierlab route --quality-check --action <action> --prompt <a failing input>` to see each check's reason; fix the action's system prompt or template, or recalibrate with `tierlab bench calibrate`",
    });
  }
  if (out.length === 0)
    out.push({
      id: "ledger.quality",
      status: "ok",
      message: `no model has more than ${ctx.thresholds.rejectRate * 100} % of its answers rejected (${byModel.size} models answered)`,
    });
  return out;
}

function worstAction(records: LedgerRecord[]): { action: string; rate: number; n: number } | undefined {
  const per = new Map<string, { requests: Set<string>; escalated: Set<string> }>();
  for (const r of records) {
    const a = per.get(r.action) ?? { requests: new Set<string>(), escalated: new Set<string>() };
    per.set(r.action, a);
    a.requests.add(r.request_id);
    if (r.escalated_from !== null) a.escalated.add(r.request_id);
  }
  let worst: { action: string; rate: number; n: number } | undefined;
  for (const [action, a] of per) {
    const rate = a.escalated.size / a.requests.size;
    if (!worst || rate > worst.rate) worst = { action, rate, n: a.requests.size };
  }
  return worst;
}

function parseChecks(json: string | null): { id: string; pass: boolean }[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((c): c is { id: string; pass: boolean } => typeof c?.id === "string" && typeof c?.pass === "boolean") : [];
  } catch {
    return [];
  }
}
