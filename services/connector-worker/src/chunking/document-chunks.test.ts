import { describe, expect, it } from "vitest";
import { documentChunks } from "./document-chunks.js";

const ticket = {
  path: "#12",
  kind: "issues",
  commentCount: 1,
  version: "2026-11-01T10:00:00Z",
  title: "#12 Refunds fail for EUR invoices",
  url: "https://github.example/o/r/issues/12",
  author: "ann",
  updatedAt: "2026-11-01T10:00:00Z",
  sections: [
    { heading: "Description", text: "Refunds of EUR invoices fail with a rounding error.", url: "https://github.example/o/r/issues/12" },
    { heading: "Comment by bob on 2026-11-01", text: "Fixed in the ledger: amounts are rounded half-even now.", url: "https://github.example/o/r/issues/12#issuecomment-7" },
  ],
};

describe("a ticket cut into chunks", () => {
  it("never lets a chunk span two parts: each links to its own comment, lines numbered through the ticket", () => {
    const chunks = documentChunks(ticket);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({ startLine: 1, url: ticket.url, text: expect.stringContaining("#12 Refunds fail for EUR invoices") });
    expect(chunks[0]!.text).toContain("by ann");
    expect(chunks[1]).toMatchObject({ url: "https://github.example/o/r/issues/12#issuecomment-7", text: expect.stringContaining("Comment by bob") });
    expect(chunks[1]!.startLine).toBe(chunks[0]!.endLine + 2);
    expect(chunks[1]!.text.split("\n")[0]).toBe("Comment by bob on 2026-11-01:");
  });

  it("keeps a ticket without a description findable by its title", () => {
    const [only] = documentChunks({ ...ticket, sections: [] });
    expect(only).toMatchObject({ startLine: 1, url: ticket.url, text: expect.stringContaining("Refunds fail") });
  });
});
