// The phone's own pickers, as promises that never throw: undefined when the person cancels or it fails.
export function chooseAddress(): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    wx.chooseAddress({
      success: (res) => resolve(res as unknown as Record<string, unknown>),
      fail: () => resolve(undefined),
    });
  });
}

export function scanCode(): Promise<string | undefined> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: false,
      scanType: ['barCode', 'qrCode'],
      success: (res) => resolve(res.result),
      fail: () => resolve(undefined),
    });
  });
}
