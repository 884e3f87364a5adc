// A person holding the phone in /preview: a real Chromium (Debian's, driven by playwright-core) tapping, typing
// and reading the mini-program's pages as they are drawn. Locators wait, so no test sleeps.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's chromium (CI installs it with apt); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Without a browser the tests cannot run; CI (PREVIEW_REQUIRE_BROWSER=1) treats that as a failure, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.PREVIEW_REQUIRE_BROWSER === '1') throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return false;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

export class Phone {
  private constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  static async open(browser: Browser, baseUrl: string, holder = 'demo-buyer', scale = 1): Promise<Phone> {
    const page = await browser.newPage({ viewport: { width: 680, height: 800 }, deviceScaleFactor: scale });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const phone = new Phone(page, baseUrl);
    await page.goto(`${baseUrl}/preview?as=${encodeURIComponent(holder)}`);
    await page.locator('body[data-ready="true"]').waitFor();
    if (errors.length) throw new Error(`the preview failed: ${errors.join('; ')}`);
    return phone;
  }

  /** The page on top of the stack (the others are hidden). */
  get screen(): Locator {
    return this.page.locator('.wxpage:not([hidden])');
  }

  title(): Promise<string> {
    return this.page.locator('#nav-title').innerText();
  }

  async waitForTitle(title: string): Promise<void> {
    await this.page.locator('#nav-title', { hasText: title }).waitFor();
  }

  /** Taps the first visible element on the page matching the selector (and text, if given). */
  async tap(selector: string, text?: string | RegExp): Promise<void> {
    const target = this.screen.locator(selector, text === undefined ? {} : { hasText: text }).first();
    await target.click();
  }

  async type(selector: string, text: string): Promise<void> {
    const control = this.screen.locator(`${selector} .wx-native-control`).first();
    await control.fill(text);
  }

  text(selector: string): Promise<string> {
    return this.screen.locator(selector).first().innerText();
  }

  async see(selector: string, text: string | RegExp): Promise<void> {
    await this.screen.locator(selector, { hasText: text }).first().waitFor();
  }

  /** The cashier WeChat shows for wx.requestPayment: its amount, then 支付. */
  async payInCashier(): Promise<string> {
    const cashier = this.page.locator('.wx-cashier');
    await cashier.waitFor();
    const amount = await cashier.locator('.wx-cashier-amount').innerText();
    await cashier.locator('.wx-cashier-pay').click();
    return amount;
  }

  /** WeChat's address picker (wx.chooseAddress): uses the saved address; answers who and where it shows. */
  async useAddress(): Promise<string> {
    const sheet = this.page.locator('.wx-address');
    await sheet.waitFor();
    const shown = await sheet.locator('.wx-address-card').innerText();
    await sheet.locator('.wx-address-use').click();
    return shown;
  }

  /** The scanner sheet (wx.scanCode): reads the code it offers, or types another, then 确定. */
  async scan(code?: string): Promise<string> {
    const sheet = this.page.locator('.wx-scan');
    await sheet.waitFor();
    const input = sheet.locator('.wx-scan-input');
    if (code !== undefined) await input.fill(code);
    const read = await input.inputValue();
    await sheet.locator('.wx-scan-done').click();
    return read;
  }

  /** A picker's or action sheet's list: taps the line with this text. */
  async pick(label: string): Promise<void> {
    await this.page.locator('.wx-options .wx-option', { hasText: label }).first().click();
  }

  /** WeChat's 确认收货 window (wx.openBusinessView weappOrderConfirm). */
  async confirmReceipt(): Promise<void> {
    const sheet = this.page.locator('.wx-receipt');
    await sheet.waitFor();
    await sheet.locator('.wx-receipt-confirm').click();
  }

  async answerSubscription(allow: boolean): Promise<void> {
    const dialog = this.page.locator('.wx-subscribe');
    await dialog.waitFor();
    await dialog.locator(allow ? '.wx-subscribe-accept' : '.wx-subscribe-reject').click();
  }

  async confirmModal(): Promise<string> {
    const modal = this.page.locator('.wx-modal');
    await modal.waitFor();
    const content = await modal.innerText();
    await modal.locator('.wx-modal-button.confirm').click();
    return content;
  }

  async toast(): Promise<string> {
    const toast = this.page.locator('#wx-toast .wx-toast-title');
    await toast.waitFor();
    return toast.innerText();
  }

  async holdAs(openid: string): Promise<void> {
    await this.page.locator(`.holder[data-openid="${openid}"]`).click();
    await this.page.locator(`.holder.selected[data-openid="${openid}"]`).waitFor();
  }

  async back(): Promise<void> {
    await this.page.locator('#nav-back').click();
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
