import { describe, expect, it } from "vitest";
import { createLogger } from "./index.js";

describe("log redaction", () => {
  it("writes secrets a log call carries by mistake as [redacted], at the top and one level down, and leaves the rest", () => {
    const lines: string[] = [];
    const logger = createLogger({ service: "test", destination: { write: (line: string) => void lines.push(line) } });
    logger.info({ apiKey: "sk-top-1", profile: { apiKey: "sk-nested-2", model: "gpt-4o" }, request: { headers: { authorization: "Bearer tok-3", accept: "json" } } }, "with secrets");
    logger.info({ config: { LLM_API_KEY: "sk-env-4", ENCRYPTION_KEYS: "k1:AAAA", LOG_LEVEL: "info" }, password: "hunter2-5" }, "settings");
    const written = lines.join("\n");
    for (const secret of ["sk-top-1", "sk-nested-2", "tok-3", "sk-env-4", "k1:AAAA", "hunter2-5"]) expect(written).not.toContain(secret);
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ apiKey: "[redacted]", profile: { apiKey: "[redacted]", model: "gpt-4o" }, request: { headers: { authorization: "[redacted]", accept: "json" } } });
    expect(second).toMatchObject({ config: { LLM_API_KEY: "[redacted]", LOG_LEVEL: "info" }, password: "[redacted]" });
  });
});
