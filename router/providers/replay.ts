/**
 * The replay backend: answers with what a real model answered when it was recorded (see
 * replay-format.ts), so the router, bench and reports run on real answers with no model, GPU or key.
 * A request is looked up by the dataset item id when the caller passes one, else by the hash of
 * its last user message. No recording is an error naming the model and the item; it never falls back.
 * Token counts come from the model family's tokenizer; latency is modelled from the config's hardware
 * profile and carried on the result as `timing`, so nobody mistakes it for a measurement.
 */
import {
  PROVIDER_SPEC_VERSION,
  type Availability,
  type ChatRequest,
  type ChatResult,
  type FinishReason,
  type Provider,
  type StreamChunk,
} from "../contracts/provider.js";
import { AbortedError, ModelNotFoundError, ProviderUnavailableError, RecordingNotFoundError, TierlabError } from "../../core/errors.js";
import { abortableSleep } from "../retry.js";
import { collectStream } from "./collect.js";
import { lookupPrompt, promptHash } from "./replay-format.js";
import { modelTiming, type HardwareProfile } from "./replay-latency.js";
import { pacedPieces, type PaceClock } from "./replay-pace.js";
import { loadRecordings, type RecordedAnswer, type Recordings } from "./replay-store.js";
import { loadTokenizer, type Tokenizer, type TokenizerId } from "./replay-tokenizers.js";

export interface ReplayModelSpec {
  /** Absolute paths of the model's recording files. */
  recordings: string[];
  tokenizer: TokenizerId;
  tokenizerStandIn?: string;
  latency: HardwareProfile;
}

export interface ReplayOptions {
  /** Model name (what requests ask for) → its recordings, tokenizer and speed. */
  models: Record<string, ReplayModelSpec>;
  pace?: "instant" | "realtime";
  seed?: number;
  name?: string;
  /** Injected for tests of `pace: realtime`. */
  clock?: PaceClock;
}

interface Loaded {
  recordings: Recordings;
  tokenizer: Tokenizer;
  /** Output token counts by recorded answer: each answer is tokenized once. */
  outputTokens: WeakMap<RecordedAnswer, number>;
}

