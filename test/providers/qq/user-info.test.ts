import { afterEach, describe, expect, it } from 'vitest';
import { get, useIdmock } from '../../support/idmock.js';
import {
  advance,
  authorize,
  GAME,
  obtainTokens,
  resetClock,
  url,
  WEB,
  type TestApp,
} from './support.js';

const idmock = useIdmock({ services: ['qq'] });
const base = (): string => idmock.current.urls.qq ?? '';
const userInfo = (query: Record<string, string>) => get(url(base(), '/user/get_user_info', query));

afterEach(async () => {
  await resetClock(base());
});

async function login(app: TestApp = WEB, user = 'zhang-wei') {
  const { openid } = await authorize(base(), app, user);
  const { access_token } = await obtainTokens(base(), app, user);
  return { access_token, openid, oauth_consumer_key: app.clientId };
}

const FIELD_ORDER = [
  'ret',
  'msg',
  'is_lost',
  'nickname',
  'gender',
  'gender_type',
  'province',
  'city',
  'year',
  'constellation',
  'figureurl',
  'figureurl_1',
  'figureurl_2',
  'figureurl_qq_1',
  'figureurl_qq_2',
  'figureurl_qq',
  'figureurl_type',
  'is_yellow_vip',
  'vip',
  'yellow_vip_level',
  'level',
  'is_yellow_year_vip',
];

const NUMBER_FIELDS = new Set(['ret', 'is_lost', 'gender_type']);

describe('GET /user/get_user_info', () => {
  it('answers every field in the captured order with the captured JSON types', async () => {
    const res = await userInfo(await login());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(FIELD_ORDER);
    for (const key of FIELD_ORDER) {
      expect(typeof body[key], key).toBe(NUMBER_FIELDS.has(key) ? 'number' : 'string');
    }
  });

  it("answers the persona's profile", async () => {
    const body = (await userInfo(await login(WEB, 'zhang-wei'))).json();
    expect(body).toMatchObject({
      ret: 0,
      msg: '',
      is_lost: 0,
      nickname: '张伟',
      gender: '男',
      gender_type: 1,
      province: '广东',
      city: '深圳',
      year: '1990',
      constellation: '',
      figureurl_type: '1',
      is_yellow_vip: '0',
      vip: '0',
      yellow_vip_level: '0',
      level: '0',
      is_yellow_year_vip: '0',
    });
    const female = (await userInfo(await login(WEB, 'li-na'))).json();
    expect(female).toMatchObject({ nickname: '李娜', gender: '女', gender_type: 2 });
  });

  it('builds Qzone avatars from appid and openid, QQ avatars from thirdqq.qlogo.cn', async () => {
    const session = await login(GAME, 'chen-jie');
    const body = (await userInfo(session)).json<Record<string, string>>();
    const qzone = `http://qzapp.qlogo.cn/qzapp/${GAME.clientId}/${session.openid}`;
    expect(body['figureurl']).toBe(`${qzone}/30`);
    expect(body['figureurl_1']).toBe(`${qzone}/50`);
    expect(body['figureurl_2']).toBe(`${qzone}/100`);
    const qq = /^http:\/\/thirdqq\.qlogo\.cn\/g\?b=oidb&k=[A-Za-z0-9]{24}&s=(\d+)&t=\d{10}$/;
    expect(qq.exec(body['figureurl_qq_1'] ?? '')?.[1]).toBe('40');
    expect(qq.exec(body['figureurl_qq_2'] ?? '')?.[1]).toBe('100');
    expect(qq.exec(body['figureurl_qq'] ?? '')?.[1]).toBe('640');
  });

  it('answers the same profile on every call (seeded world)', async () => {
    const session = await login();
    expect((await userInfo(session)).text).toBe((await userInfo(session)).text);
  });

  it.each([{ format: 'json' }, { fmt: 'json' }, { format: 'xml' }])('ignores %j', async (extra) => {
    const session = await login();
    const res = await userInfo({ ...session, ...extra });
    expect(res.json()).toMatchObject({ ret: 0 });
  });

  it("answers -23 when oauth_consumer_key is not the token's app", async () => {
    const session = await login(WEB);
    const res = await userInfo({ ...session, oauth_consumer_key: GAME.clientId });
    expect(res.json()).toEqual({ ret: -23, msg: 'token is invalid' });
  });

  it("answers -22 for another app's openid of the same persona", async () => {
    const session = await login(WEB);
    const other = await authorize(base(), GAME, 'zhang-wei');
    const res = await userInfo({ ...session, openid: other.openid });
    expect(res.json()).toEqual({ ret: -22, msg: 'openid is invalid' });
  });

  it('answers -23 once the access token has expired', async () => {
    const session = await login();
    await advance(base(), '60d');
    expect((await userInfo(session)).json()).toEqual({ ret: -23, msg: 'token is invalid' });
  });

  it.each(['abc', '-1', '1.5', '18446744073709551616'])(
    'rejects the non-uint64 oauth_consumer_key %j in the decoder',
    async (key) => {
      const res = await userInfo({ ...(await login()), oauth_consumer_key: key });
      expect(res.text).toBe(
        JSON.stringify({
          msg: `service codec Unmarshal: 1 error(s) decoding:\n\n* oauth_consumer_key expected type uint64, got unconvertible type string, value: ${key}`,
          ret: 1,
        }),
      );
    },
  );

  it('rejects a repeated oauth_consumer_key before looking at the token', async () => {
    const res = await get(
      `${base()}/user/get_user_info?oauth_consumer_key=${WEB.clientId}&oauth_consumer_key=${WEB.clientId}`,
    );
    expect(res.json()).toEqual({
      msg: `service codec Unmarshal: 1 error(s) decoding:\n\n* oauth_consumer_key expected type uint64, got unconvertible type []string, value: [${WEB.clientId} ${WEB.clientId}]`,
      ret: 1,
    });
    expect(res.text.startsWith('{"msg":')).toBe(true);
  });

  it('treats an empty oauth_consumer_key as missing', async () => {
    const res = await userInfo({ ...(await login()), oauth_consumer_key: '' });
    expect(res.json()).toEqual({
      ret: -1,
      msg: "client request's parameters are invalid, invalid oauth_consumer_key",
    });
  });
});
