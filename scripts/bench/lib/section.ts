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

/** One line describing where the figures came from, printed under the tables. */
export function machineLine(): string {
  const cpu = cpus();
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  return `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${platform()}${commit ? `, commit ${commit}` : ''}, load average ${loadavg()[0].toFixed(2)}`;
}
