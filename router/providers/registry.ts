/**
 * Builds one Provider per `providers:` entry of the config, lazily, so a missing key or an absent
 * daemon only matters when a tier that needs it is reached.
 */
import type { RouterConfig } from "../config/load.js";
import { resolveFrom } from "../config/paths.js";
import type { ProviderConfig } from "../config/schema.js";
import type { Provider } from "../contracts/provider.js";
import { ConfigError } from "../../core/errors.js";
import { downloadPolicyOf, embeddedModelSources, type DownloadMode } from "../models/model-store.js";
import { ModelResolver, type ModelProgressEvent } from "../models/resolver.js";
import { defaultHttpTransport } from "../transport/http-transport.js";
import { AnthropicProvider } from "./anthropic.js";
import { EmbeddedProvider } from "./embedded.js";
import { OllamaProvider } from "./ollama.js";
import { OpenAIProvider } from "./openai.js";
import { keyEnvOf, missingKeyEnv, ollamaHost } from "./provider-env.js";
import { ReplayProvider } from "./replay.js";
import { ScriptedProvider } from "./scripted.js";

export interface ProviderOverrides {
  /** Replace a provider by name (tests, perf, the gateway's upstreams). */
  providers?: Record<string, Provider>;
  /** Default: the shared undici transport (transport/http-transport.ts), for every HTTP client. */
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  /** Overrides every embedded provider's `download:` (the CLI's --download). */
  modelDownload?: DownloadMode;
  /** Progress of model downloads started by a request (the CLI draws a bar on a TTY). */
  onModelProgress?: (e: ModelProgressEvent) => void;
}

export class ProviderRegistry {
  private readonly built = new Map<string, Provider>();
  constructor(
    private readonly config: RouterConfig,
    private readonly overrides: ProviderOverrides = {},
  ) {}

  get(name: string): Provider {
    const given = this.overrides.providers?.[name];
    if (given) return given;
    let p = this.built.get(name);
    if (!p) {
      const cfg = this.config.data.providers[name];
      if (!cfg) throw new ConfigError({ file: this.config.file, field: "providers", message: `unknown provider "${name}"` });
      p = this.build(name, cfg);
      this.built.set(name, p);
    }
    return p;
  }

  /**
   * Why a provider cannot answer at all, known without a call (a hosted API without its key), or
   * undefined. A provider handed in by the caller is taken as usable.
   */
  unusable(name: string): string | undefined {
    const cfg = this.config.data.providers[name];
    if (this.overrides.providers?.[name] || !cfg) return undefined;
    const missing = missingKeyEnv(cfg, this.overrides.env ?? process.env);
    return missing && `${missing} is not set`;
  }

  /** The provider-native model name; embedded GGUF paths resolve relative to the config file. */
  modelName(providerName: string, model: string): string {
    const cfg = this.config.data.providers[providerName];
    return cfg?.kind === "embedded" ? resolveFrom(this.config.dir, model) : model;
  }

  private build(name: string, cfg: ProviderConfig): Provider {
    const env = this.overrides.env ?? process.env;
    const fetchImpl = this.overrides.fetch ?? defaultHttpTransport().fetch;
    const keyEnv = keyEnvOf(cfg);
    const key = keyEnv ? env[keyEnv] : undefined;
    switch (cfg.kind) {
      case "ollama":
        return new OllamaProvider({ host: ollamaHost(cfg.host, env), contextSize: cfg.context_size, fetch: fetchImpl });
      case "openai":
        return new OpenAIProvider({ apiKey: key, apiKeyEnv: keyEnv, baseURL: cfg.base_url ?? cfg.host, fetch: fetchImpl, name });
      case "anthropic":
        return new AnthropicProvider({ apiKey: key, apiKeyEnv: keyEnv, baseURL: cfg.base_url ?? cfg.host, fetch: fetchImpl });
      case "embedded": {
        const resolver = new ModelResolver({
          sources: embeddedModelSources(this.config, name),
          policy: downloadPolicyOf(cfg, { override: this.overrides.modelDownload, env }),
          configFile: this.config.file,
          env,
          fetch: fetchImpl,
          onProgress: this.overrides.onModelProgress,
        });
        return new EmbeddedProvider({ threads: cfg.threads, contextSize: cfg.context_size, resolver });
      }
      case "scripted":
        return new ScriptedProvider(
          (cfg.script ?? []).map((l) => ({ match: l.match, reply: l.reply, delayMs: l.delay_ms })),
          { name },
        );
      case "replay": {
        const models = Object.fromEntries(
          Object.entries(cfg.models ?? {}).map(([model, m]) => [
            model,
            {
              recordings: m.recordings.map((f) => resolveFrom(this.config.dir, f)),
              tokenizer: m.tokenizer,
              tokenizerStandIn: m.tokenizer_stand_in,
              latency: m.latency,
            },
          ]),
        );
        return new ReplayProvider({ name, models, pace: cfg.pace, seed: cfg.seed });
      }
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.built.values()].map((p) => p.close?.()));
    this.built.clear();
  }
}
