// Regular expressions in queries, matched in time linear in the text (RE2's automata, through re2js), so a pattern
// such as /(a+)+$/ cannot block the local cloud the way a backtracking engine lets it. The price is RE2's syntax:
// no lookaround and no backreferences (refused with a clear error), which the cloud's PCRE would accept.
import { RE2JS } from 're2js';
import { invalidParam } from './errors';
import type { RegexValue } from './values';

/** Longer patterns are refused before they are parsed. */
export const MAX_REGEX_LENGTH = 16_384;
/**
 * RE2's matching costs up to (text length × program size): `[a-z]{1000}` repeated 30 times is 30 000 instructions
 * and takes seconds on one long string. 2 000 leaves room for any pattern a query needs.
 */
export const MAX_REGEX_PROGRAM = 2_000;

export function compileRegex(re: RegexValue): (text: string) => boolean {
  const shown = re.pattern.length > 60 ? `${re.pattern.slice(0, 60)}…` : re.pattern;
  if (re.pattern.length > MAX_REGEX_LENGTH) throw invalidParam(`the regular expression /${shown}/ is longer than ${MAX_REGEX_LENGTH} characters`);
  // MongoDB's i, m and s; x (extended) has no RE2 equivalent and is ignored, as before.
  let flags = 0;
  if (re.options.includes('i')) flags |= RE2JS.CASE_INSENSITIVE;
  if (re.options.includes('m')) flags |= RE2JS.MULTILINE;
  if (re.options.includes('s')) flags |= RE2JS.DOTALL;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(re.pattern, flags);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw invalidParam(`invalid regular expression /${shown}/: ${why} (the local cloud matches RE2 syntax in linear time: no lookaround, no backreferences)`);
  }
  if (compiled.programSize() > MAX_REGEX_PROGRAM) {
    throw invalidParam(`the regular expression /${shown}/ is too complex (${compiled.programSize()} instructions, at most ${MAX_REGEX_PROGRAM}): use fewer or smaller counted repetitions`);
  }
  return (text) => compiled.test(text);
}
