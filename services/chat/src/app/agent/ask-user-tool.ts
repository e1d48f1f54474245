import type { LlmTool } from "@qamesh/ports";
import type { QuestionRecord } from "../sessions/chat-records.js";

const maxQuestionChars = 1_000;
const maxChoices = 10;
const maxChoiceChars = 200;

/** The tool that pauses an answer to ask the user one question; the chat service runs it itself. */
export const askUserTool: LlmTool = {
  name: "ask_user",
  description:
    "Ask the user one clarifying question when their request is ambiguous and the tools cannot settle it. " +
    "The answer pauses until they reply; offer choices when the options are known.",
  parametersJsonSchema: {
    type: "object",
    properties: {
      question: { type: "string", minLength: 1, maxLength: maxQuestionChars },
      choices: { type: "array", items: { type: "string", minLength: 1, maxLength: maxChoiceChars }, maxItems: maxChoices },
    },
    required: ["question"],
    additionalProperties: false,
  },
};

/** The question an ask_user call asks, or undefined when its arguments are not a valid one. */
export function questionOf(argumentsJson: string): QuestionRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsJson);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null) return undefined;
  const { question, choices = [] } = parsed as { question?: unknown; choices?: unknown };
  if (typeof question !== "string" || !question.trim() || question.length > maxQuestionChars) return undefined;
  if (!Array.isArray(choices) || choices.length > maxChoices) return undefined;
  if (!choices.every((choice): choice is string => typeof choice === "string" && choice.length > 0 && choice.length <= maxChoiceChars)) return undefined;
  return { text: question.trim(), choices };
}
