/**
 * What a provider entry takes from the environment, decided in one place: the Ollama host
 * (`host:` in the config, else $OLLAMA_HOST, else Ollama's default) and the API key variable
 * (`api_key_env:`, else the vendor's usual name). The registry, doctor and bench all ask here.
 */
import type { ProviderConfig } from "../config/schema.js";

export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

/** An empty $OLLAMA_HOST counts as unset, as Ollama's own CLI treats it. */
export function ollamaHost(configured: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return configured || env.OLLAMA_HOST || DEFAULT_OLLAMA_HOST;
}

const DEFAULT_KEY_ENV: Partial<Record<ProviderConfig["kind"], string>> = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" };

/** The variable holding this provider's key; undefined for kinds that take none. */
export function keyEnvOf(cfg: ProviderConfig): string | undefined {
  return cfg.api_key_env ?? DEFAULT_KEY_ENV[cfg.kind];
}

/**
 * The key variable a hosted API provider needs and lacks, so it cannot answer at all. A
 * `base_url`/`host` (an OpenAI-compatible server, a proxy) may take no key, so it is never "missing".
 */
export function missingKeyEnv(cfg: ProviderConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const keyEnv = keyEnvOf(cfg);
  if (!keyEnv || cfg.base_url || cfg.host) return undefined;
  return env[keyEnv] ? undefined : keyEnv;
}
