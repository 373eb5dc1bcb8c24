// The PRM lab: labelled-trajectory data formats, Monte-Carlo labelling, and step-level evaluation.
export * from './data/index.ts';
export * from './label.ts';
export * from './eval.ts';
export * from './score-examples.ts';
