/**
 * The simulated host file system: one directory of image files, which is also QEMU's working
 * directory. The QEMU backend runs QEMU in a per-run session directory and opens a scenario's
 * graph by absolute paths there; the simulator does the same in this fixed one, so node file
 * names (and `json:` names built from them) follow the same rules on both backends.
 */
import { lookupPath } from '../graph/paths.ts';
import type { Image } from './image.ts';

/** The working directory of every simulated QEMU, qemu-img and qemu-io. */
export const SESSION_DIRECTORY = '/dirtysim/session';

export class ImageStore {
  /** By plain name in the directory. */
  private readonly files = new Map<string, Image>();

  constructor(readonly directory: string = SESSION_DIRECTORY) {}

  /** The image file `path` names (relative to the directory, or absolute), if it exists. */
  get(path: string): Image | undefined {
    const name = this.nameOf(path);
    return name === undefined ? undefined : this.files.get(name);
  }

  /** Whether the directory holds a file of this plain name. */
  has(name: string): boolean {
    return this.files.has(name);
  }

  /**
   * Create or overwrite, as qemu-img create does, the file the image's name designates: a plain
   * name, a relative path or an absolute one into the directory. Anywhere else (no such
   * directory) it returns false.
   */
  put(image: Image): boolean {
    const name = this.placeOf(image.filename);
    if (name === undefined) return false;
    this.files.set(name, image);
    return true;
  }

  /** Plain names, in creation order. */
  filenames(): readonly string[] {
    return [...this.files.keys()];
  }

  private nameOf(path: string): string | undefined {
    const target = lookupPath(this, path);
    return target?.kind === 'file' ? target.name : undefined;
  }

  /** The plain name a file created as `path` gets: its directory part must lead to the directory. */
  private placeOf(path: string): string | undefined {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name === '' || name === '.' || name === '..') return undefined;
    const parent = lookupPath(this, slash < 0 ? '.' : path.slice(0, slash + 1));
    return parent?.kind === 'directory' && parent.path === this.directory ? name : undefined;
  }
}
