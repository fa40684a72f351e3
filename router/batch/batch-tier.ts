/**
 * The batch tier: deferrable requests that would reach an API tier wait in the ledger's
 * `batch_items` table, go to the provider as one batch per model (Message Batches, Batch API),
 * and come back checked like any answer, recorded at the batch price with their real completion
 * time (enqueued → the provider's end of the batch).
 *
 * Nothing is lost across a restart: an item is a committed row before the caller hears 202;
 * `queued` items are submitted by the next `submitQueued`, `submitted` ones polled by the next
 * `poll`. Writing an answer is idempotent (a ledger row with the item's attempt number is written
 * once), so a crash between the ledger row and the item's update only repeats the update. The one
 * window that can cost twice: a crash after the provider accepted a batch and before its id was
 * recorded submits those requests again (paid twice, never lost).
 */
import type { ActionPlan, TierPlan } from "../action-plan.js";
import type { RouterConfig } from "../config/load.js";
import type { ChatRequest } from "../contracts/provider.js";
import type { Attempt } from "../contracts/route-result.js";
import type { LedgerStore } from "../ledger/contract.js";
import { attemptsToRecords } from "../ledger/records.js";
import { scoreAnswer } from "../quality/score.js";
import type { BatchItem } from "../production/records.js";
import type { ProductionStore } from "../production/store.js";
import type { BatchClient, BatchResult } from "./batch-client.js";
import { batchCostUsd } from "./batch-price.js";
import { batchClientFor, type BatchClientOverrides } from "./clients.js";

export interface BatchTierOptions {
  config: RouterConfig;
  store: ProductionStore;
  ledger: LedgerStore;
  /** The plan of an action (thresholds included), to check answers as the cascade would. */
  plan: (action: string) => ActionPlan;
  clients?: BatchClientOverrides;
  wallClock?: () => Date;
  log?: (line: string) => void;
}

export interface CollectReport {
  submitted: { batchId: string; provider: string; requests: number }[];
  finished: BatchItem[];
  requeued: number;
  inFlight: number;
}

export class BatchTier {
  private readonly clients = new Map<string, BatchClient>();
  private readonly clock: () => Date;
  /** Passes run one at a time, in order (a timer tick and a CLI pass never interleave). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: BatchTierOptions) {
    this.clock = o.wallClock ?? (() => new Date());
  }

  /** The clients handed in (tests), so callers judge batch capability as this tier will. */
  get clientOverrides(): BatchClientOverrides | undefined {
    return this.o.clients;
  }

  private client(provider: string): BatchClient {
    let c = this.clients.get(provider);
    if (!c) this.clients.set(provider, (c = batchClientFor(this.o.config, provider, this.o.clients)));
    return c;
  }

  /** Queues one request for `tier`'s first model; committed when this resolves. */
  async enqueue(args: {
    requestId: string;
    plan: ActionPlan;
    tier: TierPlan;
    request: Omit<ChatRequest, "signal" | "model">;
    prompt: string;
    attempt: number;
    escalatedFrom: string | undefined;
    tag: string | undefined;
  }): Promise<BatchItem> {
    const model = args.tier.models[0]!;
    const item: BatchItem = {
      request_id: args.requestId,
      ts: this.clock().toISOString(),
      action: args.plan.name,
      tag: args.tag ?? null,
      tier: args.tier.name,
      model: model.id,
      provider: model.provider,
      model_name: model.model,
      attempt: args.attempt,
      escalated_from: args.escalatedFrom ?? null,
      request: JSON.stringify({ chat: args.request, prompt: args.prompt } satisfies StoredRequest),
      state: "queued",
      batch_id: null,
      submissions: 0,
      submitted_at: null,
      finished_at: null,
      answer: null,
      verdict: null,
      confidence: null,
      cost_usd: null,
      error: null,
    };
    await this.o.store.insert("batch_items", [item]);
    return item;
  }

  async item(requestId: string): Promise<BatchItem | undefined> {
    return (await this.o.store.select("batch_items", { request_id: requestId }))[0];
  }

  /** One pass: submit what is queued, then poll every batch in flight and record what finished. One pass at a time. */
  collect(signal?: AbortSignal): Promise<CollectReport> {
    return this.exclusive(() => this.pass(signal));
  }

