// The delivery address a buyer picks with wx.chooseAddress, checked at the server's edge, and the masked forms that
// logs, messages and WeChat's shipping service get instead of the full name and phone number.
import type { DeliveryAddress } from '../../typings/api';
import { invalid } from './errors';
import { hasControlCharacters } from './text';

/** Field limits (characters). WeChat's own picker stays well inside them; anything longer was not typed by a person. */
export const ADDRESS_LIMITS = {
  userName: 40,
  telNumber: 20,
  provinceName: 20,
  cityName: 20,
  countyName: 20,
  detailInfo: 120,
  postalCode: 10,
} as const;

const REQUIRED = ['userName', 'telNumber', 'provinceName', 'cityName', 'countyName', 'detailInfo'] as const;
/** What wx.chooseAddress answers besides the fields we keep; a page may pass its answer through unchanged. */
const IGNORED = new Set(['errMsg', 'nationalCode', 'streetName', 'detailInfoNew']);
/** Digits with the separators people write in phone numbers (138 0013 8000, 021-12345678, +86…). */
const PHONE = /^\+?[0-9][0-9 -]{4,18}[0-9]$/;
const POSTAL_CODE = /^[0-9]{6}$/;

/** Validates what the `pay` event carries as `address`. Unknown fields are refused (see events.ts). */
export function parseAddress(raw: unknown): DeliveryAddress {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('address must be the object wx.chooseAddress returns');
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    // Own properties only: `in` would let "toString", "constructor" or "__proto__" through as known fields.
    if (!Object.prototype.hasOwnProperty.call(ADDRESS_LIMITS, key) && !IGNORED.has(key)) throw invalid(`address: unknown field "${key.slice(0, 40)}"`);
  }
  const out: Record<string, string> = {};
  for (const key of REQUIRED) out[key] = textField(fields, key, true) as string;
  if (!PHONE.test(out.telNumber)) throw invalid('address.telNumber must be a phone number');
  const postalCode = textField(fields, 'postalCode', false);
  if (postalCode !== undefined && postalCode !== '') {
    if (!POSTAL_CODE.test(postalCode)) throw invalid('address.postalCode must be 6 digits');
    out.postalCode = postalCode;
  }
  return out as unknown as DeliveryAddress;
}

function textField(fields: Record<string, unknown>, key: keyof typeof ADDRESS_LIMITS, required: boolean): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) {
    if (required) throw invalid(`address.${key} is required`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(`address.${key} must be text`);
  const trimmed = value.trim();
  if (required && trimmed === '') throw invalid(`address.${key} is required`);
  if (hasControlCharacters(trimmed)) throw invalid(`address.${key} must be one line of text`);
  if (Array.from(trimmed).length > ADDRESS_LIMITS[key]) throw invalid(`address.${key} must be at most ${ADDRESS_LIMITS[key]} characters`);
  return trimmed;
}

/**
 * A phone number with every digit but the last four masked, keeping separators: `138****8000` for a mobile,
 * `021-****5678` for a landline. This is the form WeChat's shipping service asks for as the receiver contact
 * ("最后4位数字不能打掩码"), and the only form of the number that logs may show.
 */
export function maskPhone(tel: string): string {
  const local = tel.trim().replace(/^\+86[\s-]*/, '');
  const digits = local.replace(/[^0-9]/g, '').length;
  // Mobiles (11 digits starting with 1) keep their 3-digit prefix, as people are used to seeing them.
  const keepHead = /^1[0-9]{10}$/.test(local.replace(/[^0-9]/g, '')) ? 3 : 0;
  let seen = 0;
  return local.replace(/[0-9]/g, (d) => {
    seen++;
    return digits > 4 && (seen <= keepHead || seen > digits - 4) ? d : '*';
  });
}

/** `张*` / `J***`: enough for a merchant to recognise an order in a log, not enough to identify anyone. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3) || 1);
}

/** One line for lists, messages and logs: `浙江省杭州市西湖区 张* 138****8000`, never the street or the full number. */
export function maskedAddressLine(address: DeliveryAddress): string {
  return `${address.provinceName}${address.cityName}${address.countyName} ${maskName(address.userName)} ${maskPhone(address.telNumber)}`;
}

/** The full address as a label shows it. */
export function addressLines(address: DeliveryAddress): { who: string; where: string } {
  return {
    who: `${address.userName} ${address.telNumber}`,
    where: `${address.provinceName}${address.cityName}${address.countyName}${address.detailInfo}${address.postalCode ? ` (${address.postalCode})` : ''}`,
  };
}
