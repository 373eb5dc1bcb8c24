export { SimulatedPolicy, type SimulatedPolicyOptions } from './policy.ts';
export { parseReference, type Reference, type AnnotationMode } from './reference.ts';
export { stepDeviates, forgetMarks } from './marks.ts';
