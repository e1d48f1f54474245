import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startFakeModelServer, type FakeModelServer } from "@qamesh/testkit";
import { startHarness, type Harness } from "./standalone-harness.js";

/** Cites whichever numbered passage of the system prompt mentions retries, like a grounded model would. */
function groundedAnswer(messages: { role: string; content: string }[]): string {
  const passages = messages[0]!.content.split(/\n\n(?=\[\d+\] )/);
  const cited = passages.find((passage) => passage.includes("17 minutes"))?.match(/^\[(\d+)\]/)?.[1];
  return cited ? `Failed invoices are retried every 17 minutes [${cited}].` : "I could not find it.";
}

describe("standalone with an OpenAI-compatible LLM configured", () => {
  let model: FakeModelServer;
  let harness: Harness;
  let projectId: string;

  beforeAll(async () => {
    model = await startFakeModelServer({ answer: groundedAnswer, embedding: () => [] });
    harness = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${model.url}/v1`, LLM_MODEL: "gpt-test", LLM_API_KEY: "sk-test" });
    const docs = join(harness.root, "docs");
    await mkdir(docs, { recursive: true });
    await writeFile(join(docs, "billing.md"), "# Billing\n\nFailed invoices are retried every 17 minutes.\n");
    for (let i = 0; i < 4; i++) await writeFile(join(docs, `other-${i}.md`), `# Other ${i}\n\nInvoices are printed on page ${i}.\n`);
    projectId = (await harness.api("POST", "/v1/projects", { name: "LLM" })).body.id;
    await harness.api("POST", `/v1/projects/${projectId}/sources`, { type: "local", path: docs });
    const run = await harness.api("POST", `/v1/projects/${projectId}/ingestions`, {});
    expect((await harness.waitForRun(projectId, run.body.id)).status).toBe("succeeded");
  });

  afterAll(async () => {
    await harness?.stop();
    await model?.close();
  });

  it("answers with the model's words and leads the citations with the passage it cited", async () => {
    const asked = await harness.api("POST", `/v1/projects/${projectId}/ask`, { question: "How often are failed invoices retried?" });
    expect(asked.status).toBe(200);
    expect(asked.body.provider).toBe("openai:gpt-test");
    expect(asked.body.answer).toMatch(/^Failed invoices are retried every 17 minutes \[\d\]\.$/);
    expect(asked.body.citations).toHaveLength(1);
    expect(asked.body.citations[0]).toMatchObject({ path: "billing.md", startLine: 1, endLine: 3 });
    expect(model.requests.at(-1)!.headers.authorization).toBe("Bearer sk-test");
  });

  it("reports a failing model as 503 with the reason, and as an error event when streaming", async () => {
    model.requests.length = 0;
    const failing = await startFakeModelServer({ answer: () => "", embedding: () => [], failWithStatus: 500 });
    const broken = await startHarness({ LLM_PROVIDER: "openai", LLM_BASE_URL: `${failing.url}/v1`, LLM_MODEL: "gpt-test" });
    try {
      const project = await broken.api("POST", "/v1/projects", { name: "broken" });
      const asked = await broken.api("POST", `/v1/projects/${project.body.id}/ask`, { question: "anything?" });
      expect(asked.status).toBe(503);
      expect(asked.body.error.message).toContain("the language model (openai:gpt-test) failed");
      const streamed = await broken.api("POST", `/v1/projects/${project.body.id}/ask`, { question: "anything?" }, { accept: "text/event-stream" });
      expect(streamed.status).toBe(200);
      expect(streamed.body).toContain("event: error");
      expect(streamed.body).toContain("the language model (openai:gpt-test) failed");
    } finally {
      await broken.stop();
      await failing.close();
    }
  });
});
