// WeChat's rules for the value of each subscribe-message field kind (the kind is the field name without its number:
// `thing3` is a `thing`). A value that breaks its rule makes subscribeMessage.send fail with 47003.

export const FIELD_KINDS = ['thing', 'number', 'letter', 'symbol', 'character_string', 'time', 'date', 'amount', 'phone_number', 'car_number', 'name', 'phrase', 'enum'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export function isFieldKind(value: unknown): value is FieldKind {
  return typeof value === 'string' && (FIELD_KINDS as readonly string[]).includes(value);
}

const HAN = /\p{Script=Han}/u;
const CONTROL = /\p{Cc}/u;
const DIGIT = /[0-9]/;
const LETTER = /[A-Za-z]/;

/** "Symbols" are the common characters that are neither Chinese, nor English letters, nor digits. */
function isSymbol(ch: string): boolean {
  return !HAN.test(ch) && !DIGIT.test(ch) && !LETTER.test(ch) && !/\s/u.test(ch);
}

const MONTH = String.raw`(?:0?[1-9]|1[0-2])`;
const DAY = String.raw`(?:0?[1-9]|[12]\d|3[01])`;
const DATE = String.raw`(?:\d{4}年${MONTH}月${DAY}日|\d{4}年${MONTH}月|${MONTH}月${DAY}日|\d{4}([-/.])${MONTH}\1${DAY}|\d{4}[-/.]${MONTH}|${MONTH}[-/.]${DAY})`;
const CLOCK = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
const TIME_POINT = new RegExp(`^(?:${DATE}\\s*)?${CLOCK}$`);
const DATE_POINT = new RegExp(`^${DATE}(?:\\s*${CLOCK})?$`);

/** time and date allow a period: two points joined by `~`. */
function pointOrPeriod(value: string, point: RegExp): boolean {
  const parts = value.split('~').map((p) => p.trim());
  return parts.length <= 2 && parts.every((p) => point.test(p));
}

/**
 * Why `value` is not a valid `kind` value, or undefined when it is. `enumValues` are the template's allowed values
 * for an `enum` field.
 */
export function kindViolation(kind: FieldKind, value: string, enumValues: readonly string[] = []): string | undefined {
  const chars = [...value];
  if (chars.length === 0) return 'is empty';
  if (CONTROL.test(value)) return 'contains control characters (line breaks are not allowed)';
  switch (kind) {
    case 'thing':
      return chars.length > 20 ? 'exceeds 20 characters (thing)' : undefined;
    case 'number':
      return chars.length <= 32 && /^[+-]?\d+(?:\.\d+)?$/.test(value) ? undefined : 'must be a number of at most 32 digits (number)';
    case 'letter':
      return /^[A-Za-z]{1,32}$/.test(value) ? undefined : 'must be at most 32 letters (letter)';
    case 'symbol':
      return chars.length <= 5 && chars.every(isSymbol) ? undefined : 'must be at most 5 symbols (symbol)';
    case 'character_string':
      return chars.length <= 32 && chars.every((c) => !HAN.test(c) && !/\s/u.test(c)) ? undefined : 'must be at most 32 digits, letters or symbols (character_string)';
    case 'time':
      return pointOrPeriod(value, TIME_POINT) ? undefined : 'must be a 24-hour time such as 15:01 or 2019年10月1日 15:01 (time)';
    case 'date':
      return pointOrPeriod(value, DATE_POINT) ? undefined : 'must be a date such as 2019年10月1日 or 2019-10-01 15:01 (date)';
    case 'amount':
      return /^[¥￥$€£]?\d{1,10}(?:\.\d{1,2})?元?$/.test(value) ? undefined : 'must be a currency symbol and at most 10 digits, with optional decimals and 元 (amount)';
    case 'phone_number':
      return chars.length <= 17 && chars.every((c) => DIGIT.test(c) || (isSymbol(c) && !HAN.test(c))) ? undefined : 'must be at most 17 digits and symbols (phone_number)';
    case 'car_number':
      return carNumberOk(chars) ? undefined : 'must be at most 8 letters and digits, the first and last may be Chinese (car_number)';
    case 'name':
      return nameOk(chars) ? undefined : 'must be at most 10 Chinese characters, or at most 20 letters or symbols (name)';
    case 'phrase':
      return /^\p{Script=Han}{1,5}$/u.test(value) ? undefined : 'must be at most 5 Chinese characters (phrase)';
    case 'enum':
      return enumValues.includes(value) ? undefined : `must be one of the template's values: ${enumValues.join(', ')} (enum)`;
  }
}

function carNumberOk(chars: string[]): boolean {
  if (chars.length < 2 || chars.length > 8) return false;
  const alnum = (c: string) => DIGIT.test(c) || LETTER.test(c);
  return chars.every((c, i) => alnum(c) || ((i === 0 || i === chars.length - 1) && HAN.test(c)));
}

function nameOk(chars: string[]): boolean {
  // A name with any Chinese character counts as a Chinese name.
  if (chars.some((c) => HAN.test(c))) return chars.length <= 10 && chars.every((c) => HAN.test(c) || LETTER.test(c) || c === '·');
  return chars.length <= 20 && chars.every((c) => LETTER.test(c) || isSymbol(c) || c === ' ');
}
