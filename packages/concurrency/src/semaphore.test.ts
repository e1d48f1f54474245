import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore.js";

describe("Semaphore", () => {
  it("runs at most its limit at once, the rest in arrival order, and frees a slot when a task fails", async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      semaphore.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await sleep(5);
        running--;
        if (i === 1) throw new Error("task 1 fails");
        return i;
      }),
    );
    const results = await Promise.allSettled(tasks);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(6);
    expect(await semaphore.run(async () => "still usable")).toBe("still usable");
  });
});
