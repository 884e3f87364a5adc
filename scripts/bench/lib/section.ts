// What a benchmark section is: a small module that measures one thing, prints a markdown table that can be
// pasted into the README, and returns its figures (for --json and for comparing runs).
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform } from 'node:os';

export interface BenchContext {
  projectRoot: string;
  /** Fewer runs, for a quick look (`npm run bench -- --quick`). */
  quick: boolean;
  /** Progress notes (stderr), kept out of the tables. */
  note(message: string): void;
}

export interface SectionResult {
  /** A markdown table (or a few), ready to paste. */
  markdown: string;
  /** Figures by name, e.g. `coldStart.bundle.medianMs`. */
  figures: Record<string, number>;
  /** The figures issue 21 sets a goal for, each against its goal (printed together at the end of the run). */
  goals?: Goal[];
}

/** One measured figure against the goal set for it. */
export interface Goal {
  what: string;
  measured: number;
  /** `max`: the figure must stay at or under `limit`; `min`: at or over it. */
  kind: 'max' | 'min';
  limit: number;
  /** Unit or suffix shown after the numbers (`×`, ` MB`, …). */
  unit?: string;
  /** How the figure was taken, if it is not obvious from `what`. */
  note?: string;
}

export const goalMet = (g: Goal): boolean => (g.kind === 'max' ? g.measured <= g.limit : g.measured >= g.limit);

export function goalsTable(goals: Goal[]): string {
  const rows = goals.map((g) => [g.what, `${g.measured}${g.unit ?? ''}`, `${g.kind === 'max' ? '≤' : '≥'} ${g.limit}${g.unit ?? ''}`, goalMet(g) ? 'PASS' : '**FAIL**', g.note ?? '']);
  return markdownTable(['goal (issue 21)', 'measured', 'goal', '', 'how'], rows);
}

export interface BenchSection {
  /** Short id for `--only`. */
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionResult>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function markdownTable(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The 1, 5 and 15 minute load averages, e.g. `0.52 / 0.61 / 0.70`. */
export function loadLine(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

/** One line describing where the figures came from, printed under the tables. */
export function machineLine(): string {
  const cpu = cpus();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  return `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${platform()}${commit ? `, commit ${commit}` : ''}, load average ${loadLine()} (1 / 5 / 15 min)`;
}
