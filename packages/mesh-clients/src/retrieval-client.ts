import { createGrpcClient } from "@qamesh/grpc";
import type { CallSignal, Retrieval } from "@qamesh/ports";
import { ToolRuntimeService } from "@qamesh/proto/qamesh/toolruntime/v1/tool_runtime_pb.js";

/** Retrieval served by the tool-runtime service at `address`. */
export function retrievalClient(address: string): Retrieval & { close(): void } {
  const client = createGrpcClient(ToolRuntimeService, address, { peer: "tool-runtime" });
  return {
    async search(projectId: string, query: string, k: number, options?: CallSignal) {
      const { hits } = await client.search({ projectId, query, k }, options?.signal ? { signal: options.signal } : {});
      return hits.map((hit) => ({
        chunkId: hit.chunkId,
        score: hit.score,
        text: hit.text,
        reference: {
          sourceId: hit.reference?.sourceId ?? "",
          path: hit.reference?.path ?? "",
          startLine: hit.reference?.startLine ?? 0,
          endLine: hit.reference?.endLine ?? 0,
          commit: hit.reference?.commit ?? "",
        },
      }));
    },
    close: () => client.close(),
  };
}
