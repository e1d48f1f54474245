import { MongoClient } from "mongodb";
import { RateLimiterMemory, RateLimiterMongo, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { unavailable } from "@qamesh/errors";
import type { RateLimit, RateLimiter } from "@qamesh/ports";
import type { DocumentStoreConfig } from "./document-store-from-config.js";

const collection = "rate_limits";

/**
 * Rate-limit counters where the service keeps its records: in MongoDB (shared by every replica;
 * one document per key, upserted atomically by rate-limiter-flexible), else in this process.
 */
export async function openRateLimiter(config: DocumentStoreConfig): Promise<RateLimiter> {
  if (!config.MONGODB_URI) return limiterOver((limit) => new RateLimiterMemory(options(limit)), async () => undefined);
  const client = new MongoClient(config.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  const db = client.db(config.MONGODB_DATABASE);
  // The unique key index is what makes concurrent first attempts count once; the library's own
  // index creation also asks for a TTL index, which not every MongoDB-compatible server has.
  await db.collection(collection).createIndex({ key: 1 }, { unique: true });
  return limiterOver(
    (limit) => new RateLimiterMongo({ ...options(limit), storeClient: client, dbName: config.MONGODB_DATABASE, tableName: collection, disableIndexesCreation: true }),
    () => client.close(),
  );
}

const options = (limit: RateLimit) => ({ keyPrefix: limit.name, points: limit.points, duration: limit.durationSeconds });

function limiterOver(create: (limit: RateLimit) => RateLimiterAbstract, close: () => Promise<void>): RateLimiter {
  const limiters = new Map<string, RateLimiterAbstract>();
  return {
    async consume(limit, key) {
      let limiter = limiters.get(limit.name);
      if (!limiter) {
        limiter = create(limit);
        limiters.set(limit.name, limiter);
      }
      try {
        await limiter.consume(key);
        return 0;
      } catch (rejection) {
        // Over the limit, the library rejects with its result; anything else is the store failing.
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw unavailable("the rate-limit store is unreachable", rejection);
      }
    },
    close,
  };
}
