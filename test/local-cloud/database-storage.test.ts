// Durable storage and the project's declared indexes, through the real wx-server-sdk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCloud, type LocalCloud } from '../helpers/local-cloud';
import { engineOf, sdkDatabase, type Row } from './database-sdk';

const dataDir = mkdtempSync(join(tmpdir(), 'local-cloud-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a file-backed local cloud', () => {
  it('keeps documents, types and created collections across a restart', async () => {
    const createdAt = new Date('2026-11-22T09:00:00.000Z');
    const first = await startTestCloud({ memory: false, dataDir });
    try {
      const db = sdkDatabase(first);
      await db.collection('orders').add({ data: { _id: 'o-restart', _openid: 'u1', totalFee: 1234, createdAt, timeline: [{ at: createdAt, event: 'created' }] } });
      await db.createCollection('coupons');
      await db.collection('coupons').add({ data: { _id: 'c1', value: 500 } });
    } finally {
      await first.close();
    }

    const second = await startTestCloud({ memory: false, dataDir });
    try {
      const db = sdkDatabase(second);
      const { data } = await db.collection('orders').doc('o-restart').get();
      expect(data).toEqual({ _id: 'o-restart', _openid: 'u1', totalFee: 1234, createdAt, timeline: [{ at: createdAt, event: 'created' }] });
      expect((await db.collection('coupons').doc('c1').get()).data).toEqual({ _id: 'c1', value: 500 });
      await db.collection('orders').doc('o-restart').update({ data: { totalFee: db.command.inc(1) } });
    } finally {
      await second.close();
    }

    const third = await startTestCloud({ memory: false, dataDir });
    try {
      expect((await sdkDatabase(third).collection('orders').doc('o-restart').get()).data.totalFee).toBe(1235);
    } finally {
      await third.close();
    }
  });
});

describe('declared indexes', () => {
  let cloud: LocalCloud;
  const BUYERS = 50;
  const PER_BUYER = 40;
  const statuses = ['PENDING', 'PAID', 'CLOSED', 'REFUNDED'];

  beforeAll(async () => {
    cloud = await startTestCloud();
    const db = sdkDatabase(cloud);
    const docs: Row[] = [];
    for (let b = 0; b < BUYERS; b++) {
      for (let i = 0; i < PER_BUYER; i++) {
        const n = b * PER_BUYER + i;
        docs.push({ _id: `o${n}`, _openid: `buyer${b}`, status: statuses[i % 4], totalFee: 100 + i, createdAt: new Date(Date.UTC(2026, 10, 1) + n * 60_000) });
      }
    }
    for (let i = 0; i < docs.length; i += 500) await db.collection('orders').add({ data: docs.slice(i, i + 500) });
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('serve a buyer’s order list page without reading the other orders', async () => {
    const db = sdkDatabase(cloud);
    const { data } = await db.collection('orders').where({ _openid: 'buyer7' }).orderBy('createdAt', 'desc').orderBy('_id', 'desc').limit(10).get();
    expect(data.map((d) => d._id)).toEqual(Array.from({ length: 10 }, (_, k) => `o${7 * PER_BUYER + PER_BUYER - 1 - k}`));
    const stats = engineOf(cloud).lastQuery();
    expect(stats?.sql).toMatch(/USING INDEX tcb_i_orders_/);
    expect(stats?.sql).not.toMatch(/SCAN|TEMP B-TREE/);
    expect(stats?.examined).toBe(10); // of 2000 orders
  });

  it('serve the next page from a cursor and a status filter the same way', async () => {
    const db = sdkDatabase(cloud);
    const _ = db.command;
    const first = await db.collection('orders').where({ _openid: 'buyer3', status: 'PAID' }).orderBy('createdAt', 'desc').orderBy('_id', 'desc').limit(5).get();
    const cursor = first.data[first.data.length - 1].createdAt as Date;
    const next = await db.collection('orders').where({ _openid: 'buyer3', status: 'PAID', createdAt: _.lt(cursor) }).orderBy('createdAt', 'desc').limit(5).get();
    expect(next.data).toHaveLength(5);
    expect(next.data.every((d) => d.status === 'PAID' && (d.createdAt as Date) < cursor)).toBe(true);
    expect(engineOf(cloud).lastQuery()?.examined).toBe(5);
  });

  it('serve reconcile’s scan of old pending orders from the status index', async () => {
    const db = sdkDatabase(cloud);
    const before = new Date(Date.UTC(2026, 10, 1) + 100 * 60_000);
    const { data } = await db.collection('orders').where({ status: 'PENDING', createdAt: db.command.lt(before) }).orderBy('createdAt', 'asc').limit(100).get();
    expect(data.map((d) => d._id)).toEqual(['o0', 'o4', 'o8', 'o12', 'o16', 'o20', 'o24', 'o28', 'o32', 'o36', 'o40', 'o44', 'o48', 'o52', 'o56', 'o60', 'o64', 'o68', 'o72', 'o76', 'o80', 'o84', 'o88', 'o92', 'o96']);
    expect(engineOf(cloud).lastQuery()?.examined).toBe(25);
  });

  it('still answer a query no index serves, by scanning in SQLite and parsing only what can match', async () => {
    const db = sdkDatabase(cloud);
    expect((await db.collection('orders').where({ totalFee: 100 }).count()).total).toBe(BUYERS);
    expect(engineOf(cloud).lastQuery()?.sql).toMatch(/SCAN/);
    expect(engineOf(cloud).lastQuery()?.examined).toBe(BUYERS);
  });
});
