import type { Response } from "express";

/**
 * Aborted when the client goes away before the response is complete: a one-shot answer stops
 * working for nobody; a chat answer only stops being relayed (it goes on, and the client may
 * come back). (The request's own "close" fires as soon as its body has been read.)
 */
export function clientGone(response: Response): AbortSignal {
  const controller = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
