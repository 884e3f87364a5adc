import { isAcknowledged, MAX_ATTEMPTS, nextRetryDelay, RETRY_DELAYS_MS } from '../../emulator/src/sandbox/schedule';

describe("WeChat's callback retry schedule", () => {
  it('retries 15 times over 24h4m after the first attempt', () => {
    expect(MAX_ATTEMPTS).toBe(16);
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBe((24 * 60 + 4) * 60_000);
    expect(RETRY_DELAYS_MS.slice(0, 4)).toEqual([15_000, 15_000, 30_000, 180_000]);
  });

  it('scales each wait by the time factor and stops after the last retry', () => {
    expect(nextRetryDelay(1, 1)).toBe(15_000);
    expect(nextRetryDelay(4, 0.001)).toBe(180);
    expect(nextRetryDelay(15, 1)).toBe(6 * 3600_000);
    expect(nextRetryDelay(16, 1)).toBeUndefined();
  });

  it.each([
    [{ errcode: 0, errmsg: '' }, true],
    [{ errcode: 0 }, true],
    [{ errcode: '0' }, false],
    [{ errcode: 1, errmsg: 'busy' }, false],
    [{ return_code: 'SUCCESS' }, false],
    ['SUCCESS', false],
    [null, false],
    [undefined, false],
  ])('%j acknowledges the callback: %s', (answer, acked) => {
    expect(isAcknowledged(answer)).toBe(acked);
  });
});
