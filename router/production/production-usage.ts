/**
 * What `tierlab usage` adds from the production tables: shadow checks and their spend (their own
 * budget scope, not in the serving cost above it), feedback, and the batch tier's requests and spend.
 */
import type { RouterConfig } from "../config/load.js";
import type { ProductionStore } from "./store.js";

export interface ProductionUsage {
  shadow: { checks: number; agreed: number; disagreed: number; noVerdict: number; costUsd: number; budget: { period: string; limitUsd: number } };
  feedback: { right: number; wrong: number };
  batch: { queued: number; submitted: number; done: number; failed: number; costUsd: number };
}

export async function productionUsage(args: {
  config: RouterConfig;
  store: ProductionStore | undefined;
  since: Date;
  until: Date;
  action?: string;
}): Promise<ProductionUsage> {
  const f = { since: args.since, until: args.until, action: args.action };
  const [shadow, feedback, batch] = args.store
    ? await Promise.all([args.store.select("shadow_checks", f), args.store.select("feedback", f), args.store.select("batch_items", f)])
    : [[], [], []];
  const b = args.config.data.shadow.budget;
  return {
    shadow: {
      checks: shadow.length,
      agreed: shadow.filter((r) => r.agree === true).length,
      disagreed: shadow.filter((r) => r.agree === false).length,
      noVerdict: shadow.filter((r) => r.agree === null).length,
      costUsd: shadow.reduce((s, r) => s + r.cost_usd, 0),
      budget: { period: b.period, limitUsd: b.limit_usd },
    },
    feedback: { right: feedback.filter((r) => r.right).length, wrong: feedback.filter((r) => !r.right).length },
    batch: {
      queued: batch.filter((r) => r.state === "queued").length,
      submitted: batch.filter((r) => r.state === "submitted").length,
      done: batch.filter((r) => r.state === "done").length,
      failed: batch.filter((r) => r.state === "failed").length,
      costUsd: batch.reduce((s, r) => s + (r.cost_usd ?? 0), 0),
    },
  };
}
