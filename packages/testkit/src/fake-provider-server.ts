import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** A response a fake provider gives instead of the real one, for the next requests whose path matches. */
export interface InjectedFailure {
  pathPattern: RegExp;
  status: number;
  headers?: Record<string, string>;
  message: string;
  times: number;
}

/**
 * What the local stand-ins for GitHub, GitLab, Jira and Confluence share: a loopback HTTP
 * server, a log of the API requests, injected failures (429 with Retry-After, 5xx), and a delay
 * on every answer (a slow provider, so a run lasts long enough to be interrupted).
 */
export abstract class FakeProviderServer {
  /** "METHOD path?query" of every API request, in order. */
  readonly requests: string[] = [];
  responseDelayMs = 0;
  url = "";
  private readonly failures: InjectedFailure[] = [];
  private server: Server | undefined;

  inject(failure: InjectedFailure): void {
    this.failures.push({ ...failure });
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Listens on a free loopback port; the subclass's `start` returns what this returns. */
  protected async listen(): Promise<this> {
    const server = createServer((request, response) => {
      if (this.responseDelayMs > 0) setTimeout(() => this.answer(request, response), this.responseDelayMs);
      else this.answer(request, response);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return this;
  }

  /** The failure injected for this path, if one is due (each answers `times` requests). */
  protected dueFailure(pathname: string): InjectedFailure | undefined {
    const failure = this.failures.find((candidate) => candidate.times > 0 && candidate.pathPattern.test(pathname));
    if (failure) failure.times--;
    return failure;
  }

  protected abstract answer(request: IncomingMessage, response: ServerResponse): void;
}
