import { createServer } from "node:net";
import type { AddressInfo } from "node:net";

/** A listener standing for the server's own network: it counts every connection that reaches it, and answers none. */
export interface ConnectionCounter {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** Listens on `host` (127.0.0.1 unless told): SSRF tests point requests at it and expect the count to stay 0. */
export async function startConnectionCounter(host = "127.0.0.1"): Promise<ConnectionCounter> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
