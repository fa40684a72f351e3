/**
 * The embedded engine: llama.cpp through node-llama-cpp on a GGUF file, CPU only, no daemon.
 * One loaded model and one single-sequence context per file; requests to the same file queue,
 * because a CPU context serves one sequence fastest (2-core machines: threads: 1).
 */
import type { Llama, LlamaContext, LlamaModel, Token } from "node-llama-cpp";
import {
  PROVIDER_SPEC_VERSION,
  type Availability,
  type ChatRequest,
  type ChatResult,
  type FinishReason,
  type Provider,
  type StreamChunk,
} from "../contracts/provider.js";
import { AbortedError, ContextLengthError, ProviderError, TierlabError } from "../../core/errors.js";
import { ModelResolver } from "../models/resolver.js";
import { PushIterator } from "../util/push-iterator.js";
import { untilAborted } from "../util/until-aborted.js";
import { collectStream } from "./collect.js";
import { replayLogprobs } from "./embedded-logprobs.js";
import { requestedTopLogprobs } from "./logprob-request.js";

export interface EmbeddedOptions {
  threads?: number;
  contextSize?: number;
  /** Finds a model's GGUF (config path, then the models folder) and fetches it when allowed; default: look on disk only. */
  resolver?: ModelResolver;
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  hasChatTemplate: boolean;
  /** Serialises requests on this model's single sequence. */
  tail: Promise<unknown>;
}

/** The context the engine creates when the provider sets no `context_size:` (capped by the model's own). */
export const DEFAULT_EMBEDDED_CONTEXT = 2048;

/**
 * node-llama-cpp is imported on first use: loading it costs ~0.6 s, which every command, test and
 * router that never runs an embedded model would otherwise pay at start-up.
 */
const llamaCpp = () => import("node-llama-cpp");

let llamaPromise: Promise<Llama> | undefined;
function sharedLlama(): Promise<Llama> {
  // build: "never" uses the prebuilt CPU binary shipped in the npm package: no compiler, no download.
  llamaPromise ??= llamaCpp().then(({ getLlama, LlamaLogLevel }) => getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error }));
  return llamaPromise;
}

export class EmbeddedProvider implements Provider {
  readonly specificationVersion = PROVIDER_SPEC_VERSION;
  readonly name = "embedded";
  private readonly loaded = new Map<string, Promise<Loaded>>();
  private readonly resolver: ModelResolver;
  constructor(private readonly options: EmbeddedOptions = {}) {
    this.resolver = options.resolver ?? new ModelResolver();
  }

  async availability(model: string): Promise<Availability> {
    return this.resolver.availability(model);
  }

  private load(model: string): Promise<Loaded> {
    let p = this.loaded.get(model);
    if (!p) {
      p = (async () => {
        const modelPath = await this.resolver.resolve(model);
        const llama = await sharedLlama();
        const m = await llama.loadModel({ modelPath });
        const context = await m.createContext({
          threads: this.options.threads ?? 1,
          contextSize: Math.min(this.options.contextSize ?? DEFAULT_EMBEDDED_CONTEXT, m.trainContextSize),
        });
        return { model: m, context, hasChatTemplate: Boolean(m.fileInfo.metadata.tokenizer?.chat_template), tail: Promise.resolve() };
      })();
      p.catch(() => this.loaded.delete(model));
      this.loaded.set(model, p);
    }
    return p;
  }

  stream(request: ChatRequest): AsyncIterable<StreamChunk> {
    const out = new PushIterator<StreamChunk>();
    this.run(request, out).then(
      (result) => {
        out.push({ type: "done", result });
        out.end();
      },
      (err) => out.fail(toProviderError(err, request)),
    );
    return out;
  }

  chat(request: ChatRequest): Promise<ChatResult> {
    return collectStream(this.stream(request), request);
  }

  private async run(request: ChatRequest, out: PushIterator<StreamChunk>): Promise<ChatResult> {
    // A load may wait on a download: the request leaves on its own signal, the load goes on.
    const loaded = await untilAborted(this.load(request.model), request.signal);
    const turn = loaded.tail.then(() => this.generate(loaded, request, out));
    loaded.tail = turn.catch(() => undefined);
    return turn;
  }

