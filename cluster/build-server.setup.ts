// The cluster tier runs the nodes as they run in production, from the bundle (ADR 34): built once
// before the tier's first file, from the sources under test.
import { buildServer } from '../scripts/build-server.mjs';

export default async function setup(): Promise<void> {
  await buildServer();
}
