/**
 * Every model's context size, so the input guard (input-guard.ts) can always run: a prompt no usable
 * model can take is bad input (exit 2, HTTP 400), not a cascade of provider errors ending in a 502 or
 * in "ANTHROPIC_API_KEY is not set". In order of precedence:
 *   1. `context_tokens:` on the model in the config;
 *   2. embedded: the context the engine creates, min(provider `context_size:` or 2048, the GGUF's own
 *      `<arch>.context_length`), read from the file's header when it is on disk;
 *   3. Ollama: the provider's `context_size:` (sent as num_ctx), else 4096, Ollama's default on
 *      machines under 24 GiB of VRAM (set `context_size:` to be exact);
 *   4. OpenAI / Anthropic: the price table's `max_input_tokens`, else 128 000 / 200 000;
 *   5. scripted and replay backends run no model and take any prompt.
 */
import type { ResolvedModel, RouterConfig } from "../config/load.js";
import { resolveFrom } from "../config/paths.js";
import type { ProviderConfig } from "../config/schema.js";
import { locateModel, modelsDir } from "../models/model-store.js";
import { DEFAULT_EMBEDDED_CONTEXT } from "../providers/embedded.js";

export type ContextSource = "config" | "gguf" | "provider" | "price_table" | "default" | "unbounded";

export interface ContextWindow {
  tokens: number;
  source: ContextSource;
}

export const OLLAMA_DEFAULT_CONTEXT = 4096;
const API_DEFAULT_CONTEXT: Partial<Record<ProviderConfig["kind"], number>> = { openai: 128_000, anthropic: 200_000 };

/** Context windows per model id, worked out once per model (a GGUF header is read at most once). */
export class ContextWindows {
  private readonly known = new Map<string, Promise<ContextWindow>>();
  /** Settled lookups, so a route whose models are all known checks its prompt without awaiting. */
  private readonly settled = new Map<string, ContextWindow>();
  constructor(
    private readonly config: RouterConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  of(model: ResolvedModel): Promise<ContextWindow> {
    let w = this.known.get(model.id);
    if (!w) {
      const found = this.lookUp(model);
      w = found.then((x) => x.window);
      // A GGUF not on disk yet (downloaded at route time) is read once it is there.
      found.then(
        (x) => (x.final ? this.settled.set(model.id, x.window) : this.known.delete(model.id)),
        () => this.known.delete(model.id),
      );
      this.known.set(model.id, w);
    }
    return w;
  }

  /** Every model's window when all are known already; undefined while any lookup is pending. */
  settledFor(models: readonly ResolvedModel[]): Map<string, ContextWindow> | undefined {
    const out = new Map<string, ContextWindow>();
    for (const m of models) {
      const w = this.settled.get(m.id);
      if (!w) return undefined;
      out.set(m.id, w);
    }
    return out;
  }

  private async lookUp(model: ResolvedModel): Promise<{ window: ContextWindow; final: boolean }> {
    if (model.context_tokens !== undefined) return { window: { tokens: model.context_tokens, source: "config" }, final: true };
    const provider = this.config.data.providers[model.provider];
    if (provider?.kind === "embedded") {
      const engine = provider.context_size ?? DEFAULT_EMBEDDED_CONTEXT;
      const where = locateModel({ id: model.id, provider: model.provider, path: resolveFrom(this.config.dir, model.model) }, modelsDir(this.env));
      if (where.state === "missing") return { window: { tokens: engine, source: "provider" }, final: false };
      const trained = await ggufContextLength(where.path);
      return { window: trained !== undefined && trained < engine ? { tokens: trained, source: "gguf" } : { tokens: engine, source: "provider" }, final: true };
    }
    return { window: fromConfig(model, provider), final: true };
  }
}

function fromConfig(model: ResolvedModel, provider: ProviderConfig | undefined): ContextWindow {
  switch (provider?.kind) {
    case "ollama":
      return provider.context_size !== undefined
        ? { tokens: provider.context_size, source: "provider" }
        : { tokens: OLLAMA_DEFAULT_CONTEXT, source: "default" };
    case "openai":
    case "anthropic": {
      const listed = model.pricing?.max_input_tokens;
      return listed !== undefined ? { tokens: listed, source: "price_table" } : { tokens: API_DEFAULT_CONTEXT[provider.kind]!, source: "default" };
    }
    default:
      return { tokens: Number.POSITIVE_INFINITY, source: "unbounded" };
  }
}

/** `<arch>.context_length` from a GGUF header; the vocabulary arrays are skipped (they are most of a header). */
async function ggufContextLength(path: string): Promise<number | undefined> {
  const { readGgufFileInfo } = await import("node-llama-cpp");
  try {
    const info = await readGgufFileInfo(path, {
      readTensorInfo: false,
      sourceType: "filesystem",
      logWarnings: false,
      ignoreKeys: ["tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.merges"],
    });
    const n = info.architectureMetadata.context_length;
    return typeof n === "number" && n > 0 ? n : undefined;
  } catch {
    // Not a readable GGUF: the engine reports that itself when the model is loaded.
    return undefined;
  }
}
