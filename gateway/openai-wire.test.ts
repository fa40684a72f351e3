import { describe, expect, it } from "vitest";
import type { RouteResult } from "../router/contracts/route-result.js";
import { GatewayRequestError } from "./errors.js";
import { chatCompletions, parseChatRequest, selectAction } from "./openai-wire.js";
import { answerOf } from "./route-headers.js";

const parse = (body: object) => parseChatRequest({ model: "tierlab/tag", ...body });
const exchange = (body: object) =>
  chatCompletions.parse({ body: { model: "tierlab/tag", ...body }, header: () => undefined, actions: ["tag"], requestId: "r1", created: 1 });
const toRouteRequest = (body: object, _action: string) => exchange(body).route;
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as GatewayRequestError;
  }
  throw new Error("expected a refusal");
};

describe("openai wire: requests", () => {
  it("joins text content parts and maps max_completion_tokens over max_tokens, user to tag", () => {
    const body = parse({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "a " },
            { type: "text", text: "b" },
          ],
        },
      ],
      max_tokens: 9,
      max_completion_tokens: 5,
      user: "team-a",
    });
    expect(toRouteRequest(body, "tag")).toEqual({ action: "tag", prompt: "a b", maxTokens: 5, tag: "team-a" });
  });

  it("refuses what a text router cannot honour, naming the field", () => {
    expect(
      refusal(() => toRouteRequest(parse({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }), "tag")),
    ).toMatchObject({ status: 400, param: "messages[0].content[0]" });
    expect(refusal(() => parse({ messages: [{ role: "user", content: "x" }], n: 2 }))).toMatchObject({ status: 400, param: "n" });
    expect(refusal(() => parse({ messages: [{ role: "user", content: "x" }], tools: [{ type: "function" }] }))).toMatchObject({ status: 400, param: "tools" });
    expect(refusal(() => parse({ messages: [{ role: "robot", content: "x" }] }))).toMatchObject({ status: 400, param: "messages[0].role" });
    expect(
      refusal(() =>
        toRouteRequest(
          parse({
            messages: [
              { role: "user", content: "x" },
              { role: "tool", content: "{}" },
            ],
          }),
          "tag",
        ),
      ),
    ).toMatchObject({ status: 400, param: "messages[1].role" });
    expect(
      refusal(() =>
        toRouteRequest(
          parse({
            messages: [
              { role: "system", content: "s" },
              { role: "user", content: "  " },
            ],
          }),
          "tag",
        ),
      ),
    ).toMatchObject({ status: 400, param: "messages[1].content" });
  });

  it("ignores sampling parameters: the action's config fixes them", () => {
    const body = parse({ messages: [{ role: "user", content: "x" }], temperature: 1.7, top_p: 0.1, seed: 3 });
    expect(toRouteRequest(body, "tag")).toEqual({ action: "tag", prompt: "x" });
  });

  it("selects the action from the header, tierlab/<action>, or <action>", () => {
    const actions = ["tag", "yes_no"];
    expect(selectAction({ header: "yes_no", model: "gpt-4o", actions })).toBe("yes_no");
    expect(selectAction({ header: undefined, model: "tierlab/tag", actions })).toBe("tag");
    expect(selectAction({ header: undefined, model: "tag", actions })).toBe("tag");
    expect(refusal(() => selectAction({ header: "nope", model: "tag", actions }))).toMatchObject({ status: 404, code: "model_not_found" });
  });
});

describe("openai wire: streams", () => {
  const result = (usage: RouteResult["usage"]): RouteResult => ({
    version: 1,
    requestId: "r1",
    action: "tag",
    verdict: "accepted",
    text: "a, b",
    tier: "LOCAL_FAST",
    modelId: "m",
    provider: "p",
    confidence: 1,
    threshold: 0.7,
    checks: [],
    usage,
    costUsd: 0,
    latencyMs: 1,
    answerAttempt: 1,
    attempts: [
      {
        attempt: 1,
        tier: "LOCAL_FAST",
        modelId: "m",
        provider: "p",
        model: "m",
        startedAt: "",
        latencyMs: 1,
        usage,
        costUsd: 0,
        verdict: "accepted",
        finishReason: "length",
      },
    ],
  });
  const events = (sse: string) =>
    sse
      .trim()
      .split("\n\n")
      .map((e) => e.replace(/^data: /, ""));

  const completionChunks = (r: RouteResult, opts: { includeUsage: boolean }) => {
    const ex = exchange({ messages: [{ role: "user", content: "x" }], stream: true, stream_options: { include_usage: opts.includeUsage } });
    return ex.open({ tier: r.tier, modelId: r.modelId }) + ex.delta(r.text) + ex.close(r, answerOf(r));
  };

  it("renders role, content, finish (from the answering attempt), usage and [DONE]", () => {
    const ev = events(completionChunks(result({ inputTokens: 4, outputTokens: 2 }), { includeUsage: true }));
    expect(ev.at(-1)).toBe("[DONE]");
    const json = ev.slice(0, -1).map((e) => JSON.parse(e));
    expect(json.map((c) => c.choices[0]?.delta?.content ?? null)).toEqual(["", "a, b", null, null]);
    expect(json[2].choices[0].finish_reason).toBe("length");
    expect(json[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 } });
    expect(json.slice(0, 3).every((c) => c.usage === null)).toBe(true);
  });

  it("sends usage null, not zeros, when the backend gave no counts", () => {
    const ev = events(completionChunks(result({}), { includeUsage: true }));
    expect(JSON.parse(ev.at(-2)!).usage).toBeNull();
  });
});
