/**
 * `usage --export-finetune <file>`: the prompts a local tier could not answer, each with the API
 * answer that was accepted, as OpenAI's chat fine-tuning JSONL (one `{"messages": [...]}` per line:
 * system, user, assistant), the format common local fine-tuning tools read. The messages are the
 * ones the model was sent (the action's system prompt and template applied). Needs the prompts and
 * answers in the ledger: `ledger.store_prompts: true`.
 */
import { renameSync, writeFileSync } from "node:fs";
import { planAction } from "../action-plan.js";
import type { RouterConfig } from "../config/load.js";
import type { LedgerRecord } from "../contracts/ledger-record.js";
import { UsageError } from "../../core/errors.js";

export interface FinetuneExport {
  lines: string[];
  /** Escalated requests left out, and why. */
  skipped: { noPrompt: number; noAnswer: number; unknownAction: number };
}

export function finetuneExamples(config: RouterConfig, records: readonly LedgerRecord[]): FinetuneExport {
  const local = new Set(
    Object.entries(config.data.tiers)
      .filter(([, t]) => t.local)
      .map(([n]) => n),
  );
  const byRequest = new Map<string, LedgerRecord[]>();
  for (const r of records) {
    const g = byRequest.get(r.request_id);
    if (g) g.push(r);
    else byRequest.set(r.request_id, [r]);
  }
  const out: FinetuneExport = { lines: [], skipped: { noPrompt: 0, noAnswer: 0, unknownAction: 0 } };
  for (const rows of byRequest.values()) {
    const accepted = rows.find((r) => r.verdict === "accepted" && !local.has(r.tier) && !r.cache_hit);
    // Escalated: a local tier answered (or failed) first, and a paid tier's answer was kept.
    if (!accepted || !rows.some((r) => local.has(r.tier) && r.verdict !== "skipped")) continue;
    const prompt = rows.find((r) => r.prompt !== null)?.prompt;
    if (prompt == null) {
      out.skipped.noPrompt++;
      continue;
    }
    if (accepted.answer === null) {
      out.skipped.noAnswer++;
      continue;
    }
    if (!config.data.actions[accepted.action]) {
      out.skipped.unknownAction++;
      continue;
    }
    const messages = planAction(config, accepted.action)
      .messages(prompt)
      .map((m) => ({ role: m.role, content: m.content }));
    out.lines.push(JSON.stringify({ messages: [...messages, { role: "assistant", content: accepted.answer }] }));
  }
  return out;
}

export function writeFinetuneFile(args: { config: RouterConfig; records: readonly LedgerRecord[]; file: string }): FinetuneExport {
  if (!args.config.data.ledger.store_prompts) {
    throw new UsageError({
      message: `--export-finetune needs the prompts and answers in the ledger, and ${args.config.file} does not store them (ledger.store_prompts is false)`,
      fix: "set ledger.store_prompts: true in the router config; requests routed from then on can be exported",
    });
  }
  const r = finetuneExamples(args.config, args.records);
  const tmp = `${args.file}.tmp-${process.pid}`;
  writeFileSync(tmp, r.lines.map((l) => l + "\n").join(""));
  renameSync(tmp, args.file);
  return r;
}
