/** Page wording in Chinese (the default) and English (`lang=en`). */

/** Supported page languages. */
export type PageLang = 'cn' | 'en';

/** Picks the language from a `lang` parameter (`en` or anything else for Chinese). */
export function pageLang(lang: string | undefined): PageLang {
  return lang === 'en' || lang === 'en_US' ? 'en' : 'cn';
}

/** Every text the WeChat pages show. */
export const WECHAT_TEXT = {
  cn: {
    title: '微信登录',
    scanTip: '请使用微信扫描二维码登录',
    appLine: (name: string) => `“${name}”`,
    afterScanTitle: '扫描成功',
    afterScanTip: '请在微信中点击确认即可登录',
    afterCancelTitle: '您已取消此次登录',
    afterCancelTip: '您可再次扫描登录，或关闭窗口',
    expiredTitle: '二维码已失效',
    expiredTip: '正在刷新二维码…',
    switchLang: 'English',
    confirmTitle: '微信登录确认',
    confirmApp: (name: string) => `${name} 申请使用你的微信帐号登录`,
    confirmGrants: '获得你的公开信息（昵称、头像等）',
    pickPersona: '选择登录的微信用户',
    agree: '确认登录',
    cancel: '取消登录',
    confirmedTitle: '已确认登录',
    confirmedTip: '请在电脑上继续操作',
    cancelledTitle: '已取消登录',
    invalidTitle: '二维码已失效',
    invalidTip: '请在电脑上刷新二维码后重新扫描',
    oaTitle: '授权登录',
    oaAsk: (name: string) => `${name} 申请获得以下权限`,
    oaGrant: '获得你的公开信息（昵称、头像等）',
    oaBaseTip: '选择当前使用微信的用户（静默授权）',
    allow: '允许',
    deny: '拒绝',
    errorTitle: '微信登录',
  },
  en: {
    title: 'WeChat Login',
    scanTip: 'Scan the QR code with WeChat to log in',
    appLine: (name: string) => `"${name}"`,
    afterScanTitle: 'Scanned',
    afterScanTip: 'Tap Confirm in WeChat to log in',
    afterCancelTitle: 'You cancelled this login',
    afterCancelTip: 'Scan again to log in, or close this window',
    expiredTitle: 'QR code expired',
    expiredTip: 'Refreshing the QR code…',
    switchLang: '中文',
    confirmTitle: 'Confirm WeChat login',
    confirmApp: (name: string) => `${name} wants to log in with your WeChat account`,
    confirmGrants: 'Access your public profile (nickname, avatar)',
    pickPersona: 'WeChat user logging in',
    agree: 'Log In',
    cancel: 'Cancel',
    confirmedTitle: 'Login confirmed',
    confirmedTip: 'Continue on your computer',
    cancelledTitle: 'Login cancelled',
    invalidTitle: 'QR code expired',
    invalidTip: 'Refresh the QR code on your computer and scan again',
    oaTitle: 'Authorize',
    oaAsk: (name: string) => `${name} requests the following permission`,
    oaGrant: 'Access your public profile (nickname, avatar)',
    oaBaseTip: 'Pick the WeChat user of this phone (silent authorization)',
    allow: 'Allow',
    deny: 'Deny',
    errorTitle: 'WeChat Login',
  },
} as const;
