/**
 * `npm run eval:retrieval`: how well search finds the file and lines that answer a newcomer's
 * question about qamesh itself. Takes the repository's tree at the commit the question set is
 * pinned to (`git archive`), ingests it through the public API of a standalone mesh once per
 * embedder, asks every question in every search mode, and prints recall@5, MRR and line
 * recall@5 per configuration side by side, with ingestion and search costs. Asserts nothing.
 *
 * EVAL_CONFIGS=hybrid-model,lexical narrows the run to some configurations; EVAL_SHOW_RANKS=true
 * prints where each question's answering file and lines ranked.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { FileChunker } from "@qamesh/connector-worker";
import { createLogger } from "@qamesh/logger";
import { ephemeralStandaloneEnvironment, startStandalone } from "@qamesh/standalone";
import { benchApi, percentile } from "../bench/bench-api.js";
import { retrievalConfigurations, type RetrievalConfiguration } from "./retrieval-configurations.js";
import { scoreRanking, summarize, type EvalQuestion, type QuestionScore } from "./retrieval-metrics.js";

const run = promisify(execFile);
const repository = join(dirname(fileURLToPath(import.meta.url)), "../..");
const questionSet = JSON.parse(await readFile(join(repository, "eval/retrieval/questions.json"), "utf8")) as { commit: string; questions: EvalQuestion[] };

const wanted = process.env.EVAL_CONFIGS?.split(",").map((name) => name.trim());
const configurations = retrievalConfigurations.filter((configuration) => !wanted || wanted.includes(configuration.name));
if (configurations.length === 0) throw new Error(`EVAL_CONFIGS names none of ${retrievalConfigurations.map((c) => c.name).join(", ")}`);

const directory = await mkdtemp(join(tmpdir(), "qamesh-eval-"));
const tree = join(directory, "tree");
/** Chunks the tree is cut into (the same for every configuration), for chunks/s. */
let chunkCount = 0;
try {
  await mkdir(tree);
  await run("sh", ["-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "archive", repository, questionSet.commit, tree]).catch(() => {
    throw new Error(`commit ${questionSet.commit} (the question set's) is not in this clone: fetch the full history`);
  });

  const chunker = new FileChunker();
  for (const path of (await run("git", ["-C", repository, "ls-tree", "-r", "--name-only", questionSet.commit], { maxBuffer: 16 << 20 })).stdout.split("\n").filter(Boolean)) {
    const content = await readFile(join(tree, path)).catch(() => undefined);
    if (content && !content.subarray(0, 8000).includes(0)) chunkCount += (await chunker.chunk(path, content.toString("utf8"))).length;
  }

  const rows: string[] = [];
  for (const embedder of new Set(configurations.map((configuration) => configuration.embedder))) {
    const sameEmbedder = configurations.filter((configuration) => configuration.embedder === embedder);
    const environment = ephemeralStandaloneEnvironment(join(directory, embedder), { LOCAL_SOURCE_ROOTS: directory, ...sameEmbedder[0]!.environment });
    const running = await startStandalone(environment, createLogger({ service: "eval", level: "silent" }));
    try {
      const { api, ingestFolder } = benchApi(running.gatewayUrl);
      const ingestion = await ingestFolder("eval", tree);
      for (const configuration of sameEmbedder) rows.push(await evaluate(configuration, api, ingestion));
    } finally {
      await running.stop();
    }
  }
  const header = `${"configuration".padEnd(22)} recall@5  MRR    line@5  search p50/p95 ms  ingestion (${chunkCount} chunks)`;
  process.stdout.write(
    [`retrieval evaluation — ${questionSet.questions.length} questions about qamesh at ${questionSet.commit.slice(0, 12)}`, header, ...rows, ...(await installSizes())].join("\n") + "\n",
  );
} finally {
  await rm(directory, { recursive: true, force: true });
}

/** What the offline model adds to an install: its runtime's packages and its files. */
async function installSizes(): Promise<string[]> {
  const megabytes = async (paths: string[]) => {
    const existing = paths.filter((path) => existsSync(path));
    if (existing.length === 0) return 0;
    const { stdout } = await run("du", ["-sck", ...existing]);
    return Number(/(\d+)\s+total/.exec(stdout)?.[1] ?? 0) / 1024;
  };
  const packages = ["@huggingface", "onnxruntime-node", "onnxruntime-web", "onnxruntime-common", "sharp", "@img"];
  const roots = [join(repository, "node_modules"), join(repository, "services/llm-profiles/node_modules")];
  const runtime = await megabytes(roots.flatMap((root) => packages.map((name) => join(root, name))));
  const model = await megabytes([join(process.env.EMBEDDING_MODEL_DIR ?? join(homedir(), ".cache", "qamesh", "models"), "all-MiniLM-L6-v2")]);
  return [`install size added by the model: runtime packages ${runtime.toFixed(0)} MB, model files ${model.toFixed(0)} MB`];
}

async function evaluate(
  configuration: RetrievalConfiguration,
  api: ReturnType<typeof benchApi>["api"],
  ingestion: Awaited<ReturnType<ReturnType<typeof benchApi>["ingestFolder"]>>,
): Promise<string> {
  const scores: QuestionScore[] = [];
  const latencies: number[] = [];
  for (const question of questionSet.questions) {
    const started = performance.now();
    const { hits } = await api("POST", "/v1/projects/eval/search", { query: question.question, k: 10, ...configuration.search });
    latencies.push(performance.now() - started);
    const score = scoreRanking(question, hits as { path: string; startLine: number; endLine: number }[]);
    scores.push(score);
    if (process.env.EVAL_SHOW_RANKS === "true") process.stdout.write(`  ${configuration.name}: file ${score.fileRank ?? "-"}, lines ${score.lineRank ?? "-"}: ${question.question}\n`);
  }
  const summary = summarize(scores);
  const { run: finished, seconds } = ingestion;
  return [
    configuration.name.padEnd(22),
    summary.recallAt5.toFixed(2).padStart(8),
    summary.mrr.toFixed(2).padStart(6),
    summary.lineRecallAt5.toFixed(2).padStart(7),
    `${percentile(latencies, 50).toFixed(1)}/${percentile(latencies, 95).toFixed(1)}`.padStart(19),
    `  ${finished.counts.indexed} files in ${seconds.toFixed(1)} s (${(finished.counts.indexed / seconds).toFixed(1)} files/s, ${(chunkCount / seconds).toFixed(1)} chunks/s)`,
  ].join(" ");
}
