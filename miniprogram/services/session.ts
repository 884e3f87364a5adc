// Who is using the mini-program, and which subscribe-message templates the shop has configured.
import type { MeData } from '../../typings/api';
import { callOrders, type Outcome } from './call';
import { isMe } from './shapes';

export function fetchMe(): Promise<Outcome<MeData>> {
  return callOrders<'me'>({ action: 'me' }, isMe);
}
