/**
 * openid is per (user, app); unionid is per (user, open-platform account) and only exists for apps
 * bound to an account. The seeded world has two website apps, a mobile app and an Official Account
 * on the `acme-games` account, and one website app on no account.
 */
import { describe, expect, it } from 'vitest';
import { startIdmock } from '../../../src/runtime/start.js';
import { get, useIdmock } from '../../support/idmock.js';
import {
  authorize,
  exchange,
  MOBILE,
  OA,
  obtainTokens,
  OPENID,
  SHOP,
  STANDALONE,
  TOKEN,
  userinfo,
  WEBSITE,
  type TokenBody,
} from './support.js';

const idmock = useIdmock({ services: ['wechat'] });
const base = (): string => idmock.current.urls.wechat ?? '';

async function profile(tokens: TokenBody): Promise<{ openid: string; unionid?: string }> {
  return (await userinfo(base(), tokens)).json();
}

describe('openid and unionid in /sns/oauth2/access_token and /sns/userinfo', () => {
  it('gives two website apps on one account different openids and the same unionid', async () => {
    const site = await obtainTokens(base(), WEBSITE);
    const shop = await obtainTokens(base(), SHOP);
    expect(site.openid).toMatch(new RegExp(`^${OPENID}$`));
    expect(shop.openid).not.toBe(site.openid);
    expect(site.unionid).toMatch(new RegExp(`^${OPENID}$`));
    expect(shop.unionid).toBe(site.unionid);
    const [siteProfile, shopProfile] = await Promise.all([profile(site), profile(shop)]);
    expect(siteProfile).toMatchObject({ openid: site.openid, unionid: site.unionid });
    expect(shopProfile).toMatchObject({ openid: shop.openid, unionid: site.unionid });
  });

  it('gives the same user the same openid on every login to one app', async () => {
    const first = await obtainTokens(base(), WEBSITE);
    const second = await obtainTokens(base(), WEBSITE);
    expect(second.openid).toBe(first.openid);
    expect(second.access_token).not.toBe(first.access_token);
  });

  it('gives different users different openids and unionids', async () => {
    const zhang = await obtainTokens(base(), WEBSITE, 'zhang-wei');
    const li = await obtainTokens(base(), WEBSITE, 'li-na');
    expect(li.openid).not.toBe(zhang.openid);
    expect(li.unionid).not.toBe(zhang.unionid);
  });

  it('never returns unionid for an app with no open-platform account', async () => {
    const code = (await authorize(base(), STANDALONE)).code;
    const res = await exchange(base(), STANDALONE, code);
    expect(res.text).toMatch(
      new RegExp(
        `^\\{"access_token":"${TOKEN}","expires_in":7200,"refresh_token":"${TOKEN}",` +
          `"openid":"${OPENID}","scope":"snsapi_login"\\}$`,
      ),
    );
    const info = await userinfo(base(), res.json());
    expect(info.text).toMatch(/"privilege":\[\]\}$/);
    expect(info.text).not.toContain('unionid');
  });

  it('exchanges a mobile app code with the mobile appid and secret', async () => {
    const site = await obtainTokens(base(), WEBSITE);
    const answer = await authorize(base(), MOBILE, { state: 'app-state' });
    expect(answer.location).toBe(`${MOBILE.appid}://oauth?code=${answer.code}&state=app-state`);
    const res = await exchange(base(), MOBILE, answer.code);
    const mobile = res.json<TokenBody>();
    expect(mobile).toMatchObject({ openid: answer.openid, scope: 'snsapi_userinfo' });
    expect(mobile.openid).not.toBe(site.openid);
    expect(mobile.unionid).toBe(site.unionid);
    expect(await profile(mobile)).toMatchObject({ nickname: '张伟', unionid: site.unionid });
  });

  it('refuses a mobile code exchanged with the website credentials', async () => {
    const { code } = await authorize(base(), MOBILE);
    expect((await exchange(base(), WEBSITE, code)).json<{ errcode: number }>().errcode).toBe(40029);
  });

  it('gives the Official Account unionid with snsapi_userinfo only', async () => {
    const site = await obtainTokens(base(), WEBSITE);
    const full = await obtainTokens(base(), OA, 'zhang-wei', 'snsapi_userinfo');
    expect(full).toMatchObject({ scope: 'snsapi_userinfo', unionid: site.unionid });
    const silent = await exchange(
      base(),
      OA,
      (await authorize(base(), OA, { scope: 'snsapi_base' })).code,
    );
    expect(silent.text).toMatch(/"scope":"snsapi_base"\}$/);
    expect(silent.text).not.toContain('unionid');
  });

  it('lists the same openids and unionids in /__mock/users', async () => {
    const site = await obtainTokens(base(), WEBSITE);
    const users = (await get(`${base()}/__mock/users`)).json<{
      users: { id: string; openids: Record<string, string>; unionids: Record<string, string> }[];
    }>().users;
    const zhang = users.find((user) => user.id === 'zhang-wei');
    expect(zhang?.openids[WEBSITE.appid]).toBe(site.openid);
    expect(zhang?.unionids['acme-games']).toBe(site.unionid);
    expect(new Set(Object.values(zhang?.openids ?? {})).size).toBe(5);
  });

  it('derives the same ids from the same seed and others from another seed', async () => {
    const site = await obtainTokens(base(), WEBSITE);
    const same = await startIdmock({ services: ['wechat'] });
    const other = await startIdmock({ services: ['wechat'], seed: 'another-seed' });
    try {
      const sameTokens = await obtainTokens(same.urls.wechat ?? '', WEBSITE);
      const otherTokens = await obtainTokens(other.urls.wechat ?? '', WEBSITE);
      expect(sameTokens).toMatchObject({ openid: site.openid, unionid: site.unionid });
      expect(otherTokens.openid).not.toBe(site.openid);
      expect(otherTokens.unionid).not.toBe(site.unionid);
      // Each world answers userinfo with its own ids, whichever world answered first.
      expect(await profile(site)).toMatchObject({ openid: site.openid, unionid: site.unionid });
      const otherProfile = await userinfo(other.urls.wechat ?? '', otherTokens);
      expect(otherProfile.json()).toMatchObject({
        openid: otherTokens.openid,
        unionid: otherTokens.unionid,
      });
    } finally {
      await Promise.all([same.stop(), other.stop()]);
    }
  });
});
