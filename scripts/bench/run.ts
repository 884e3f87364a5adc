// `npm run bench`: runs each benchmark section and prints markdown tables for the README.
// Options: --only id1,id2   --quick (fewer runs)   --json <file> (write all figures)
// Add a section: write scripts/bench/sections/<name>.ts exporting a BenchSection and list it below.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { goalMet, goalsTable, loadLine, machineLine, type BenchSection, type Goal } from './lib/section';
import { coldStartSection } from './sections/cold-start';
import { databaseSection } from './sections/database';
import { miniprogramSizeSection } from './sections/miniprogram-size';
import { orderListSection } from './sections/order-list';
import { roundTripsSection } from './sections/round-trips';
import { throughputSection } from './sections/throughput';

const sections: BenchSection[] = [coldStartSection, databaseSection, miniprogramSizeSection, roundTripsSection, throughputSection, orderListSection];

interface Args {
  only?: string[];
  quick: boolean;
  json?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg === '--json') args.json = argv[++i];
    else throw new Error(`unknown option ${arg} (use --only id1,id2, --quick, --json file)`);
  }
  return args;
}

function projectRoot(): string {
  // Built to dist/bench/run.js; the project is two levels up.
  return resolve(__dirname, '../..');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const unknown = (args.only ?? []).filter((id) => !sections.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}; sections: ${sections.map((s) => s.id).join(', ')}`);
  const chosen = args.only ? sections.filter((s) => args.only?.includes(s.id)) : sections;
  const ctx = { projectRoot: projectRoot(), quick: args.quick, note: (m: string) => process.stderr.write(`  … ${m}\n`) };
  const figures: Record<string, Record<string, number>> = {};
  const goals: Goal[] = [];
  let failed = false;
  const started = Date.now();
  for (const section of chosen) {
    process.stderr.write(`bench: ${section.title}\n`);
    const loadBefore = loadLine();
    const sectionStarted = Date.now();
    try {
      const result = await section.run(ctx);
      figures[section.id] = result.figures;
      goals.push(...(result.goals ?? []));
      const took = `${Math.round((Date.now() - sectionStarted) / 1000)} s`;
      process.stdout.write(`\n### ${section.title}\n\n${result.markdown}\n\n_${took}; load average ${loadBefore} before, ${loadLine()} after (1 / 5 / 15 min)._\n`);
    } catch (e) {
      failed = true;
      process.stdout.write(`\n### ${section.title}\n\nfailed: ${(e as Error).message}\n`);
    }
  }
  if (goals.length > 0) {
    const met = goals.filter(goalMet).length;
    process.stdout.write(`\n### Issue 21's goals on this machine: ${met} of ${goals.length} met\n\n${goalsTable(goals)}\n`);
  }
  process.stdout.write(`\n${machineLine()}; the whole run took ${Math.round((Date.now() - started) / 1000)} s\n`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ at: new Date().toISOString(), figures }, null, 2) + '\n');
  if (failed) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 1;
});