export class ReplayProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  readonly name: string;
  private readonly loaded = new Map<string, Promise<Loaded>>();
  private readonly pace: "instant" | "realtime";
  private readonly seed: number;
  private readonly clock: PaceClock;

  constructor(private readonly options: ReplayOptions) {
    this.name = options.name ?? "replay";
    this.pace = options.pace ?? "instant";
    this.seed = options.seed ?? 0;
    this.clock = options.clock ?? { now: () => performance.now(), sleep: abortableSleep };
  }

  async availability(model: string): Promise<Availability> {
    if (!this.options.models[model])
      return { ok: false, reason: `replay has no model "${model}"`, fix: `configure it under the replay provider's models: (known: ${this.modelNames()})` };
    try {
      const l = await this.load(model);
      return l.recordings.byId.size + l.recordings.byHash.size > 0
        ? { ok: true }
        : { ok: false, reason: `the recordings of "${model}" hold no answers`, fix: "check the files under its recordings:" };
    } catch (err) {
      return { ok: false, reason: (err as Error).message, fix: err instanceof TierlabError && err.fix ? err.fix : "check the recording files" };
    }
  }

  chat(request: ChatRequest): Promise<ChatResult> {
    return collectStream(this.stream(request), request);
  }

  async *stream(request: ChatRequest): AsyncIterable<StreamChunk> {
    try {
      request.signal?.throwIfAborted();
      const spec = this.options.models[request.model];
      if (!spec)
        throw new ModelNotFoundError({ provider: this.name, message: `replay has no model "${request.model}"`, fix: `use one of: ${this.modelNames()}` });
      const l = await this.load(request.model);
      const prompt = lookupPrompt(request.messages);
      const hash = promptHash(prompt);
      const answer = this.find({ model: request.model, l, itemId: request.itemId, hash, prompt });
      const result = this.result({ request, spec, l, answer, key: request.itemId !== undefined ? `id:${request.itemId}` : `hash:${hash}` });
      if (this.pace === "realtime") {
        for await (const piece of pacedPieces({ text: result.text, timing: result.timing!, clock: this.clock, signal: request.signal }))
          yield { type: "text", text: piece };
      } else if (result.text) {
        yield { type: "text", text: result.text };
      }
      yield { type: "done", result };
    } catch (err) {
      throw this.asError(err, request);
    }
  }

  private find(a: { model: string; l: Loaded; itemId: string | undefined; hash: string; prompt: string }): RecordedAnswer {
    const files = a.l.recordings.headers.map((h) => h.file).join(", ");
    if (a.itemId !== undefined) {
      const hit = a.l.recordings.byId.get(a.itemId);
      if (!hit) {
        throw new RecordingNotFoundError({
          provider: this.name,
          message: `replay: no recording of model "${a.model}" for item "${a.itemId}"`,
          fix: `replay a dataset whose item ids the recordings cover, or record this item (files: ${files})`,
        });
      }
      if (hit.promptHash !== undefined && hit.promptHash !== a.hash) {
        throw new RecordingNotFoundError({
          provider: this.name,
          message: `replay: the recording of model "${a.model}" for item "${a.itemId}" (${hit.file}:${hit.line}) answers another prompt: recorded prompt hash ${hit.promptHash}, this request's ${a.hash}`,
          fix: 'the action\'s template changed the prompt; replay with the prompt the answers were recorded for (template "{input}" on the replay datasets)',
        });
      }
      return hit;
    }
    const hits = a.l.recordings.byHash.get(a.hash);
    const excerpt = JSON.stringify(a.prompt.length > 80 ? `${a.prompt.slice(0, 80)}…` : a.prompt);
    if (!hits) {
      throw new RecordingNotFoundError({
        provider: this.name,
        message: `replay: no recording of model "${a.model}" for prompt hash ${a.hash} (prompt ${excerpt})`,
        fix: `send a prompt the recordings hold, or pass the dataset item id (files: ${files})`,
      });
    }
    if (hits.length > 1) {
      throw new RecordingNotFoundError({
        provider: this.name,
        message: `replay: ${hits.length} recordings of model "${a.model}" share prompt hash ${a.hash} (${hits.map((h) => `${h.file}:${h.line}`).join(", ")}); refusing to pick one`,
        fix: "pass the item id, or keep one answer per prompt in the recordings",
      });
    }
    return hits[0]!;
  }

  private result(a: { request: ChatRequest; spec: ReplayModelSpec; l: Loaded; answer: RecordedAnswer; key: string }): ChatResult {
    const { request, l, answer } = a;
    const inputTokens = request.messages.reduce((n, m) => n + l.tokenizer.count(m.content), 0);
    let outputTokens = l.outputTokens.get(answer);
    if (outputTokens === undefined) l.outputTokens.set(answer, (outputTokens = l.tokenizer.count(answer.output)));
    let text = answer.output;
    let finishReason: FinishReason = answer.finishReason;
    // A smaller max_tokens than the recording had cuts the answer where the model would have stopped.
    if (request.maxTokens !== undefined && outputTokens > request.maxTokens) {
      text = l.tokenizer.truncate(text, request.maxTokens);
      outputTokens = request.maxTokens;
      finishReason = "length";
    }
    return {
      text,
      finishReason,
      usage: { inputTokens, outputTokens },
      model: answer.model,
      timing: modelTiming({ profile: a.spec.latency, inputTokens, outputTokens, seed: this.seed, key: `${request.model}\u0000${a.key}` }),
      usageCountedBy: { tokenizer: l.tokenizer.label, ...(a.spec.tokenizerStandIn ? { standIn: a.spec.tokenizerStandIn } : {}) },
    };
  }

  private load(model: string): Promise<Loaded> {
    let p = this.loaded.get(model);
    if (!p) {
      const spec = this.options.models[model]!;
      p = (async () => {
        let recordings: Recordings;
        try {
          recordings = loadRecordings(spec.recordings);
        } catch (err) {
          const e = err as TierlabError;
          throw new ProviderUnavailableError({
            provider: this.name,
            message: `replay: cannot load the recordings of "${model}": ${e.message}`,
            fix: e.fix ?? "check the recording files",
            cause: err,
          });
        }
        return { recordings, tokenizer: await loadTokenizer(spec.tokenizer), outputTokens: new WeakMap() };
      })();
      p.catch(() => this.loaded.delete(model));
      this.loaded.set(model, p);
    }
    return p;
  }

  private modelNames(): string {
    return Object.keys(this.options.models).join(", ") || "none";
  }

  private asError(err: unknown, request: ChatRequest): TierlabError {
    if (request.signal?.aborted) {
      const reason = request.signal.reason;
      return reason instanceof TierlabError ? reason : new AbortedError({ provider: this.name, message: "request aborted by the caller" });
    }
    if (err instanceof TierlabError) return err;
    return new ProviderUnavailableError({
      provider: this.name,
      message: `replay failed on ${request.model}: ${(err as Error)?.message ?? String(err)}`,
      cause: err,
    });
  }
}
