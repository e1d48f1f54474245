/** How an answer names the model that wrote it: "extractive" when no LLM was used, else provider:model. */
export function providerName(profile: { provider: string; model: string }): string {
  return profile.provider === "extractive" ? "extractive" : `${profile.provider}:${profile.model}`;
}
