import { createGrpcClient } from "@qamesh/grpc";
import type { CallSignal, PassageReference, Retrieval } from "@qamesh/ports";
import type { SourceReference } from "@qamesh/proto/qamesh/common/v1/source_pb.js";
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
        reference: passageReference(hit.reference),
      }));
    },
    close: () => client.close(),
  };
}

/** A reference off the wire (absent fields read as empty). */
export function passageReference(reference: SourceReference | undefined): PassageReference {
  return {
    sourceId: reference?.sourceId ?? "",
    path: reference?.path ?? "",
    startLine: reference?.startLine ?? 0,
    endLine: reference?.endLine ?? 0,
    commit: reference?.commit ?? "",
  };
}
