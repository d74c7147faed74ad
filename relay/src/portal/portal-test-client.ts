/**
 * For the portal's tests: a browser-less client with a cookie jar, that reads the CSRF token of the last page's
 * forms the way a browser would submit it.
 */
export interface PortalResponse {
  readonly status: number;
  readonly location: string | null;
  readonly body: string;
  readonly headers: Headers;
}

export class PortalTestClient {
  private readonly cookies = new Map<string, string>();
  /** The CSRF token of the last page that had a form. */
  csrfToken?: string;

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<PortalResponse> {
    return this.request('GET', path);
  }

  /** Posts a form; `_csrf` is the last page's token unless the fields give one (or `null` to leave it out). */
  async post(path: string, fields: Record<string, string | null> = {}): Promise<PortalResponse> {
    const form = new URLSearchParams();
    const withToken = { _csrf: this.csrfToken ?? null, ...fields };
    for (const [name, value] of Object.entries(withToken)) if (value !== null) form.set(name, value);
    return this.request('POST', path, form);
  }

  async signIn(username: string, password: string): Promise<PortalResponse> {
    await this.get('/login');
    return this.post('/login', { username, password });
  }

  /** The raw Set-Cookie header of the last response that set the session cookie. */
  lastSetCookie?: string;

  private async request(method: string, path: string, form?: URLSearchParams): Promise<PortalResponse> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      headers: {
        ...(this.cookies.size > 0
          ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') }
          : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form.toString() } : {}),
    });
    for (const header of response.headers.getSetCookie()) {
      this.lastSetCookie = header;
      const [pair] = header.split(';');
      const [name, ...value] = pair!.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
    if (token) this.csrfToken = token;
    return { status: response.status, location: response.headers.get('location'), body, headers: response.headers };
  }
}
