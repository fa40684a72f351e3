import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { planAction } from "../action-plan.js";
import { UsageError } from "../../core/errors.js";
import { checkRequestFits } from "./input-guard.js";
import type { ContextWindow } from "./context-window.js";

describe("checkRequestFits", () => {
  const plan = planAction(writeTestConfig().load(), "classify");
  const models = plan.tiers.flatMap((t) => t.models.map((m) => m.id));
  // Local models take 64 tokens; the API models 100 000.
  const windows = new Map<string, ContextWindow>(models.map((id) => [id, { tokens: id.startsWith("api") ? 100_000 : 64, source: "config" as const }]));
  const fits = (prompt: string, unusable: (id: string) => string | undefined) => () =>
    checkRequestFits({ plan, req: { action: "classify", prompt, maxTokens: 16 }, windows, unusable: (m) => unusable(m.id) });
  const keyless = (id: string) => (id.startsWith("api") ? "ANTHROPIC_API_KEY is not set" : undefined);
  const long = "word ".repeat(400);

  it("lets a prompt through that some usable model can take", () => {
    expect(fits("short", keyless)).not.toThrow();
    expect(fits(long, () => undefined)).not.toThrow();
  });

  it("refuses a prompt too long for every usable model, naming the model that could take it and why it cannot", () => {
    expect(fits(long, keyless)).toThrow(UsageError);
    expect(fits(long, keyless)).toThrow(/api-model \(100000 tokens\) could take it but cannot be used: ANTHROPIC_API_KEY is not set/);
  });

  it("leaves a route with no usable model at all to fail as unavailable when some model could take the prompt", () => {
    expect(fits("short", () => "down")).not.toThrow();
    expect(fits("word ".repeat(200_000), () => "down")).toThrow(/over the context of every model/);
  });
});
