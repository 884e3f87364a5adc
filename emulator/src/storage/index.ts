// Cloud storage, as the real SDKs reach it.
//   Functions (wx-server-sdk → @cloudbase/node-sdk, admin API actions):
//     storage.getUploadMetadata {path}   → a COS-style PUT URL and its authorisation; then PUT /storage/cos/<path>
//     storage.batchGetDownloadUrl {file_list: [{fileid, max_age}]}  → temporary links (cloud.getTempFileURL,
//                                          and cloud.downloadFile, which fetches one)
//     storage.batchDeleteFile {fileid_list}                          → cloud.deleteFile
//   The mini-program (wx.cloud.uploadFile / getTempFileURL / deleteFile / downloadFile; the browser preview and
//   the local-mode adapter), as the phone holder named in x-wx-openid, under the storage security rules:
//     POST /storage/client/upload (multipart: cloudPath, file) · POST /storage/client/temp-urls {fileList}
//     POST /storage/client/delete {fileList}
//   Temporary links: GET|HEAD /storage/files/<cloudPath>?sign=…&t=<expiry>. The UI: GET /ui/storage.
// Functions read and write everything (as in CloudBase); a client's upload records its openid as the file's owner.
import type { AdminParams, HttpReply, HttpRequest, LocalCloudHost } from '../contracts';
import { AdminError } from '../contracts';
import { boundaryOf, parseMultipart } from '../http/multipart';
import { parseJsonBody } from '../http/router';
import { contentTypeOf } from './content-type';
import { cloudPathOf, cloudPathProblem, fileIdOf, urlPathOf } from './paths';
import type { StorageRules } from './rules';
import { StorageSigner } from './signing';
import { diskFileStore, memoryFileStore, type FileStore, type StoredFile } from './store';

export { DEFAULT_STORAGE_RULES, loadStorageRules, parseStorageRules, type StorageRules } from './rules';
export { cloudPathOf, fileIdOf } from './paths';
export type { StoredFile } from './store';

export interface StorageOptions {
  /** Folder for the files and their index; undefined keeps them in memory. */
  dir?: string;
  rules: StorageRules;
  /** Largest file accepted, in bytes. */
  maxFileBytes?: number;
  now?: () => number;
}

export interface StorageService {
  readonly rules: StorageRules;
  list(): Array<StoredFile & { fileID: string }>;
  /** Stores a file as a client upload by `owner` would (demo data, tests). */
  put(cloudPath: string, content: Buffer, owner?: string): StoredFile & { fileID: string };
  /** A fresh temporary link, as a function would get it. */
  tempUrl(cloudPath: string, maxAgeSeconds?: number): string;
}

/** How long a link lives when the caller does not say: one day, which is also the longest (WeChat's rule). */
export const DEFAULT_MAX_AGE = 86_400;
/** At most this many files per getTempFileURL or deleteFile call (WeChat's rule). */
export const MAX_FILES_PER_CALL = 50;
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

const OPENID = /^[A-Za-z0-9_-]{1,128}$/;

