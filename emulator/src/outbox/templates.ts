// The subscribe-message templates the local cloud knows (cloudbase/local-templates.json), and the check of one
// subscribeMessage.send request against them, answering WeChat's error codes.
import { readFileSync } from 'node:fs';
import { isFieldKind, kindViolation, type FieldKind } from './kinds';

export interface TemplateField {
  key: string;
  kind: FieldKind;
  label: string;
  /** Allowed values of an `enum` field. */
  values?: string[];
}

export interface Template {
  id: string;
  title: string;
  fields: TemplateField[];
}

export class TemplatesFileError extends Error {}

/** `thing12` → `thing`; WeChat names each field after its kind. */
export function kindOfKey(key: string): string | undefined {
  return /^([a-z_]+?)(\d+)$/.exec(key)?.[1];
}

/** Parses and checks a templates file's content; throws TemplatesFileError naming the first problem. */
export function parseTemplates(text: string, source: string): Map<string, Template> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TemplatesFileError(`${source} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = (doc as { templates?: unknown } | null)?.templates;
  if (!Array.isArray(list)) throw new TemplatesFileError(`${source} must be an object with a "templates" array`);
  const templates = new Map<string, Template>();
  list.forEach((raw: unknown, i) => {
    const where = `${source}: templates[${i}]`;
    const t = raw as { id?: unknown; title?: unknown; fields?: unknown } | null;
    if (!t || typeof t.id !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(t.id)) throw new TemplatesFileError(`${where}.id must be 1-128 characters of [A-Za-z0-9_-]`);
    if (templates.has(t.id)) throw new TemplatesFileError(`${where}.id ${t.id} is declared twice`);
    if (!Array.isArray(t.fields) || t.fields.length === 0) throw new TemplatesFileError(`${where}.fields must be a non-empty array`);
    const keys = new Set<string>();
    const fields = t.fields.map((rawField: unknown, j): TemplateField => {
      const f = rawField as { key?: unknown; kind?: unknown; label?: unknown; values?: unknown } | null;
      const fwhere = `${where}.fields[${j}]`;
      if (!f || typeof f.key !== 'string') throw new TemplatesFileError(`${fwhere}.key must be a string such as "thing1"`);
      if (!isFieldKind(f.kind)) throw new TemplatesFileError(`${fwhere}.kind must be a WeChat field kind (thing, character_string, amount, time, phrase, …)`);
      if (kindOfKey(f.key) !== f.kind) throw new TemplatesFileError(`${fwhere}: key ${f.key} does not name a ${f.kind} field (expected ${f.kind}<n>)`);
      if (keys.has(f.key)) throw new TemplatesFileError(`${fwhere}: key ${f.key} appears twice`);
      keys.add(f.key);
      const values = f.values;
      if (f.kind === 'enum' && !(Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string'))) {
        throw new TemplatesFileError(`${fwhere}: an enum field lists its "values"`);
      }
      return { key: f.key, kind: f.kind, label: typeof f.label === 'string' ? f.label : f.key, ...(f.kind === 'enum' ? { values: values as string[] } : {}) };
    });
    templates.set(t.id, { id: t.id, title: typeof t.title === 'string' ? t.title : t.id, fields });
  });
  return templates;
}

export function loadTemplates(file: string): Map<string, Template> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TemplatesFileError(`cannot read the subscribe-message templates ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseTemplates(text, file);
}

// ---- one send --------------------------------------------------------------------------------------------

export interface SendRequest {
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, string>;
  miniprogramState: string;
  lang: string;
}

export interface WxError {
  errcode: number;
  errmsg: string;
}

export type SendCheck = { ok: true; request: SendRequest } | { ok: false; error: WxError; touser?: string; templateId?: string };

const OPENID = /^[A-Za-z0-9_-]{1,128}$/;
const STATES = ['developer', 'trial', 'formal'];
const LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'];

const invalid = (what: string): WxError => ({ errcode: 47003, errmsg: `argument invalid! ${what}` });

/** Checks a send as WeChat does: receiver, template, then every field against its kind; 40003, 40037 or 47003. */
export function checkSend(body: Record<string, unknown>, templates: ReadonlyMap<string, Template>): SendCheck {
  const touser = body.touser;
  if (typeof touser !== 'string' || !OPENID.test(touser)) return { ok: false, error: { errcode: 40003, errmsg: 'invalid openid' } };
  const templateId = body.template_id;
  const template = typeof templateId === 'string' ? templates.get(templateId) : undefined;
  if (!template) return { ok: false, error: { errcode: 40037, errmsg: 'invalid template_id' }, touser, templateId: typeof templateId === 'string' ? templateId : undefined };
  const refuse = (what: string): SendCheck => ({ ok: false, error: invalid(what), touser, templateId: template.id });

  const page = body.page;
  if (page !== undefined && (typeof page !== 'string' || page.length > 1024)) return refuse('page must be a page path of this mini-program');
  const state = body.miniprogram_state ?? 'formal';
  if (typeof state !== 'string' || !STATES.includes(state)) return refuse(`miniprogram_state must be one of ${STATES.join(', ')}`);
  const lang = body.lang ?? 'zh_CN';
  if (typeof lang !== 'string' || !LANGS.includes(lang)) return refuse(`lang must be one of ${LANGS.join(', ')}`);

  const data = body.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return refuse('data is empty');
  const given = data as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const field of template.fields) {
    const entry = given[field.key];
    const raw = entry && typeof entry === 'object' ? (entry as { value?: unknown }).value : undefined;
    if (raw === undefined || raw === null || raw === '') return refuse(`data.${field.key}.value is empty`);
    if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) return refuse(`data.${field.key}.value must be a string`);
    const value = String(raw);
    const why = kindViolation(field.kind, value, field.values);
    if (why) return refuse(`data.${field.key}.value ${why}`);
    values[field.key] = value;
  }
  for (const key of Object.keys(given)) {
    if (!template.fields.some((f) => f.key === key)) return refuse(`data.${key} is not a field of template ${template.id}`);
  }
  return { ok: true, request: { touser, templateId: template.id, page: page as string | undefined, data: values, miniprogramState: state, lang } };
}
