import type { Response } from "express";

/** A Server-Sent Events response: named events with JSON data. */
export class ServerSentEvents {
  constructor(private readonly response: Response) {
    response.status(200);
    response.setHeader("content-type", "text/event-stream; charset=utf-8");
    response.setHeader("cache-control", "no-cache, no-transform");
    response.setHeader("connection", "keep-alive");
    // Reverse proxies (nginx) would otherwise buffer the stream and defeat token streaming.
    response.setHeader("x-accel-buffering", "no");
    response.flushHeaders();
  }

  send(event: string, data: unknown): void {
    this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    this.response.end();
  }
}
