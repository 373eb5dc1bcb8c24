// One registry of CLI commands: name → one-line summary and a lazily imported runner.
// Adding a command is one entry here and one file beside this one.

export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

export const commands: Record<string, Command> = {
  solve: {
    summary: 'search one problem (arith offline task) and print or save the tree',
    run: async (argv) => {
      const { solve } = await import('./solve.ts');
      return solve(argv);
    },
  },
  bench: {
    summary: 'run a benchmark (GSM8K, MATH, MATH-500) with a policy, a PRM and a strategy; resumable',
    run: async (argv) => (await import('./bench.ts')).bench(argv),
  },
  prm: {
    summary: 'process reward models: info | train | label | eval',
    run: async (argv) => (await tfjsCli()).prmCommand(argv),
  },
  view: {
    summary: 'write a saved search tree as one offline HTML page (collapsible, coloured by PRM score)',
    run: async (argv) => (await import('./view.ts')).view(argv),
  },
  grade: {
    summary: 'grade one prediction against a reference (gsm8k | math | arith) and print true or false',
    run: async (argv) => (await import('./grade.ts')).gradeCommand(argv),
  },
  scale: {
    summary: 'test-time scaling sweeps: budgets × strategies × PRMs → curves, intervals, plots, report.html',
    run: async (argv) => {
      // its plots need vega, vega-lite and resvg, optional peers: a missing one is a clear "npm install …" error
      if (!argv.includes('--help'))
        (await import('../core/optional.ts')).requireInstalled(['vega', 'vega-lite', '@resvg/resvg-js'], 'steptree scale (its plots)', import.meta);
      return (await import('./scale.ts')).scale(argv);
    },
  },
};

/** prm.ts imports the tfjs PRM, whose peers are optional: a missing one is a clear "npm install …" error. */
async function tfjsCli(): Promise<typeof import('./prm.ts')> {
  (await import('../reward/tfjs/peers.ts')).requireTfjs('the tfjs PRM (steptree prm, --prm tfjs)');
  return import('./prm.ts');
}
