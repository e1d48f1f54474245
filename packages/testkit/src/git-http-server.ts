import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";

/**
 * git's smart HTTP protocol, served by git's own `git http-backend` (as CGI) behind HTTP basic
 * authentication: what a private GitHub or GitLab repository looks like to a clone. Every
 * Authorization header received is kept, so a test can tell what credentials arrived.
 */
export class GitHttpServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** Every Authorization header received, in order. */
    readonly authorizations: (string | undefined)[],
  ) {}

  /** Serves the repositories under `projectRoot` at `<url>/<name>`; `username:password` is required. */
  static async start(projectRoot: string, username: string, password: string): Promise<GitHttpServer> {
    const expected = Buffer.from(`Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`);
    const authorizations: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      const given = request.headers.authorization;
      authorizations.push(given);
      if (!given || given.length !== expected.length || !timingSafeEqual(Buffer.from(given), expected)) {
        response.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end("authentication required");
        return;
      }
      serveWithHttpBackend(projectRoot, request, response);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as { port: number };
    return new GitHttpServer(server, `http://127.0.0.1:${port}`, authorizations);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers one smart-HTTP request with `git http-backend`, serving the repositories under `projectRoot`. */
export function serveWithHttpBackend(projectRoot: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? "/", "http://localhost");
  const backend = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "",
      GIT_PROJECT_ROOT: projectRoot,
      GIT_HTTP_EXPORT_ALL: "1",
      REQUEST_METHOD: request.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers["content-type"] ?? "",
      REMOTE_USER: "test",
      REMOTE_ADDR: "127.0.0.1",
      ...(request.headers["git-protocol"] ? { GIT_PROTOCOL: String(request.headers["git-protocol"]) } : {}),
    },
  });
  request.pipe(backend.stdin);
  // CGI output: headers, a blank line, then the body.
  let head = Buffer.alloc(0);
  let headersDone = false;
  backend.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const separator = line.indexOf(":");
      const name = line.slice(0, separator).trim();
      const value = line.slice(separator + 1).trim();
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else response.setHeader(name, value);
    }
    response.writeHead(status);
    response.write(head.subarray(end + 4));
  });
  backend.on("close", () => response.end());
}
