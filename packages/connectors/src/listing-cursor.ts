/** Listings since a cursor start this much earlier: providers do not write update times in order. */
export const listingOverlapMs = 5 * 60_000;
/** At least this often a listing takes every document, so deleted and moved ones are found (pruning). */
export const fullListingEveryMs = 24 * 3_600_000;

/** What one listing of a source's documents asks the provider for. */
export interface ListingPlan {
  /** Every document: the caller prunes what the listing does not hold. */
  complete: boolean;
  /** Only those updated at or after this time (ISO), for a listing that is not complete. */
  updatedAfter: string | undefined;
  /** When every document was last listed, and the newest update the last listing saw (carried on in the next cursor). */
  listedAllAt: string;
  updatedSince: string | undefined;
}

/**
 * The cursor (opaque to the rest of qamesh: JSON of the newest update seen and when everything was
 * last listed) becomes the next listing's plan: changes since the newest update less an overlap, or
 * everything when there is no cursor or the last full listing is a day old.
 */
export function planListing(cursor: string | undefined, now: number): ListingPlan {
  const parsed = parseCursor(cursor);
  const nowIso = new Date(now).toISOString();
  if (!parsed || now - Date.parse(parsed.listedAllAt) >= fullListingEveryMs) return { complete: true, updatedAfter: undefined, listedAllAt: nowIso, updatedSince: parsed?.updatedSince };
  return {
    complete: false,
    updatedAfter: new Date(Date.parse(parsed.updatedSince) - listingOverlapMs).toISOString(),
    listedAllAt: parsed.listedAllAt,
    updatedSince: parsed.updatedSince,
  };
}

/** The cursor after a listing whose newest update was `newest` ("" when it listed nothing). */
export function nextCursor(plan: ListingPlan, newest: string, now: number): string {
  // Not the overlapped start: quiet listings would otherwise reach further back each time.
  const updatedSince = newest || plan.updatedSince || new Date(now).toISOString();
  return JSON.stringify({ updatedSince, listedAllAt: plan.listedAllAt });
}

function parseCursor(cursor: string | undefined): { updatedSince: string; listedAllAt: string } | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(cursor) as { updatedSince?: unknown; listedAllAt?: unknown };
    if (typeof parsed.updatedSince !== "string" || typeof parsed.listedAllAt !== "string") return undefined;
    if (Number.isNaN(Date.parse(parsed.updatedSince)) || Number.isNaN(Date.parse(parsed.listedAllAt))) return undefined;
    return { updatedSince: parsed.updatedSince, listedAllAt: parsed.listedAllAt };
  } catch {
    return undefined;
  }
}

/** The later of two ISO times, either possibly absent (a listing's start and where it resumes). */
export function laterOf(first: string | undefined, second: string | undefined): string | undefined {
  if (!first || !second) return first || second || undefined;
  return Date.parse(second) > Date.parse(first) ? second : first;
}
