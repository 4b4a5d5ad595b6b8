#!/usr/bin/env bash
# Cross-compile bulletin for the systems offices use and smoke-test each build where it will run:
#
#   x86_64-pc-windows-gnu       (mingw-w64)                            under Wine
#   aarch64-unknown-linux-musl  (static: runs on any aarch64 Linux,    under qemu-user
#                                UOS and Kylin on 鲲鹏/飞腾 included)
#
# Each binary builds the sample site (and must write exactly the bytes the host build writes),
# makes a site with `init 我的简报` and imports the seed and a GB18030 + CRLF bulletin into it,
# runs `check` and builds it; the Windows one also runs `serve`, answers HTTP on loopback and
# follows one edit of an article, and started with no arguments prints its help from cmd.exe and
# serves the 工作台 for 我的简报 next to it when alone on its console (a double-click, made by
# .ci/double-click.c). The static link and the Windows imports are checked too.
#
# Run by .ci/run after the tests; on its own: `bash .ci/cross.sh`. It installs what it needs on
# Debian 12 (apt-get, rustup targets), runs as root or with sudo, reads nothing from stdin, and
# fails loudly (never skips) when anything is missing or wrong. It prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
started=$SECONDS
step_start=$SECONDS

step() {
  if [ -n "${step_name:-}" ]; then
    echo "    ($step_name: $((SECONDS - step_start)) s)"
  fi
  step_name=$1
  step_start=$SECONDS
  echo "--- cross: $1"
}
fail() {
  echo "error: cross: $*" >&2
  exit 1
}

WIN=x86_64-pc-windows-gnu
ARM=aarch64-unknown-linux-musl
PROFILE=cross-ci
target_dir=${CARGO_TARGET_DIR:-$repo/target}

step "system packages"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
# musl's headers and start files for aarch64 come from Debian's arm64 musl-dev (multiarch).
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
  added_arch=1
