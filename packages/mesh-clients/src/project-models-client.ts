import { unavailable } from "@qamesh/errors";
import { createGrpcClient } from "@qamesh/grpc";
import type { CallSignal, CompletionRequest, EmbeddingPurpose, ProjectModels } from "@qamesh/ports";
import { LlmProfilesService } from "@qamesh/proto/qamesh/llmprofiles/v1/llm_profiles_pb.js";
import { completionEventFromChunk, completionRequestMessage } from "./completion-wire.js";

/** ProjectModels served by the llm-profiles service at `address`. */
export function projectModelsClient(address: string): ProjectModels & { close(): void } {
  const client = createGrpcClient(LlmProfilesService, address, { peer: "llm-profiles" });
  const signalOf = (options?: CallSignal) => (options?.signal ? { signal: options.signal } : {});
  return {
    async describe(projectId, options) {
      const profile = await client.resolveProfile({ projectId }, signalOf(options));
      return { provider: profile.provider, model: profile.model, callsTools: profile.callsTools };
    },
    async *complete(projectId: string, request: CompletionRequest, options?: CallSignal) {
      for await (const chunk of client.complete(completionRequestMessage(projectId, request), signalOf(options))) {
        const event = completionEventFromChunk(chunk);
        if (event) yield event;
      }
    },
    async embed(projectId: string, texts: readonly string[], purpose: EmbeddingPurpose, options?: CallSignal) {
      const response = await client.embed({ projectId, texts: [...texts], purpose }, signalOf(options));
      if (response.embeddings.length !== texts.length) throw unavailable(`the embedding model returned ${response.embeddings.length} vectors for ${texts.length} texts`);
      return response.embeddings.map((embedding) => embedding.values);
    },
    close: () => client.close(),
  };
}
