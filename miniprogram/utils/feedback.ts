// How failures and small confirmations reach the person holding the phone.
import { errorText, type ClientFail } from '../domain/errors';

export function toast(title: string, icon: 'success' | 'none' = 'none'): void {
  wx.showToast({ title, icon, duration: 2000 });
}

export function toastFailure(fail: ClientFail): void {
  toast(errorText(fail.code));
}

/**
 * `onConfirm` runs inside the dialog's own callback, before anything is awaited: the confirm button is the person's
 * tap, so what needs one (asking for message permission) can follow the confirmation there.
 */
export function confirmDialog(title: string, content: string, confirmText = '确定', onConfirm?: () => void): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText,
      cancelText: '再想想',
      success: (res) => {
        if (res.confirm) onConfirm?.();
        resolve(res.confirm);
      },
      fail: () => resolve(false),
    });
  });
}
