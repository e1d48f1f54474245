/** Runs `work` with everything it writes to stdout captured (and not shown), and returns it. */
export async function capturedStdout(work: () => Promise<unknown>): Promise<string> {
  let printed = "";
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    printed += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    await work();
  } finally {
    process.stdout.write = write;
  }
  return printed;
}
