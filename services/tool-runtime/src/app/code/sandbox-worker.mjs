// The code tool's sandbox: a worker thread that runs admins' JavaScript in QuickJS compiled to
// WebAssembly, one fresh runtime per call. Plain JavaScript so that it starts without a
// TypeScript loader. The script sees its arguments, a `fetch` that asks the parent thread (which
// makes the request with the guarded client), and nothing of Node: no process, require, files
// or sockets. The parent kills the whole thread if a call outlives its deadline.
import { parentPort } from "node:worker_threads";
import { getQuickJS, shouldInterruptAfterDeadline } from "quickjs-emscripten";

const quickjs = await getQuickJS();
/** Requests in flight to the parent, by id: each resolves a promise inside the sandbox. */
const pendingFetches = new Map();
let nextFetchId = 0;

parentPort.on("message", (message) => {
  if (message.type === "run") void run(message);
  else if (message.type === "fetched") pendingFetches.get(message.id)?.(message);
});
parentPort.postMessage({ type: "ready" });

async function run({ callId, source, args, timeoutMs, memoryBytes, maxResultChars }) {
  const deadline = Date.now() + timeoutMs;
  const runtime = quickjs.newRuntime();
  runtime.setMemoryLimit(memoryBytes);
  runtime.setMaxStackSize(512 * 1024);
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
  const context = runtime.newContext();
  const reply = (outcome) => parentPort.postMessage({ type: "result", callId, ...outcome });
  try {
    installFetch(context, callId);
    const argsHandle = context.newString(JSON.stringify(args));
    context.setProp(context.global, "__arguments", argsHandle);
    argsHandle.dispose();
    const evaluated = context.evalCode(`(async (args) => {\n${source}\n})(JSON.parse(__arguments))`, "tool.js");
    if (evaluated.error) return reply({ error: describe(context, evaluated.error, deadline) });
    const settled = context.resolvePromise(evaluated.value);
    evaluated.value.dispose();
    // Jobs run until the script's promise settles; host fetches resolve in between.
    let done = false;
    settled.finally(() => (done = true));
    while (!done) {
      const jobs = runtime.executePendingJobs();
      if (jobs.error) {
        reply({ error: describe(context, jobs.error, deadline) });
        jobs.error.dispose();
        return;
      }
      if (Date.now() > deadline) return reply({ error: "the script ran past its deadline" });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await settled;
    if (result.error) return reply({ error: describe(context, result.error, deadline) });
    const value = context.dump(result.value);
    result.value.dispose();
    const json = JSON.stringify(value ?? null);
    reply(json.length > maxResultChars ? { error: `the script's result is over ${maxResultChars} characters` } : { resultJson: json });
  } catch (error) {
    reply({ error: error instanceof Error && /out of memory/i.test(error.message) ? "the script ran out of memory" : `the script failed: ${error instanceof Error ? error.message : String(error)}` });
  } finally {
    for (const [id, resolve] of pendingFetches) if (id.startsWith(`${callId}:`)) resolve({ error: "the call ended" });
    try {
      context.dispose();
      runtime.dispose();
    } catch {
      // A runtime that ran out of memory may not free cleanly; the parent retires this thread.
      parentPort.postMessage({ type: "unhealthy" });
    }
  }
}

/** `fetch(url, {method, headers, body})` inside the sandbox: resolves to {status, headers: {content-type}, text}. */
function installFetch(context, callId) {
  const fetchFunction = context.newFunction("fetch", (urlHandle, initHandle) => {
    const url = context.getString(urlHandle);
    const init = initHandle ? context.dump(initHandle) : {};
    const deferred = context.newPromise();
    const id = `${callId}:${nextFetchId++}`;
    pendingFetches.set(id, (answer) => {
      pendingFetches.delete(id);
      if (!context.alive) return;
      if (answer.error) {
        const error = context.newError(answer.error);
        deferred.reject(error);
        error.dispose();
      } else {
        const response = context.newObject();
        const status = context.newNumber(answer.status);
        const text = context.newString(answer.text);
        const contentType = context.newString(answer.contentType);
        context.setProp(response, "status", status);
        context.setProp(response, "text", text);
        context.setProp(response, "contentType", contentType);
        deferred.resolve(response);
        for (const handle of [status, text, contentType, response]) handle.dispose();
      }
    });
    parentPort.postMessage({ type: "fetch", id, url, init: typeof init === "object" && init !== null ? init : {} });
    return deferred.handle;
  });
  context.setProp(context.global, "fetch", fetchFunction);
  fetchFunction.dispose();
}

function describe(context, errorHandle, deadline) {
  const error = context.dump(errorHandle);
  errorHandle.dispose();
  const text = typeof error === "object" && error !== null ? `${error.name ?? "Error"}: ${error.message ?? ""}` : String(error);
  if (/out of memory/i.test(text)) return "the script ran out of memory";
  if (Date.now() > deadline) return "the script ran past its deadline";
  return `the script failed: ${text}`.slice(0, 1_000);
}
