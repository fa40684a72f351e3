import { describe, expect, it } from "vitest";
import { pct, usd } from "./format.js";

describe("usd", () => {
  it("whole dollars from $1,000, cents from $1, three decimals to a cent, two significant digits below", () => {
    expect([1234567.8, 12.345, 1, 0, 0.5, 0.0123, 0.00093, 0.000123, 0.000001].map(usd)).toEqual([
      "$1,234,568",
      "$12.35",
      "$1.00",
      "$0.00",
      "$0.500",
      "$0.012",
      "$0.00093",
      "$0.00012",
      "$0.0000010",
    ]);
    expect(usd(-2.5)).toBe("−$2.50");
  });
});

describe("pct", () => {
  it("one decimal by default, n/a where there is no share", () => {
    expect([0.5, 0.12345, 1, 0].map((x) => pct(x))).toEqual(["50.0 %", "12.3 %", "100.0 %", "0.0 %"]);
    expect(pct(0.4424, 2)).toBe("44.24 %");
    expect([null, undefined, Number.NaN].map((x) => pct(x))).toEqual(["n/a", "n/a", "n/a"]);
  });
});
