/**
 * Tests that run the published build (dist/, `npm run build`; `npm test` builds it first) check it
 * is at least as new as its sources, or they would test stale code.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders tsconfig.build.json compiles into dist/. */
export const PUBLISHED_SOURCES = ['core', 'cli', 'api', 'compiler', 'codegen', 'runtime'];

/** The sources (under `folders`) whose compiled file in dist/ is missing or older. */
export function staleDistFiles(folders: readonly string[] = PUBLISHED_SOURCES): string[] {
  const stale: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const compiled = join('dist', path.replace(/\.ts$/, '.js'));
        if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(path).mtimeMs) stale.push(path);
      }
    }
  };
  for (const folder of folders) visit(folder);
  return stale;
}
