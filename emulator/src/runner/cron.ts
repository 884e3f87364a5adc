// CloudBase timer-trigger cron expressions: seven fields, "second minute hour day month weekday year",
// with `,` `-` `*` `/`, months JAN-DEC, weekdays 0-6 or SUN-SAT (0 = Sunday), evaluated in UTC+8 (China time).
// When both day and weekday are restricted, either matching is enough (as CloudBase documents).

export interface Cron {
  seconds: ReadonlySet<number>;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  years: ReadonlySet<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

export type CronResult = { ok: true; cron: Cron } | { ok: false; message: string };

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'weekday', min: 0, max: 6, names: WEEKDAYS },
  { name: 'year', min: 1970, max: 2099 },
];

/** The time zone timer triggers run in. */
const UTC_OFFSET_MS = 8 * 3600_000;

function parseValue(text: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index < 0) return undefined;
  return spec.name === 'month' ? index + 1 : index;
}

function parseField(text: string, spec: FieldSpec): Set<number> | string {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [rangeText, stepText, extra] = part.split('/');
    if (extra !== undefined || rangeText === '') return `bad ${spec.name} field "${text}"`;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1 || (stepText !== undefined && !/^\d+$/.test(stepText))) return `bad step in ${spec.name} field "${text}"`;
    let from: number | undefined;
    let to: number | undefined;
    if (rangeText === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const [a, b, more] = rangeText.split('-');
      if (more !== undefined) return `bad range in ${spec.name} field "${text}"`;
      from = parseValue(a, spec);
      // "a/step" runs from a to the end of the field, as in "1/10" = 1, 11, 21, ...
      to = b === undefined ? (stepText === undefined ? from : spec.max) : parseValue(b, spec);
    }
    if (from === undefined || to === undefined) return `unknown value in ${spec.name} field "${text}"`;
    if (from < spec.min || to > spec.max || from > to) return `${spec.name} field "${text}" is outside ${spec.min}-${spec.max}`;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export function parseCron(expression: string): CronResult {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 7) return { ok: false, message: `a timer trigger needs 7 fields (second minute hour day month weekday year), got ${parts.length}: "${expression}"` };
  const sets: Set<number>[] = [];
  for (let i = 0; i < FIELDS.length; i++) {
    const parsed = parseField(parts[i], FIELDS[i]);
    if (typeof parsed === 'string') return { ok: false, message: parsed };
    sets.push(parsed);
  }
  const [seconds, minutes, hours, days, months, weekdays, years] = sets;
  return {
    ok: true,
    cron: { seconds, minutes, hours, days, months, weekdays, years, dayRestricted: parts[3] !== '*', weekdayRestricted: parts[5] !== '*' },
  };
}

function dayMatches(cron: Cron, day: number, weekday: number): boolean {
  if (cron.dayRestricted && cron.weekdayRestricted) return cron.days.has(day) || cron.weekdays.has(weekday);
  return cron.days.has(day) && cron.weekdays.has(weekday);
}

/** The first time strictly after `after` that the expression matches, or undefined if there is none before 2100. */
export function nextFire(cron: Cron, after: Date): Date | undefined {
  // Work on China wall-clock time held in a Date's UTC fields.
  const t = new Date(Math.floor((after.getTime() + UTC_OFFSET_MS) / 1000) * 1000 + 1000);
  while (t.getUTCFullYear() <= 2099) {
    if (!cron.years.has(t.getUTCFullYear())) {
      t.setUTCFullYear(t.getUTCFullYear() + 1, 0, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!cron.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!dayMatches(cron, t.getUTCDate(), t.getUTCDay())) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0, 0);
    } else if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
    } else if (!cron.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
    } else if (!cron.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
    } else {
      return new Date(t.getTime() - UTC_OFFSET_MS);
    }
  }
  return undefined;
}
