// The database through the real, unmodified wx-server-sdk: what a cloud function sees for each operation.
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { rejection, sdkDatabase, type Command, type Row, type SdkDb } from './database-sdk';

let cloud: LocalCloud;
let db: SdkDb;
let collections = 0;

beforeAll(async () => {
  cloud = await startTestCloud();
  db = sdkDatabase(cloud);
});
afterAll(async () => {
  await cloud?.close();
});

/** A fresh collection per test, created the way a user would (db.createCollection). */
async function freshCollection(): Promise<string> {
  const name = `t${++collections}`;
  await db.createCollection(name);
  return name;
}

describe('documents', () => {
  it('adds and reads back every type unchanged', async () => {
    const c = await freshCollection();
    const createdAt = new Date('2026-11-22T08:30:00.250Z');
    const doc = { _openid: 'u1', totalFee: 1999, ratio: 0.25, big: 2 ** 40, paid: false, memo: null, createdAt, items: [{ sku: 'p1', qty: 2 }], addr: { city: '深圳' } };
    const { _id } = await db.collection(c).add({ data: doc });
    expect(_id).toMatch(/^[0-9a-f]{32}$/);
    const { data } = await db.collection(c).doc(_id).get();
    expect(data).toEqual({ _id, ...doc });
    expect((data as Row).createdAt).toBeInstanceOf(Date);
  });

  it('stores a geo point as GeoJSON and gives back a point', async () => {
    const c = await freshCollection();
    const { _id } = await db.collection(c).add({ data: { shop: db.Geo.Point(113.94, 22.54) } });
    const { data } = await db.collection(c).doc(_id).get();
    expect(JSON.parse(JSON.stringify(data.shop))).toEqual({ type: 'Point', coordinates: [113.94, 22.54] });
    expect((data.shop as { constructor: { name: string } }).constructor.name).toBe('Point');
  });

  it('keeps the _id it is given and refuses a second document with it', async () => {
    const c = await freshCollection();
    await db.collection(c).add({ data: { _id: 'order-1', n: 1 } });
    const err = await rejection(db.collection(c).add({ data: { _id: 'order-1', n: 2 } }));
    expect(err.errCode).toBe(-502001);
    expect(err.errMsg).toMatch(/duplicate key/);
    expect((await db.collection(c).doc('order-1').get()).data).toEqual({ _id: 'order-1', n: 1 });
  });

  it('fails doc().get() on a missing document as the cloud does', async () => {
    const c = await freshCollection();
    const err = await rejection(db.collection(c).doc('nope').get());
    expect(String(err.errMsg ?? err.message ?? err)).toMatch(/document with _id nope does not exist/);
  });

  it('refuses a collection that was never created', async () => {
    const err = await rejection(db.collection('never_created').add({ data: { a: 1 } }));
    expect(err.errCode).toBe(-502005);
    const read = await rejection(db.collection('never_created').where({ a: 1 }).get());
    expect(read.errCode).toBe(-502005);
  });

  it('writes db.serverDate() as the server’s time, with an offset', async () => {
    const c = await freshCollection();
    const before = Date.now();
    const { _id } = await db.collection(c).add({ data: { at: db.serverDate(), expireAt: db.serverDate({ offset: 60_000 }) } });
    const data = (await db.collection(c).doc(_id).get()).data as { at: Date; expireAt: Date };
    expect(data.at.getTime()).toBeGreaterThanOrEqual(before);
    expect(data.at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(data.expireAt.getTime() - data.at.getTime()).toBe(60_000);
  });
});

describe('queries', () => {
  let c: string;
  beforeAll(async () => {
    c = await freshCollection();
    const docs = [
      { _id: 'a', status: 'PAID', fee: 100, tags: ['new', 'vip'], buyer: { city: 'Shenzhen', level: 2 }, at: new Date(1000) },
      { _id: 'b', status: 'PENDING', fee: 250, tags: [], items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 5 }], at: new Date(3000) },
      { _id: 'c', status: 'CLOSED', fee: 300, note: null, buyer: { city: 'Beijing', level: 1 }, at: new Date(2000) },
      { _id: 'd', status: 'PAID', fee: 40, buyer: { city: 'Shenzhen', level: 3 }, at: new Date(4000) },
    ];
    for (const d of docs) await db.collection(c).add({ data: d });
  });

  const ids = async (where: Row | Command): Promise<string[]> => {
    const { data } = await db.collection(c).where(where).orderBy('_id', 'asc').get();
    return (data as Row[]).map((d) => d._id as string);
  };

  it.each<[string, () => Row | Command, string[]]>([
    ['equality', () => ({ status: 'PAID' }), ['a', 'd']],
    ['eq', () => ({ fee: db.command.eq(100) }), ['a']],
    ['neq (missing fields match)', () => ({ 'buyer.city': db.command.neq('Shenzhen') }), ['b', 'c']],
    ['lt', () => ({ fee: db.command.lt(100) }), ['d']],
    ['lte', () => ({ fee: db.command.lte(100) }), ['a', 'd']],
    ['gt', () => ({ fee: db.command.gt(250) }), ['c']],
    ['gte', () => ({ fee: db.command.gte(250) }), ['b', 'c']],
    ['gt and lt on one field', () => ({ fee: db.command.gt(50).and(db.command.lt(260)) }), ['a', 'b']],
    ['in', () => ({ status: db.command.in(['PENDING', 'CLOSED']) }), ['b', 'c']],
    ['nin', () => ({ status: db.command.nin(['PENDING', 'CLOSED']) }), ['a', 'd']],
    ['exists', () => ({ note: db.command.exists(true) }), ['c']],
    ['exists false', () => ({ buyer: db.command.exists(false) }), ['b']],
    ['dates', () => ({ at: db.command.gte(new Date(2000)) }), ['b', 'c', 'd']],
    ['nested object (flattened to a dot path by the SDK)', () => ({ buyer: { city: 'Shenzhen' } }), ['a', 'd']],
    ['dot path string', () => ({ 'buyer.level': db.command.gt(1) }), ['a', 'd']],
    ['an array holding the value', () => ({ tags: 'vip' }), ['a']],
    ['a path into an array of objects', () => ({ 'items.sku': 'y' }), ['b']],
    ['or across fields', () => db.command.or([{ status: 'CLOSED' }, { fee: db.command.lt(50) }]), ['c', 'd']],
    ['or on one field', () => ({ fee: db.command.lt(50).or(db.command.gt(280)) }), ['c', 'd']],
    ['and', () => db.command.and([{ status: 'PAID' }, { 'buyer.level': db.command.gte(3) }]), ['d']],
    ['JS regular expression', () => ({ status: /^p/i }), ['a', 'b', 'd']],
    ['db.RegExp', () => ({ 'buyer.city': db.RegExp({ regexp: 'jing$', options: '' }) }), ['c']],
    ['not', () => ({ fee: db.command.not(db.command.gt(99)) }), ['d']],
    ['nor', () => db.command.nor([{ status: 'PAID' }, { fee: db.command.gt(280) }]), ['b']],
  ])('%s', async (_name, where, expected) => {
    expect(await ids(where())).toEqual(expected);
  });

  it('orders by several keys, skips and limits', async () => {
    const { data } = await db.collection(c).orderBy('status', 'desc').orderBy('fee', 'asc').skip(1).limit(2).get();
    expect((data as Row[]).map((d) => d._id)).toEqual(['d', 'a']);
  });

  it('projects with field()', async () => {
    const { data } = await db.collection(c).where({ _id: 'a' }).field({ fee: true, 'buyer.city': true }).get();
    expect(data).toEqual([{ _id: 'a', fee: 100, buyer: { city: 'Shenzhen' } }]);
    const one = await db.collection(c).doc('c').field({ buyer: false, at: false, note: false, tags: false }).get();
    expect(one.data).toEqual({ _id: 'c', status: 'CLOSED', fee: 300 });
  });

  it('counts', async () => {
    expect((await db.collection(c).where({ status: 'PAID' }).count()).total).toBe(2);
    expect((await db.collection(c).count()).total).toBe(4);
  });

  it('returns 100 documents by default and at most 1000', async () => {
    const big = await freshCollection();
    for (let i = 0; i < 1100; i += 100) {
      await db.collection(big).add({ data: Array.from({ length: 100 }, (_, k) => ({ i: i + k })) });
    }
    expect((await db.collection(big).get()).data).toHaveLength(100);
    expect((await db.collection(big).limit(1000).get()).data).toHaveLength(1000);
    expect((await db.collection(big).skip(1000).limit(1000).get()).data).toHaveLength(100);
  });

  it('refuses what it cannot do instead of answering wrongly', async () => {
    const geo = await rejection(db.collection(c).where({ loc: db.command.geoNear({ geometry: db.Geo.Point(113.9, 22.5), maxDistance: 10 }) }).get());
    expect(geo.errCode).toBe(-502002);
    expect(geo.errMsg).toMatch(/\$nearSphere is not supported by the local cloud database/);
    const agg = await rejection(db.collection(c).aggregate().match({ status: 'PAID' }).end());
    expect(String(agg.errMsg)).toMatch(/aggregate\(\) is not supported/);
  });
});

