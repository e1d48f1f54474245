import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const subjects = ["invoice", "ledger", "customer", "session", "token", "payment", "webhook", "report", "schedule", "quota", "tenant", "export"];
const verbs = ["validate", "load", "store", "retry", "render", "merge", "notify", "archive", "compute", "refresh"];

/** A deterministic pseudo-random sequence, so every bench run indexes the same corpus. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export interface CorpusFact {
  question: string;
  path: string;
}

/**
 * Writes `count` files (four in five TypeScript, the rest Markdown) of 40-120 lines each,
 * and returns one answerable question per file for the query phase.
 */
export async function writeCorpus(directory: string, count: number): Promise<CorpusFact[]> {
  const next = random(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const facts: CorpusFact[] = [];
  for (let i = 0; i < count; i++) {
    const subject = pick(subjects);
    const verb = pick(verbs);
    const minutes = 1 + Math.floor(next() * 90);
    const prose = i % 5 === 4;
    const path = prose ? `docs/${subject}/${verb}-${i}.md` : `src/${subject}/${verb}-${subject}-${i}.ts`;
    const lines: string[] = [];
    const length = 40 + Math.floor(next() * 80);
    for (let line = 0; line < length; line++) {
      if (prose) lines.push(line % 6 === 0 ? `## ${verb} ${subject} part ${line}` : `The ${subject} service will ${verb} entries for module ${i} in step ${line}.`);
      else lines.push(line % 12 === 0 ? "" : `  const ${verb}${line} = ${subject}Store.${verb}(input${i}, ${line});`);
    }
    const marker = `${subject} ${verb} window for unit ${i} is ${minutes} minutes`;
    lines.splice(Math.floor(length / 2), 0, prose ? `The ${marker}.` : `  // The ${marker}.`);
    await mkdir(join(directory, path, ".."), { recursive: true });
    await writeFile(join(directory, path), lines.join("\n") + "\n");
    facts.push({ question: `What is the ${subject} ${verb} window for unit ${i}?`, path });
  }
  return facts;
}
