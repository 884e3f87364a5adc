// The one rule for text people type that the shop stores and shows again (reasons, notes, address fields): no
// control characters. C0 and DEL break logs and one-line layouts; C1 (U+0080–U+009F) are invisible yet change how
// some terminals and printers read what follows; U+2028/U+2029 are line breaks to JavaScript and JSON consumers.

/** Characters no typed text may keep. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The line breaks and tabs a textarea produces: free text folds them into spaces before the rule applies. */
export const TYPED_LINE_BREAKS = /[\t\n\r\v\f]+/g;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}
