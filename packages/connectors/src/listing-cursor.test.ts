import { describe, expect, it } from "vitest";
import { fullListingEveryMs, listingOverlapMs, nextCursor, planListing } from "./listing-cursor.js";

const now = Date.parse("2026-11-24T12:00:00Z");

describe("listing documents from a cursor", () => {
  it("lists everything without a cursor (or an unreadable one), then only what changed since the newest update, less an overlap", () => {
    for (const cursor of [undefined, "", "not json", '{"updatedSince":"yesterday"}']) expect(planListing(cursor, now)).toMatchObject({ complete: true, updatedAfter: undefined });
    const first = planListing(undefined, now);
    const cursor = nextCursor(first, "2026-11-24T11:30:00Z", now);
    expect(planListing(cursor, now + 60_000)).toMatchObject({ complete: false, updatedAfter: new Date(Date.parse("2026-11-24T11:30:00Z") - listingOverlapMs).toISOString() });
  });

  it("keeps its place when nothing changed, and lists everything again once a day so deletions are found", () => {
    const cursor = nextCursor(planListing(undefined, now), "2026-11-24T11:30:00Z", now);
    const quiet = planListing(cursor, now + 1000);
    expect(planListing(nextCursor(quiet, "", now + 1000), now + 2000).updatedAfter).toBe(quiet.updatedAfter);
    expect(planListing(cursor, now + fullListingEveryMs).complete).toBe(true);
  });
});
