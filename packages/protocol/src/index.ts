export * from './errors.ts';
export * from './views.ts';
export * from './rest.ts';
export * from './frames.ts';
export * from './admin.ts';
export * from './supervisor.ts';
export * from './collaboration.ts';
export * from './templates.ts';
