// Types for the browser runtime: the generated manifest and the untyped packages it uses.

declare module 'preview:manifest' {
  export interface ManifestModule {
    route: string;
    json: { usingComponents?: Record<string, string>; navigationBarTitleText?: string; enablePullDownRefresh?: boolean; component?: boolean };
    wxml: string;
    css: string;
    load(): unknown;
  }
  export const appJson: {
    pages: string[];
    window?: { navigationBarTitleText?: string; navigationBarBackgroundColor?: string; navigationBarTextStyle?: string; backgroundColor?: string };
    tabBar?: { list: { pagePath: string; text: string }[]; color?: string; selectedColor?: string };
  };
  export const appCss: string;
  export const loadApp: () => unknown;
  export const modules: Record<string, ManifestModule>;
}

declare module 'j-component' {
  export interface RootComponent {
    readonly dom: HTMLElement;
    readonly instance: Record<string, unknown> & { data: Record<string, unknown>; setData(data: Record<string, unknown>): void };
    attach(parent: HTMLElement): void;
    detach(): void;
  }
  export function register(definition: Record<string, unknown>): string;
  export function create(id: string, properties?: Record<string, unknown>): RootComponent;
}

declare module 'miniprogram-exparser' {
  export const Event: {
    create(name: string, detail: unknown, options: Record<string, unknown>): unknown;
    dispatchEvent(target: unknown, event: unknown): void;
  };
}
