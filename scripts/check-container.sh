#!/usr/bin/env bash
# What can be checked of the container on a machine without a Docker engine (CI here has none):
#  1. the Dockerfile's own `dotnet publish` line, run as written (output redirected to a temp folder), gives an
#     app that starts on ASP.NET Core's runtime the way the image runs it (ASPNETCORE_HTTP_PORTS) and answers its
#     probes, and the image's HEALTHCHECK command (`dotnet MediaProxy.Api.dll probe`) reports it healthy;
#  2. docker-compose.yml parses, with and without the observability profile (`docker-compose config`, Debian's
#     docker-compose, installed when missing), and every service has a healthcheck.
# Not checked here: the image build itself and the base images (scripts/build-image.sh builds and runs the image
# with podman on locally made stand-ins for the base images). Prints one line per check.
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
refusal="$(cd "$out" && ASPNETCORE_HTTP_PORTS="$port" ASPNETCORE_ENVIRONMENT=Production timeout 60 dotnet MediaProxy.Api.dll 2>&1)"
code=$?
set -e
if [[ "$code" != 1 || "$(printf '%s\n' "$refusal" | wc -l)" != 1 || "$refusal" != "MediaProxy refused to start: "* ]]; then
  echo "container: the unconfigured app in Production should refuse to start with one line and exit code 1; got $code:" >&2
  printf '%s\n' "$refusal" >&2; exit 1
fi
echo "container: unconfigured in Production, the published app refuses to start (${refusal:0:90}…)"

# Configured as the image runs it alone: Production, the embedded store durable in a data directory (the image's
# /data volume), and the simulator asked for explicitly.
port="$(free_port)"
(cd "$out" && ASPNETCORE_HTTP_PORTS="$port" ASPNETCORE_ENVIRONMENT=Production \
  MediaProxy__Embedded__DataDirectory="$out/data" MediaProxy__Upstream__Simulate=true \
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
healthcheck="$(grep -E '^ +CMD \["dotnet", "/app/MediaProxy.Api.dll", "probe"\]' Dockerfile | sed -e 's/^ *CMD //')"
[[ -n "$healthcheck" ]] || { echo "container: no HEALTHCHECK probe command in the Dockerfile" >&2; exit 1; }
if ! probe_output="$(cd "$out" && ASPNETCORE_HTTP_PORTS="$port" dotnet MediaProxy.Api.dll probe)"; then
  echo "container: the HEALTHCHECK probe failed: $probe_output" >&2; cat "$out/app.log" >&2; exit 1
fi
echo "container: Dockerfile publish line OK, the published app answers its probes (port $port), HEALTHCHECK probe: $probe_output"

if ! command -v docker-compose >/dev/null 2>&1; then
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile observability config -q
services="$(docker-compose -f docker-compose.yml --profile observability config --services | sort | tr '\n' ' ')"
config="$(docker-compose -f docker-compose.yml --profile observability config)"
for service in $services; do
  # The service's block in the normalised output, up to the next service: it must have a healthcheck.
  block="$(awk -v s="  $service:" '$0 == s { on = 1; next } on && /^  [a-z]/ { on = 0 } on' <<<"$config")"
  grep -q '^    healthcheck:' <<<"$block" || { echo "container: service $service has no healthcheck" >&2; exit 1; }
done
echo "container: docker-compose.yml parses, every service has a healthcheck ($services)"
