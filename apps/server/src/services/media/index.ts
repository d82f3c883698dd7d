/**
 * Message media: inbound files fetched from WhatsApp after ingest (retries, then "unavailable"),
 * kept in a file store, served only to who may see the conversation; agents' attachments,
 * uploaded to WhatsApp when attached and sent later by media id.
 */
export { attachFile, mediaFile, mediaFilesOf, type Attachment } from './files.ts';
export { MediaFetcher } from './fetcher.ts';
export { LocalMediaFiles, type MediaFiles } from './media-store.ts';
