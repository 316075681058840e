#!/usr/bin/env bash
# QA walkthrough against a running `idmock start` (auth :7700, WeChat :7701 by default).
# Needs idmock, curl and jq; every `jq -e` check stops the script when an answer is not as expected.
set -euo pipefail

HOST=${IDMOCK_HOST:-127.0.0.1}
AUTH=http://$HOST:${IDMOCK_AUTH_PORT:-7700}
WECHAT=http://$HOST:${IDMOCK_WECHAT_PORT:-7701}
APP=wx3c4d5e6f708192a3                       # the mobile app the auth server logs in with
SECRET=2d3c4b5a69788796a5b4c3d2e1f00f1e
DEVICE=rs/device/dEv1ceS3cretF0rL0calTest1ngOnly0
KIDS=rs/kids/k1dsS3cretF0rL0calTest1ngOnly000  # the COPPA-compliant credential

# A WeChat login as persona $1; prints the token answer (access_token, openid, ...).
wechat_login() {
  local code
  code=$(idmock authorize "$APP" --as "$1")
  curl -fsS "$WECHAT/sns/oauth2/access_token?appid=$APP&secret=$SECRET&code=$code&grant_type=authorization_code"
}

# WeChatConnectRequest on credential path $1 with token answer $2 and extra fields $3 (JSON).
connect() {
  local body
  body=$(jq -c --argjson extra "${3:-"{}"}" \
    '{"@class": ".WeChatConnectRequest", accessToken: .access_token, openId: .openid} + $extra' <<<"$2")
  curl -fsS -X POST -H 'content-type: application/json' -d "$body" "$AUTH/$1/WeChatConnectRequest"
}

echo '1. COPPA: a social connect on the COPPA credential is refused'
token=$(wechat_login zhang-wei)
connect "$KIDS" "$token" | jq -e '.error.authentication == "COPPA restricted"'

echo '2. Unregistered user: li-na has no player until she connects'
idmock scenario apply unregistered-wechat-user
token=$(wechat_login li-na)
connect "$DEVICE" "$token" '{"doNotCreateNewPlayer": true}' | jq -e '.error.accessToken == "UNRECOGNISED"'
connect "$DEVICE" "$token" | jq -e '.newPlayer == true and .displayName == "李娜"'

echo '3. Expired token: two hours later the same token no longer signs in'
token=$(wechat_login zhang-wei)
connect "$DEVICE" "$token" | jq -e '.newPlayer == false and .displayName == "张伟"'
idmock clock advance 2h1s
connect "$DEVICE" "$token" | jq -e '.error.accessToken == "NOTAUTHENTICATED"'
idmock clock reset

echo '4. Rate limit: WeChat answers 45011 once, then the retry goes through'
idmock fault add wechat.exchangeCode --error minuteQuota --times 1
wechat_login zhang-wei | jq -e '.errcode == 45011'
wechat_login zhang-wei | jq -e 'has("access_token")'
idmock fault list | grep -q 'no faults'

echo 'QA script passed'
