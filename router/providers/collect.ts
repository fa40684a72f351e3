import type { ChatRequest, ChatResult, StreamChunk } from "../contracts/provider.js";
import { MalformedResponseError } from "../../core/errors.js";

/** Drains a provider stream into one result; shared by every provider's `chat`. */
export async function collectStream(stream: AsyncIterable<StreamChunk>, request: ChatRequest): Promise<ChatResult> {
  for await (const chunk of stream) {
    if (chunk.type === "done") return chunk.result;
  }
  throw new MalformedResponseError({
    message: `stream for model "${request.model}" ended without a final chunk`,
    fix: "the server closed the stream early; retry, or check the server logs",
  });
}
