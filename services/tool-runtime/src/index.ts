import type { GrpcServer } from "@qamesh/grpc";
import type { MeshService } from "@qamesh/service-runtime";
import type { CallApprovals, DocumentStore, EventBus, ProjectModels, ProjectSources, Subscription, ChunkIndex } from "@qamesh/ports";
import type { SecretBox } from "@qamesh/secrets";
import type { OutboundPolicy } from "@qamesh/source-safety";
import { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";
import { unavailable } from "@qamesh/errors";
import { subscribeToProjectDeletions } from "@qamesh/events";
import { builtInTools } from "./app/tools/built-in-tools.js";
import { IndexedFiles } from "./app/tools/indexed-files.js";
import { toolUseCases } from "./app/tool-use-cases.js";
import { approvedCalls } from "./app/approvals/approved-calls.js";
import { customToolUseCases } from "./app/custom/custom-tool-use-cases.js";
import { CodeSandbox } from "./app/code/code-sandbox.js";
import { McpServers, type DeploymentMcpServer } from "./app/mcp/mcp-servers.js";
import { forgetProject } from "./app/deleted-projects.js";
import { toolRuntimeHandlers } from "./grpc/tool-runtime-handlers.js";

export { toolRuntimeConfigSchema } from "./config.js";
export { toolRuntimeRecipe } from "./recipe.js";

export interface ToolRuntimeDeps {
  chunkIndex: ChunkIndex;
  /** Embeds queries with the project's embedding model. */
  models: ProjectModels;
  /** The project's sources and runs, from ingestion (for project_overview). */
  sources: ProjectSources;
  /** Custom tools and the projects' tool settings. */
  store: DocumentStore;
  /** Where a project's deletion is announced. */
  bus: EventBus;
  /** Seals and opens custom tools' secret headers. */
  secrets: SecretBox;
  /** Which networks custom tools may reach besides the public internet (deployment configuration only). */
  outboundPolicy: OutboundPolicy;
  /** The chat owners' approvals of calls under an `ask` policy, from the chat service. */
  approvals: CallApprovals;
  /** How long an MCP server's tool list is reused. */
  mcpListCacheMs: number;
  /** Stdio MCP servers the deployment's configuration runs. */
  mcpStdioServers: readonly DeploymentMcpServer[];
}

/** The tool-runtime service as a value: serves search and tools over gRPC, and forgets the tools of deleted projects. */
export function createToolRuntime(deps: ToolRuntimeDeps): MeshService {
  const searchDeps = {
    chunkIndex: deps.chunkIndex,
    embedQuery: async (projectId: string, query: string) => {
      const [vector] = await deps.models.embed(projectId, [query], "query");
      if (!vector) throw unavailable("the embedding model returned no vector for the query");
      return vector;
    },
  };
  const sandbox = new CodeSandbox();
  let deletions: Subscription | undefined;
  return {
    register(server: GrpcServer) {
      const builtIn = builtInTools({ ...searchDeps, files: new IndexedFiles(deps.chunkIndex), sources: deps.sources });
      const allowedHosts = async (projectId: string) => (await custom.settingsOf(projectId)).allowedHosts;
      const mcp = new McpServers({ store: deps.store, secrets: deps.secrets, outboundPolicy: deps.outboundPolicy, allowedHosts, listCacheMs: deps.mcpListCacheMs, deploymentServers: deps.mcpStdioServers });
      const custom = customToolUseCases({ store: deps.store, secrets: deps.secrets, builtInNames: builtIn.map((tool) => tool.name), mcp });
      const customDeps = { secrets: deps.secrets, outboundPolicy: deps.outboundPolicy, sandbox, allowedHosts };
      server.add(ToolRuntimeService, toolRuntimeHandlers(searchDeps, toolUseCases(builtIn, custom, customDeps, approvedCalls(deps.approvals, deps.store), mcp), custom));
      server.health.addDependencyCheck(() => deps.chunkIndex.ping());
    },
    async start() {
      deletions = await subscribeToProjectDeletions(deps.bus, "tool-runtime", (projectId) => forgetProject(deps.store, projectId));
    },
    async stop() {
      await deletions?.stop();
      await sandbox.close();
    },
  };
}

export { CodeSandbox } from "./app/code/code-sandbox.js";
