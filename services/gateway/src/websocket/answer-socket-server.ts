import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { callerOf } from "../http/auth/authenticate.js";
import { AnswerSocket, type AnswerSocketDeps } from "./answer-socket.js";

export const socketPath = "/v1/ws";
/** The subprotocol a client asks for; a browser (which cannot set headers) adds `qamesh.bearer.<token>` beside it. */
export const socketProtocol = "qamesh.v1";
const bearerProtocolPrefix = "qamesh.bearer.";
/** The largest frame a client may send: commands are small. */
const maxFrameBytes = 64 * 1024;
/** How often idle sockets are pinged; one that missed a pong by the next round is dropped. */
const heartbeatMs = 30_000;

/**
 * WebSockets at /v1/ws on the gateway's HTTP server, authenticated at the upgrade with the same
 * credentials as the API (`Authorization: Bearer`, or the bearer subprotocol): an upgrade
 * without a valid one is answered 401 and never becomes a socket.
 */
export function attachAnswerSockets(server: Server, deps: AnswerSocketDeps): { close(): void } {
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: maxFrameBytes,
    handleProtocols: (offered) => (offered.has(socketProtocol) ? socketProtocol : false),
  });
  const alive = new WeakSet<WebSocket>();

  server.on("upgrade", (request: IncomingMessage, stream: Duplex, head: Buffer) => {
    void (async () => {
      if (new URL(request.url ?? "/", "http://gateway").pathname !== socketPath) return refuse(stream, 404, "Not Found");
      const credential = bearerOf(request);
      const caller = credential ? await callerOf(deps.identity, credential).catch(() => undefined) : undefined;
      if (!credential || !caller) return refuse(stream, 401, "Unauthorized");
      sockets.handleUpgrade(request, stream, head, (socket) => {
        alive.add(socket);
        socket.on("pong", () => alive.add(socket));
        new AnswerSocket(socket, credential, deps);
      });
    })().catch((error: unknown) => {
      deps.logger.error({ err: error }, "websocket upgrade failed");
      refuse(stream, 500, "Internal Server Error");
    });
  });

  const heartbeat = setInterval(() => {
    for (const socket of sockets.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, heartbeatMs);

  return {
    close() {
      clearInterval(heartbeat);
      for (const socket of sockets.clients) socket.close(1001, "the gateway is shutting down; reconnect and resume");
      sockets.close();
    },
  };
}

/** The bearer credential of an upgrade: the Authorization header, else the `qamesh.bearer.<token>` subprotocol. */
function bearerOf(request: IncomingMessage): string | undefined {
  const header = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  if (header) return header;
  const offered = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((protocol) => protocol.trim());
  return offered.find((protocol) => protocol.startsWith(bearerProtocolPrefix))?.slice(bearerProtocolPrefix.length) || undefined;
}

function refuse(stream: Duplex, status: number, reason: string): void {
  stream.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n${status === 401 ? 'WWW-Authenticate: Bearer realm="qamesh"\r\n' : ""}\r\n`);
}
