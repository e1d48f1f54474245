import { describe, expect, it } from "vitest";
import { customToolDefinition } from "./custom-tool-definition.js";
import { fillBody, fillUrl, valueAtPath } from "./http-templates.js";

describe("an HTTP tool's templates", () => {
  it("fills URL placeholders URL-encoded, so an argument cannot add segments or parameters", () => {
    expect(fillUrl("https://api.example.com/orders/{id}?q={query}", { id: "../admin", query: "a&b=c" })).toBe("https://api.example.com/orders/..%2Fadmin?q=a%26b%3Dc");
    expect(fillUrl("https://api.example.com/items/{id}", {})).toBe("https://api.example.com/items/");
  });

  it("fills a body: whole placeholders keep the argument's type, others become text", () => {
    expect(fillBody({ id: "{id}", tags: "{tags}", note: "order {id} of {who}", fixed: [1, "x"] }, { id: 42, tags: ["a"], who: "ann" })).toEqual({ id: 42, tags: ["a"], note: "order 42 of ann", fixed: [1, "x"] });
  });

  it("picks a part of a JSON answer by path, never from a prototype", () => {
    const answer = { data: { items: [{ name: "first" }, { name: "second" }] } };
    expect(valueAtPath(answer, "$.data.items[1].name")).toBe("second");
    expect(valueAtPath(answer, "$")).toEqual(answer);
    expect(valueAtPath(answer, "$.data.missing")).toBeUndefined();
    expect(valueAtPath(answer, "$.constructor")).toBeUndefined();
  });

  it("refuses URLs whose placeholders could move the request to another host, or that carry credentials", () => {
    const tool = (url: string) => customToolDefinition.safeParse({ name: "orders", description: "Orders", inputSchema: { type: "object" }, kind: "http", http: { url } });
    expect(tool("https://api.example.com/orders/{id}").success).toBe(true);
    for (const url of ["https://{host}/orders", "https://api.example.com:{port}/x", "{scheme}://api.example.com/", "https://api.{zone}.example.com/", "ftp://api.example.com/", "https://user:pw@api.example.com/", "/relative/{id}"]) {
      expect(tool(url).success, url).toBe(false);
    }
  });
});
