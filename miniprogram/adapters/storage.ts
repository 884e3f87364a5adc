// Where the mini-program's files go: cloud storage through wx.cloud, or (local mode) the local cloud's storage,
// which applies the same security rules to the openid the switch names.
import type { LocalCloudSwitch } from '../config';
import { postJson } from './http';

export interface FileLink {
  fileID: string;
  /** Empty when the storage refused (not yours, gone). */
  tempFileURL: string;
}

export interface CloudStorage {
  /** The file id; throws with WeChat's errMsg when the upload failed. */
  upload(cloudPath: string, tempFilePath: string): Promise<string>;
  tempUrls(fileIDs: string[]): Promise<FileLink[]>;
  remove(fileIDs: string[]): Promise<void>;
}

const errMsgOf = (err: unknown) => (err instanceof Error ? err.message : String((err as { errMsg?: string })?.errMsg ?? err));

export function wxCloudStorage(): CloudStorage {
  return {
    async upload(cloudPath, filePath) {
      try {
        return (await wx.cloud.uploadFile({ cloudPath, filePath })).fileID;
      } catch (err) {
        throw new Error(errMsgOf(err));
      }
    },
    async tempUrls(fileList) {
      const res = await wx.cloud.getTempFileURL({ fileList });
      return (res.fileList as Array<{ fileID: string; tempFileURL?: string; status?: number }>).map((f) => ({ fileID: f.fileID, tempFileURL: f.status === 0 ? (f.tempFileURL ?? '') : '' }));
    },
    async remove(fileList) {
      await wx.cloud.deleteFile({ fileList });
    },
  };
}

export function localCloudStorage(local: LocalCloudSwitch): CloudStorage {
  return {
    upload(cloudPath, filePath) {
      return new Promise((resolve, reject) => {
        wx.uploadFile({
          url: `${local.url}/storage/client/upload`,
          filePath,
          name: 'file',
          formData: { cloudPath },
          header: { 'x-wx-openid': local.openid },
          success: (res) => {
            let body: { fileID?: string; errMsg?: string } = {};
            try {
              body = JSON.parse(res.data) as typeof body;
            } catch {
              // not JSON: reported below
            }
            if (res.statusCode === 200 && body.fileID) resolve(body.fileID);
            else reject(new Error(body.errMsg ?? `cloud.uploadFile:fail ${res.statusCode}`));
          },
          fail: (err) => reject(new Error(err.errMsg)),
        });
      });
    },
    async tempUrls(fileList) {
      const res = await postJson(`${local.url}/storage/client/temp-urls`, { fileList }, { 'x-wx-openid': local.openid });
      const list = (res.data as { fileList?: Array<{ fileID: string; tempFileURL?: string; status?: number }> } | null)?.fileList ?? [];
      return list.map((f) => ({ fileID: f.fileID, tempFileURL: f.status === 0 ? (f.tempFileURL ?? '') : '' }));
    },
    async remove(fileList) {
      await postJson(`${local.url}/storage/client/delete`, { fileList }, { 'x-wx-openid': local.openid });
    },
  };
}
