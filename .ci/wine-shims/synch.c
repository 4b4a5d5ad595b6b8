/* The forwarding DLL needs an entry point and nothing else; its exports are in synch.def. */
#include <windows.h>

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
    (void)dll; (void)reason; (void)reserved;
    return TRUE;
}
