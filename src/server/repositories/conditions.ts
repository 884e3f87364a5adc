// The FROM condition of a state move (domain/states.ts) as a query value: the database, not our code, decides
// which of two racing writers makes the move.
import type { Move } from '../../domain/states';
import type { Command, Store } from '../store';

export function fromStatus<S extends string>(store: Store, move: Move<S>): S | Command {
  return move.from.length === 1 ? move.from[0] : store.command.in([...move.from]);
}
