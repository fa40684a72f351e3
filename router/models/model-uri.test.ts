import { describe, expect, it } from "vitest";
import { modelUrl } from "./model-uri.js";

describe("modelUrl", () => {
  it("maps hf:owner/repo/path/file to the hub's resolve URL, as node-llama-cpp does", () => {
    expect(modelUrl("hf:ggml-org/models/tinyllamas/stories260K.gguf", {}).url).toBe(
      "https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf?download=true",
    );
    expect(modelUrl("hf://owner/repo/model.Q4_K_M.gguf#v2", {}).url).toBe("https://huggingface.co/owner/repo/resolve/v2/model.Q4_K_M.gguf?download=true");
    expect(modelUrl("huggingface:o/r/a b.gguf", {}).url).toBe("https://huggingface.co/o/r/resolve/main/a%20b.gguf?download=true");
  });

  it("takes the endpoint from MODEL_ENDPOINT, then HF_ENDPOINT, and sends HF_TOKEN only on hub URIs", () => {
    expect(modelUrl("hf:o/r/f.gguf", { HF_ENDPOINT: "http://127.0.0.1:9" }).url).toBe("http://127.0.0.1:9/o/r/resolve/main/f.gguf?download=true");
    expect(modelUrl("hf:o/r/f.gguf", { HF_ENDPOINT: "http://a.test/", MODEL_ENDPOINT: "http://b.test" }).url).toMatch(/^http:\/\/b\.test\/o\/r\//);
    expect(modelUrl("hf:o/r/f.gguf", { HF_TOKEN: "hf_x" }).headers).toEqual({ authorization: "Bearer hf_x" });
    expect(modelUrl("https://example.test/f.gguf", { HF_TOKEN: "hf_x" })).toEqual({
      uri: "https://example.test/f.gguf",
      url: "https://example.test/f.gguf",
      headers: {},
    });
  });

  it("refuses URIs that name no file, with the form to use", () => {
    expect(() => modelUrl("hf:owner/repo:Q4_K_M", {})).toThrow(/hf:owner\/repo\/path\/file\.gguf.*manifest/);
    expect(() => modelUrl("hf:owner", {})).toThrow(/does not name a file/);
    expect(() => modelUrl("ftp://x/y.gguf", {})).toThrow(/not a model URI/);
    expect(() => modelUrl("stories.gguf", {})).toThrow(/not a model URI/);
  });
});
