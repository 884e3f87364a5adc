// Shops and buyers are in China: times are shown in China Standard Time whatever the device's zone,
// so a receipt reads the same on every phone.
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "2026-11-22T07:03:00.000Z" → "2026-11-22 15:03"; "" for a missing or unreadable instant. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + CHINA_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * What is left until `deadlineIso`, as a countdown reads: "14:59", "1:02:03"; "0:00" once passed; "" when unknown.
 * Whole seconds, rounded up, so the last second still shows 0:01.
 */
export function countdownText(deadlineIso: string | undefined, now: number): string {
  if (!deadlineIso) return '';
  const deadline = Date.parse(deadlineIso);
  if (Number.isNaN(deadline)) return '';
  const left = Math.max(0, Math.ceil((deadline - now) / 1000));
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const sec = left % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}
