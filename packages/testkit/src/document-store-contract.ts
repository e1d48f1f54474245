import { afterEach, describe, expect, it } from "vitest";
import type { DocumentStore, StoredDocument } from "@qamesh/ports";
import { isAppError } from "@qamesh/errors";

interface Note extends StoredDocument {
  title: string;
  rank: number;
  done: boolean;
}

/** The behaviour every DocumentStore adapter must have. */
export function describeDocumentStoreContract(adapter: string, openStore: () => Promise<DocumentStore>): void {
  describe(`DocumentStore contract: ${adapter}`, () => {
    const opened: DocumentStore[] = [];
    const open = async () => {
      const store = await openStore();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((store) => store.close()));
    });

    const note = (projectId: string, id: string, rank: number, done = false): Note => ({ projectId, id, title: `note ${id}`, rank, done });

    it("inserts, reads back and refuses a duplicate id with already_exists", async () => {
      const notes = (await open()).collection<Note>("notes");
      await notes.insert(note("p1", "a", 1));
      expect(await notes.get("p1", "a")).toEqual(note("p1", "a", 1));
      const duplicate = await notes.insert(note("p1", "a", 2)).catch((error: unknown) => error);
      expect(isAppError(duplicate) && duplicate.code).toBe("already_exists");
    });

    it("scopes reads by project: another project's record is invisible", async () => {
      const notes = (await open()).collection<Note>("notes");
      await notes.insert(note("p1", "a", 1));
      await notes.insert(note("p2", "b", 1));
      expect(await notes.get("p2", "a")).toBeUndefined();
      expect((await notes.find({ projectId: "p2" })).map((n) => n.id)).toEqual(["b"]);
    });

    it("pages through a sorted listing after a position, ties broken by id, in both directions", async () => {
      const notes = (await open()).collection<Note>("notes");
      for (const [id, rank] of [["e", 3], ["a", 1], ["d", 2], ["b", 2], ["c", 2], ["f", 3]] as const) await notes.insert(note("p", id, rank));
      await notes.insert(note("other", "z", 2));
      for (const direction of ["asc", "desc"] as const) {
        const seen: string[] = [];
        let after: { value: number; id: string } | undefined;
        for (;;) {
          const page = await notes.find({ projectId: "p" }, { sort: { field: "rank", direction }, limit: 2, ...(after ? { after } : {}) });
          seen.push(...page.map((n) => n.id));
          if (page.length < 2) break;
          after = { value: page.at(-1)!.rank, id: page.at(-1)!.id };
        }
        expect(seen).toEqual(direction === "asc" ? ["a", "b", "c", "d", "e", "f"] : ["e", "f", "b", "c", "d", "a"]);
      }
    });

    it("filters on fields, sorts and limits", async () => {
      const notes = (await open()).collection<Note>("notes");
      for (const [id, rank, done] of [["a", 3, true], ["b", 1, false], ["c", 2, true]] as const) {
        await notes.insert(note("p", id, rank, done));
      }
      const done = await notes.find({ projectId: "p", done: true }, { sort: { field: "rank", direction: "asc" } });
      expect(done.map((n) => n.id)).toEqual(["c", "a"]);
      const top = await notes.find({ projectId: "p" }, { sort: { field: "rank", direction: "desc" }, limit: 2 });
      expect(top.map((n) => n.id)).toEqual(["a", "c"]);
      expect((await notes.findAcrossProjects({ title: "note b" })).map((n) => n.id)).toEqual(["b"]);
    });

    it("replaces with put and deletes by filter", async () => {
      const notes = (await open()).collection<Note>("notes");
      await notes.put(note("p", "a", 1));
      await notes.put({ ...note("p", "a", 1), title: "renamed" });
      expect((await notes.get("p", "a"))?.title).toBe("renamed");
      await notes.put(note("p", "b", 2));
      expect(await notes.delete({ projectId: "p", id: "a" })).toBe(1);
      expect((await notes.find({ projectId: "p" })).map((n) => n.id)).toEqual(["b"]);
    });

    it("deletes across projects by field, for housekeeping", async () => {
      const notes = (await open()).collection<Note>("notes");
      await notes.put(note("p1", "a", 1, true));
      await notes.put(note("p2", "b", 2, true));
      await notes.put(note("p2", "c", 3, false));
      expect(await notes.deleteAcrossProjects({ done: true })).toBe(2);
      expect((await notes.findAcrossProjects({})).map((n) => n.id)).toEqual(["c"]);
    });

    it("commits a transaction's writes together and rolls all of them back on failure", async () => {
      const store = await open();
      await store.transaction(async (tx) => {
        await tx.collection<Note>("notes").insert(note("p", "a", 1));
        await tx.collection<Note>("other").insert(note("p", "b", 1));
      });
      const failed = await store
        .transaction(async (tx) => {
          await tx.collection<Note>("notes").insert(note("p", "c", 1));
          await tx.collection<Note>("other").insert(note("p", "b", 1));
        })
        .catch((error: unknown) => error);
      expect(isAppError(failed) && failed.code).toBe("already_exists");
      expect((await store.collection<Note>("notes").find({ projectId: "p" })).map((n) => n.id)).toEqual(["a"]);
      expect((await store.collection<Note>("other").find({ projectId: "p" })).map((n) => n.id)).toEqual(["b"]);
    });

    it("still serves a collection whose first use was in a rolled-back transaction", async () => {
      const store = await open();
      await store
        .transaction(async (tx) => {
          await tx.collection<Note>("first_used_in_rollback").insert(note("p", "a", 1));
          throw new Error("abort");
        })
        .catch(() => undefined);
      await store.transaction(async (tx) => {
        await tx.collection<Note>("first_used_in_rollback").insert(note("p", "b", 1));
      });
      expect((await store.collection<Note>("first_used_in_rollback").find({ projectId: "p" })).map((n) => n.id)).toEqual(["b"]);
    });

    it("keeps writes made outside a transaction out of a rolled-back one", async () => {
      const store = await open();
      const notes = store.collection<Note>("notes");
      let outside: Promise<void> = Promise.resolve();
      await store
        .transaction(async (tx) => {
          await tx.collection<Note>("notes").insert(note("p", "inside", 1));
          outside = notes.insert(note("p", "outside", 1));
          throw new Error("abort");
        })
        .catch(() => undefined);
      await outside;
      expect((await notes.find({ projectId: "p" })).map((n) => n.id)).toEqual(["outside"]);
    });
  });
}
