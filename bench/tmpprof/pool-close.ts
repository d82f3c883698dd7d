import { MaskPool } from '../../apps/server/src/services/channel/mask-pool.ts';
for (const delay of [0, 1, 5, 20, 50, 100, 200, 400, 800]) {
  const m = new MaskPool();
  m.warm();
  await new Promise((r) => setTimeout(r, delay));
  const t = Date.now();
  await m.close();
  console.log(`delay ${delay}: close took ${Date.now() - t} ms`);
}
