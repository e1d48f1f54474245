import type { Filter, FindOptions, StoredDocument } from "@qamesh/ports";

/** Equality on top-level fields, the only filter the DocumentStore port has. */
export function matchesFilter<T extends StoredDocument>(document: T, filter: Filter<T>): boolean {
  return Object.entries(filter).every(([field, value]) => (document as Record<string, unknown>)[field] === value);
}

/** Sorts and limits like the adapters' queries: by the field, then by id. */
export function sortAndLimit<T extends StoredDocument>(documents: T[], options: FindOptions<T>): T[] {
  const sorted = [...documents];
  if (options.sort) {
    const { field, direction } = options.sort;
    const sign = direction === "desc" ? -1 : 1;
    sorted.sort((a, b) => {
      const left = a[field] as unknown as string | number;
      const right = b[field] as unknown as string | number;
      if (left !== right) return left < right ? -sign : sign;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  }
  return options.limit === undefined ? sorted : sorted.slice(0, Math.max(0, Math.floor(options.limit)));
}
