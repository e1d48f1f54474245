/** One Server-Sent Event as a client receives it. */
export interface ReceivedEvent {
  id: number | undefined;
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, checked by each test
  data: any;
}

/**
 * Reads a Server-Sent Events response as it arrives. `keepGoing` sees each event and may return
 * false to hang up right there (a client that disconnects mid-answer); otherwise it reads to the end.
 */
export async function readEventStream(response: Response, keepGoing: (event: ReceivedEvent, received: ReceivedEvent[]) => boolean = () => true): Promise<ReceivedEvent[]> {
  const received: ReceivedEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return received;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseBlock(block);
        if (!event) continue;
        received.push(event);
        if (!keepGoing(event, received)) return received;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function parseBlock(block: string): ReceivedEvent | undefined {
  let id: number | undefined;
  let event = "message";
  let data = "";
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    if (line.startsWith("id: ")) id = Number(line.slice(4));
    else if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data += line.slice(6);
  }
  return data ? { id, event, data: JSON.parse(data) } : undefined;
}
