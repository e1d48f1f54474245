import type { CompletionRequest, LlmMessage } from "@qamesh/ports";

/**
 * Puts the retrieved passages in a system message, numbered, and asks the model to cite
 * them as [n] so the chat service can turn the markers into citations. A conversation that
 * brings its own instructions and no passages (the agent, whose tools find them) is left as is.
 */
export function groundedMessages(request: CompletionRequest): LlmMessage[] {
  if (request.documents.length === 0 && request.messages.some((message) => message.role === "system")) return [...request.messages];
  const passages = request.documents.map((document, index) => `[${index + 1}] ${document.title}\n${document.text}`).join("\n\n");
  const system: LlmMessage = {
    role: "system",
    content:
      "You answer questions about a software project using only the numbered passages below. " +
      "Cite every claim with the passage number in square brackets, like [1]. " +
      "If the passages do not contain the answer, say so.\n\n" +
      (passages || "(no passages were found)"),
  };
  return [system, ...request.messages];
}
