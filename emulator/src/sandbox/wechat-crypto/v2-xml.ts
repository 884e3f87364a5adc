// APIv2's XML as WeChat Pay reads and writes it: one root element holding flat fields, each text (CDATA or escaped
// characters). A small reader of its own, strict in what it takes: nothing but the root and its fields — no
// declarations, comments, attributes, nested elements or repeated fields — so a shop that sends anything else is
// told "XML格式错误", as WeChat answers it.
export const XML_LIMIT = 64 * 1024;

export class XmlFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlFormatError';
  }
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const OPEN = new RegExp(`<(${NAME})\\s*(/?)>`, 'y');
const CDATA = /<!\[CDATA\[([\s\S]*?)\]\]>/y;
const TEXT = /[^<]+/y;
const PROLOGUE = /^\uFEFF?\s*(?:<\?xml[^?]*\?>\s*)?/;
const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const decoder = new TextDecoder('utf-8', { fatal: true });

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new XmlFormatError('a bare & in text');
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined) throw new XmlFormatError(`an unknown entity ${whole}`);
    return named;
  });
}

/** One field's value, from just after `<name>` up to its `</name>`; returns the value and where the reader stands. */
function readValue(xml: string, from: number, name: string): { value: string; at: number } {
  let value = '';
  let at = from;
  const close = `</${name}>`;
  for (;;) {
    if (xml.startsWith(close, at)) return { value, at: at + close.length };
    CDATA.lastIndex = at;
    const cdata = CDATA.exec(xml);
    if (cdata) {
      value += cdata[1];
      at = CDATA.lastIndex;
      continue;
    }
    TEXT.lastIndex = at;
    const text = TEXT.exec(xml);
    if (text) {
      value += unescape(text[0]);
      at = TEXT.lastIndex;
      continue;
    }
    throw new XmlFormatError(`<${name}> holds something other than text`);
  }
}

/** The fields of a message whose root is `root`, by name. */
export function readXml(input: Buffer | string, root = 'xml'): Record<string, string> {
  if ((typeof input === 'string' ? Buffer.byteLength(input) : input.length) > XML_LIMIT) throw new XmlFormatError('larger than WeChat Pay takes');
  let xml: string;
  try {
    xml = typeof input === 'string' ? input : decoder.decode(input);
  } catch {
    throw new XmlFormatError('not UTF-8');
  }
  const start = PROLOGUE.exec(xml)?.[0].length ?? 0;
  const rootOpen = `<${root}>`;
  if (!xml.startsWith(rootOpen, start)) throw new XmlFormatError(`the root element is not <${root}>`);
  const fields = new Map<string, string>();
  let at = start + rootOpen.length;
  const rootClose = `</${root}>`;
  for (;;) {
    while (at < xml.length && /\s/.test(xml[at] ?? '')) at++;
    if (xml.startsWith(rootClose, at)) {
      if (xml.slice(at + rootClose.length).trim() !== '') throw new XmlFormatError('something follows the root element');
      break;
    }
    OPEN.lastIndex = at;
    const open = OPEN.exec(xml);
    if (!open) throw new XmlFormatError('expected a field element');
    const name = open[1] as string;
    if (fields.has(name)) throw new XmlFormatError(`the field ${name} is given twice`);
    if (open[2] === '/') {
      fields.set(name, '');
      at = OPEN.lastIndex;
      continue;
    }
    const read = readValue(xml, OPEN.lastIndex, name);
    fields.set(name, read.value);
    at = read.at;
  }
  return Object.fromEntries(fields);
}

/** A message as WeChat writes it: every value in CDATA, numbers bare; empty and undefined values left out. */
export function writeXml(fields: Readonly<Record<string, string | number | undefined>>, root = 'xml'): string {
  let out = `<${root}>`;
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === '') continue;
    if (!new RegExp(`^${NAME}$`).test(name)) throw new XmlFormatError(`${name} is not a field name`);
    out += typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`;
  }
  return `${out}</${root}>`;
}
