import { invalidArgument } from "@qamesh/errors";
import { pageSizes } from "@qamesh/limits";
import type { Collection, Filter, StoredDocument } from "@qamesh/ports";

/** Which page a caller wants: `size` 0 means the default; `token` "" means the first page. */
export interface PageRequest {
  size: number;
  token: string;
}

export interface Page<T> {
  items: T[];
  /** Where the next page starts; "" on the last page. */
  nextToken: string;
}

/**
 * One page of a listing sorted by `field` (then id). The token is the position of the page's
 * last record, so a page neither skips nor repeats records added or removed meanwhile; it is
 * opaque to callers (base64url JSON).
 */
export async function findPage<T extends StoredDocument>(
  collection: Collection<T>,
  filter: Filter<T>,
  sort: { field: keyof T & string; direction: "asc" | "desc" },
  page: PageRequest,
  scope: "project" | "across projects" = "project",
): Promise<Page<T>> {
  const size = page.size || pageSizes.default;
  if (!Number.isInteger(size) || size < 1 || size > pageSizes.max) throw invalidArgument("limit", `limit must be a whole number from 1 to ${pageSizes.max}`);
  const after = page.token ? decodeToken(page.token) : undefined;
  // One more than asked tells whether another page follows.
  const options = { sort, limit: size + 1, ...(after ? { after } : {}) };
  const found = scope === "project" ? await collection.find(filter as Filter<T> & { projectId: string }, options) : await collection.findAcrossProjects(filter, options);
  const items = found.slice(0, size);
  const last = items.at(-1);
  const nextToken = found.length > size && last ? encodeToken({ value: last[sort.field] as unknown as string | number, id: last.id }) : "";
  return { items, nextToken };
}

function encodeToken(position: { value: string | number; id: string }): string {
  return Buffer.from(JSON.stringify([position.value, position.id])).toString("base64url");
}

function decodeToken(token: string): { value: string | number; id: string } {
  try {
    const [value, id] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown[];
    if ((typeof value === "string" || typeof value === "number") && typeof id === "string") return { value, id };
  } catch {
    // fall through
  }
  throw invalidArgument("cursor", "cursor is not one this listing returned");
}