fi
need=()
for pkg in gcc-mingw-w64-x86-64 gcc-aarch64-linux-gnu qemu-user wine64 musl-dev:arm64 curl; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ] || [ -n "${added_arch:-}" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
for tool in x86_64-w64-mingw32-gcc aarch64-linux-gnu-gcc qemu-aarch64 /usr/lib/wine/wine64 curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing after installing the packages"
done
[ -f /usr/lib/aarch64-linux-musl/musl-gcc.specs ] || fail "musl-dev:arm64 did not install musl-gcc.specs"

step "rustup targets"
rustup target add "$WIN" "$ARM" >/dev/null

step "build for Windows x86-64 ($WIN, profile $PROFILE)"
nice -n 10 cargo build --locked --profile "$PROFILE" --target "$WIN"
win_exe=$target_dir/$WIN/$PROFILE/bulletin.exe

step "build for Linux aarch64 ($ARM, profile $PROFILE)"
# mimalloc is C: compile it against musl's headers (see the wrapper), link with Debian's gcc.
CC_aarch64_unknown_linux_musl=$repo/.ci/aarch64-linux-musl-gcc \
  CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=aarch64-linux-gnu-gcc \
  nice -n 10 cargo build --locked --profile "$PROFILE" --target "$ARM"
arm_bin=$target_dir/$ARM/$PROFILE/bulletin

step "host build (the reference output)"
# The binary `cargo test` builds (after .ci/run's tests, nothing to do). `cargo build --bin`
# would resolve features without the dev-dependencies and compile hyper, reqwest and OpenDAL
# again (125 s of a cold run).
cargo test --locked --no-run > /dev/null 2>&1 || cargo test --locked --no-run
host_bin=$target_dir/debug/bulletin

step "what the binaries need from the system"
# The aarch64 binary must need no C library at all: no program interpreter, no shared libraries.
if aarch64-linux-gnu-readelf -lW "$arm_bin" | grep -q "INTERP"; then
  fail "$arm_bin is dynamically linked; it must be static to run on UOS/Kylin's older glibc"
fi
aarch64-linux-gnu-readelf -dW "$arm_bin" | grep -q "NEEDED" && fail "$arm_bin needs shared libraries"
# The Windows binary may import only DLLs every Windows 10 has: no mingw runtime DLLs
# (libgcc_s_seh-1.dll, libwinpthread-1.dll) that a user would not have. combase.dll (COM's base,
# in System32 since Windows 8) comes with iana-time-zone, chrono's local clock, which OpenDAL enables.
dlls=$(x86_64-w64-mingw32-objdump -p "$win_exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
echo "$dlls" | sed 's/^/    imports /'
for dll in $dlls; do
  case $dll in
    kernel32.dll | ntdll.dll | msvcrt.dll | ws2_32.dll | userenv.dll | advapi32.dll | bcrypt.dll | \
      bcryptprimitives.dll | api-ms-win-core-synch-l1-2-0.dll | shell32.dll | ole32.dll | oleaut32.dll | \
      user32.dll | secur32.dll | crypt32.dll | iphlpapi.dll | combase.dll) ;;
    *) fail "$win_exe imports $dll, which Windows does not ship" ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bulletin-cross.XXXXXX")
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  [ -n "${WINEPREFIX:-}" ] && /usr/lib/wine/wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The smoke test both binaries pass: `run` runs the binary under test in the current folder.
smoke() {
  local name=$1
  mkdir -p "$work/$name" && cd "$work/$name"
  cp -r "$repo/content" "$repo/site.yaml" .
  mkdir sample && mv content site.yaml sample/

  run build --root sample > build.log 2>&1 || { cat build.log; fail "$name: building the sample failed"; }
  "$host_bin" build --root sample --output "$work/host-output" > /dev/null 2>&1 \
    || fail "the host build of the sample failed"
  diff -r "$work/host-output" sample/output > sample.diff \
    || { head -50 sample.diff; fail "$name: the sample's output differs from the host build's"; }
  rm -rf "$work/host-output"

  run init 我的简报 > init.log 2>&1 || { cat init.log; fail "$name: init 我的简报 failed"; }
  run build --root 我的简报 > init-build.log 2>&1 \
    || { cat init-build.log; fail "$name: the site init made does not build"; }
  # The sample's vocabulary (counties, topics, city), which the seed's import is checked against,
  # in place of init's example issue.
  cp "$repo/site.yaml" 我的简报/site.yaml
  rm -r 我的简报/content/*
  cp "$repo/seeds/ganzhou-wuxing-2021-125.txt" "$repo/tests/fixtures/import/gb18030-crlf.txt" .
  run import --root 我的简报 ganzhou-wuxing-2021-125.txt gb18030-crlf.txt > import.log 2>&1 \
    || { cat import.log; fail "$name: importing the seed and gb18030-crlf.txt failed"; }
  grep -q "于都县" import.log || { cat import.log; fail "$name: import's summary lost its Chinese text"; }
  diff -r "$repo/content/2021-125" 我的简报/content/2021-125 > import.diff \
    || { head -50 import.diff; fail "$name: the imported seed differs from the repository's content/2021-125"; }
  # gb18030-crlf.txt's masthead says 内部资料: import writes `classification: 内部资料` and the build
  # refuses the issue until someone records that it may go online (docs/review.md). Record it.
  grep -q "classification: 内部资料" 我的简报/content/2021-008/_index.md \
    || fail "$name: the 内部资料 mark of gb18030-crlf.txt was not written into _index.md"
  sed -i '0,/^---$/s//---\npublic: 主动公开/' 我的简报/content/2021-008/_index.md
  # A file name with Chinese characters and spaces, published with its issue.
  echo "附件" > "我的简报/content/2021-125/附件 1 实施方案.txt"
  run check --root 我的简报 > check.log 2>&1 || { cat check.log; fail "$name: check failed"; }
  run build --root 我的简报 > build2.log 2>&1 || { cat build2.log; fail "$name: building the imported site failed"; }
  [ -f "我的简报/output/issues/2021-125/附件 1 实施方案.txt" ] \
    || fail "$name: the attachment with a Chinese name was not published"
  grep -q "章贡区" 我的简报/output/issues/2021-008/index.html \
    || fail "$name: the GB18030 bulletin's issue (2021-008) was not built with its text"
  "$host_bin" build --root 我的简报 --output "$work/host-output" > /dev/null 2>&1 \
    || fail "the host build of the imported site failed"
  diff -r "$work/host-output" 我的简报/output > site.diff \
    || { head -50 site.diff; fail "$name: the imported site's output differs from the host build's"; }
  rm -rf "$work/host-output"
  cd "$repo"
}

step "smoke test of Linux aarch64 under qemu-user"
run() { qemu-aarch64 "$arm_bin" "$@" < /dev/null; }
smoke aarch64

step "Wine prefix and the shims for Debian's Wine 8"
export WINEPREFIX=$work/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# Wine reads the command line in the locale's encoding: UTF-8, or 我的简报 arrives as ????.
export LC_ALL=C.UTF-8
/usr/lib/wine/wine64 wineboot --init < /dev/null > "$work/wineboot.log" 2>&1 \
  || { cat "$work/wineboot.log"; fail "wineboot failed"; }
win_dir=$work/win-bin
mkdir -p "$win_dir"
cp "$win_exe" "$win_dir/"
# See .ci/wine-shims/README.md: DLLs Rust programs import that Debian 12's Wine lacks.
shims=$repo/.ci/wine-shims
x86_64-w64-mingw32-gcc -O2 -shared -nostdlib -e DllMain -o "$win_dir/api-ms-win-core-synch-l1-2-0.dll" \
  "$shims/synch.c" "$shims/synch.def" -lkernel32
x86_64-w64-mingw32-gcc -O2 -shared -nostdlib -e DllMain -o "$win_dir/bcryptprimitives.dll" \
  "$shims/bcryptprimitives.c" "$shims/bcryptprimitives.def" -lbcrypt -lkernel32

step "smoke test of Windows x86-64 under Wine"
run() { /usr/lib/wine/wine64 "$win_dir/bulletin.exe" "$@" < /dev/null; }
smoke windows

step "a site deeper than Windows' 260-character path limit, under Wine"
cd "$work/windows"
deep=long$(printf '/很长的文件夹名称用来测试长路径%.0s' $(seq 1 18))
mkdir -p "$deep" && cp -r "$repo/content" "$repo/site.yaml" "$deep/"
run build --root "$deep" > long.log 2>&1 || { cat long.log; fail "building a site under a long path failed"; }
page_file="$deep/output/issues/2021-125/renshe-jiuye/index.html"
[ ${#page_file} -gt 300 ] || fail "the long path is only ${#page_file} characters"
[ -f "$page_file" ] || fail "the site under a long path was not written"
cd "$repo"

step "serve under Wine: HTTP on loopback, following an edit; the output folder held"
cd "$work/windows"
# Started inside the sample's output folder, so it also holds that folder the way a terminal
# `cd`'d into it does on Windows (Wine, like Windows, then refuses to rename it).
(cd sample/output && exec /usr/lib/wine/wine64 "$win_dir/bulletin.exe" serve --root .. --port 0 < /dev/null > ../../serve.log 2>&1) &
serve_pid=$!
url=""
for _ in $(seq 1 120); do
  url=$(sed -n 's/.* at \(http:[^ ]*\) (Ctrl-C.*/\1/p' serve.log | tr -d '\r')
  [ -n "$url" ] && break
  kill -0 "$serve_pid" 2>/dev/null || { cat serve.log; fail "serve exited before serving"; }
  sleep 0.5
done
[ -n "$url" ] || { cat serve.log; fail "serve did not start within a minute"; }
grep "serving" serve.log
grep -qF '\\?\' serve.log && { cat serve.log; fail "serve printed a verbatim (\\\\?\\) path"; }
grep -q 'serving Z:\\' serve.log || { cat serve.log; fail "serve did not print its root as a Windows path"; }
page="${url}issues/2021-125/renshe-jiuye/"
curl -fsS --max-time 20 "$page" > page.html || { cat serve.log; fail "serve did not answer $page"; }
grep -q "农民工" page.html || fail "the served article lacks its text"
marker="跨平台冒烟测试$RANDOM"
printf '\n%s\n' "$marker" >> sample/content/2021-125/01-renshe-jiuye.md
followed=""
for _ in $(seq 1 60); do
  if curl -fsS --max-time 20 "$page" 2>/dev/null | grep -q "$marker"; then followed=1; break; fi
  sleep 0.5
done
[ -n "$followed" ] || { cat serve.log; fail "serve did not follow the edit within 30 s"; }
grep "changed" serve.log | head -3
# A build while the output folder is held: retries, then fails naming it; the old output stays.
(cd sample/output && find . -type f -exec md5sum {} + | sort) > before.md5
if run build --root sample > held.log 2>&1; then
  fail "a build replaced the output folder while serve's current folder was inside it"
fi
grep -q "cannot replace the output folder" held.log && grep -q "another program holds it" held.log \
  || { cat held.log; fail "the build did not say that another program holds the output folder"; }
(cd sample/output && find . -type f -exec md5sum {} + | sort) > after.md5
cmp -s before.md5 after.md5 || fail "the held output folder was changed by the failed build"
ls -a sample | grep -q "bulletin-" && { ls -a sample; fail "the failed build left a temporary folder"; }
sed -n 's/^error: /    /p' held.log
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
serve_pid=""
cd "$repo"

step "bulletin.exe with no arguments under Wine: help from a command window, the 工作台 on its own console"
cd "$work/windows"
mkdir -p double-click && cp "$win_dir"/*.exe "$win_dir"/*.dll double-click/
# From cmd.exe the console is shared with the shell: the help, and no site is made.
(cd double-click && /usr/lib/wine/wine64 cmd /c bulletin.exe < /dev/null > ../no-args-cmd.log 2>&1) || true
grep -q "Usage: bulletin" no-args-cmd.log || { cat no-args-cmd.log; fail "bulletin.exe with no arguments from cmd.exe did not print its help"; }
[ -e double-click/我的简报 ] && fail "bulletin.exe with no arguments from cmd.exe made a site"
# Started alone on its console, as Explorer starts a double-clicked program: .ci/double-click.c
# creates the process with a console of its own (a program `wine` starts from a shell has none),
# its output going to a file since Wine's console here has no window.
x86_64-w64-mingw32-gcc -O2 -municode -o "$work/double-click.exe" "$repo/.ci/double-click.c"
(cd double-click && exec /usr/lib/wine/wine64 "$work/double-click.exe" bulletin.exe ../double-click.log < /dev/null > ../launcher.log 2>&1) &
serve_pid=$!
desk_url=""
for _ in $(seq 1 120); do
  [ -f double-click.log ] && desk_url=$(sed -n 's/^工作台: \(http:[^ ]*\)/\1/p' double-click.log | tr -d '\r')
  [ -n "$desk_url" ] && break
  if ! kill -0 "$serve_pid" 2>/dev/null; then
    cat launcher.log double-click.log 2>/dev/null
    fail "the double-clicked bulletin.exe exited before serving the 工作台"
  fi
  sleep 0.5
done
[ -n "$desk_url" ] || { cat launcher.log double-click.log; fail "the double-clicked bulletin.exe did not serve the 工作台 within a minute"; }
grep -q "Usage: bulletin" double-click.log && { cat double-click.log; fail "the double-clicked bulletin.exe printed its help"; }
grep -q "关闭这个窗口，工作台就会停止" double-click.log || { cat double-click.log; fail "the console window does not say that closing it stops the 工作台"; }
[ -f double-click/我的简报/site.yaml ] || fail "the double-clicked bulletin.exe did not make 我的简报 next to itself"
curl -fsS --max-time 20 "$desk_url" > desk.html || { cat double-click.log; fail "the 工作台 did not answer $desk_url"; }
grep -q 'name="bulletin-token" content="[0-9a-f]\{32\}"' desk.html || fail "the 工作台 page has no token (writes off?)"
curl -fsS --max-time 20 "${desk_url%/.bulletin/desk/}/issues/2021-001/" | grep -q "示例县" \
  || fail "the double-clicked bulletin.exe does not preview the site it made"
sed 's/^/    /' double-click.log
echo "    double-clicked: $desk_url"
# Closing the window ends the program; here the process is ended, then its launcher returns.
/usr/lib/wine/wine64 taskkill /f /im bulletin.exe < /dev/null > /dev/null 2>&1 || true
for _ in $(seq 1 20); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.5; done
kill "$serve_pid" 2>/dev/null || true
wait "$serve_pid" 2>/dev/null || true
serve_pid=""
cd "$repo"

step "done"
echo "--- cross: all smoke tests passed in $((SECONDS - started)) s"
