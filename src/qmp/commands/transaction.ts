/**
 * `transaction` (7.2: blockdev.c:qmp_transaction): every action's arguments are checked first
 * (QAPI visits the whole list), then each action is prepared in order, and prepare really applies
 * the change so later actions see it. The first failure aborts every prepared action in reverse
 * order and returns that error; otherwise every action commits in order (reference 3.3).
 *
 * An action is data: its argument shape and a prepare that returns commit/abort closures. The
 * plain QMP command of the same name runs the same prepare and commits at once (`asCommands`), so
 * a command and its transaction action cannot drift apart. Later actions (blockdev-backup,
 * blockdev-snapshot...) are further entries in the table given to `transactionCommand`.
 */
import { enumOf, list, object, optional, parseArgs, struct, type Args, type Field, type Parsed, type Shape } from '../args.ts';
import type { CommandHandler, CommandTable } from '../dispatcher.ts';
import { genericError, ok, type QmpError } from '../reply.ts';

export interface Prepared {
  commit(): void;
  abort(): void;
}

export type PrepareResult = Prepared | { readonly error: QmpError };

/** An action whose arguments are checked, ready to prepare. */
export type BoundAction<M> = (machine: M) => PrepareResult;

export interface TransactionAction<M> {
  /** Bitmap actions refuse grouped completion (blockdev.c:action_check_completion_mode). */
  readonly allowsGrouped: boolean;
  bind(data: Readonly<Record<string, unknown>>, path?: string): Parsed<BoundAction<M>>;
}

export type ActionTable<M> = Readonly<Record<string, TransactionAction<M>>>;

/** An action whose prepare did all the work: commit has nothing left to do, abort undoes it. */
export function undoable(abort: () => void): Prepared {
  return { commit() {}, abort };
}

export function refuse(desc: string): { readonly error: QmpError } {
  return genericError(desc);
}

export function defineAction<M, S extends Shape>(
  shape: S,
  prepare: (machine: M, args: Args<S>) => PrepareResult,
  options: { readonly allowsGrouped: boolean } = { allowsGrouped: false },
): TransactionAction<M> {
  return {
    allowsGrouped: options.allowsGrouped,
    bind(data, path) {
      const parsed = parseArgs(shape, data, path);
      return parsed.ok ? { ok: true, value: (machine) => prepare(machine, parsed.value) } : parsed;
    },
  };
}

/** The plain QMP command for an action: prepare, then commit at once. */
function asCommand<M>(action: TransactionAction<M>): CommandHandler<M> {
  return (machine, args) => {
    const bound = action.bind(args);
    if (!bound.ok) return { error: bound.error };
    const prepared = bound.value(machine);
    if ('error' in prepared) return prepared;
    prepared.commit();
    return ok({});
  };
}

/** Each action as the plain QMP command of the same name (asCommand). */
export function asCommands<M>(actions: ActionTable<M>): CommandTable<M> {
  return Object.fromEntries(Object.entries(actions).map(([name, action]) => [name, asCommand(action)]));
}

/** The `abort` action: its prepare always fails, so everything before it is rolled back. */
export const abortAction: TransactionAction<unknown> = defineAction({}, () => refuse('Transaction aborted using Abort action'), {
  allowsGrouped: true,
});

interface Planned<M> {
  readonly type: string;
  readonly action: TransactionAction<M>;
  readonly bound: BoundAction<M>;
}

/** The `transaction` command over a table of actions. */
export function transactionCommand<M>(actions: ActionTable<M>): CommandHandler<M> {
  const types = Object.keys(actions);
  const item: Field<Planned<M>> = {
    optional: false,
    parse(value, place) {
      // TransactionAction is a union on 'type' with the arguments in 'data'.
      const head = struct({ type: enumOf(...types), data: object }).parse(value, place);
      if (!head.ok) return head;
      const action = actions[head.value.type];
      if (action === undefined) throw new Error(`enumOf let through unknown action ${head.value.type}`);
      const bound = action.bind(head.value.data, `${place.path}.data`);
      return bound.ok ? { ok: true, value: { type: head.value.type, action, bound: bound.value } } : bound;
    },
  };
  const shape = {
    actions: list(item),
    properties: optional(struct({ 'completion-mode': optional(enumOf('individual', 'grouped')) })),
  };
  return (machine, args) => {
    const parsed = parseArgs(shape, args);
    if (!parsed.ok) return { error: parsed.error };
    const grouped = parsed.value.properties?.['completion-mode'] === 'grouped';
    const prepared: Prepared[] = [];
    for (const planned of parsed.value.actions) {
      const result = prepareOne(planned, machine, grouped);
      if ('error' in result) {
        for (const done of prepared.reverse()) done.abort();
        return result;
      }
      prepared.push(result);
    }
    for (const done of prepared) done.commit();
    return ok({});
  };
}

function prepareOne<M>(planned: Planned<M>, machine: M, grouped: boolean): PrepareResult {
  // 7.2 checks this inside each action's prepare, so earlier actions are prepared (and rolled back) first.
  if (grouped && !planned.action.allowsGrouped) {
    return refuse(`Action '${planned.type}' does not support Transaction property completion-mode = grouped`);
  }
  return planned.bound(machine);
}
