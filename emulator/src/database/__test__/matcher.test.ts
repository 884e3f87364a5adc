import { AdminError } from '../../contracts';
import { compileQuery } from '../matcher';
import { RegexValue, type Doc, type Value } from '../values';

const docs: Record<string, Doc> = {
  a: { _id: 'a', status: 'PAID', fee: 100, tags: ['new', 'vip'], buyer: { city: 'Shenzhen', level: 2 }, at: new Date(1000) },
  b: { _id: 'b', status: 'PENDING', fee: 250, tags: [], items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 5 }], at: new Date(3000) },
  c: { _id: 'c', status: 'CLOSED', fee: '300', note: null, buyer: { city: 'Beijing' } },
};

const matching = (query: Value): string[] => {
  const p = compileQuery(query);
  return Object.values(docs).filter(p).map((d) => d._id as string);
};

describe('query operators', () => {
  it.each<[string, Value, string[]]>([
    ['equality', { status: 'PAID' }, ['a']],
    ['$eq', { fee: { $eq: 100 } }, ['a']],
    ['$ne matches missing fields too', { 'buyer.city': { $ne: 'Shenzhen' } }, ['b', 'c']],
    ['$ne null: missing counts as null', { note: { $ne: null } }, []],
    ['$gt only within the same type', { fee: { $gt: 50 } }, ['a', 'b']],
    ['$gte/$lt range', { fee: { $gte: 100, $lt: 250 } }, ['a']],
    ['$lte on strings', { fee: { $lte: '300' } }, ['c']],
    ['dates compare as dates', { at: { $gt: new Date(2000) } }, ['b']],
    ['$in', { status: { $in: ['PAID', 'CLOSED'] } }, ['a', 'c']],
    ['$nin', { status: { $nin: ['PAID', 'CLOSED'] } }, ['b']],
    ['$exists true', { note: { $exists: true } }, ['c']],
    ['$exists false', { buyer: { $exists: false } }, ['b']],
    ['null equals missing and null', { note: null }, ['a', 'b', 'c']],
    ['nested field by dot path', { 'buyer.city': 'Shenzhen' }, ['a']],
    ['array holds the value', { tags: 'vip' }, ['a']],
    ['array field compared whole', { tags: [] }, ['b']],
    ['path through an array of objects', { 'items.sku': 'y' }, ['b']],
    ['range on elements of an array of objects', { 'items.qty': { $gt: 3 } }, ['b']],
    ['array index in the path', { 'items.0.sku': 'x' }, ['b']],
    ['$and', { $and: [{ fee: { $gt: 50 } }, { status: 'PENDING' }] }, ['b']],
    ['$or', { $or: [{ status: 'PAID' }, { 'buyer.city': 'Beijing' }] }, ['a', 'c']],
    ['$nor', { $nor: [{ status: 'PAID' }, { status: 'CLOSED' }] }, ['b']],
    ['$not', { fee: { $not: { $gt: 150 } } }, ['a', 'c']],
    ['regular expression', { status: new RegexValue('^p', 'i') }, ['a', 'b']],
    ['$regex with $options', { status: { $regex: 'closed', $options: 'i' } }, ['c']],
    ['$in with a regular expression', { status: { $in: [new RegexValue('^CL', '')] } }, ['c']],
    ['$size', { tags: { $size: 2 } }, ['a']],
    ['$all', { tags: { $all: ['vip', 'new'] } }, ['a']],
    ['$elemMatch', { items: { $elemMatch: { sku: 'y', qty: { $gte: 5 } } } }, ['b']],
    ['$mod', { fee: { $mod: [100, 0] } }, ['a']],
    ['empty query matches all', {}, ['a', 'b', 'c']],
  ])('%s', (_name, query, expected) => {
    expect(matching(query)).toEqual(expected);
  });

  it.each<[string, Value, RegExp]>([
    ['an unknown operator', { fee: { $near: 1 } }, /\$near is not supported/],
    ['a made-up operator', { fee: { $between: [1, 2] } }, /unknown query operator \$between/],
    ['an unknown logical operator', { $xor: [] }, /unknown query operator \$xor/],
    ['$where', { $where: 'this.fee > 1' }, /\$where is not supported/],
    ['geo', { loc: { $geoWithin: {} } }, /geo query operator/],
    ['operators mixed with fields', { buyer: { $exists: true, city: 'x' } }, /cannot mix/],
    ['$in without an array', { fee: { $in: 5 } }, /\$in needs an array/],
    ['an empty $or', { $or: [] }, /non-empty array/],
  ])('refuses %s with a clear error instead of guessing', (_name, query, message) => {
    let error: unknown;
    try {
      compileQuery(query);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AdminError);
    expect((error as Error).message).toMatch(message);
  });
});
