/**
 * The optional per-action verifier: a local model asked whether an answer is right. Its P(yes) is the
 * `verifier` signal. Read from the first token's log-probabilities where the backend returns them
 * (P(yes) / (P(yes) + P(no)) over the alternatives), else from the reply's first word (1 or 0). The call
 * is an attempt like any other: the router and the bench record its cost and latency.
 */
import type { ChatMessage, ChatRequest, ChatResult } from "../contracts/provider.js";

export const DEFAULT_VERIFIER_TEMPLATE =
  "Here is a question and a proposed answer.\n\nQuestion:\n{question}\n\nProposed answer:\n{answer}\n\nIs the proposed answer correct? Reply with one word: yes or no.";

export const VERIFIER_MAX_TOKENS = 4;

/** The verifier's request, minus the model name and the signal the caller adds. */
export function verifierRequest(a: { question: string; answer: string; template?: string; maxTokens?: number }): Omit<ChatRequest, "model" | "signal"> {
  const content = (a.template ?? DEFAULT_VERIFIER_TEMPLATE).split("{question}").join(a.question).split("{answer}").join(a.answer);
  const messages: ChatMessage[] = [{ role: "user", content }];
  return { messages, maxTokens: a.maxTokens ?? VERIFIER_MAX_TOKENS, temperature: 0, logprobs: { top: 5 } };
}

const YES = /^\W*yes\b/i;
const NO = /^\W*no\b/i;
const word = (token: string, re: RegExp) => re.test(`${token.trim()} `);

/** P(yes) from the verifier's reply; undefined when it says neither yes nor no. */
export function pYes(result: Pick<ChatResult, "text" | "logprobs">): number | undefined {
  const first = result.logprobs?.find((t) => t.token.trim() !== "");
  if (first) {
    const options = [first, ...(first.top ?? [])];
    let yes = 0;
    let no = 0;
    const seen = new Set<string>();
    for (const o of options) {
      if (seen.has(o.token)) continue;
      seen.add(o.token);
      if (word(o.token, YES)) yes += Math.exp(o.logprob);
      else if (word(o.token, NO)) no += Math.exp(o.logprob);
    }
    if (yes + no > 0) return yes / (yes + no);
  }
  if (YES.test(result.text)) return 1;
  if (NO.test(result.text)) return 0;
  return undefined;
}
