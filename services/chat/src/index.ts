import type { GrpcServer } from "@qamesh/grpc";
import { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import type { AnswerDeps } from "./app/answer-question.js";
import { chatHandlers } from "./grpc/chat-handlers.js";

export { chatConfigSchema } from "./config.js";

/** The chat service as a value: registers itself on a gRPC server. */
export function createChat(deps: AnswerDeps) {
  return {
    register(server: GrpcServer) {
      server.add(ChatService, chatHandlers(deps));
    },
    async close() {},
  };
}
