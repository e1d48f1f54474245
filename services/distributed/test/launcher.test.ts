import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));

describe("npm run start:distributed", () => {
  it("refuses a bad setting with one line naming the variable, before starting anything", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", main], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CONNECTOR_WORKERS: "none" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number];
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([expect.stringContaining("qamesh distributed: invalid configuration: CONNECTOR_WORKERS")]);
    expect(stdout).toBe("");
  });
});
