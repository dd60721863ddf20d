/**
 * Scenario files under the given paths, in the order given: `.yaml`/`.yml` files of a directory
 * recursively and sorted, so every run sees one order. Fragments (`_name.yaml`) are only read
 * through `use:`.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export type Discovery = { readonly files: string[]; readonly missing: string[] };

export function discoverScenarioFiles(paths: readonly string[]): Discovery {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (!isDir) files.add(p);
    else for (const f of walk(p).sort()) files.add(f);
  }
  return { files: [...files], missing };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return walk(path);
    return /\.ya?ml$/.test(e.name) && !basename(e.name).startsWith('_') ? [path] : [];
  });
}
