import { ConfigError, createParlo, loadConfig } from './index.ts';

/** `npm start` of the server alone: configuration from the environment, stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const parlo = await createParlo(config);
  const url = await parlo.listen();
  console.log(`Parlo listening on ${url}`);
  const stop = () => {
    parlo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(err.message);
  } else {
    console.error('Parlo failed to start:', err);
  }
  process.exit(1);
});
