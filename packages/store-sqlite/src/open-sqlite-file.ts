import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

const busyDeadlineMs = 10_000;

/**
 * Repeats a statement while another process holds the lock it needs. SQLite's busy timeout
 * covers reads and writes but not the switch of a new file to WAL, which fails at once with
 * SQLITE_BUSY when two services create the same file together.
 */
export function retryWhileBusy<T>(work: () => T): T {
  const deadline = Date.now() + busyDeadlineMs;
  for (let delayMs = 10; ; delayMs = Math.min(delayMs * 2, 200)) {
    try {
      return work();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() > deadline) throw error;
      // Synchronous on purpose: callers are constructors; the wait is short and only at start-up.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
    }
  }
}

/** Opens a SQLite file that other processes of the machine may share (the event log, stores). */
export function openSqliteFile(file: string): Database.Database {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma("busy_timeout = 5000");
  retryWhileBusy(() => db.pragma("journal_mode = WAL"));
  db.pragma("synchronous = NORMAL");
  return db;
}
