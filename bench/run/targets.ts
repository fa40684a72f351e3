/** Which (tier, model) pairs a bench run measures, from --tier / --model / --engine. */
import { allModels, type ResolvedModel, type RouterConfig } from "../../router/config/load.js";
import { UsageError } from "../../core/errors.js";

export interface TargetFilter {
  tier?: string;
  models?: string[];
  engine?: string;
}

export function selectTargets(config: RouterConfig, f: TargetFilter): ResolvedModel[] {
  const tiers = Object.keys(config.data.tiers);
  let tierName: string | undefined;
  if (f.tier) {
    // Users type the seed's names in any case: local_quality, LOCAL_QUALITY.
    tierName = tiers.find((t) => t.toLowerCase() === f.tier!.toLowerCase());
    if (!tierName) throw new UsageError({ message: `--tier ${f.tier}: no such tier in ${config.file}`, fix: `use one of: ${tiers.join(", ")}` });
  }
  const all = allModels(config);
  if (f.models?.length) {
    const unknown = f.models.filter((m) => !all.some((x) => x.id === m));
    if (unknown.length)
      throw new UsageError({ message: `--model ${unknown.join(", ")}: not in ${config.file}`, fix: `use model ids: ${all.map((m) => m.id).join(", ")}` });
  }
  const picked = all.filter(
    (m) =>
      (!tierName || m.tier === tierName) &&
      (!f.models?.length || f.models.includes(m.id)) &&
      (!f.engine || config.data.providers[m.provider]?.kind === f.engine),
  );
  if (picked.length === 0) throw new UsageError({ message: "no model matches --tier/--model/--engine", fix: "check the filters against the config's tiers" });
  return picked;
}
