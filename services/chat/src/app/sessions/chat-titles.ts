import type { CallSignal, ProjectModels } from "@qamesh/ports";

const maxTitleChars = 60;

/** A title guessed from the first message: its first line, cut at a word. */
export function heuristicTitle(content: string): string {
  const line = content.trim().split("\n")[0]!.replace(/\s+/g, " ").trim();
  if (line.length <= maxTitleChars) return line;
  const cut = line.slice(0, maxTitleChars);
  const atWord = cut.lastIndexOf(" ");
  return `${(atWord > maxTitleChars / 2 ? cut.slice(0, atWord) : cut).trimEnd()}…`;
}

/** A title the project's model writes for a chat from its first question; undefined when it wrote nothing usable. */
export async function modelTitle(models: ProjectModels, projectId: string, question: string, call: CallSignal): Promise<string | undefined> {
  let text = "";
  const request = {
    messages: [
      { role: "system" as const, content: "Write a title of at most six words for a conversation that starts with the user's message. Reply with the title alone, no quotes." },
      { role: "user" as const, content: question },
    ],
    documents: [],
  };
  for await (const event of models.complete(projectId, request, call)) if (event.type === "text") text += event.text;
  const title = text.trim().split("\n")[0]!.replace(/^["'`*#\s]+|["'`*\s.]+$/g, "").trim();
  return title ? heuristicTitle(title) : undefined;
}