describe('updates', () => {
  it('applies every update command', async () => {
    const c = await freshCollection();
    const _ = db.command;
    await db.collection(c).add({
      data: { _id: 'o1', n: 1, price: 10, temp: 'x', tags: ['a'], list: [1, 2, 3, 4], set: ['x'], buyer: { name: 'Li', city: 'SZ' }, meta: { a: 1, b: 2 } },
    });
    const res = await db.collection(c).doc('o1').update({
      data: {
        n: _.inc(2),
        price: _.mul(3),
        temp: _.remove(),
        tags: _.push(['b', 'c']),
        list: _.pull(_.gte(3)),
        set: _.addToSet('x'),
        buyer: { city: 'BJ' }, // a plain object: only buyer.city changes
        meta: _.set({ c: 3 }), // _.set replaces the object
        at: db.serverDate(),
      },
    });
    expect(res.stats.updated).toBe(1);
    const { data } = await db.collection(c).doc('o1').get();
    expect(data).toMatchObject({ n: 3, price: 30, tags: ['a', 'b', 'c'], list: [1, 2], set: ['x'], buyer: { name: 'Li', city: 'BJ' }, meta: { c: 3 } });
    expect(data).not.toHaveProperty('temp');
    expect(data.at).toBeInstanceOf(Date);

    await db.collection(c).doc('o1').update({ data: { list: _.pop(), tags: _.shift() } });
    await db.collection(c).doc('o1').update({ data: { set: _.unshift(['first']) } });
    expect((await db.collection(c).doc('o1').get()).data).toMatchObject({ list: [1], tags: ['b', 'c'], set: ['first', 'x'] });
  });

  it('counts updated documents; a missing document updates nothing', async () => {
    const c = await freshCollection();
    for (const s of ['PENDING', 'PENDING', 'PAID']) await db.collection(c).add({ data: { status: s, n: 0 } });
    const many = await db.collection(c).where({ status: 'PENDING' }).update({ data: { n: db.command.inc(1) } });
    expect(many.stats.updated).toBe(2);
    const none = await db.collection(c).doc('missing').update({ data: { n: 1 } });
    expect(none.stats.updated).toBe(0);
    expect((await db.collection(c).where({ n: 1 }).count()).total).toBe(2);
  });

  it('replaces with doc().set(), and creates a missing document', async () => {
    const c = await freshCollection();
    await db.collection(c).add({ data: { _id: 's1', a: 1, b: 2 } });
    const replaced = await db.collection(c).doc('s1').set({ data: { c: 3 } });
    expect(replaced.stats).toEqual({ updated: 1, created: 0 });
    expect((await db.collection(c).doc('s1').get()).data).toEqual({ _id: 's1', c: 3 });
    const created = await db.collection(c).doc('s2').set({ data: { z: 1 } });
    expect(created.stats).toEqual({ updated: 0, created: 1 });
    expect((await db.collection(c).doc('s2').get()).data).toEqual({ _id: 's2', z: 1 });
  });

  it('removes and counts', async () => {
    const c = await freshCollection();
    for (const s of ['A', 'A', 'B']) await db.collection(c).add({ data: { s } });
    expect((await db.collection(c).where({ s: 'A' }).remove()).stats.removed).toBe(2);
    const { data } = await db.collection(c).get();
    const last = (data as Row[])[0]._id as string;
    expect((await db.collection(c).doc(last).remove()).stats.removed).toBe(1);
    expect((await db.collection(c).doc(last).remove()).stats.removed).toBe(0);
    expect((await db.collection(c).count()).total).toBe(0);
  });

  it('refuses an update that makes no sense, changing nothing', async () => {
    const c = await freshCollection();
    await db.collection(c).add({ data: { _id: 'x', name: 'tea' } });
    const err = await rejection(db.collection(c).doc('x').update({ data: { name: db.command.inc(1) } }));
    expect(err.errCode).toBe(-502001);
    expect(err.errMsg).toMatch(/cannot apply \$inc to name/);
    expect((await db.collection(c).doc('x').get()).data).toEqual({ _id: 'x', name: 'tea' });
  });
});
