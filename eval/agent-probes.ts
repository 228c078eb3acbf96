// The agent-injection probe sets in eval/agent-probes/ (written for Tollgate; see its README): one
// item per line. Sets 1–3 were used to develop rules; sets 4 and 5 are held out.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./agent-probes/', import.meta.url));

function lines(name: string): string[] {
  return readFileSync(`${DIR}${name}`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

export type ProbeSplit = 'dev' | 'held-out' | 'held-out-5';

/** Attack or benign items of the dev sets (1–3), of held-out set 4, or of held-out set 5. */
export function agentProbes(split: ProbeSplit, kind: 'attacks' | 'benign'): string[] {
  const sets = split === 'dev' ? [1, 2, 3] : split === 'held-out' ? [4] : [5];
  return sets.flatMap((n) => lines(`set${n}-${kind}.txt`));
}

/** Benign texts about AI assistants and agents with ordinary requests in them (a reviewer's, written against the rules: in-sample). */
export function aiLookalikes(): string[] {
  return lines('ai-lookalikes.txt');
}
