/**
 * The one schema of a scenario file: it gives the TypeScript types of the raw YAML, validates
 * it, and becomes schema/scenario.schema.json for editors (json-schema.ts).
 *
 * Steps are written as `- <command>: <args>`; the file schema lists them as a union for editors,
 * while the loader validates each step against its own branch (stepSchemaFor) so that an error
 * names the real mistake instead of "no union branch matched".
 */
import { z } from 'zod';
import { RUN_TARGETS } from '../backends/backend.ts';
import { knownCommands, Size } from './qmp-schema.ts';

const desc = (description: string) => ({ description });

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const When = z
  .record(z.string(), z.union([Scalar, z.array(Scalar)]))
  .meta(desc('Run this step only in matrix cases whose axes have these values (a list: any of them)'));

const SemanticsName = z
  .enum(['qemu-7.2', 'write-unchanged-clean'])
  .meta(desc('qemu-7.2: what QEMU 7.2 does; write-unchanged-clean: WRITE_UNCHANGED writes dirty nothing'));

const ExpectError = z
  .strictObject({
    class: z.string().optional().meta(desc('QMP error class, e.g. GenericError')),
    desc: z.string().optional().meta(desc("QEMU's error description, compared exactly")),
    match: z.string().optional().meta(desc('A regular expression searched in the description')),
  })
  .meta(desc('The step must fail with this error'));

const QemuIoLine = z
  .string()
  .meta(desc('<device or node> <qemu-io command>, e.g. "vda write -P 0x11 200K 4K"'));

const BitmapFields = z
  .strictObject({
    dirty: z.array(z.string()).optional().meta(desc('Dirty extents OFFSET+LENGTH in order, e.g. [192K+64K]')),
    count: Size.optional().meta(desc('Dirty bytes, as query-named-block-nodes reports')),
    granularity: Size.optional(),
    map: z.string().optional().meta(desc("Picture: one '.' (clean) or 'X' (dirty) per cell")),
    sha256: z.string().optional().meta(desc('x-debug-block-dirty-bitmap-sha256 of the contents')),
    recording: z.boolean().optional(),
    busy: z.boolean().optional(),
    persistent: z.boolean().optional(),
    inconsistent: z.boolean().optional(),
  })
  .nullable();

const JobFields = z
  .strictObject({
    status: z.string().optional().meta(desc('query-jobs status, e.g. running, ready, pending, concluded')),
    type: z.string().optional(),
    'current-progress': Size.optional(),
    'total-progress': Size.optional(),
    error: z.string().optional(),
  })
  .nullable();

const StoredBitmap = z
  .strictObject({
    name: z.string(),
    granularity: Size,
    flags: z.array(z.enum(['in-use', 'auto'])).meta(desc('As qemu-img info lists them: in-use before auto')),
  })
  .meta(desc('One entry of the image\'s qcow2 bitmap directory'));

const Expectations = z
  .strictObject({
    when: When.optional(),
    bitmaps: z
      .record(z.string(), BitmapFields)
      .optional()
      .meta(desc('node/name: fields to compare, or null: the bitmap must not exist')),
    io: z.array(QemuIoLine).optional().meta(desc('qemu-io lines that must succeed, e.g. "vda read -P 0x11 0 4K"')),
    nodes: z.record(z.string(), z.boolean()).optional().meta(desc('node-name: whether it exists')),
    jobs: z.record(z.string(), JobFields).optional().meta(desc('job id: fields to compare, or null: gone')),
    events: z
      // `null` (the job is gone) is YAML's null unless quoted; both mean the status.
      .record(z.string(), z.array(z.union([z.string(), z.null()])))
      .optional()
      .meta(desc('job id: its events since the previous events expectation, e.g. [created, running, BLOCK_JOB_COMPLETED len=1M offset=1M]')),
    images: z
      .record(z.string(), z.array(StoredBitmap))
      .optional()
      .meta(desc('image file (e.g. base.qcow2): its stored bitmaps in directory order, as qemu-img info -U --output=json lists them')),
  })
  .meta(desc('Observe the instance and compare'));

const RunJob = z
  .union([
    z.string().meta(desc('A job id: run it until it waits for a command (ready, paused, pending, concluded) or is gone')),
    z.strictObject({
      job: z.string(),
      chunks: z.number().int().min(1).optional().meta(desc('Exactly this many iterations (simulator only)')),
      // Checked by the loader (run-step.ts): an enum inside the union would be reported as the union's failure.
      until: z.string().optional().meta(desc(`Until the job has been in this status: ${RUN_TARGETS.join(', ')} (null: gone)`)),
    }),
  ])
  .meta(desc('Move a block job on; jobs never move by themselves in the simulator'));

const common = { when: When.optional(), 'expect-error': ExpectError.optional() };

const builtinSteps = {
  io: z.strictObject({ io: QemuIoLine, ...common }),
  expect: z.strictObject({ expect: Expectations, when: When.optional() }),
  run: z.strictObject({ run: RunJob, ...common }),
  'qemu-img': z.strictObject({
    'qemu-img': z
      .string()
      .regex(/^bitmap\s/)
      .meta(desc('qemu-img bitmap in its own syntax on an image file of the graph, e.g. "bitmap --add -g 64K base.qcow2 b1"')),
    ...common,
  }),
  'qemu-io': z.strictObject({
    'qemu-io': z.string().meta(desc('<image file> <qemu-io command> on an image QEMU does not hold, e.g. "base.qcow2 write 0 64K"')),
    ...common,
  }),
};

const qmpSteps = Object.fromEntries(
  Object.entries(knownCommands).map(([name, args]) => [name, z.strictObject({ [name]: args, ...common })]),
);

