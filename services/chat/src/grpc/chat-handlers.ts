import type { CallContext, ServiceImplementation } from "@qamesh/grpc";
import type { ChatService } from "@qamesh/proto/qamesh/chat/v1/chat_pb.js";
import { AppError } from "@qamesh/errors";
import { callPrincipal } from "@qamesh/mesh-auth";
import { answerQuestion, type AnswerDeps } from "../app/answer-question.js";

/**
 * What a use case needs of the call: who it is for, and the signal. The request id, credential
 * and deadline follow its outgoing calls on their own.
 */
const callOptions = (context: CallContext) => ({ signal: context.signal });

export function chatHandlers(deps: AnswerDeps): ServiceImplementation<typeof ChatService> {
  return {
    async ask(request, context) {
      for await (const event of answerQuestion(deps, callPrincipal(context.values), request, callOptions(context))) {
        if (event.event?.case === "done") return event.event.value;
      }
      throw new AppError("internal", "the answer ended without a result");
    },
    askStream(request, context) {
      return answerQuestion(deps, callPrincipal(context.values), request, callOptions(context));
    },
  };
}
