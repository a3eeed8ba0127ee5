// Where the embedded shape's projection (and PGlite) runs: on a worker thread of its own, or on the
// requests' thread. docs/benchmarks.md has both measured.
export type ProjectionThreadMode = 'worker' | 'main';
export const PROJECTION_THREAD_MODES: readonly ProjectionThreadMode[] = ['worker', 'main'];
export const PROJECTION_THREAD_DEFAULT: ProjectionThreadMode = 'worker';
