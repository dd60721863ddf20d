/**
 * One step of a case's timeline: the step as written, its QMP command name, the error it expects,
 * the simulator's failures at it, and every bitmap after it.
 */
import { esc } from '../../reports/escape.ts';
import { failureHtml } from '../../reports/html-failure.ts';
import type { StepSnapshot } from '../execute/trace.ts';
import type { Failure } from '../result.ts';
import type { ExpectedError, Step } from '../scenario/types.ts';
import { bitmapStrips } from './bitmap-strips.ts';
import { stepText, type ReadText } from './step-text.ts';

export function stepHtml(step: Step, index: number, snapshot: StepSnapshot | undefined, failures: readonly Failure[], read: ReadText): string {
  const expected = 'expectError' in step ? step.expectError : undefined;
  const cls = ['step', expected === undefined ? '' : 'has-error', failures.length > 0 ? 'has-failure' : ''].filter((c) => c !== '').join(' ');
  return [
    `<div class="${cls}" id="step-${index + 1}" data-step="${index + 1}">`,
    `<div><span class="muted">${index + 1}.</span> <span class="badge command">${esc(commandName(step))}</span> <span class="muted">${esc(`${step.span.file}:${step.span.line}`)}</span></div>`,
    `<pre>${esc(stepText(step.span, read) ?? commandName(step))}</pre>`,
    expected === undefined ? '' : `<p class="expected-error">expects error: ${esc(describeError(expected))}</p>`,
    ...failures.map(failureHtml),
    snapshot === undefined ? '<p class="muted">not reached</p>' : bitmapStrips(snapshot.bitmaps),
    '</div>',
  ].join('\n');
}

/** The QMP command name, or the step's own keyword (io, run, qemu-img, qemu-io, restart, crash, expect). */
function commandName(step: Step): string {
  return step.kind === 'qmp' ? step.command : step.kind;
}

function describeError(e: ExpectedError): string {
  const cls = e.class === undefined ? '' : `${e.class.value}: `;
  return e.kind === 'desc' ? `${cls}"${e.desc.value}"` : `${cls}matching /${e.match.value.source}/`;
}

/** The failures written inside a step's span (an expectation's value lies inside its step). */
export function failuresAt(step: Step, failures: readonly Failure[]): Failure[] {
  return failures.filter((f) => f.span.file === step.span.file && f.span.start >= step.span.start && f.span.start < step.span.end);
}
