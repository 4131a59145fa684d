#!/usr/bin/env bash
# Sends a few realistic owner reports to careloop.intake.v1 of the running local stack and prints
# the case events CareLoop emits for them on careloop.cases.v1.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ -s "$bootstrap_file" ] || { echo "demo: the stack is not up (run make up)" >&2; exit 1; }
bootstrap=$(cat "$bootstrap_file")
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run=$(date +%s)
send() { # key, json
    local id="demo-$run-$((++count))"
    printf '%s' "$2" | kcat -P -b "$bootstrap" -t careloop.intake.v1 -k "$1" \
        -H "ce_specversion=1.0" -H "ce_id=$id" -H "ce_source=crm://demo/hotline" \
        -H "ce_type=careloop.voice.submitted" -H "ce_time=$now" -H "content-type=application/json"
    echo "  sent $id ($1)"
}
count=0
echo "demo: sending owner reports"
send shenzhen/SZ-FSG '{"kind":"repair","channel":"hotline","submitted_at":"'"$now"'","owner":{"id":"OWN-88231","name":"Li Wei","phone":"+8613800138000","language":"zh-CN"},"property":{"city":"shenzhen","project":"SZ-FSG","building":"12","unit":"1203"},"title":"Kitchen tap leaking","description":"Water drips from under the sink since yesterday.","category_hint":"engineering.plumbing"}'
send shenzhen/SZ-FSG '{"kind":"complaint","channel":"wechat","submitted_at":"'"$now"'","owner":{"id":"OWN-88232"},"property":{"city":"shenzhen","project":"SZ-FSG","building":"3","unit":"502"},"title":"卫生间漏水","description":"卫生间天花板渗水，楼上装修后开始漏水，已经三天了。"}'
send wuhan/WH-LKC '{"kind":"inquiry","channel":"app","submitted_at":"'"$now"'","owner":{"id":"OWN-10001"},"property":{"city":"wuhan","project":"WH-LKC"},"description":"请问房产证什么时候可以办理？"}'
send wuhan/WH-LKC '{"kind":"praise","channel":"front_desk","submitted_at":"'"$now"'","owner":{"id":"OWN-10002"},"property":{"city":"wuhan","project":"WH-LKC","building":"7"},"description":"Thanks to the security team for helping with my parcel."}'
send shenzhen/SZ-FSG '{"kind":"repair","channel":"hotline","submitted_at":"not-a-time","owner":{},"property":{"city":"shenzhen"}}'
echo "demo: the last one is malformed on purpose and goes to careloop.intake.v1.dlt"
sleep 3
echo "demo: case events on careloop.cases.v1 (key, type, data)"
kcat -C -b "$bootstrap" -t careloop.cases.v1 -o beginning -e -q -f '%k  %h\n    %s\n' 2>/dev/null | tail -n 20 || true
echo "demo: dead letters on careloop.intake.v1.dlt"
kcat -C -b "$bootstrap" -t careloop.intake.v1.dlt -o beginning -e -q -f '%h\n' 2>/dev/null | tr ',' '\n' | grep -E 'careloop_error|ce_id' | tail -n 6 || true
