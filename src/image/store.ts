/** The simulated host file system: image files by filename. */
import type { Image } from './image.ts';

export class ImageStore {
  private readonly files = new Map<string, Image>();

  get(filename: string): Image | undefined {
    return this.files.get(filename);
  }

  /** Create or overwrite, as qemu-img create does. */
  put(image: Image): void {
    this.files.set(image.filename, image);
  }

  filenames(): readonly string[] {
    return [...this.files.keys()];
  }
}
