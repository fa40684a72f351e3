/**
 * `pace: realtime`: hands out a replayed answer at its modelled pace, so the gateway and demos feel
 * like the model. Words arrive in order: the first at the modelled TTFT, the last at the modelled
 * total, the ones between by their share of the text. Waits are abortable.
 */
import type { ModelledTiming } from "../contracts/provider.js";

export interface PaceClock {
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Below this, a wait is not worth a timer: pieces due within it go out together. */
const MIN_WAIT_MS = 4;

/** Words with their leading whitespace; joined they give back the text exactly. */
export function splitPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export async function* pacedPieces(args: { text: string; timing: ModelledTiming; clock: PaceClock; signal?: AbortSignal }): AsyncGenerator<string> {
  const { text, timing, clock, signal } = args;
  const start = clock.now();
  const pieces = splitPieces(text);
  const decodeMs = timing.totalMs - timing.ttftMs;
  const first = pieces[0]?.length ?? 0;
  const span = text.length - first;
  let through = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    through += piece.length;
    const due = timing.ttftMs + (span > 0 ? ((through - first) / span) * decodeMs : 0);
    const wait = due - (clock.now() - start);
    if (wait >= MIN_WAIT_MS || i === 0) await clock.sleep(Math.max(0, wait), signal);
    signal?.throwIfAborted();
    yield piece;
  }
  // A one-word answer still ends at the modelled total.
  const rest = timing.totalMs - (clock.now() - start);
  if (rest >= MIN_WAIT_MS) await clock.sleep(rest, signal);
}
