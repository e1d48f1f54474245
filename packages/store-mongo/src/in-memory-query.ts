import type { Filter, FindOptions, StoredDocument } from "@qamesh/ports";

/** Equality on top-level fields, the only filter the DocumentStore port has. */
export function matchesFilter<T extends StoredDocument>(document: T, filter: Filter<T>): boolean {
  return Object.entries(filter).every(([field, value]) => (document as Record<string, unknown>)[field] === value);
}

/** Sorts, pages and limits like the adapters' queries: by the field, then by id. */
export function sortAndLimit<T extends StoredDocument>(documents: T[], options: FindOptions<T>): T[] {
  let sorted = [...documents];
  if (options.sort) {
    const { field, direction } = options.sort;
    const sign = direction === "desc" ? -1 : 1;
    const position = (document: T) => ({ value: document[field] as unknown as string | number, id: document.id });
    const compare = (a: { value: string | number; id: string }, b: { value: string | number; id: string }) => {
      if (a.value !== b.value) return a.value < b.value ? -sign : sign;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    };
    sorted.sort((a, b) => compare(position(a), position(b)));
    const after = options.after;
    if (after) sorted = sorted.filter((document) => compare(position(document), after) > 0);
  }
  return options.limit === undefined ? sorted : sorted.slice(0, Math.max(0, Math.floor(options.limit)));
}
