/* bcryptprimitives.dll for Wine 8: ProcessPrng, which Rust's std calls for HashMap seeds, filled
 * from BCryptGenRandom with the system RNG (Wine's bcrypt.dll has it). See README.md. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    /* BCryptGenRandom takes a ULONG length; fill larger buffers in pieces. */
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
    (void)dll; (void)reason; (void)reserved;
    return TRUE;
}
