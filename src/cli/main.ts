import { SteptreeError } from '../core/errors.ts';
import { commands } from './commands.ts';

function help(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  steptree ${name.padEnd(width)}  ${c.summary}`);
  return `steptree — step-level tree search for LLM reasoning\n\n${lines.join('\n')}\n\n\`steptree COMMAND --help\` lists a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const command = cmd === undefined ? undefined : commands[cmd];
  if (command) return command.run(rest);
  console.log(help());
  return cmd === undefined || cmd === '--help' || cmd === 'help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    // typed errors are the user's to fix: show the message, not a stack; so are file-system errors (ENOENT, EISDIR)
    const fsError = e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'path' in e;
    console.error(e instanceof SteptreeError || fsError ? `steptree: ${e.message}` : e);
    process.exit(e instanceof SteptreeError ? 2 : 1);
  },
);