  /** Only the submit half of a pass (the submit timer). */
  submit(signal?: AbortSignal): Promise<CollectReport["submitted"]> {
    return this.exclusive(() => this.submitQueued(signal));
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async pass(signal?: AbortSignal): Promise<CollectReport> {
    // Poll first: a request that expired goes out again in this same pass.
    const { finished, requeued } = await this.poll(signal);
    const submitted = await this.submitQueued(signal);
    const inFlight =
      (await this.o.store.select("batch_items", { state: "submitted" })).length + (await this.o.store.select("batch_items", { state: "queued" })).length;
    return { submitted, finished, requeued, inFlight };
  }

  private async submitQueued(signal?: AbortSignal): Promise<CollectReport["submitted"]> {
    const queued = await this.o.store.select("batch_items", { state: "queued" });
    const groups = new Map<string, BatchItem[]>();
    for (const it of queued) {
      const k = `${it.provider}\u0000${it.model_name}`;
      const g = groups.get(k);
      if (g) g.push(it);
      else groups.set(k, [it]);
    }
    const out: CollectReport["submitted"] = [];
    const max = this.o.config.data.batch.max_requests;
    for (const items of groups.values()) {
      for (let i = 0; i < items.length; i += max) {
        const chunk = items.slice(i, i + max);
        const first = chunk[0]!;
        const { batchId } = await this.client(first.provider).submit(
          chunk.map((it) => ({ customId: it.request_id, request: { ...storedRequest(it).chat, model: it.model_name } })),
          signal,
        );
        const at = this.clock().toISOString();
        await this.o.store.insert("batches", [
          {
            batch_id: batchId,
            provider: first.provider,
            kind: this.client(first.provider).kind,
            model: first.model,
            state: "in_progress",
            requests: chunk.length,
            submitted_at: at,
            ended_at: null,
          },
        ]);
        for (const it of chunk)
          await this.o.store.update("batch_items", it.request_id, { state: "submitted", batch_id: batchId, submitted_at: at, submissions: it.submissions + 1 });
        out.push({ batchId, provider: first.provider, requests: chunk.length });
      }
    }
    return out;
  }

  private async poll(signal?: AbortSignal): Promise<{ finished: BatchItem[]; requeued: number }> {
    const finished: BatchItem[] = [];
    let requeued = 0;
    for (const b of await this.o.store.select("batches", { state: "in_progress" })) {
      const client = this.client(b.provider);
      const p = await client.poll(b.batch_id, signal);
      if (!p.ended) continue;
      const endedAt = p.endedAt ?? this.clock().toISOString();
      const results = new Map((await client.results(b.batch_id, signal)).map((r) => [r.customId, r]));
      for (const it of await this.o.store.select("batch_items", { batch_id: b.batch_id })) {
        if (it.state !== "submitted") continue;
        const r: BatchResult = results.get(it.request_id) ?? {
          customId: it.request_id,
          ok: false,
          expired: false,
          errorClass: "missing",
          message: "the provider returned no result for this request",
        };
        if (!r.ok && r.expired && it.submissions <= this.o.config.data.batch.resubmit_expired) {
          await this.o.store.update("batch_items", it.request_id, { state: "queued", batch_id: null, error: `expired in batch ${b.batch_id}; queued again` });
          requeued++;
          continue;
        }
        finished.push(await this.record(it, r, endedAt));
      }
      await this.o.store.update("batches", b.batch_id, { state: "ended", ended_at: endedAt });
    }
    return { finished, requeued };
  }

  /** The answer (or failure) as the request's next ledger attempt, then the item's final state. */
  private async record(it: BatchItem, r: BatchResult, endedAt: string): Promise<BatchItem> {
    const plan = this.o.plan(it.action);
    const tier = plan.tiers.find((t) => t.name === it.tier);
    const model = tier?.models.find((m) => m.id === it.model);
    const latencyMs = Math.max(0, Date.parse(endedAt) - Date.parse(it.ts));
    const attempt: Attempt = {
      attempt: it.attempt,
      tier: it.tier,
      modelId: it.model,
      provider: it.provider,
      model: it.model_name,
      startedAt: it.ts,
      latencyMs,
      usage: r.ok ? r.usage : {},
      costUsd: r.ok && model?.pricing ? batchCostUsd(model.pricing, r.usage) : 0,
      verdict: "error",
      escalatedFrom: it.escalated_from ?? undefined,
    };
    let patch: Partial<BatchItem>;
    if (r.ok) {
      const threshold = tier?.threshold ?? this.o.config.data.defaults.threshold;
      const verdict = scoreAnswer(
        plan.checks,
        { text: r.text, finishReason: r.finishReason, action: plan.name, prompt: storedRequest(it).prompt, schema: plan.action.schema },
        threshold,
      );
      Object.assign(attempt, {
        verdict: verdict.pass ? "accepted" : "rejected",
        confidence: verdict.confidence,
        checks: verdict.checks,
        finishReason: r.finishReason,
      });
      if (this.o.config.data.ledger.store_prompts) attempt.answer = r.text;
      patch = {
        state: "done",
        answer: r.text,
        verdict: attempt.verdict as "accepted" | "rejected",
        confidence: verdict.confidence,
        cost_usd: attempt.costUsd,
        finished_at: endedAt,
        error: null,
      };
    } else {
      attempt.error = { class: r.expired ? "BatchExpiredError" : `Batch:${r.errorClass}`, message: r.message, retryable: false };
      patch = { state: "failed", verdict: "error", cost_usd: 0, finished_at: endedAt, error: `${r.errorClass}: ${r.message}` };
    }
    const existing = await this.o.ledger.query({ requestId: it.request_id });
    if (!existing.some((row) => row.attempt === it.attempt)) {
      await this.o.ledger.write(attemptsToRecords({ requestId: it.request_id, action: it.action, tag: it.tag ?? undefined, attempts: [attempt] }));
    }
    await this.o.store.update("batch_items", it.request_id, patch);
    return { ...it, ...patch };
  }
}

/** What `batch_items.request` holds: the chat request as the live tier would send it, and the caller's input for the checks. */
interface StoredRequest {
  chat: Omit<ChatRequest, "signal" | "model">;
  prompt: string;
}

function storedRequest(it: BatchItem): StoredRequest {
  return JSON.parse(it.request) as StoredRequest;
}
