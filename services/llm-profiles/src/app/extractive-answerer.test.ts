import { describe, expect, it } from "vitest";
import type { CompletionRequest } from "@qamesh/ports";
import { ExtractiveAnswerer } from "./extractive-answerer.js";

async function answer(question: string, texts: string[]): Promise<string> {
  const request = {
    messages: [{ role: "user", content: question }],
    documents: texts.map((text, index) => ({ title: `file${index + 1}.ts:1-9`, text })),
  } as unknown as CompletionRequest;
  let written = "";
  for await (const event of new ExtractiveAnswerer().complete(request)) if (event.type === "text") written += event.text;
  return written;
}

describe("the extractive answerer", () => {
  it("quotes the lines that share the most rare words with the question, not the imports that name them", async () => {
    const code = [
      'import { refreshAccessToken, revokeSession } from "./session-tokens";',
      'import { retryPolicy } from "./retry-policy";',
      "",
      "export function keepAlive(session: Session) {",
      "  // The access token is refreshed a minute before it expires.",
      "  return schedule(session.expiresAt - 60_000, () => refreshAccessToken(session));",
      "}",
    ].join("\n");
    const written = await answer("When is the access token refreshed?", [code, "unrelated text about billing"]);
    expect(written).toContain(">   // The access token is refreshed a minute before it expires.");
    expect(written).not.toContain("> import");
    expect(written).toContain("[1]");
    expect(written).not.toContain("[2]");
  });

  it("says so when no passage shares a word with the question", async () => {
    expect(await answer("kubernetes autoscaling?", ["billing reconciler"])).toContain("No indexed passage matches the question.");
  });
});
