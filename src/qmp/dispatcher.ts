/**
 * The QMP dispatcher: a table of command handlers. A handler receives the machine and the raw
 * arguments and returns a QmpReply; the dispatcher guarantees that no exception escapes, so a
 * bug or an unforeseen argument becomes a QMP error rather than a crashed runner.
 */
import { genericError, type QmpReply } from './reply.ts';

export type CommandHandler<M> = (machine: M, args: Readonly<Record<string, unknown>>) => QmpReply;

export type CommandTable<M> = Readonly<Record<string, CommandHandler<M>>>;

export function dispatch<M>(table: CommandTable<M>, machine: M, command: string, args: unknown = {}): QmpReply {
  const handler = Object.hasOwn(table, command) ? table[command] : undefined;
  if (handler === undefined) {
    return { error: { class: 'CommandNotFound', desc: `The command ${command} has not been found` } };
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    return genericError("QMP input member 'arguments' must be an object");
  }
  try {
    return handler(machine, args as Readonly<Record<string, unknown>>);
  } catch (e) {
    // A handler that throws has a bug; report it in-band so one scenario cannot take down a run.
    return genericError(`internal error in ${command}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
