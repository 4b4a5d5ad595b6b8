/*
 * double-click.exe PROGRAM LOG: start PROGRAM the way Explorer starts a double-clicked console
 * program, for .ci/cross.sh's smoke test under Wine only (never shipped).
 *
 * Explorer (ShellExecute) creates a console program's process with a console of its own
 * (CREATE_NEW_CONSOLE), so the program is alone on it: GetConsoleProcessList answers 1. That is
 * what bulletin.exe reads to tell a double-click from a start in cmd.exe (src/cmd/start.rs). A
 * program started from a Unix shell by `wine` has no console at all (0), which is why the smoke
 * test needs this launcher. The one difference from Explorer: the program's standard output and
 * error go to LOG, because under a headless Wine the new console has no window to read.
 *
 * No arguments are passed, as with a double-click; the current folder is inherited. Waits for the
 * program and exits with its exit code.
 */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv) {
    if (argc != 3) {
        fwprintf(stderr, L"usage: double-click.exe PROGRAM LOG\n");
        return 2;
    }
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    HANDLE log = CreateFileW(argv[2], GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inherit,
                             CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (log == INVALID_HANDLE_VALUE) {
        fwprintf(stderr, L"double-click: cannot create %ls (error %lu)\n", argv[2], GetLastError());
        return 2;
    }
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = NULL;
    si.hStdOutput = log;
    si.hStdError = log;
    /* The command line is the program alone (CreateProcessW may write into this buffer). */
    wchar_t cmd[MAX_PATH + 3];
    if (_snwprintf(cmd, MAX_PATH + 3, L"\"%ls\"", argv[1]) < 0) {
        fwprintf(stderr, L"double-click: the program's path is too long\n");
        return 2;
    }
    if (!CreateProcessW(argv[1], cmd, NULL, NULL, TRUE, CREATE_NEW_CONSOLE, NULL, NULL, &si, &pi)) {
        fwprintf(stderr, L"double-click: cannot start %ls (error %lu)\n", argv[1], GetLastError());
        return 2;
    }
    CloseHandle(log);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    GetExitCodeProcess(pi.hProcess, &code);
    return (int)code;
}
