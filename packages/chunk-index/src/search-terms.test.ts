import { describe, expect, it } from "vitest";
import { identifierWords, searchTerms } from "./search-terms.js";

describe("identifier splitting", () => {
  it.each([
    ["refreshAccessToken", ["refresh", "Access", "Token"]],
    ["RefreshAccessToken", ["Refresh", "Access", "Token"]],
    ["snake_case_name", ["snake", "case", "name"]],
    ["HTTPServer", ["HTTP", "Server"]],
    ["parseJSONBody", ["parse", "JSON", "Body"]],
    ["utf8Decoder", ["utf", "8", "Decoder"]],
    ["MAX_FILE_BYTES", ["MAX", "FILE", "BYTES"]],
    ["plain", ["plain"]],
  ])("%s → %j", (identifier, words) => {
    expect(identifierWords(identifier)).toEqual(words);
  });
});

describe("search terms", () => {
  it("index an identifier whole and by its words, so a paraphrase and the exact name both find it", () => {
    const indexed = searchTerms("async refreshAccessToken(session) {");
    expect(indexed).toEqual(expect.arrayContaining(["refreshaccesstoken", "refresh", "access", "token", "session", "async"]));
    const paraphrase = searchTerms("how is the access token refreshed?");
    expect(paraphrase).toEqual(["access", "token", "refresh"]);
    expect(searchTerms("refreshAccessToken")).toContain("refreshaccesstoken");
  });

  it("split kebab-case, snake_case and paths into their words", () => {
    expect(searchTerms("rate-limit-settings")).toEqual(["rate", "limit", "set"]);
    expect(searchTerms("MAX_FILE_BYTES")).toEqual(["maxfilebytes", "max", "file", "byte"]);
    expect(searchTerms("services/gateway/src/http/rate-limits.ts")).toEqual(["servic", "gatewai", "src", "http", "rate", "limit", "ts"]);
  });

  it("stem plurals and verb forms alike on both sides, and drop words that only add noise", () => {
    expect(searchTerms("Which passwords are stored?")).toEqual(["password", "store"]);
    expect(searchTerms("storing a password")).toEqual(["store", "password"]);
  });

  it("keep numbers and non-Latin words", () => {
    expect(searchTerms("port 8080 für Zürich")).toEqual(["port", "8080", "für", "zürich"]);
  });
});
