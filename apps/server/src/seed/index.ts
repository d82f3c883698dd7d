/** Demo data: a small contact center bound to the simulator's number. */
export { DEMO_NUMBER, DEMO_PASSWORD, DEMO_USERS, seedDemo } from './demo.ts';
