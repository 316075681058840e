import { afterAll, describe, expect, it } from 'vitest';
import { get, postForm, postJson, useIdmock } from '../../support/idmock.js';
import {
  codeParams,
  GAME,
  removeWorld,
  unwrapJsonp,
  url,
  WEB,
  without,
  writeWorld,
  type TestApp,
} from './support.js';

const idmock = useIdmock({ services: ['qq'] });
const base = (): string => idmock.current.urls.qq ?? '';

const request = (app: TestApp = WEB, extra: Record<string, string> = {}) => ({
  response_type: 'code',
  client_id: app.clientId,
  redirect_uri: app.callback,
  state: 'xyz',
  scope: 'get_user_info',
  ...extra,
});

function locationOf(res: { status: number; headers: Headers; text: string }): URL {
  expect(res.status, res.text).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

describe('GET /oauth2.0/authorize', () => {
  it('renders the Chinese login page with every QQ persona and the consent button', async () => {
    const res = await get(url(base(), '/oauth2.0/authorize', request()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<title>QQ登录</title>');
    expect(res.text).toContain('Acme 官网登录 将获得以下权限：');
    expect(res.text).toContain('获得您的昵称、头像、性别');
    expect(res.text).toContain('授权并登录');
    expect(res.text).toContain('<form method="post" action="/oauth2.0/authorize">');
    for (const id of ['zhang-wei', 'li-na', 'chen-jie', 'persona-01']) {
      expect(res.text).toContain(`value="${id}"`);
    }
    // wang-fang has no QQ account.
    expect(res.text).not.toContain('value="wang-fang"');
    expect(res.text).toContain('<body class="display-pc">');
  });

  it('carries the request parameters into the form', async () => {
    const res = await get(url(base(), '/oauth2.0/authorize', request(WEB, { display: 'pc' })));
    for (const [name, value] of Object.entries(request(WEB, { display: 'pc' }))) {
      expect(res.text).toContain(`<input type="hidden" name="${name}" value="${value}" />`);
    }
  });

  it('renders English for lang=en and links back to Chinese', async () => {
    const res = await get(url(base(), '/oauth2.0/authorize', request(WEB, { lang: 'en' })));
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Authorize and log in');
    expect(res.text).toContain('Your nickname, avatar and gender');
    expect(res.text).toMatch(/id="switch_lang" href="\/oauth2\.0\/authorize\?[^"]*lang=zh_CN"/);
  });

  it('renders the mobile layout for display=mobile', async () => {
    const res = await get(url(base(), '/oauth2.0/authorize', request(WEB, { display: 'mobile' })));
    expect(res.text).toContain('<body class="display-mobile">');
  });

  it('lists comma-separated scopes and defaults to get_user_info', async () => {
    const many = await get(
      url(base(), '/oauth2.0/authorize', request(WEB, { scope: 'get_user_info,list_album' })),
    );
    expect(many.text).toContain('<li>获得您的昵称、头像、性别</li>');
    expect(many.text).toContain('<li>list_album</li>');
    const none = await get(url(base(), '/oauth2.0/authorize', request(WEB, { scope: '' })));
    expect(none.text).toContain('<li>获得您的昵称、头像、性别</li>');
  });

  it('escapes every reflected value', async () => {
    const evil = '"><script>alert(1)</script>';
    const page = await get(url(base(), '/oauth2.0/authorize', request(WEB, { state: evil })));
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const error = await get(
      url(base(), '/oauth2.0/authorize', request(WEB, { client_id: `1<script>x</script>` })),
    );
    expect(error.text).toContain('[appid: 1&lt;script&gt;x&lt;/script&gt;] (100008)');
    expect(error.text).not.toContain('<script>x</script>');
  });

  it.each([
    ['a different path', 'http://localhost:3000/auth/qq/other'],
    ['a trailing slash', `${WEB.callback}/`],
    ['another host', 'http://evil.example/auth/qq/callback'],
    ["another app's callback", GAME.callback],
    ['a missing redirect_uri', undefined],
  ])('never redirects to %s', async (_label, redirectUri) => {
    const params = request(WEB);
    const query: Record<string, string> =
      redirectUri === undefined
        ? { ...params, redirect_uri: '' }
        : { ...params, redirect_uri: redirectUri };
    if (redirectUri === undefined) delete query['redirect_uri'];
    for (const method of ['GET', 'POST'] as const) {
      const res =
        method === 'GET'
          ? await get(url(base(), '/oauth2.0/authorize', query))
          : await postForm(`${base()}/oauth2.0/authorize`, { ...query, user: 'zhang-wei' });
      expect(res.status).toBe(200);
      expect(res.headers.get('location')).toBeNull();
      expect(res.text).toContain(`redirect uri is illegal [appid: ${WEB.clientId}] (100010)`);
    }
  });

  it.each([undefined, '', 'CODE', 'id_token'])(
    'renders 100000 for response_type %j',
    async (responseType) => {
      const params: Record<string, string> = request(WEB);
      if (responseType === undefined) delete params['response_type'];
      else params['response_type'] = responseType;
      const res = await get(url(base(), '/oauth2.0/authorize', params));
      expect(res.text).toContain('param response_type is wrong or lost (100000)');
    },
  );
});

describe('GET /oauth2.0/show?which=Login', () => {
  it('renders the same login page, posting back to /oauth2.0/show', async () => {
    const res = await get(url(base(), '/oauth2.0/show', { which: 'Login', ...request() }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('<form method="post" action="/oauth2.0/show">');
    expect(res.text).toContain('<input type="hidden" name="which" value="Login" />');
  });

  it.each([undefined, '', 'Other'])('renders 100028 for which=%j', async (which) => {
    const query: Record<string, string> = which === undefined ? request() : { which, ...request() };
    const res = await get(url(base(), '/oauth2.0/show', query));
    expect(res.text).toContain('param which is wrong or lost (100028)');
  });

  it('redirects with a code after consent on POST /oauth2.0/show', async () => {
    const res = await postForm(`${base()}/oauth2.0/show`, {
      which: 'Login',
      ...request(),
      user: 'li-na',
    });
    const location = locationOf(res);
    expect(location.searchParams.get('code')).toMatch(/^[0-9A-F]{32}$/);
  });

  it('renders 100028 on a POST without which', async () => {
    const res = await postForm(`${base()}/oauth2.0/show`, { ...request(), user: 'li-na' });
    expect(res.headers.get('location')).toBeNull();
    expect(res.text).toContain('(100028)');
  });
});

describe('POST /oauth2.0/authorize (consent)', () => {
  it('redirects to redirect_uri?code=<32 upper hex>&state= and the code works once', async () => {
    const res = await postForm(`${base()}/oauth2.0/authorize`, { ...request(), user: 'li-na' });
    expect(res.headers.get('location')).toMatch(
      /^http:\/\/localhost:3000\/auth\/qq\/callback\?code=[0-9A-F]{32}&state=xyz$/,
    );
    const code = locationOf(res).searchParams.get('code') ?? '';
    const token = await get(
      url(base(), '/oauth2.0/token', { ...codeParams(WEB, code), fmt: 'json' }),
    );
    const { access_token } = token.json<{ access_token: string }>();
    const users = (await get(`${base()}/__mock/users`)).json<{
      users: { id: string; openids: Record<string, string> }[];
    }>();
    const lina = users.users.find((user) => user.id === 'li-na');
    const me = await get(url(base(), '/oauth2.0/me', { access_token }));
    expect(unwrapJsonp(me)).toEqual({
      client_id: WEB.clientId,
      openid: lina?.openids[WEB.clientId],
    });
  });

  it('accepts the persona by openid', async () => {
    const users = (await get(`${base()}/__mock/users`)).json<{
      users: { id: string; openids: Record<string, string> }[];
    }>();
    const chen = users.users.find((user) => user.id === 'chen-jie');
    const res = await postForm(`${base()}/oauth2.0/authorize`, {
      ...request(),
      user: chen?.openids[WEB.clientId] ?? '',
    });
    expect(locationOf(res).searchParams.get('code')).toMatch(/^[0-9A-F]{32}$/);
  });

  it('leaves state out of the callback when the request had none', async () => {
    const params = without(request(), 'state');
    const res = await postForm(`${base()}/oauth2.0/authorize`, { ...params, user: 'li-na' });
    expect(res.headers.get('location')).toMatch(/\?code=[0-9A-F]{32}$/);
  });

  it('echoes an empty state as state=', async () => {
    const res = await postForm(`${base()}/oauth2.0/authorize`, {
      ...request(WEB, { state: '' }),
      user: 'li-na',
    });
    expect(res.headers.get('location')).toMatch(/\?code=[0-9A-F]{32}&state=$/);
  });

  it('echoes state verbatim, encoding only what cannot stand in a URL', async () => {
    const state = 'a/b?c=d&e f中';
    const res = await postForm(`${base()}/oauth2.0/authorize`, {
      ...request(WEB, { state }),
      user: 'li-na',
    });
    expect(res.headers.get('location')).toMatch(/&state=a\/b\?c=d%26e%20f%E4%B8%AD$/);
  });

  it('redirects with the token in the fragment for response_type=token', async () => {
    const res = await postForm(`${base()}/oauth2.0/authorize`, {
      ...request(WEB, { response_type: 'token' }),
      user: 'chen-jie',
    });
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(
      /^http:\/\/localhost:3000\/auth\/qq\/callback#access_token=[0-9A-F]{32}&expires_in=5184000&state=xyz$/,
    );
    expect(location).not.toContain('refresh_token');
    expect(location).not.toContain('openid');
    const access_token = new URLSearchParams(new URL(location).hash.slice(1)).get('access_token');
    const me = await get(url(base(), '/oauth2.0/me', { access_token: access_token ?? '' }));
    expect(unwrapJsonp(me)).toMatchObject({ client_id: WEB.clientId });
  });

  it('omits state from the fragment when the request had none', async () => {
    const params = without(request(WEB, { response_type: 'token' }), 'state');
    const res = await postForm(`${base()}/oauth2.0/authorize`, { ...params, user: 'chen-jie' });
    expect(res.headers.get('location')).toMatch(/#access_token=[0-9A-F]{32}&expires_in=5184000$/);
  });
});

describe('callbacks that already carry a query or a fragment', () => {
  const QUERY = 'http://localhost:3000/cb?from=qq';
  const HASH = 'http://localhost:3000/app#/login';
  const world = writeWorld((seed) => {
    seed.apps[0]!.callbacks = [WEB.callback, QUERY, HASH];
  });
  const custom = useIdmock({ services: ['qq'], worldDir: world });
  afterAll(() => {
    removeWorld(world);
  });
  const consent = (redirect_uri: string, response_type: string) =>
    postForm(`${custom.current.urls.qq ?? ''}/oauth2.0/authorize`, {
      ...request(WEB, { redirect_uri, response_type }),
      user: 'li-na',
    });

  it('joins the code with & after an existing query', async () => {
    const res = await consent(QUERY, 'code');
    expect(res.headers.get('location')).toMatch(
      /^http:\/\/localhost:3000\/cb\?from=qq&code=[0-9A-F]{32}&state=xyz$/,
    );
  });

  it('joins the token with & after an existing fragment', async () => {
    const res = await consent(HASH, 'token');
    expect(res.headers.get('location')).toMatch(
      /^http:\/\/localhost:3000\/app#\/login&access_token=[0-9A-F]{32}&expires_in=5184000&state=xyz$/,
    );
  });

  it('matches each registered callback exactly', async () => {
    const res = await consent('http://localhost:3000/cb?from=wx', 'code');
    expect(res.headers.get('location')).toBeNull();
    expect(res.text).toContain('(100010)');
  });
});

describe('auto-approve', () => {
  const auto = useIdmock({ services: ['qq'], autoApprove: 'chen-jie' });
  const autoBase = (): string => auto.current.urls.qq ?? '';

  it('answers GET /oauth2.0/authorize with the 302 at once as the configured persona', async () => {
    const res = await get(url(autoBase(), '/oauth2.0/authorize', request()));
    const code = locationOf(res).searchParams.get('code') ?? '';
    const users = (await get(`${autoBase()}/__mock/users`)).json<{
      users: { id: string; openids: Record<string, string> }[];
    }>();
    const token = await get(
      url(autoBase(), '/oauth2.0/token', { ...codeParams(WEB, code), need_openid: '1' }),
    );
    const chen = users.users.find((user) => user.id === 'chen-jie');
    expect(token.text).toMatch(new RegExp(`&openid=${chen?.openids[WEB.clientId] ?? '-'}$`));
  });

  it('answers /oauth2.0/show and the implicit flow at once too', async () => {
    const show = await get(url(autoBase(), '/oauth2.0/show', { which: 'Login', ...request() }));
    expect(locationOf(show).searchParams.get('code')).toMatch(/^[0-9A-F]{32}$/);
    const implicit = await get(
      url(autoBase(), '/oauth2.0/authorize', request(WEB, { response_type: 'token' })),
    );
    expect(locationOf(implicit).hash).toMatch(
      /^#access_token=[0-9A-F]{32}&expires_in=5184000&state=xyz$/,
    );
  });

  it('still renders errors instead of redirecting', async () => {
    const res = await get(
      url(
        autoBase(),
        '/oauth2.0/authorize',
        request(WEB, { redirect_uri: 'http://evil.example/' }),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.text).toContain('(100010)');
  });

  it('can be switched off and on at runtime', async () => {
    expect((await get(`${autoBase()}/__mock/auto-approve`)).json()).toEqual({ user: 'chen-jie' });
    expect((await postJson(`${autoBase()}/__mock/auto-approve`, { user: null })).json()).toEqual({
      user: null,
    });
    expect((await get(url(autoBase(), '/oauth2.0/authorize', request()))).status).toBe(200);
    await postJson(`${autoBase()}/__mock/auto-approve`, { user: 'li-na' });
    expect((await get(url(autoBase(), '/oauth2.0/authorize', request()))).status).toBe(302);
    await postJson(`${autoBase()}/__mock/auto-approve`, { user: 'chen-jie' });
  });
});
