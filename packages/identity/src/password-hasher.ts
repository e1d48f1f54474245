import { hash, verify, type Algorithm } from "@node-rs/argon2";

/** Algorithm.Argon2id: a const enum, which this project's module settings cannot import as a value. */
const argon2id = 2 as Algorithm.Argon2id;

/** argon2id cost: 64 MiB, 2 passes, one lane: about 34 ms a login on the 2-core build machine (npm run bench prints it). */
export const passwordCost = { memoryCost: 65_536, timeCost: 2, parallelism: 1 } as const;

/** A hash of no password anyone knows, to spend the same time on unknown users as on known ones. */
let decoy: Promise<string> | undefined;

/** Passwords are stored only as argon2id hashes (PHC strings, cost included, so it can be raised later). */
export const passwordHasher = {
  hash(password: string): Promise<string> {
    return hash(password, { algorithm: argon2id, ...passwordCost });
  },

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  },

  /** Same work as a verification, for a user who does not exist: a login's timing does not tell. */
  async verifyNobody(password: string): Promise<false> {
    decoy ??= hash(`decoy-${Math.random()}`, { algorithm: argon2id, ...passwordCost });
    await verify(await decoy, password).catch(() => false);
    return false;
  },
};
