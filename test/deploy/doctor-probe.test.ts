// The doctor's probe event, checked at the function's edge before any cloud call is made.
import { isProbeEvent, parseProbeEvent, probeOutcome } from '../../src/domain/doctor-probe';

describe("the doctor's cloud-call probe", () => {
  test('only an event with the $doctor key is a probe; the events WeChat and the pages send are not', () => {
    expect(isProbeEvent({ $doctor: 'openapi', apis: ['subscribeMessage.send'] })).toBe(true);
    for (const event of [{ action: 'probe' }, { Type: 'Timer', TriggerName: 'x' }, { httpMethod: 'POST', body: '{"$doctor":"openapi"}' }, null, 'x']) expect(isProbeEvent(event)).toBe(false);
  });

  test('a probe names only the cloud calls the product functions make, each once', () => {
    expect(parseProbeEvent({ $doctor: 'openapi', apis: ['wxa.sec.order.getOrder', 'subscribeMessage.send'] })).toEqual({ ok: true, probe: { apis: ['wxa.sec.order.getOrder', 'subscribeMessage.send'] } });
    expect(parseProbeEvent({ $doctor: 'openapi', apis: ['security.msgSecCheck'] })).toMatchObject({ ok: false, message: expect.stringContaining('not security.msgSecCheck') });
    expect(parseProbeEvent({ $doctor: 'openapi', apis: ['subscribeMessage.send', 'subscribeMessage.send'] })).toMatchObject({ ok: false, message: expect.stringContaining('twice') });
    expect(parseProbeEvent({ $doctor: 'openapi', apis: [] })).toMatchObject({ ok: false });
    expect(parseProbeEvent({ $doctor: 'all', apis: ['subscribeMessage.send'] })).toMatchObject({ ok: false, message: expect.stringContaining('"openapi"') });
    expect(parseProbeEvent({ $doctor: 'openapi', apis: ['subscribeMessage.send'], touser: 'o1' })).toMatchObject({ ok: false, message: expect.stringContaining('unknown: touser') });
  });

  test('-604101 is a refusal by CloudBase; any answer from WeChat means the call got through', () => {
    expect(probeOutcome('subscribeMessage.send', -604101)).toEqual({ api: 'subscribeMessage.send', outcome: 'denied', errCode: -604101 });
    expect(probeOutcome('subscribeMessage.send', 40003)).toEqual({ api: 'subscribeMessage.send', outcome: 'granted', errCode: 40003 });
    expect(probeOutcome('wxa.sec.order.getOrder', undefined)).toEqual({ api: 'wxa.sec.order.getOrder', outcome: 'unknown' });
  });
});
