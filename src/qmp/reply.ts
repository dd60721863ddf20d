/**
 * QMP replies as QEMU sends them. The dispatcher returns these values; it never throws.
 * QEMU uses error_setg (class GenericError) for nearly every failure, including unknown nodes,
 * although the QAPI documentation promises DeviceNotFound (reference 3.4).
 */
export type QmpErrorClass = 'GenericError' | 'CommandNotFound' | 'DeviceNotActive' | 'DeviceNotFound' | 'KVMMissingCap';

export interface QmpError {
  readonly class: QmpErrorClass;
  readonly desc: string;
}

export type QmpReply<T = unknown> = { readonly return: T } | { readonly error: QmpError };

/** An asynchronous QMP event, e.g. JOB_STATUS_CHANGE, with QEMU's data shape. */
export interface QmpEvent {
  readonly event: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export function ok<T>(value: T): QmpReply<T> {
  return { return: value };
}

export function genericError(desc: string): { readonly error: QmpError } {
  return { error: { class: 'GenericError', desc } };
}

export function isError(reply: QmpReply): reply is { readonly error: QmpError } {
  return 'error' in reply;
}
