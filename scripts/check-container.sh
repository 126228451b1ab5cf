#!/usr/bin/env bash
# What can be checked of the container on a machine without a Docker engine (CI here has none):
#  1. the Dockerfile's own `dotnet publish` line, run as written (output redirected to a temp folder), gives an
#     app that starts on ASP.NET Core's runtime the way the image runs it and answers its probes;
#  2. docker-compose.yml parses (`docker-compose config`, Debian's docker-compose, installed when missing).
# Not checked here: the image build itself, the base images, the non-root user. Prints one line per check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [[ "$(id -u)" -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
out="$(mktemp -d)"
app_pid=""
cleanup() {
  if [[ -n "$app_pid" ]]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
  rm -rf "$out"
}
trap cleanup EXIT

publish="$(grep -E '^RUN dotnet publish ' Dockerfile | sed -e 's/^RUN //')"
[[ -n "$publish" ]] || { echo "container: no 'RUN dotnet publish' line in the Dockerfile" >&2; exit 1; }
publish="${publish/-o \/app/-o $out}"
dotnet restore MediaProxy.Api/MediaProxy.Api.csproj >/dev/null
eval "$publish" >/dev/null
test -f "$out/MediaProxy.Api.dll" || { echo "container: publish wrote no MediaProxy.Api.dll" >&2; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# Production with nothing configured fails closed: one line naming the setting, exit code 1, nothing started.
port="$(free_port)"
set +e
refusal="$(cd "$out" && ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production timeout 60 dotnet MediaProxy.Api.dll 2>&1)"
code=$?
set -e
if [[ "$code" != 1 || "$(printf '%s\n' "$refusal" | wc -l)" != 1 || "$refusal" != "MediaProxy refused to start: "* ]]; then
  echo "container: the unconfigured app in Production should refuse to start with one line and exit code 1; got $code:" >&2
  printf '%s\n' "$refusal" >&2; exit 1
fi
echo "container: unconfigured in Production, the published app refuses to start (${refusal:0:90}…)"

# Configured as Production requires: a durable store (a Redis address; nothing listens there, and the probes checked
# here do not need it: /health/ready would answer 503) and the simulator asked for explicitly.
port="$(free_port)"
(cd "$out" && ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_ENVIRONMENT=Production \
  ConnectionStrings__Redis="127.0.0.1:$(free_port),connectTimeout=500" MediaProxy__Upstream__Simulate=true \
  exec dotnet MediaProxy.Api.dll >"$out/app.log" 2>&1) &
app_pid=$!
for path in /health/live /swagger/v1/swagger.json /client/mediaproxy.js /demo/; do
  code=000
  for _ in $(seq 1 60); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path" || true)"
    [[ "$code" == 000 ]] || break
    sleep 0.5
  done
  if [[ "$code" != 200 ]]; then
    # Static assets arrive with the JS client; until then only the probes must answer.
    if [[ "$path" == /health/live || "$path" == /swagger/* || -e "MediaProxy.Api/wwwroot${path%/}" ]]; then
      echo "container: the published app answered $code on $path" >&2; cat "$out/app.log" >&2; exit 1
    fi
  fi
done
echo "container: Dockerfile publish line OK, the published app answers its probes (port $port)"

if ! command -v docker-compose >/dev/null 2>&1; then
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config -q
echo "container: docker-compose.yml parses ($(docker-compose -f docker-compose.yml config --services | tr '\n' ' '))"
