// Test barriers (emulator/src/barriers.ts): held requests wait for every party, then run in the listed order;
// a barrier whose parties do not all come lets go after its timeout and says so; the HTTP control API exists only
// when asked for. The race tests of the functions (test/functions/races.test.ts) rely on all three.
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function admin(cloud: LocalCloud, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${cloud.url}/admin?env=${cloud.env}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return (await res.json()) as Record<string, unknown>;
}

const read = (cloud: LocalCloud) => admin(cloud, { action: 'database.getDocument', collectionName: 'held', queryType: 'DOC', query: JSON.stringify({ _id: 'd' }) });
const write = (cloud: LocalCloud, v: number) =>
  admin(cloud, { action: 'database.modifyDocument', collectionName: 'held', queryType: 'DOC', query: JSON.stringify({ _id: 'd' }), data: JSON.stringify({ $set: { v } }), merge: true, multi: false });
const valueRead = (answer: Record<string, unknown>) => (JSON.parse((answer.data as { list: string[] }).list[0]) as { v: { $numberInt: string } }).v.$numberInt;

describe('in process', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
    await admin(cloud, { action: 'database.addCollection', collectionName: 'held' });
    await admin(cloud, { action: 'database.insertDocument', collectionName: 'held', data: [JSON.stringify({ _id: 'd', v: 1 })] });
  });
  afterAll(() => cloud.close());

  it('holds each party until all arrived, then runs them in the listed order', async () => {
    const barrier = cloud.barriers.hold({ parties: [{ action: 'database.modifyDocument', docId: 'd' }, { action: 'database.getDocument', docId: 'd' }] });
    let readDone = false;
    const reading = read(cloud).then((a) => ((readDone = true), a));
    await sleep(150);
    expect(readDone).toBe(false); // the read came first, and waits for the write
    expect(barrier.arrived()).toBe(1);
    expect(barrier.state()).toBe('waiting');
    const writing = write(cloud, 2);
    const [answer] = await Promise.all([reading, writing]);
    expect(await barrier.settled).toBe('released');
    expect(valueRead(answer)).toBe('2'); // listed second, so it ran after the write
    expect(cloud.barriers.holding()).toBe(false);
  });

  it('takes only the requests its parties name, and nothing once released', async () => {
    const barrier = cloud.barriers.hold({ parties: [{ action: 'database.getDocument', docId: 'other' }] });
    expect(valueRead(await read(cloud))).toBe('2'); // not held: another document
    expect(barrier.arrived()).toBe(0);
    cloud.barriers.clear();
    expect(await barrier.settled).toBe('cancelled');
  });

  it('lets the parties that came go after its timeout, and says it timed out', async () => {
    const barrier = cloud.barriers.hold({ parties: [{ action: 'database.getDocument' }, { action: 'database.getDocument' }], timeoutMs: 200 });
    const started = Date.now();
    expect(valueRead(await read(cloud))).toBe('2');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(await barrier.settled).toBe('timed-out');
  });

  it('refuses a malformed barrier', () => {
    expect(() => cloud.barriers.hold({ parties: [] })).toThrow(/parties/);
    expect(() => cloud.barriers.hold({ parties: [{ colection: 'x' } as never] })).toThrow(/unknown field "colection"/);
    expect(() => cloud.barriers.hold({ parties: [{}], timeoutMs: 0 })).toThrow(/timeoutMs/);
  });

  it('serves no control API unless started with testBarriers', async () => {
    const res = await fetch(`${cloud.url}/test/barriers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parties: [{}] }) });
    expect(res.status).toBe(404);
  });
});

describe('over HTTP, with testBarriers: true', () => {
  let cloud: LocalCloud;
  beforeAll(async () => {
    cloud = await startTestCloud({ testBarriers: true });
    await admin(cloud, { action: 'database.addCollection', collectionName: 'held' });
    await admin(cloud, { action: 'database.insertDocument', collectionName: 'held', data: [JSON.stringify({ _id: 'd', v: 1 })] });
  });
  afterAll(() => cloud.close());

  const control = async (method: string, body?: unknown) => {
    const res = await fetch(`${cloud.url}/test/barriers`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('creates, lists and clears barriers', async () => {
    expect(await control('POST', { name: 'two reads', parties: [{ action: 'database.getDocument' }, { action: 'database.getDocument' }] })).toEqual({ status: 201, body: { name: 'two reads', state: 'waiting' } });
    const held = read(cloud);
    await sleep(100);
    expect((await control('GET')).body.barriers).toEqual([expect.objectContaining({ name: 'two reads', state: 'waiting', arrived: 1 })]);
    expect((await control('DELETE')).status).toBe(200);
    expect(valueRead(await held)).toBe('1');
    expect((await control('GET')).body.barriers).toEqual([expect.objectContaining({ name: 'two reads', state: 'cancelled' })]);
  });

  it('answers 400 for a malformed barrier', async () => {
    expect(await control('POST', { parties: 'all' })).toEqual({ status: 400, body: expect.objectContaining({ code: 'INVALID_BARRIER' }) });
    expect(await control('POST', { parties: [{ inTransaction: 'yes' }] })).toEqual({ status: 400, body: expect.objectContaining({ code: 'INVALID_BARRIER' }) });
  });
});
