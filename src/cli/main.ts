import { SteptreeError } from '../core/errors.ts';
import { solve, SOLVE_HELP } from './solve.ts';

const HELP = `steptree — step-level tree search for LLM reasoning

${SOLVE_HELP}

steptree prm info|train|label|eval …   the tfjs process reward model (see \`steptree prm --help\`)`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'solve') return solve(rest, async (dir) => (await import('./prm.ts')).loadPRMForSolve(dir));
  if (cmd === 'prm') return (await import('./prm.ts')).prmCommand(rest);
  console.log(HELP);
  return cmd === undefined || cmd === '--help' || cmd === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    // typed errors are the user's to fix: show the message, not a stack
    console.error(e instanceof SteptreeError ? `steptree: ${e.message}` : e);
    process.exit(e instanceof SteptreeError ? 2 : 1);
  },
);
