import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gatewayClient, temporaryDirectory } from "@qamesh/testkit";
import { exitOf, meshServices, MeshProcesses, spawnService } from "./mesh-processes.js";

describe("each service's own main", () => {
  const badSettings: Record<(typeof meshServices)[number], [string, string]> = {
    gateway: ["GATEWAY_PORT", "eighty"],
    ingestion: ["INGESTION_GRPC_PORT", "70000"],
    "connector-worker": ["MAX_FILE_BYTES", "-1"],
    chat: ["TOOL_RUNTIME_ADDRESS", "not an address"],
    "tool-runtime": ["LLM_PROFILES_ADDRESS", "nowhere"],
    "llm-profiles": ["LLM_PROVIDER", "magic"],
  };

  it.each(meshServices)("%s refuses a bad setting with one line naming the variable", async (name) => {
    const [variable, value] = badSettings[name];
    const { code, stderr } = await exitOf(spawnService(name, { [variable]: value }));
    expect(code).toBe(2);
    const lines = stderr.trim().split("\n").filter((line) => !line.startsWith("npm warn"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`qamesh ${name}: invalid configuration: ${variable}`);
  });
});

describe("the mesh as separate processes (embedded adapters on a shared data directory)", () => {
  const directory = temporaryDirectory("processes");
  let mesh: MeshProcesses | undefined;
  afterAll(async () => {
    mesh?.killAll();
    await (await directory).remove();
  });

  it("starts every service alone, answers through the gateway, and stops cleanly on SIGTERM", async () => {
    const root = (await directory).path;
    mesh = await MeshProcesses.start(root);

    const docs = join(root, "docs");
    await mkdir(docs, { recursive: true });
    await writeFile(join(docs, "oncall.md"), "# On-call\n\nThe on-call rotation hands over every Tuesday at 09:00.\n");
    const client = gatewayClient(() => mesh!.url);
    const post = async (path: string, body: unknown) => (await client.api("POST", path, body)).body;
    const project = await post("/v1/projects", { name: "processes" });
    await post(`/v1/projects/${project.id}/sources`, { type: "local", path: docs });
    const run = await post(`/v1/projects/${project.id}/ingestions`, {});
    expect((await client.waitForRun(project.id, run.id)).status).toBe("succeeded");
    const answer = await post(`/v1/projects/${project.id}/ask`, { question: "When does the on-call rotation hand over?" });
    expect(answer.citations[0].path).toBe("oncall.md");
    expect(answer.answer).toContain("every Tuesday at 09:00");

    for (const code of await mesh.stop()) expect(code).toBe(0);
  }, 120_000);
});
