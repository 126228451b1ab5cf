#!/usr/bin/env bash
# Builds the Dockerfile with podman and runs the image, on a machine where the base images cannot be pulled
# (no registry but Debian's, NuGet and npm is reachable here): it first makes local stand-ins for them and tags
# them with the names the Dockerfile pins. The stand-ins are Debian bookworm (debootstrap) plus this machine's
# .NET: the SDK stage gets the whole SDK, the runtime stage only the runtimes and the non-root user `app`
# (uid 1654, APP_UID) as Microsoft's aspnet image has. So this proves the Dockerfile's steps, the published app,
# the HEALTHCHECK command and the non-root user; not Microsoft's images themselves.
#   bash scripts/build-image.sh        (as root; installs podman and debootstrap with apt-get when missing)
# Work files go to $MEDIAPROXY_IMAGE_WORK (default /tmp/mediaproxy-image), podman storage included, so nothing
# touches the machine's own podman storage.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

work="${MEDIAPROXY_IMAGE_WORK:-/tmp/mediaproxy-image}"
mkdir -p "$work"
for tool in podman debootstrap; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$tool" crun >/dev/null
done
pm() { podman --root "$work/storage" --runroot "$work/run" --storage-driver vfs --cgroup-manager cgroupfs "$@"; }

sdk_image="$(grep -E '^FROM .*/sdk:' Dockerfile | awk '{print $2}')"
runtime_image="$(grep -E '^FROM .*/aspnet:' Dockerfile | awk '{print $2}')"
dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
sdk_version="${sdk_image##*:}"
runtime_version="${runtime_image##*:}"
[[ -d "$dotnet_root/sdk/$sdk_version" ]] || { echo "image: the Dockerfile pins SDK $sdk_version; this machine has $(ls "$dotnet_root/sdk")" >&2; exit 1; }
[[ -d "$dotnet_root/shared/Microsoft.AspNetCore.App/$runtime_version" ]] || { echo "image: the Dockerfile pins runtime $runtime_version; this machine has $(ls "$dotnet_root/shared/Microsoft.AspNetCore.App")" >&2; exit 1; }

if [[ ! -x "$work/debian/bin/sh" ]]; then
  echo "image: debootstrap bookworm (minbase) into $work/debian"
  rm -rf "$work/debian"
  debootstrap --variant=minbase bookworm "$work/debian" http://deb.debian.org/debian >"$work/debootstrap.log"
  cp /etc/resolv.conf "$work/debian/etc/resolv.conf"
  chroot "$work/debian" apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null
fi

# rootfs_with NAME PARTS...: Debian plus the given parts of this machine's .NET under /usr/share/dotnet.
rootfs_with() {
  local dir="$work/$1"; shift
  rm -rf "$dir" && cp -a "$work/debian" "$dir"
  mkdir -p "$dir/usr/share/dotnet"
  local part
  for part in "$@"; do cp -a "$dotnet_root/$part" "$dir/usr/share/dotnet/"; done
  ln -sf /usr/share/dotnet/dotnet "$dir/usr/bin/dotnet"
}

if ! pm image exists "$sdk_image"; then
  echo "image: stand-in for $sdk_image"
  rootfs_with sdk dotnet host shared sdk packs sdk-manifests templates
  # This machine's trust store: its way to NuGet may pass a TLS proxy with a root of its own.
  cp -a /etc/ssl/certs/. "$work/sdk/etc/ssl/certs/"
  tar -C "$work/sdk" -c . | pm import \
    --change "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt" --change "ENV SSL_CERT_DIR=/etc/ssl/certs" \
    --change "ENV NUGET_CERT_REVOCATION_MODE=${NUGET_CERT_REVOCATION_MODE:-online}" \
    --change "ENV DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true" --change "ENV DOTNET_RUNNING_IN_CONTAINER=true" \
    --change "ENV DOTNET_NOLOGO=true" - "$sdk_image" >/dev/null
fi
if ! pm image exists "$runtime_image"; then
  echo "image: stand-in for $runtime_image"
  rootfs_with aspnet dotnet host shared
  chroot "$work/aspnet" groupadd --gid 1654 app
  chroot "$work/aspnet" useradd --uid 1654 --gid 1654 --no-create-home --shell /bin/false app
  tar -C "$work/aspnet" -c . | pm import \
    --change "ENV APP_UID=1654" --change "ENV ASPNETCORE_HTTP_PORTS=8080" --change "ENV DOTNET_RUNNING_IN_CONTAINER=true" \
    - "$runtime_image" >/dev/null
fi

echo "image: podman build (chroot isolation, no pulls)"
pm build --pull=never --no-cache --isolation chroot --network host --format docker -t mediaproxy:local . >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
echo "image: built mediaproxy:local: $(pm image inspect mediaproxy:local --format 'user {{.Config.User}}, healthcheck {{.Config.Healthcheck}}, entrypoint {{.Config.Entrypoint}}')"

# Run it. `podman run` needs an OCI runtime that may set resource limits; where the sandbox refuses that, the
# image's own file system is run with chroot instead, as the image's user, with the image's environment.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
app_pid=""
cleanup() {
  if [[ -n "$app_pid" ]]; then kill "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; fi
  pm rm -f mediaproxy-image-check >/dev/null 2>&1 || true
  if [[ -n "${rootfs:-}" ]]; then umount "$rootfs/proc" "$rootfs/dev" 2>/dev/null || true; fi
  pm image unmount mediaproxy:local >/dev/null 2>&1 || true
}
trap cleanup EXIT
if pm run -d --name mediaproxy-image-check --network host -e ASPNETCORE_HTTP_PORTS="$port" mediaproxy:local >/dev/null 2>"$work/run.err"; then
  how="podman run"
  probe() { pm healthcheck run mediaproxy-image-check; }
  whoami_in() { pm exec mediaproxy-image-check id -u; }
else
  how="chroot into the image's file system (podman run: $(tail -1 "$work/run.err"))"
  rootfs="$(pm image mount mediaproxy:local)"
  # What a container runtime would provide: the runtime reads /proc, and /dev/null and friends.
  mount -t proc proc "$rootfs/proc"
  mount --bind /dev "$rootfs/dev"
  user="$(pm image inspect mediaproxy:local --format '{{.Config.User}}')"
  mapfile -t image_env < <(pm image inspect mediaproxy:local --format '{{range .Config.Env}}{{println .}}{{end}}' | grep -v '^$')
  in_image() { chroot --userspec="$user:$user" "$rootfs" /usr/bin/env -i "${image_env[@]}" ASPNETCORE_HTTP_PORTS="$port" HOME=/tmp "$@"; }
  (cd / && exec chroot --userspec="$user:$user" "$rootfs" /usr/bin/env -i "${image_env[@]}" ASPNETCORE_HTTP_PORTS="$port" HOME=/tmp \
    sh -c 'cd /app && exec dotnet MediaProxy.Api.dll') >"$work/app.log" 2>&1 &
  app_pid=$!
  probe() { in_image dotnet /app/MediaProxy.Api.dll probe; }
  whoami_in() { echo "$user"; }
fi
for _ in $(seq 1 60); do
  if probe >"$work/probe.log" 2>&1; then
    echo "image: ran by $how as uid $(whoami_in); the HEALTHCHECK command says: $(cat "$work/probe.log")"
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/demo/")"
    echo "image: GET /demo/ -> $code"
    exit 0
  fi
  sleep 1
done
echo "image: the HEALTHCHECK command never reported healthy ($how): $(cat "$work/probe.log")" >&2
cat "$work/app.log" >&2 || true
exit 1
