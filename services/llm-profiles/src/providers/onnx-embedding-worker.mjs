// The ONNX embedding model's thread: loads the model once, then embeds the texts it is sent.
// Plain JavaScript, so the thread needs no TypeScript loader. Running the model here keeps
// the service's own thread (and, in standalone, the gateway's) free: one batch takes a second.
import { parentPort, workerData } from "node:worker_threads";

const { directory, model: modelName, allowDownload, maxTokens, batchSize } = workerData;

const transformers = await import("@huggingface/transformers");
transformers.env.localModelPath = directory;
transformers.env.allowLocalModels = true;
transformers.env.allowRemoteModels = allowDownload;
transformers.env.cacheDir = directory;

let loaded;
const load = () =>
  (loaded ??= Promise.all([
    transformers.AutoTokenizer.from_pretrained(modelName),
    transformers.AutoModel.from_pretrained(modelName, { dtype: "q8", device: "cpu" }),
  ]).catch((error) => {
    loaded = undefined;
    throw error;
  }));

async function embed(texts) {
  const [tokenizer, model] = await load();
  // Longest first, so each batch pads to a length close to its own texts'.
  const order = texts.map((_, index) => index).sort((a, b) => texts[b].length - texts[a].length);
  const vectors = new Array(texts.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const batch = order.slice(start, start + batchSize);
    const inputs = tokenizer(batch.map((index) => texts[index]), { padding: true, truncation: true, max_length: maxTokens });
    const { last_hidden_state: hidden } = await model(inputs);
    const pooled = transformers.mean_pooling(hidden, inputs.attention_mask).normalize(2, -1);
    pooled.tolist().forEach((vector, position) => {
      vectors[batch[position]] = vector;
    });
  }
  return { vectors, dimensions: model.config.hidden_size ?? 0 };
}

parentPort.on("message", ({ id, texts }) => {
  embed(texts).then(
    (result) => parentPort.postMessage({ id, ...result }),
    (error) => parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
