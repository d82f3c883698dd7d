// Types of scripts/build-server.mjs for the TypeScript that imports it (benches, the cluster tier).
/** The production entry, relative to the repository's root: `node apps/server/dist/main.mjs`. */
export declare const serverMain: string;
/** Bundles the server into apps/server/dist; resolves when the files are written. */
export declare function buildServer(): Promise<void>;
