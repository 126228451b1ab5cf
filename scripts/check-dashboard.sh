#!/usr/bin/env bash
# The Grafana dashboard's queries, checked by Prometheus itself (Debian's prometheus, installed when missing):
#  1. promtool parses every PromQL expression of deploy/observability/grafana/dashboards/mediaproxy.json;
#  2. a proxy (Release build) in front of a second instance as its simulated upstream (real HTTP, as in compose)
#     plays a few playbacks; Prometheus scrapes it every second, and every query must return data.
# Grafana itself is not run (not in Debian). Prints one line per check; builds MediaProxy.Api (Release) if needed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

dashboard=deploy/observability/grafana/dashboards/mediaproxy.json
dll=MediaProxy.Api/bin/Release/net10.0/MediaProxy.Api.dll
[[ -f "$dll" ]] || dotnet build MediaProxy.Api/MediaProxy.Api.csproj -c Release -nologo -v quiet >/dev/null
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# Grafana's $__rate_interval is at least four scrape intervals; 1m stands in for it here.
python3 - "$dashboard" "$work/queries.txt" <<'PY'
import json, sys
panels = json.load(open(sys.argv[1]))["panels"]
with open(sys.argv[2], "w") as out:
    for panel in panels:
        for target in panel.get("targets", []):
            out.write(target["expr"].replace("$__rate_interval", "1m") + "\n")
PY
{ echo "groups:"; echo "  - name: dashboard"; echo "    rules:"; n=0
  while IFS= read -r query; do n=$((n + 1)); echo "      - record: dashboard:query$n"; echo "        expr: $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$query")"; done <"$work/queries.txt"
} >"$work/rules.yml"
promtool check rules "$work/rules.yml" >/dev/null
echo "dashboard: promtool parses all $(wc -l <"$work/queries.txt") queries"

upstream_port="$(free_port)"; proxy_port="$(free_port)"; prom_port="$(free_port)"
# Both run as Production does (the default environment): each on a durable embedded store of its own, and the
# upstream instance asks for its simulator explicitly.
ASPNETCORE_HTTP_PORTS="$upstream_port" MediaProxy__Upstream__Simulate=true MediaProxy__Simulator__SessionLatency=00:00:01 \
  MediaProxy__Embedded__DataDirectory="$work/upstream-data" dotnet "$dll" >"$work/upstream.log" 2>&1 &
pids+=($!)
ASPNETCORE_HTTP_PORTS="$proxy_port" MediaProxy__Upstream__BaseUrl="http://127.0.0.1:$upstream_port/simulator" \
  MediaProxy__Tracking__TrackingServer=example.sc.omtrdc.net MediaProxy__Tracking__ReportSuite=examplersid \
  MediaProxy__Tracking__MarketingCloudOrgId=ABC123@AdobeOrg MediaProxy__Playbacks__MetricsSampleInterval=00:00:01 \
  MediaProxy__Embedded__DataDirectory="$work/proxy-data" dotnet "$dll" >"$work/proxy.log" 2>&1 &
pids+=($!)
for name in upstream proxy; do
  port="$upstream_port"; [[ "$name" == proxy ]] && port="$proxy_port"
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "dashboard: the $name did not start:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
done
cat >"$work/prometheus.yml" <<YML
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: mediaproxy
    static_configs: [ { targets: ["127.0.0.1:$proxy_port"] } ]
YML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

post() { curl -s -o /dev/null -w '%{http_code} ' -H 'Content-Type: application/json' "http://127.0.0.1:$proxy_port/v1/playbacks/$1/events" -d "$2"; }
for i in 1 2 3; do
  key="$(python3 -c 'import uuid; print(uuid.uuid4())')"
  post "$key" '{"playerTime":{"playhead":0,"ts":1732500000000},"eventType":"sessionStart","params":{"media.id":"dash-'"$i"'","media.length":60,"media.contentType":"VOD","media.playerName":"p","media.channel":"c"}}'
  post "$key" '[{"playerTime":{"playhead":0,"ts":1732500000500},"eventType":"play"},{"playerTime":{"playhead":1,"ts":1732500001000},"eventType":"ping"}]'
done >/dev/null
sleep 4
for i in $(seq 1 20); do post "$key" '{"playerTime":{"playhead":'"$i"',"ts":'"$((1732500002000 + i))"'},"eventType":"ping"}' >/dev/null; sleep 0.5; done
sleep 3

empty=0
while IFS= read -r query; do
  result="$(curl -s --get "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$query")"
  count="$(python3 -c 'import json,sys; r = json.loads(sys.argv[1]); print(len(r["data"]["result"]) if r.get("status") == "success" else -1)' "$result")"
  if [[ "$count" -le 0 ]]; then echo "dashboard: no data for $query: $result" >&2; empty=$((empty + 1)); fi
done <"$work/queries.txt"
[[ "$empty" -eq 0 ]] || { echo "dashboard: $empty queries returned no data" >&2; exit 1; }
echo "dashboard: every query returns data from Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') scraping a proxy that played 3 playbacks"
