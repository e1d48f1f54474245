import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { eventually } from "@qamesh/testkit";
import { ChromaVectorIndex } from "@qamesh/vector-chroma";
import { chunkId } from "@qamesh/connector-worker";
import type { DistributedHarness } from "./distributed-harness.js";

/** Small notes of one chunk each, so the expected chunk ids follow from the paths alone. */
export async function writeNotes(directory: string, count: number): Promise<string[]> {
  const paths = Array.from({ length: count }, (_, i) => `notes/${String(Math.floor(i / 100)).padStart(2, "0")}/note-${i}.md`);
  await Promise.all(
    paths.map(async (path, i) => {
      await mkdir(dirname(join(directory, path)), { recursive: true });
      await writeFile(join(directory, path), `# Note ${i}\n\nItem ${i} of the inventory weighs ${i * 7} grams.\n`);
    }),
  );
  return paths;
}

/** Writes `count` notes, registers them as a new project's source and starts a full run. */
export async function startNotesIngestion(harness: DistributedHarness, name: string, count: number) {
  const corpus = join(harness.root, "corpus");
  const paths = await writeNotes(corpus, count);
  return { paths, ...(await startIngestion(harness, name, corpus)) };
}

/** The run, once it has indexed at least `files` files (it may be done by then). */
export async function runOnceIndexed(harness: DistributedHarness, projectId: string, runId: string, files: number) {
  return eventually(async () => {
    const { body } = await harness.api("GET", `/v1/projects/${projectId}/ingestions/${runId}`);
    expect(body.counts.indexed).toBeGreaterThanOrEqual(files);
    return body;
  }, 60_000, 20);
}

/** Registers a local source on a new project and starts a full run; returns the ids. */
export async function startIngestion(harness: DistributedHarness, name: string, path: string) {
  const project = await harness.api("POST", "/v1/projects", { name });
  const source = await harness.api("POST", `/v1/projects/${project.body.id}/sources`, { type: "local", path });
  const run = await harness.api("POST", `/v1/projects/${project.body.id}/ingestions`, { mode: "full" });
  if (run.status !== 202) throw new Error(`could not start the run: ${JSON.stringify(run.body)}`);
  return { projectId: project.body.id as string, sourceId: source.body.id as string, runId: run.body.id as string };
}

/** Every chunk id of the project as Chroma holds it, duplicates included. */
export async function chunkIdsInChroma(harness: DistributedHarness, projectId: string): Promise<string[]> {
  const index = new ChromaVectorIndex({ url: harness.servers.CHROMA_URL, collectionPrefix: harness.namespace });
  const chunks = await index.list(projectId, {});
  await index.close();
  return chunks.map((chunk) => chunk.id);
}

export const expectedChunkIds = (projectId: string, sourceId: string, paths: readonly string[]) =>
  paths.map((path) => chunkId(projectId, sourceId, path, 0));