const escape = (k: string) => k.replace(/[.]/g, '\\.');
const typedKeys = [...Object.keys(builtinSteps), ...Object.keys(qmpSteps)].map(escape).join('|');

/**
 * Any QMP command not typed in qmp-schema.ts: its arguments go to QEMU unchanged. The key
 * pattern excludes the typed commands so that editors check those against their own schema.
 */
const AnyQmpStep = z
  .record(z.string().regex(new RegExp(`^(?!(?:${typedKeys})$)`)), z.union([z.looseObject({}), z.null()]))
  .meta(desc('Any QMP command as the key, its arguments as the value'));

const Lifecycle = z
  .enum(['restart', 'crash'])
  .meta(desc('restart: clean quit and reopen; crash: SIGKILL and reopen'));

export const stepKeys: readonly string[] = [...Object.keys(builtinSteps), ...Object.keys(qmpSteps)];

/** The schema of one mapping step whose command key is `key`. */
export function stepSchemaFor(key: string): z.ZodType {
  return (builtinSteps as Record<string, z.ZodType>)[key] ?? qmpSteps[key] ?? AnyQmpStep;
}

export const Step = z.union([Lifecycle, ...Object.values(builtinSteps), ...Object.values(qmpSteps), AnyQmpStep]);

/**
 * A whole-value `${axis}` where a closed set of values is expected: the raw file (what editors
 * check) holds the reference; the loader checks the axis and validates the interpolated value.
 */
const AxisRef = z
  .string()
  .regex(/^\$\{[^}]+\}$/)
  .meta(desc('A matrix axis whose values are the option values, e.g. "${discard}"'));

export const GraphNode = z
  .strictObject({
    driver: z
      .enum(['qcow2', 'raw', 'null-co', 'copy-on-read', 'throttle', 'blkdebug'])
      .meta(desc('qcow2 and raw imply an image file; the filters take `file`, blkdebug `image`')),
    size: Size.optional().meta(desc('Image (or null-co) size; defaults to the backing node size')),
    backing: z.string().optional().meta(desc('qcow2: the backing node')),
    file: z.string().optional().meta(desc('Filters: the child node. qcow2/raw: name of the file node (default <node>-file)')),
    image: z.string().optional().meta(desc('blkdebug: the child node')),
    'cluster-size': Size.optional(),
    compat: z
      .union([z.enum(['0.10', '1.1']), z.literal(0.1), z.literal(1.1), AxisRef])
      .optional()
      .meta(desc('qcow2 only: the image version as qemu-img -o compat= spells it, 0.10 (v2) or 1.1 (v3, the default)')),
    discard: z
      .union([z.enum(['ignore', 'unmap']), AxisRef])
      .optional()
      .meta(desc("The node's blockdev-add discard option (default ignore). The implied file node of qcow2/raw keeps QEMU's inherited default, unmap")),
    'throttle-group': z.string().optional(),
    'inject-error': z.array(z.looseObject({})).optional().meta(desc('blkdebug error rules, as QEMU spells them')),
    data: z.array(z.string()).optional().meta(desc('qemu-io lines run on the image before QEMU starts')),
  })
  .meta(desc('A node; its key is the node-name'));

const Use = z.string().meta(desc('A fragment file (name starts with _) whose graph, devices and steps come first'));
const Graph = z.record(z.string(), GraphNode).meta(desc('Nodes by node-name'));
const Devices = z.record(z.string(), z.string()).meta(desc("Guest devices: qdev id -> node-name of the BlockBackend's root"));
const Steps = z.array(Step);
const Divergence = z
  .strictObject({
    reason: z.string().min(1).meta(desc('Why the model differs from QEMU here on purpose, citing the QEMU fact')),
    only: z
      .array(z.string())
      .optional()
      .meta(desc('Limit it to these expectations: node/name or node/name.field, a job id (or id.field), a node-name, an io line')),
  })
  .meta(desc('A difference from real QEMU made on purpose: reported as a known divergence on the qemu backend, not failed'));

export const ScenarioFile = z
  .strictObject({
    scenario: z.string().meta(desc('The case name')),
    about: z.string().meta(desc('Why the expectation holds, citing the QEMU fact')),
    tags: z.array(z.string()).optional(),
    semantics: z
      .union([SemanticsName, z.array(SemanticsName)])
      .optional()
      .meta(desc('Default qemu-7.2; a list runs the scenario under each (an implicit matrix axis)')),
    use: Use.optional(),
    graph: Graph.optional(),
    devices: Devices.optional(),
    matrix: z
      .record(z.string(), z.array(Scalar))
      .optional()
      .meta(desc('Named axes; each combination of values is a case, e.g. granularity=64K')),
    exclude: z
      .array(z.record(z.string(), Scalar))
      .optional()
      .meta(desc('Partial combinations of axis values that are not cases')),
    divergence: Divergence.optional(),
    steps: Steps.optional(),
  })
  .meta({ title: 'dirtysim scenario', description: 'One scenario of QEMU dirty-bitmap behaviour' });

export type ScenarioFileInput = z.input<typeof ScenarioFile>;

/** A fragment (file name starting with _): shared graph, devices and leading steps. */
export const FragmentFile = z.strictObject({
  about: z.string().optional(),
  use: Use.optional(),
  graph: z.record(z.string(), z.unknown()).optional(),
  devices: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(z.unknown()).optional(),
});

/** The file schema with steps left to stepSchemaFor, for precise per-step diagnostics. */
export const ScenarioShape = ScenarioFile.extend({ steps: z.array(z.unknown()).optional() });