  private async generate(l: Loaded, request: ChatRequest, out: PushIterator<StreamChunk>): Promise<ChatResult> {
    request.signal?.throwIfAborted();
    const top = requestedTopLogprobs(request, "embedded");
    const sequence = l.context.getSequence();
    try {
      const system = request.messages
        .filter((m) => m.role === "system")
        .map((m) => m.content)
        .join("\n");
      const turns = request.messages.filter((m) => m.role !== "system");
      // Base models (no chat template) continue text: the prompt is the turns flattened.
      const prompt = [system, ...turns.map((m) => m.content)].filter(Boolean).join("\n\n");
      const maxTokens = request.maxTokens ?? 256;
      const inputTokens = l.model.tokenize(prompt).length;
      if (inputTokens + maxTokens > l.context.contextSize) {
        throw new ContextLengthError({
          provider: "embedded",
          message: `prompt is ${inputTokens} tokens + ${maxTokens} to generate, over the ${l.context.contextSize}-token context`,
          fix: "shorten the prompt, lower max_tokens or raise context_size",
        });
      }
      const llama = await sharedLlama();
      const schema = request.responseFormat?.type === "json" ? request.responseFormat.schema : undefined;
      const grammar =
        request.responseFormat?.type === "json"
          ? schema
            ? await llama.createGrammarForJsonSchema(schema as Parameters<Llama["createGrammarForJsonSchema"]>[0])
            : await llama.getGrammarFor("json")
          : undefined;
      let outputTokens = 0;
      const generated: Token[] = [];
      let startHint: number | undefined;
      const opts = {
        maxTokens,
        temperature: request.temperature ?? 0,
        seed: request.seed,
        grammar,
        signal: request.signal,
        customStopTriggers: request.stop,
        onToken: (t: Token[]) => {
          outputTokens += t.length;
          if (top === undefined) return;
          startHint ??= sequence.contextTokens.length;
          generated.push(...t);
        },
        onTextChunk: (text: string) => {
          if (text) out.push({ type: "text", text });
        },
      };
      let text: string;
      let finishReason: FinishReason;
      const { LlamaChatSession, LlamaCompletion } = await llamaCpp();
      if (l.hasChatTemplate && !grammar) {
        const session = new LlamaChatSession({ contextSequence: sequence, systemPrompt: system || undefined, autoDisposeSequence: false });
        const res = await session.promptWithMeta(turns.map((m) => m.content).join("\n\n"), opts);
        text = res.responseText;
        finishReason = res.stopReason === "maxTokens" ? "length" : "stop";
      } else {
        const completion = new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false });
        const res = await completion.generateCompletionWithMeta(prompt, opts);
        text = res.response;
        finishReason = res.metadata.stopReason === "maxTokens" ? "length" : "stop";
      }
      const result: ChatResult = { text, finishReason, usage: { inputTokens, outputTokens }, model: request.model };
      if (top !== undefined) {
        const logprobs = await replayLogprobs({ model: l.model, sequence, generated, startHint, top });
        request.signal?.throwIfAborted();
        if (logprobs) result.logprobs = logprobs;
      }
      return result;
    } finally {
      sequence.dispose();
    }
  }

  async close(): Promise<void> {
    this.resolver.close();
    for (const p of this.loaded.values()) {
      const l = await p.catch(() => undefined);
      await l?.context.dispose();
      await l?.model.dispose();
    }
    this.loaded.clear();
  }
}

function toProviderError(err: unknown, request: ChatRequest): TierlabError {
  if (err instanceof TierlabError) return err;
  if (request.signal?.aborted) {
    const reason = request.signal.reason;
    return reason instanceof TierlabError ? reason : new AbortedError({ provider: "embedded", message: "request aborted by the caller" });
  }
  return new ProviderError({ provider: "embedded", message: `llama.cpp failed on ${request.model}: ${(err as Error)?.message ?? String(err)}`, cause: err });
}