export function installStorage(host: LocalCloudHost, options: StorageOptions): StorageService {
  const store: FileStore = options.dir ? diskFileStore(options.dir) : memoryFileStore();
  const signer = new StorageSigner(options.now);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const now = options.now ?? Date.now;

  const tempUrl = (cloudPath: string, maxAge = DEFAULT_MAX_AGE) => `${host.url}/storage/files/${urlPathOf(cloudPath)}?${signer.downloadQuery(cloudPath, maxAge)}`;
  const withId = (file: StoredFile) => ({ ...file, fileID: fileIdOf(host.env, file.cloudPath) });
  const save = (cloudPath: string, content: Buffer, owner: string | undefined) => {
    const file = store.put({ cloudPath, contentType: contentTypeOf(cloudPath, content), owner, uploadedAt: new Date(now()).toISOString() }, content);
    host.log('storage.upload', { cloudPath, size: file.size, by: owner ? 'client' : 'admin' });
    return withId(file);
  };

  // ---- the admin API (functions) ----
  host.registerAction('storage.getUploadMetadata', (params) => {
    const cloudPath = checkedPath(params.path);
    const authorization = signer.uploadAuthorization(cloudPath, '');
    return {
      data: {
        url: `${host.url}/storage/cos/${urlPathOf(cloudPath)}`,
        token: 'local-cloud',
        authorization,
        fileId: fileIdOf(host.env, cloudPath),
        cosFileId: cloudPath,
        download_url: tempUrl(cloudPath),
      },
    };
  });

  host.registerAction('storage.batchGetDownloadUrl', (params) => {
    const list = listParam(params.file_list, 'file_list');
    return {
      data: {
        download_list: list.map((entry) => {
          const { fileid, max_age } = (entry && typeof entry === 'object' ? entry : { fileid: entry }) as { fileid?: unknown; max_age?: unknown };
          const fileID = typeof fileid === 'string' ? fileid : '';
          const cloudPath = cloudPathOf(host.env, fileID);
          if (!cloudPath || !store.meta(cloudPath)) return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: 'the file does not exist' };
          const maxAge = maxAgeOf(max_age);
          return { fileID, tempFileURL: tempUrl(cloudPath, maxAge), code: 'SUCCESS', maxAge };
        }),
      },
    };
  });

  host.registerAction('storage.batchDeleteFile', (params) => {
    const list = listParam(params.fileid_list, 'fileid_list');
    return {
      data: {
        delete_list: list.map((fileID) => {
          const cloudPath = cloudPathOf(host.env, fileID);
          if (!cloudPath || !store.delete(cloudPath)) return { fileID, code: 'STORAGE_FILE_NONEXIST', message: 'the file does not exist' };
          host.log('storage.delete', { cloudPath, by: 'admin' });
          return { fileID, code: 'SUCCESS' };
        }),
      },
    };
  });

  // ---- COS: the PUT a function's upload makes with the metadata above ----
  host.registerRoute('PUT', /^\/storage\/cos\/(.+)$/, (req) => {
    const cloudPath = req.params[0];
    if (cloudPathProblem(cloudPath)) return cosError(400, 'InvalidURI', 'the object key is not a valid cloud path', cloudPath);
    const header = req.headers.authorization;
    const grant = signer.checkUpload(cloudPath, typeof header === 'string' ? header : undefined);
    if (!grant) return cosError(403, 'AccessDenied', 'the authorization is missing, expired or for another object', cloudPath);
    if (req.body.length > maxFileBytes) return cosError(400, 'EntityTooLarge', `the file is larger than ${maxFileBytes} bytes`, cloudPath);
    const file = save(cloudPath, req.body, grant.owner || undefined);
    return { status: 200, headers: { etag: `"${file.etag}"` }, body: '' };
  });

  // ---- temporary links ----
  const download = (req: HttpRequest): HttpReply => {
    const cloudPath = req.params[0];
    const verdict = signer.checkDownload(cloudPath, req.query.get('sign'), req.query.get('t'));
    if (verdict !== 'ok') return cosError(403, 'AccessDenied', verdict === 'expired' ? 'Request has expired' : 'the signature does not match', cloudPath);
    const meta = store.meta(cloudPath);
    const content = store.content(cloudPath);
    if (!meta || !content) return cosError(404, 'NoSuchKey', 'The specified key does not exist.', cloudPath);
    return {
      status: 200,
      headers: {
        'content-type': meta.contentType,
        'content-length': String(content.length),
        etag: `"${meta.etag}"`,
        'last-modified': new Date(meta.uploadedAt).toUTCString(),
        // A stored page or SVG must not run as the local cloud's own origin (its UI and admin API live there).
        'content-security-policy': 'sandbox',
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, max-age=600',
      },
      body: content,
    };
  };
  host.registerRoute('GET', /^\/storage\/files\/(.+)$/, download);
  host.registerRoute('HEAD', /^\/storage\/files\/(.+)$/, download);

  // ---- the mini-program's own calls ----
  host.registerRoute('POST', /^\/storage\/client\/upload$/, (req) => {
    const openid = clientOf(req);
    if (typeof openid !== 'string') return openid;
    const boundary = boundaryOf(typeof req.headers['content-type'] === 'string' ? req.headers['content-type'] : undefined);
    if (!boundary) return clientError(400, -501007, 'uploadFile', 'the upload must be multipart/form-data with cloudPath and file');
    let fields;
    try {
      fields = parseMultipart(req.body, boundary);
    } catch (err) {
      return clientError(400, -501007, 'uploadFile', err instanceof Error ? err.message : String(err));
    }
    const cloudPath = fields.find((f) => f.name === 'cloudPath')?.value.toString('utf8');
    const file = fields.find((f) => f.name === 'file')?.value;
    const problem = cloudPathProblem(cloudPath);
    if (problem || !cloudPath) return clientError(400, -501007, 'uploadFile', problem ?? 'cloudPath is required');
    if (!file) return clientError(400, -501007, 'uploadFile', 'the file field is missing');
    if (file.length > maxFileBytes) return clientError(400, -503001, 'uploadFile', `the file is larger than ${maxFileBytes} bytes`);
    const existing = store.meta(cloudPath);
    // Overwriting is a write to the existing file; creating one makes the caller its owner.
    if (!options.rules.canWrite(openid, existing ? existing.owner : openid)) return clientError(403, -503002, 'uploadFile', 'the storage security rules do not allow this upload');
    const saved = save(cloudPath, file, openid);
    return { status: 200, body: { fileID: saved.fileID, statusCode: 204, errMsg: 'cloud.uploadFile:ok' } };
  });

  host.registerRoute('POST', /^\/storage\/client\/temp-urls$/, (req) => {
    const openid = clientOf(req);
    if (typeof openid !== 'string') return openid;
    const list = clientList(req, 'getTempFileURL');
    if (!Array.isArray(list)) return list;
    const fileList = list.map((entry) => {
      const { fileID, maxAge } = (entry && typeof entry === 'object' ? entry : { fileID: entry }) as { fileID?: unknown; maxAge?: unknown };
      const id = typeof fileID === 'string' ? fileID : '';
      const cloudPath = cloudPathOf(host.env, id);
      const meta = cloudPath ? store.meta(cloudPath) : undefined;
      if (!cloudPath || !meta) return { fileID: id, tempFileURL: '', status: -503003, errMsg: 'STORAGE_FILE_NONEXIST' };
      if (!options.rules.canRead(openid, meta.owner)) return { fileID: id, tempFileURL: '', status: -503002, errMsg: 'STORAGE_EXCEED_AUTHORITY' };
      const age = maxAgeOf(maxAge);
      return { fileID: id, tempFileURL: tempUrl(cloudPath, age), maxAge: age, status: 0, errMsg: 'ok' };
    });
    return { status: 200, body: { fileList, errMsg: 'cloud.getTempFileURL:ok' } };
  });

  host.registerRoute('POST', /^\/storage\/client\/delete$/, (req) => {
    const openid = clientOf(req);
    if (typeof openid !== 'string') return openid;
    const list = clientList(req, 'deleteFile');
    if (!Array.isArray(list)) return list;
    const fileList = list.map((fileID) => {
      const id = typeof fileID === 'string' ? fileID : '';
      const cloudPath = cloudPathOf(host.env, id);
      const meta = cloudPath ? store.meta(cloudPath) : undefined;
      if (!cloudPath || !meta) return { fileID: id, status: -503003, errMsg: 'STORAGE_FILE_NONEXIST' };
      if (!options.rules.canWrite(openid, meta.owner)) return { fileID: id, status: -503002, errMsg: 'STORAGE_EXCEED_AUTHORITY' };
      store.delete(cloudPath);
      host.log('storage.delete', { cloudPath, by: 'client' });
      return { fileID: id, status: 0, errMsg: 'ok' };
    });
    return { status: 200, body: { fileList, errMsg: 'cloud.deleteFile:ok' } };
  });

  // ---- the UI's list (a fresh 10-minute link each, so the UI can show the pictures) ----
  host.registerRoute('GET', /^\/ui\/storage$/, () => ({
    status: 200,
    body: { rules: options.rules.source, files: store.list().map((f) => ({ ...withId(f), tempFileURL: tempUrl(f.cloudPath, 600) })) },
  }));

  return {
    rules: options.rules,
    list: () => store.list().map(withId),
    put: (cloudPath, content, owner) => {
      const problem = cloudPathProblem(cloudPath);
      if (problem) throw new Error(problem);
      return save(cloudPath, content, owner);
    },
    tempUrl,
  };
}

