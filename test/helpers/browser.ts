import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's chromium (installed by .ci/run); never a browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** True when chromium is there; otherwise prints a visible skip line for `suite`. */
export function haveChromium(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  console.log(`  SKIP ${suite}: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return false;
}

/** Headless chromium with the flags this closed network needs; playwright gives it a fresh temporary profile. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
