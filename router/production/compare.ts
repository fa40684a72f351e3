/**
 * Do two answers to one request agree? Read both as the action's answer kind and compare them
 * exactly as the graders compare an answer with the gold one (router/answers). An answer that
 * cannot be read gives no verdict: it says nothing about the kept answer's correctness.
 */
import type { AnswerKind } from "../answers/kinds.js";
import { readAnswer, sameAnswer } from "../answers/read-answer.js";

export interface Agreement {
  agree: boolean | null;
  local: string | null;
  reference: string | null;
  reason: string;
}

export function compareAnswers(args: { local: string; reference: string; kind: AnswerKind }): Agreement {
  const a = readAnswer(args.local, args.kind);
  const b = readAnswer(args.reference, args.kind);
  if (b.status === "unparseable")
    return { agree: null, local: a.canonical, reference: null, reason: `the reference answer could not be read as ${args.kind}: ${b.how ?? "no answer"}` };
  if (a.status === "unparseable")
    return {
      agree: false,
      local: null,
      reference: b.canonical,
      reason: `the kept answer could not be read as ${args.kind} (${a.how ?? "no answer"}); the reference could`,
    };
  const agree = sameAnswer(a, b);
  return { agree, local: a.canonical, reference: b.canonical, reason: `${args.kind}: ${agree ? "same answer" : "different answers"}` };
}