function checkedPath(path: unknown): string {
  const problem = cloudPathProblem(path);
  if (problem) throw new AdminError('INVALID_PARAM', problem);
  return path as string;
}

function listParam(value: AdminParams[string], name: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new AdminError('INVALID_PARAM', `${name} must be a non-empty array`);
  if (value.length > MAX_FILES_PER_CALL) throw new AdminError('INVALID_PARAM', `${name} holds more than ${MAX_FILES_PER_CALL} files`);
  return value;
}

function maxAgeOf(value: unknown): number {
  const seconds = typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : DEFAULT_MAX_AGE;
  return Math.min(Math.max(seconds, 1), DEFAULT_MAX_AGE);
}

function clientOf(req: HttpRequest): string | HttpReply {
  const header = req.headers['x-wx-openid'];
  if (typeof header !== 'string' || header === '') return clientError(401, -501023, 'storage', 'a signed-in user is required: send x-wx-openid');
  if (!OPENID.test(header)) return clientError(400, -501007, 'storage', 'x-wx-openid must be 1-128 characters of [A-Za-z0-9_-]');
  return header;
}

function clientList(req: HttpRequest, api: string): unknown[] | HttpReply {
  const body = parseJsonBody(req);
  if (!body.ok) return body.reply;
  const list = (body.value as { fileList?: unknown } | null)?.fileList;
  if (!Array.isArray(list) || list.length === 0) return clientError(400, -501007, api, 'fileList must be a non-empty array');
  if (list.length > MAX_FILES_PER_CALL) return clientError(400, -501007, api, `fileList holds more than ${MAX_FILES_PER_CALL} files`);
  return list;
}

function clientError(status: number, errCode: number, api: string, message: string): HttpReply {
  return { status, body: { errCode, errMsg: `cloud.${api}:fail ${message}` } };
}

/** COS answers errors as XML; the node SDK reads Code, Message, RequestId and TraceId from it. */
function cosError(status: number, code: string, message: string, resource: string): HttpReply {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const xml = `<?xml version='1.0' encoding='utf-8' ?>\n<Error><Code>${code}</Code><Message>${escape(message)}</Message><Resource>${escape(resource)}</Resource><RequestId>local-cloud</RequestId><TraceId>local-cloud</TraceId></Error>`;
  return { status, headers: { 'content-type': 'application/xml' }, body: xml };
}
