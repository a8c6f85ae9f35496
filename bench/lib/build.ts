// The build the benchmarks measure: `npm run build` (dist/, what `npm start` runs) and the
// generated validators it loads, made once at the start of a run so that the facade under test is
// the JavaScript users deploy, not src/ transpiled on the fly by tsx.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export function buildFacade(): void {
  for (const script of ['build', 'build:validators']) {
    execFileSync('npm', ['run', '--silent', script], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
