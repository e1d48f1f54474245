import { z } from "zod";
import { pageSizes } from "@qamesh/limits";
import type { Request } from "express";
import { parseInput } from "@qamesh/errors";

const pageQuery = z.object({
  limit: z.coerce
    .number(`must be a whole number from 1 to ${pageSizes.max}`)
    .int(`must be a whole number from 1 to ${pageSizes.max}`)
    .min(1, "must be at least 1")
    .max(pageSizes.max, `must be at most ${pageSizes.max}`)
    .default(pageSizes.default),
  cursor: z.string().max(1024).default(""),
});

/** `?limit=&cursor=` of a listing, as the services' page request. */
export function pageFromQuery(request: Request): { pageSize: number; pageToken: string } {
  const query = parseInput(pageQuery, request.query, "query");
  return { pageSize: query.limit, pageToken: query.cursor };
}

/** The listing's continuation: `nextCursor` is null on the last page. */
export const nextCursor = (nextPageToken: string) => ({ nextCursor: nextPageToken || null });

/** The two query parameters and the response field, as the OpenAPI document lists them. */
export const pageParameters = [
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: pageSizes.max, default: pageSizes.default } },
  { name: "cursor", in: "query", schema: { type: "string" }, description: "`nextCursor` of the previous page; absent for the first page" },
];
export const nextCursorProperty = { nextCursor: { type: ["string", "null"], description: "pass as `cursor` for the next page; null on the last page" } };
