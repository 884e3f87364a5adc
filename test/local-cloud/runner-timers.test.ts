// Timer triggers from config.json: the cron rules CloudBase documents, and functions fired on schedule.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunner } from '../../emulator/src/runner';
import { nextFire, parseCron } from '../../emulator/src/runner/cron';
import { startTimerTriggers } from '../../emulator/src/runner/timers';
import { projectRoot, requireBuilt } from './runner-helpers';

jest.setTimeout(30_000);

function next(expression: string, after: string): string | undefined {
  const parsed = parseCron(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return nextFire(parsed.cron, new Date(after))?.toISOString();
}

describe('cron expressions', () => {
  it.each([
    ['every 5 seconds', '*/5 * * * * * *', '2026-01-01T00:00:03Z', '2026-01-01T00:00:05.000Z'],
    ['strictly after', '*/5 * * * * * *', '2026-01-01T00:00:05Z', '2026-01-01T00:00:10.000Z'],
    ['2 am China time on the 1st', '0 0 2 1 * * *', '2026-03-15T00:00:00Z', '2026-03-31T18:00:00.000Z'],
    ['weekdays at 10:15 China time', '0 15 10 * * MON-FRI *', '2026-11-21T00:00:00Z', '2026-11-23T02:15:00.000Z'],
    ['weekday numbers, 0 = Sunday', '0 0 12 * * 0 *', '2026-11-23T00:00:00Z', '2026-11-29T04:00:00.000Z'],
    ['day OR weekday when both are set (Sunday)', '0 0 0 1 * SUN *', '2026-11-21T16:00:00Z', '2026-11-28T16:00:00.000Z'],
    ['day OR weekday when both are set (the 1st)', '0 0 0 1 * SUN *', '2026-11-28T16:00:00Z', '2026-11-30T16:00:00.000Z'],
    ['"a/step" runs from a', '0 1/10 * * * * *', '2026-01-01T00:02:00Z', '2026-01-01T00:11:00.000Z'],
    ['lists and month names', '0 0 10,14 * JAN,JUL * *', '2026-02-01T00:00:00Z', '2026-07-01T02:00:00.000Z'],
  ])('%s: %s', (_label, expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('has no next time once its years are past', () => {
    expect(next('0 0 0 1 1 * 2025', '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it.each(['* * * * * *', '60 * * * * * *', '* * * 0 * * *', '* * * * FOO * *', '* * 1-2-3 * * * *', '*/0 * * * * * *', '* * * * * 7 *', '5-1 * * * * * *'])(
    'refuses %p',
    (expression) => {
      expect(parseCron(expression).ok).toBe(false);
    },
  );
});

describe('firing', () => {
  let dir: string;
  beforeAll(() => {
    requireBuilt(['dist/local-cloud/worker.js', 'dist/test-functions/runner-tick/index.js']);
    dir = mkdtempSync(join(tmpdir(), 'runner-timers-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('invokes a function on its schedule with a Timer event and SOURCE wx_trigger, until stopped', async () => {
    const tickFile = join(dir, 'ticks.jsonl');
    // The trigger is given here rather than in the fixture's config.json, so that no other test's local cloud
    // would run a function every second.
    const root = join(dir, 'functions');
    cpSync(join(projectRoot, 'dist/test-functions/runner-tick'), join(root, 'runner-tick'), { recursive: true });
    writeFileSync(
      join(root, 'runner-tick/config.json'),
      JSON.stringify({ permissions: { openapi: [] }, triggers: [{ name: 'everySecond', type: 'timer', config: '* * * * * * *' }] }),
    );
    const runner = createRunner({
      roots: [root],
      workerScript: join(projectRoot, 'dist/local-cloud/worker.js'),
      env: 'timer-env',
      appid: 'wxtimer',
      adminUrl: (name, id) => `http://127.0.0.1:9/admin/${name}/${id}`,
      takeCallCounts: () => ({ database: 0, pay: 0, openapi: 0, functions: 0 }),
      functionEnv: (name) => (name === 'runner-tick' ? { TICK_FILE: tickFile } : undefined),
    });
    const timers = startTimerTriggers(runner);
    try {
      expect(timers.scheduled()).toEqual([expect.objectContaining({ functionName: 'runner-tick', triggerName: 'everySecond', config: '* * * * * * *' })]);
      const lines = () => (existsSync(tickFile) ? readFileSync(tickFile, 'utf8').trim().split('\n') : []);
      const deadline = Date.now() + 10_000;
      while (lines().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const ticks = lines().map((l) => JSON.parse(l) as { event: Record<string, unknown>; wxContext: Record<string, unknown> });
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (const tick of ticks) {
        expect(tick.event).toEqual({ Type: 'Timer', TriggerName: 'everySecond', Time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), Message: '' });
        expect(tick.wxContext).toEqual({ APPID: 'wxtimer', ENV: 'timer-env', SOURCE: 'wx_trigger' });
      }
      expect(ticks[1].event.Time).not.toBe(ticks[0].event.Time);
    } finally {
      timers.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const settled = readFileSync(tickFile, 'utf8');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(readFileSync(tickFile, 'utf8')).toBe(settled);
    await runner.close();
  });
});
