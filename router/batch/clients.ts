/** The batch client of a config's provider: its kind, base URL and key, as the live provider gets them. */
import type { RouterConfig } from "../config/load.js";
import { ConfigError } from "../../core/errors.js";
import { defaultHttpTransport } from "../transport/http-transport.js";
import { AnthropicBatchClient } from "./anthropic-batches.js";
import type { BatchClient } from "./batch-client.js";
import { OpenAIBatchClient } from "./openai-batches.js";

export interface BatchClientOverrides {
  /** Replace a provider's batch client by name (tests). */
  clients?: Record<string, BatchClient>;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
}

/** Whether requests to this provider can go through a batch API. */
export function batchCapable(config: RouterConfig, provider: string, overrides: BatchClientOverrides = {}): boolean {
  const kind = config.data.providers[provider]?.kind;
  return !!overrides.clients?.[provider] || kind === "anthropic" || kind === "openai";
}

export function batchClientFor(config: RouterConfig, provider: string, overrides: BatchClientOverrides = {}): BatchClient {
  const given = overrides.clients?.[provider];
  if (given) return given;
  const cfg = config.data.providers[provider];
  const env = overrides.env ?? process.env;
  const fetchImpl = overrides.fetch ?? defaultHttpTransport().fetch;
  if (cfg?.kind === "anthropic") {
    return new AnthropicBatchClient({
      name: provider,
      apiKey: env[cfg.api_key_env ?? "ANTHROPIC_API_KEY"] || undefined,
      baseURL: cfg.base_url ?? cfg.host,
      fetch: fetchImpl,
    });
  }
  if (cfg?.kind === "openai") {
    return new OpenAIBatchClient({
      name: provider,
      apiKey: env[cfg.api_key_env ?? "OPENAI_API_KEY"] || undefined,
      baseURL: cfg.base_url ?? cfg.host,
      fetch: fetchImpl,
    });
  }
  throw new ConfigError({
    file: config.file,
    field: `providers.${provider}`,
    message: `provider "${provider}" (kind ${cfg?.kind ?? "unknown"}) has no batch API`,
    fix: "deferrable actions need an anthropic or openai provider on their first API tier",
  });
}
