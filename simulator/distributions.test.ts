import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../core/rng.js";
import { logFactorial, normalQuantile, Sampler } from "./distributions.js";

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let s = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    s += x;
    s2 += x * x;
  }
  const mean = s / n;
  return { mean, variance: s2 / n - mean * mean };
}

describe("samplers", () => {
  const s = new Sampler(createRng(99));
  const N = 40_000;
  const cases: [string, () => number, number, number][] = [
    ["normal", () => s.normal(), 0, 1],
    ["gamma(0.5, 2)", () => s.gamma(0.5, 2), 1, 2],
    ["gamma(25, 4)", () => s.gamma(25, 4), 100, 400],
    ["beta(17, 3)", () => s.beta(17, 3), 0.85, (17 * 3) / (400 * 21)],
    ["poisson(3.5)", () => s.poisson(3.5), 3.5, 3.5],
    ["poisson(4000)", () => s.poisson(4000), 4000, 4000],
    ["binomial(30, 0.1)", () => s.binomial(30, 0.1), 3, 2.7],
    ["binomial(5000, 0.03)", () => s.binomial(5000, 0.03), 150, 145.5],
    ["binomial(800, 0.8)", () => s.binomial(800, 0.8), 640, 128],
  ];
  for (const [name, draw, mean, variance] of cases) {
    it(`${name}: mean and variance`, () => {
      const m = moments(draw, N);
      expect(Math.abs(m.mean - mean)).toBeLessThan(5 * Math.sqrt(variance / N));
      expect(Math.abs(m.variance / variance - 1)).toBeLessThan(0.05);
    });
  }

  it("reads the stream in order through its buffer, with or without a bulk fill", () => {
    const plain = createRng(5);
    const viaSampler = new Sampler(createRng(5));
    for (let i = 0; i < 1000; i++) expect(viaSampler.uniform()).toBe(plain.next());
    const inner = createRng(5);
    const bulk: Rng & { fillUint32: (o: Uint32Array) => void } = {
      next: () => inner.next(),
      nextUint32: () => inner.nextUint32(),
      fork: (k) => inner.fork(k),
      fillUint32: (o) => {
        for (let i = 0; i < o.length; i++) o[i] = inner.nextUint32();
      },
    };
    const a = new Sampler(bulk),
      b = new Sampler(createRng(5));
    for (let i = 0; i < 1000; i++) expect(a.u32()).toBe(b.u32());
  });

  it("quantile and log-factorial helpers", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 7);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306, 7);
    let lf = 0;
    for (let k = 2; k <= 2000; k++) lf += Math.log(k);
    expect(logFactorial(2000)).toBeCloseTo(lf, 6);
  });
});
