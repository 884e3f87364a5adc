// The order timeline shows amounts the way people read them, not as the server records them.
import { readableNote } from '../../miniprogram/view-models/order';

describe('timeline notes', () => {
  it('turns "N fen: reason" into yuan with a Chinese colon', () => {
    expect(readableNote('6800 fen: 不想要了：买错了规格')).toBe('¥68.00：不想要了：买错了规格');
    expect(readableNote('13600 fen')).toBe('¥136.00');
  });

  it('leaves other notes alone', () => {
    expect(readableNote('商家说明：缺货')).toBe('商家说明：缺货');
    expect(readableNote('')).toBe('');
  });
});
