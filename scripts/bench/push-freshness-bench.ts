import { cp } from "node:fs/promises";
import { GitRepositoryFixture } from "@qamesh/testkit/git-repository-fixture";
import { githubDelivery, githubPush } from "@qamesh/testkit/webhook-deliveries";
import { benchApi, percentile } from "./bench-api.js";

const pushes = Number(process.env.BENCH_PUSHES ?? 20);
const webhookSecret = "bench-webhook-secret-0123456789";
/** How long a push's line is looked for; past it, the push counts as not found by search. */
const searchWaitMs = 15_000;

/**
 * Push-to-answer freshness: the corpus as a git repository (a git source with a webhook secret,
 * indexed once in full), then `pushes` times: commit a one-line change to one file, deliver the
 * signed push webhook as GitHub would, and time until search returns the new line. Also counts
 * the files each push re-embedded (it should be one). `repositoryDirectory` must lie inside the
 * mesh's LOCAL_SOURCE_ROOTS.
 */
export async function pushFreshnessBench(gatewayUrl: string, corpus: string, repositoryDirectory: string, label: string): Promise<string[]> {
  const { api } = benchApi(gatewayUrl);
  const repository = await GitRepositoryFixture.create(repositoryDirectory, "main");
  await cp(corpus, repositoryDirectory, { recursive: true });
  let head = await repository.commit("corpus");
  const projectId = `fresh-${label.replace(/[^a-z0-9]+/g, "-").replace(/-+$/, "")}`;
  await api("POST", "/v1/projects", { id: projectId, name: projectId });
  const source = await api("POST", `/v1/projects/${projectId}/sources`, { type: "git", url: repository.url, branch: "main", webhookSecret });
  if (!source.id) throw new Error(`could not add the repository as a source: ${JSON.stringify(source)}`);
  const waitForRun = async (runId: string) => {
    for (;;) {
      const run = await api("GET", `/v1/projects/${projectId}/ingestions/${runId}`);
      if (run.status === "succeeded" || run.status === "failed") return run;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const full = await waitForRun((await api("POST", `/v1/projects/${projectId}/ingestions`, { mode: "full" })).id);

  const latencies: number[] = [];
  /** Pushes whose line search did not return within searchWaitMs although the run indexed it. */
  let unfound = 0;
  /** Delivery to the run's end (the server's clock is this machine's). */
  const runLatencies: number[] = [];
  /** How long the sender waits for the webhook's answer (GitHub gives up after 10 s). */
  const replyLatencies: number[] = [];
  const reembedded: number[] = [];
  const hits = (await api("POST", `/v1/projects/${projectId}/search`, { query: "window for unit", k: 50 })).hits as { path: string }[];
  const files = [...new Set(hits.map((hit) => hit.path))];
  for (let push = 0; push < pushes; push++) {
    const path = files[push % files.length]!;
    const marker = `Freshness probe ${push}: the rollback drill for push ${push} runs at dawn on pier ${push * 7}.`;
    await repository.write({ [path]: `${marker}\n` });
    const before = head;
    head = await repository.commit(`probe ${push}`);
    const started = performance.now();
    const deliveredAt = Date.now();
    const delivery = githubDelivery(webhookSecret, "push", githubPush({ branch: "main", before, after: head }));
    const response = await fetch(`${gatewayUrl}/v1/webhooks/${source.id}`, { method: "POST", headers: delivery.headers, body: delivery.body });
    const receipt = (await response.json()) as { runId: string; status: string };
    replyLatencies.push(performance.now() - started);
    if (response.status !== 202 || receipt.status !== "accepted") throw new Error(`the push webhook was answered ${response.status}: ${JSON.stringify(receipt)}`);
    const deadline = started + searchWaitMs;
    let found = false;
    while (!found && performance.now() < deadline) {
      const hits = (await api("POST", `/v1/projects/${projectId}/search`, { query: marker, k: 3 })).hits as { text: string }[];
      found = hits.some((hit) => hit.text.includes(marker));
      if (!found) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (!found) unfound++;
    else latencies.push(performance.now() - started);
    const run = await waitForRun(receipt.runId);
    reembedded.push(run.counts.indexed);
    runLatencies.push(Date.parse(run.finishedAt) - deliveredAt);
  }
  const perPush = [...new Set(reembedded)].join("/");
  return [
    `push-to-answer freshness — ${label}, a ${full.counts.indexed}-file git repository, ${pushes} signed push webhooks of a one-line change`,
    `  push delivered -> webhook answered (202, run queued): p50 ${percentile(replyLatencies, 50).toFixed(1)} ms, p95 ${percentile(replyLatencies, 95).toFixed(1)} ms`,
    `  push delivered -> its run finished (only the changed file re-indexed): p50 ${percentile(runLatencies, 50).toFixed(0)} ms, p95 ${percentile(runLatencies, 95).toFixed(0)} ms`,
    `  push delivered -> search returns the new line: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms over ${latencies.length} pushes; ` +
      `${unfound} indexed but not among the top 3 hits within ${searchWaitMs / 1000} s; files re-embedded per push: ${perPush} (1 changed)`,
  ];
}
