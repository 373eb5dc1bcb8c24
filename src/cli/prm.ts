import { SteptreeError } from '../core/errors.ts';
import type { PRM } from '../reward/types.ts';

export async function loadPRMForSolve(_dir: string | undefined): Promise<PRM> {
  throw new SteptreeError('the tfjs PRM is not wired into the CLI yet');
}

export async function prmCommand(_argv: string[]): Promise<number> {
  throw new SteptreeError('`steptree prm` is not available yet');
}
