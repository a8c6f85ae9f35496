// A headless Chromium for the browser tests, from the npm registry alone: @sparticuz/chromium ships
// the browser (brotli-compressed, about 67 MB) and the NSS libraries it links inside the package,
// so `npm ci && npm test` needs no apt package and no browser download. It is unpacked once per
// install into node_modules/.cache (which `npm ci` wipes), keyed by the package version.
// CHROMIUM_PATH points at another Chromium instead (e.g. Debian's /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

const pkgDir = fileURLToPath(new URL('../', import.meta.resolve('@sparticuz/chromium')));
const version = (JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8')) as { version: string }).version;
const cacheDir = fileURLToPath(new URL(`../../node_modules/.cache/oscar-fhir/chromium-${version}/`, import.meta.url));

/**
 * The package unpacks into os.tmpdir() (/tmp/chromium, shared by every checkout on the machine and
 * left half-written by an interrupted run), so it runs in a child whose TMPDIR is a private staging
 * directory, renamed into place only once complete: concurrent or interrupted runs never see a
 * partial browser.
 */
function unpack(): void {
  if (existsSync(`${cacheDir}chromium`)) return;
  process.stderr.write(`Unpacking the npm-shipped Chromium (@sparticuz/chromium ${version}) into ${cacheDir} (once per npm ci)\n`);
  const staging = `${cacheDir.replace(/\/$/, '')}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const script = `const { default: C, inflate } = await import('@sparticuz/chromium');
    await C.executablePath(); await inflate(process.argv[1] + 'bin/al2023.tar.br');`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script, pkgDir], {
    env: { ...process.env, TMPDIR: staging }, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000,
  });
  try {
    renameSync(staging, cacheDir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(`${cacheDir}chromium`)) throw e; // unless another run finished first
  }
}

export async function launchChromium(): Promise<Browser> {
  const own = process.env.CHROMIUM_PATH;
  if (own) return chromium.launch({ executablePath: own, headless: true });
  unpack();
  return chromium.launch({
    executablePath: `${cacheDir}chromium`,
    args: Sparticuz.args, // the flags this build is made for (single process, no sandbox, no zygote)
    env: { ...process.env, LD_LIBRARY_PATH: `${cacheDir}al2023/lib` }, // the NSS libraries it ships
    headless: true,
  });
}
