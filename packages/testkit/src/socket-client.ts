import { once } from "node:events";
import WebSocket from "ws";

/* eslint-disable @typescript-eslint/no-explicit-any -- frames are whatever JSON the gateway sent, which tests read freely */

/** A WebSocket client of /v1/ws that keeps every frame it receives and can wait for one. */
export class SocketClient {
  readonly frames: any[] = [];
  private waiting: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      this.frames.push(JSON.parse(data.toString()));
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  static async open(gatewayUrl: string, authorization: string, how: "header" | "subprotocol" = "header"): Promise<SocketClient> {
    const url = `${gatewayUrl.replace(/^http/, "ws")}/v1/ws`;
    const token = authorization.replace(/^Bearer /, "");
    const socket = how === "header" ? new WebSocket(url, { headers: { authorization } }) : new WebSocket(url, ["qamesh.v1", `qamesh.bearer.${token}`]);
    await once(socket, "open");
    return new SocketClient(socket);
  }

  send(command: object): void {
    this.socket.send(JSON.stringify(command));
  }

  /** Waits until a received frame satisfies `matches`; returns it. */
  async until(matches: (frame: any) => boolean): Promise<any> {
    for (;;) {
      const found = this.frames.find(matches);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** The answer events received for one message, as {seq, type, data}. */
  eventsOf(messageId: string) {
    return this.frames.filter((frame) => frame.type === "event" && frame.messageId === messageId).map((frame) => frame.event);
  }

  close(): void {
    this.socket.close();
  }
}

