// APIv2's XML: one root element whose children are the fields, each a text value (usually CDATA). Read with
// fast-xml-parser, values kept as text (a transaction_id must stay 28 digits, not become a float). What is not a
// plain WeChat Pay message is refused before the parser sees it: document type declarations and entities (XXE,
// "billion laughs"), names that reach into JavaScript prototypes, oversized bodies, bytes that are not UTF-8.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { V2Fields } from './sign';

/** WeChat Pay's APIv2 messages are a few KB (a refund query listing 50 refunds stays well under this). */
export const V2_XML_LIMIT = 64 * 1024;

export class V2XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'V2XmlError';
  }
}

// Made on first use: the build leaves fast-xml-parser out of the bundle until an APIv2 message is read
// (scripts/lean-functions.mjs), so a shop on cloudPay or APIv3 never loads it.
let parser: XMLParser | undefined;
const makeParser = (): XMLParser =>
  new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    parseAttributeValue: false,
    // Only the five predefined entities remain once declarations are refused; CDATA is never decoded.
    processEntities: true,
    htmlEntities: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });

/** `<!` may only open CDATA or a comment: DOCTYPE, ENTITY, ELEMENT, ATTLIST and NOTATION are refused. */
const DECLARATION = /<!(?!\[CDATA\[|--)/;
const PROTOTYPE_NAME = /<\/?\s*(?:__proto__|constructor|prototype)[\s/>]/;
const CDATA_SECTION = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface ParseV2XmlOptions {
  /** The root element's name: `xml` for messages, `root` for a decrypted refund notify `req_info`. */
  root?: string;
  maxBytes?: number;
}

/**
 * The fields of an APIv2 message, as text exactly as sent. Unknown fields are kept (callers read the ones they know;
 * signatures cover all of them); nested elements are not fields and are left out; a field given twice is refused
 * because two readers could disagree on which one counts.
 */
export function parseV2Xml(input: string | Buffer, options: ParseV2XmlOptions = {}): Record<string, string> {
  const root = options.root ?? 'xml';
  const limit = options.maxBytes ?? V2_XML_LIMIT;
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  if (size > limit) throw new V2XmlError(`the XML is ${size} bytes, more than the ${limit} allowed`);
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    throw new V2XmlError('the XML is not UTF-8');
  }
  // Anywhere, even inside CDATA or a comment: telling those apart would need a parser, and this must hold before one.
  if (DECLARATION.test(text)) throw new V2XmlError('the XML has a document type or entity declaration, which WeChat Pay never sends');
  // Outside CDATA `<constructor>` is an element (the parser refuses those names too); inside, text such as a product name.
  if (PROTOTYPE_NAME.test(text.replace(CDATA_SECTION, ''))) throw new V2XmlError('the XML has an element named like a JavaScript prototype property');
  if (XMLValidator.validate(text) !== true) throw new V2XmlError('the XML is not well-formed');

  let document: unknown;
  try {
    document = (parser ??= makeParser()).parse(text);
  } catch (err) {
    throw new V2XmlError(`the XML could not be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  const top = (document ?? {}) as Record<string, unknown>;
  const body = top[root];
  if (Object.keys(top).length !== 1 || body === undefined) throw new V2XmlError(`the XML's root element is not <${root}>`);
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  if (typeof body !== 'object' || body === null) return fields;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (!FIELD_NAME.test(name)) continue;
    if (Array.isArray(value)) throw new V2XmlError(`the field ${name} is given more than once`);
    if (typeof value === 'string') fields[name] = value;
  }
  return fields;
}

// Characters XML 1.0 cannot carry at all (most C0 controls, unpaired surrogates, U+FFFE/U+FFFF).
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An APIv2 message: text values in CDATA (so `&`, `<` and Chinese text go through untouched), numbers bare, empty
 * and undefined fields left out as WeChat's signing rule leaves them out.
 */
export function buildV2Xml(fields: V2Fields, root = 'xml'): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === '') continue;
    if (!FIELD_NAME.test(name)) throw new V2XmlError(`${name} is not a field name`);
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new V2XmlError(`${name} must be an integer, not ${value}`);
      parts.push(`<${name}>${value}</${name}>`);
      continue;
    }
    if (NOT_XML.test(value)) throw new V2XmlError(`${name} has characters XML cannot carry`);
    parts.push(`<${name}><![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]></${name}>`);
  }
  return `<${root}>${parts.join('')}</${root}>`;
}
