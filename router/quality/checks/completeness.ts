/** Completeness checks: did the model finish, and is everything asked for there? */
import type { QualityCheck } from "../../contracts/quality.js";
import { extractJson } from "../extract.js";
import { paramNumber, paramStringArray, result } from "./params.js";

export const finishReasonCheck: QualityCheck = {
  id: "finish_reason",
  category: "completeness",
  description: "the model stopped on its own rather than hitting the token limit",
  params: [],
  run(input) {
    if (input.finishReason === "length") return result("finish_reason", 0, "cut off at the token limit (finish reason: length)");
    if (input.finishReason === "content_filter") return result("finish_reason", 0, "stopped by a content filter");
    return result("finish_reason", 1, `finished (${input.finishReason})`);
  },
};

export const requiredFieldsCheck: QualityCheck = {
  id: "required_fields",
  category: "completeness",
  description: "the JSON answer has every listed field, non-empty",
  params: ["fields"],
  run(input, params) {
    const fields = paramStringArray(params, "fields");
    const value = extractJson(input.text);
    if (!value || typeof value !== "object" || Array.isArray(value)) return result("required_fields", 0, "answer is not a JSON object");
    const obj = value as Record<string, unknown>;
    const missing = fields.filter((f) => obj[f] === undefined || obj[f] === null || obj[f] === "");
    const score = (fields.length - missing.length) / fields.length;
    return result("required_fields", score, missing.length ? `missing or empty: ${missing.join(", ")}` : "all fields present", 1);
  },
};

export const minLengthCheck: QualityCheck = {
  id: "min_length",
  category: "completeness",
  description: "the answer has at least `words` words (partial credit below)",
  params: ["words"],
  run(input, params) {
    const min = paramNumber(params, "words", 1, [1, 100_000]);
    const words = input.text.trim() === "" ? 0 : input.text.trim().split(/\s+/).length;
    return result("min_length", words / min, `${words} of at least ${min} words`, 1);
  },
};
