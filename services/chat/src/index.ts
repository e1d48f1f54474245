import type { GrpcServer } from "@qamesh/grpc";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { MeshService } from "@qamesh/service-runtime";
import type { AnswerDeps } from "./app/answer-question.js";
import { chatHandlers } from "./grpc/chat-handlers.js";

export { chatConfigSchema } from "./config.js";
export { chatRecipe } from "./recipe.js";

/** The chat service as a value: answers questions over gRPC. */
export function createChat(deps: AnswerDeps): MeshService {
  return {
    register(server: GrpcServer) {
      server.add(ChatService, chatHandlers(deps));
    },
    async start() {},
    async stop() {},
  };
}
