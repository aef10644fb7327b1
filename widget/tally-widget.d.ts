/** Options shared by the pure functions. Amounts in results are strings with the minor unit's decimals. */
export interface CallOptions {
  /** Provider, or "auto" (default): detected by shape. */
  source?: 'auto' | 'aether' | 'hyperstack' | 'elastic' | 'cu';
  /** A price book (SPEC 3), as a JSON string or an object. */
  prices?: string | object;
  /** RFC 3339 instant used as "now" (running resources, forecast). Default: now. */
  asOf?: string;
  /** Request range for Elastic deployments without a period. */
  from?: string;
  to?: string;
  /**
   * Where the body is read and priced. "auto" (default): in a Web Worker from 4 MB up, so the page
   * stays responsive, else in the page; "worker"; "page". Without a worker (the page's
   * Content-Security-Policy refuses one, or the browser has none) it runs in the page.
   */
  engine?: 'auto' | 'worker' | 'page';
}

export interface Group { key: string; total: string }

/** SPEC section 7 summary. */
export interface Summary {
  sources: string[];
  currency: string;
  as_of: string;
  total: string;
  reported_total: string | null;
  difference: string | null;
  by_category: Group[];
  by_resource_type: Group[];
  by_month: Group[];
  unpriced: { source: string; resource_type: string; unit: string; quantity: string; count: number }[];
  excluded: { count: number; reported_cost: string };
  credits: { deposited: string; granted: string; used: string; remaining: string } | null;
  forecast: { month: string; total: string; credits_run_out?: string } | null;
  warnings: string[];
}

export interface Breakdown {
  currency: string;
  total: string;
  by: string[];
  rows: Array<Record<string, string | null> & { total: string }>;
}

/**
 * A rejected promise carries a code ("syntax", "field", "provider", "shape", "currency", "usage";
 * for a body read in a worker also "cancelled", "unreadable", "engine") and a message.
 */
export interface TallyError extends Error { code: string }

export interface MountOptions extends CallOptions {
  /** What to show. Default "summary". */
  view?: 'summary' | 'breakdown' | 'whatif' | 'card';
  /**
   * The provider body: bytes (the fastest way in for a big body; read as they are, never changed),
   * a JSON string (exact) or an object.
   */
  body?: Uint8Array | ArrayBuffer | string | object;
  /** Or a bundled sample. */
  sample?: 'aether' | 'hyperstack' | 'elastic' | 'cu';
  theme?: 'light' | 'dark';
  /** BCP 47 locale for numbers and dates (default: the browser's). */
  locale?: string;
}

export interface WidgetHandle {
  /** Resolves once a new body is read; rejects (and keeps what was shown) when it cannot be. */
  update(options: MountOptions): Promise<void>;
  /** Where the engine runs now. */
  readonly engine: 'worker' | 'page';
  /** Unmounts, removes everything the widget added to the element and stops its worker. Call it
   * before removing the element: a widget whose element is simply removed keeps its worker (and
   * the worker's memory) until the page goes. */
  destroy(): void;
}

export function load(): Promise<unknown>;
export function wasmMemoryBytes(): number;
export function summarize(body: string | object | Uint8Array | ArrayBuffer, options?: CallOptions): Promise<Summary>;
export function breakdown(body: string | object | Uint8Array | ArrayBuffer, options?: CallOptions & { by?: string }): Promise<Breakdown>;
/**
 * Renders a view into `element` once its body is read. Rejects (and removes the widget) when the
 * body cannot be read; resolves, the widget showing nothing, when the user cancels a long read.
 */
export function mount(element: HTMLElement, options?: MountOptions): Promise<WidgetHandle>;
