/** Page wording in Chinese (the default, as on graph.qq.com) and English (`lang=en`). */

/** Supported page languages. */
export type PageLang = 'zh' | 'en';

/** Picks the language from a `lang` parameter (`en`/`en_US`, anything else for Chinese). */
export function pageLang(lang: string | undefined): PageLang {
  return lang === 'en' || lang === 'en_US' ? 'en' : 'zh';
}

/** What the login page says a scope grants; unknown API names are shown as they are. */
const SCOPE_TEXT: Readonly<Record<PageLang, Readonly<Record<string, string>>>> = {
  zh: {
    get_user_info: '获得您的昵称、头像、性别',
    get_unionId: '获得您在本开发者旗下应用中的统一身份（UnionID）',
    all: '获得您的全部已授权信息',
  },
  en: {
    get_user_info: 'Your nickname, avatar and gender',
    get_unionId: 'Your UnionID across this developer’s apps',
    all: 'Everything you have authorised',
  },
};

/** Describes one scope for the consent list. */
export function scopeText(lang: PageLang, scope: string): string {
  return SCOPE_TEXT[lang][scope] ?? scope;
}

/** Every text the QQ pages show. */
export const QQ_TEXT = {
  zh: {
    title: 'QQ登录',
    appAsks: (name: string) => `${name} 将获得以下权限：`,
    pickPersona: '选择登录的QQ帐号',
    agree: '授权并登录',
    agreement: '授权后表明你已同意 QQ登录服务协议',
    switchLang: 'English',
    errorTitle: 'QQ登录',
    errorLead: '很抱歉！出现错误，请返回重试。',
    noUsers: '这个模拟世界里没有QQ用户。',
  },
  en: {
    title: 'QQ Login',
    appAsks: (name: string) => `${name} will be granted:`,
    pickPersona: 'QQ account logging in',
    agree: 'Authorize and log in',
    agreement: 'By authorizing you accept the QQ Login service agreement',
    switchLang: '中文',
    errorTitle: 'QQ Login',
    errorLead: 'Sorry, something went wrong. Go back and try again.',
    noUsers: 'This mocked world has no QQ users.',
  },
} as const;
