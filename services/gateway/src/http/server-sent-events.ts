import type { Request, Response } from "express";
import { toAppError } from "@qamesh/errors";
import { errorBody } from "./error-response.js";

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

  /** One event; `id` (a sequence number) is what a reconnecting client sends back as Last-Event-ID. */
  send(event: string, data: unknown, id?: number): void {
    this.response.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** An unnamed event: data alone (OpenAI's stream format); a string is sent as it is. */
  sendData(data: unknown): void {
    this.response.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  }

  /** A comment line, which clients ignore: keeps idle proxies from closing a quiet stream. */
  keepAlive(): void {
    this.response.write(": keep-alive\n\n");
  }

  end(): void {
    this.response.end();
  }
}

/**
 * How a stream that broke off is reported. A client that left is normal (closing a tab
 * mid-answer): one log line, no stack. Anything else reaches the client as an `error` event (not
 * numbered: it is about this stream, not an event of the answer).
 */
export function reportBrokenStream(events: ServerSentEvents, request: Request, error: unknown, clientLeft: boolean, leaving: string): void {
  if (clientLeft) {
    request.log.info(leaving);
    return;
  }
  const appError = toAppError(error);
  if (appError.code === "internal") request.log.error({ err: error }, "answer stream failed");
  events.send("error", errorBody(appError, request.requestId).error);
}
