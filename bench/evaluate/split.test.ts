import { describe, expect, it } from "vitest";
import { splitItems } from "./split.js";

describe("splitItems", () => {
  const items = Array.from({ length: 11 }, (_, i) => i);
  it("parts are disjoint, cover every item, and the fit part is round(share × n)", () => {
    const { fit, eval: rest } = splitItems(items, { share: 0.5, seed: 1 });
    expect(fit).toHaveLength(6);
    expect([...fit, ...rest].sort((a, b) => a - b)).toEqual(items);
  });
  it("the same seed gives the same parts; another seed, others", () => {
    expect(splitItems(items, { share: 0.5, seed: 1 })).toEqual(splitItems(items, { share: 0.5, seed: 1 }));
    expect(splitItems(items, { share: 0.5, seed: 1 }).fit).not.toEqual(splitItems(items, { share: 0.5, seed: 2 }).fit);
  });
  it("refuses a share outside (0, 1)", () => {
    expect(() => splitItems(items, { share: 1, seed: 1 })).toThrow(/fit share must be in \(0, 1\)/);
  });
});
